"""Reading the JSON contract list of ``spbe contract_status --json FILE`` (issue 9, point 5).

The file is a JSON list of objects ``{"id", "tahun", "mulai", "rencana", "realisasi", "tanggal"}``; dates
are ``YYYY-MM-DD`` and percentages decimal text (``"42.5"``; a JSON number is read exactly too, never
through a float). Anything else is refused with :class:`ContractFileError`, whose message is one line
naming the contract (position and id), the field, the point and what is wrong, so a script can show it as
it is. Pure: no database.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from spbe.core.errors import ValidationFailed

from .rules import ContractInput, PlanError, Point, check_plan

FIELDS = ("id", "tahun", "mulai", "rencana", "realisasi", "tanggal")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
PERCENT_PATTERN = re.compile(r"-?\d+(\.\d+)?")
# Older dates are typing errors, and the 30-day look-back must stay inside the calendar.
MIN_DATE = dt.date(1900, 1, 1)
MIN_YEAR, MAX_YEAR = 1900, 9999
MAX_ID_LENGTH = 200


class ContractFileError(ValidationFailed):
    """The file cannot be read as a contract list; ``message`` is one line."""


def _reject_constant(name: str) -> Any:
    raise ContractFileError(_("Berkas JSON memuat %(name)s, yang bukan angka.") % {"name": name})


def loads(text: str) -> list[ContractInput]:
    """Parse the text of a contract file (numbers as exact decimals) and check every contract."""
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ContractFileError(
            _("Berkas bukan JSON yang sah (baris %(line)d, kolom %(column)d): %(reason)s.")
            % {"line": error.lineno, "column": error.colno, "reason": error.msg}
        ) from None
    return read_contracts(data)


def read_contracts(data: object) -> list[ContractInput]:
    if not isinstance(data, list):
        raise ContractFileError(_("Isi berkas harus berupa daftar (list) JSON kontrak."))
    return [_contract(position, item) for position, item in enumerate(data, start=1)]


class _Where:
    """Names the place of a problem: ``kontrak ke-2 ("K-7"), rencana titik 3``."""

    def __init__(self, position: int, key: object = None) -> None:
        self.position = position
        self.key = key

    def error(self, message: str, field: str | None = None, point: int | None = None) -> ContractFileError:
        where = _("kontrak ke-%(n)d") % {"n": self.position}
        if isinstance(self.key, str):
            # json.dumps quotes and escapes: an id holding a line break still prints on one line.
            where += f" ({json.dumps(self.key, ensure_ascii=False)[: MAX_ID_LENGTH + 2]})"
        if field is not None:
            where += f", {field}"
        if point is not None:
            where += " " + _("titik %(n)d") % {"n": point}
        return ContractFileError(f"{where}: {message}", field=field)


def _contract(position: int, item: object) -> ContractInput:
    where = _Where(position)
    if not isinstance(item, Mapping):
        raise where.error(
            _("harus berupa objek JSON dengan kolom %(fields)s") % {"fields": ", ".join(FIELDS)}
        )
    where.key = item.get("id")
    missing = [name for name in FIELDS if name not in item]
    if missing:
        raise where.error(_("kolom %(fields)s tidak ada") % {"fields": ", ".join(missing)})
    key = item["id"]
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_ID_LENGTH:
        raise where.error(
            _("id harus teks, tidak kosong, paling panjang %(max)d karakter") % {"max": MAX_ID_LENGTH}, "id"
        )
    tahun = item["tahun"]
    if isinstance(tahun, bool) or not isinstance(tahun, int) or not MIN_YEAR <= tahun <= MAX_YEAR:
        raise where.error(
            _("tahun harus bilangan bulat %(min)d sampai %(max)d") % {"min": MIN_YEAR, "max": MAX_YEAR},
            "tahun",
        )
    mulai = _date(item["mulai"], where, "mulai")
    tanggal = _date(item["tanggal"], where, "tanggal")
    plan = _points(item["rencana"], where, "rencana")
    reports = _points(item["realisasi"], where, "realisasi")
    # Points in date order; on one date the order of the file is kept (the last report listed counts).
    plan_order = sorted(range(len(plan)), key=lambda i: plan[i][0])
    sorted_plan = [plan[i] for i in plan_order]
    try:
        check_plan(mulai, sorted_plan)
    except PlanError as error:
        raise where.error(str(error), "rencana", plan_order[error.index] + 1) from None
    return ContractInput(
        key=key,
        tahun=tahun,
        mulai=mulai,
        plan=tuple(sorted_plan),
        reports=tuple(sorted(reports, key=lambda p: p[0])),
        tanggal=tanggal,
    )


def _date(raw: object, where: _Where, field: str, point: int | None = None) -> dt.date:
    problem = _("tanggal %(value)s tidak sah: tulis TTTT-BB-HH, misalnya 2026-07-31") % {
        "value": json.dumps(raw, ensure_ascii=False, default=str)[:40]
    }
    if not isinstance(raw, str) or not DATE_PATTERN.fullmatch(raw):
        raise where.error(problem, field, point)
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise where.error(problem, field, point) from None
    if day < MIN_DATE:
        raise where.error(_("tanggal %(value)s sebelum tahun 1900") % {"value": raw}, field, point)
    return day


def _percent(raw: object, where: _Where, field: str, point: int) -> Fraction:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, Decimal)):
        raise where.error(_('persentase harus berupa angka desimal, misalnya "42.5"'), field, point)
    if isinstance(raw, str):
        text = raw.strip()
        if not PERCENT_PATTERN.fullmatch(text):
            raise where.error(
                _('persentase "%(value)s" tidak sah: tulis angka dengan titik desimal, misalnya "42.5"')
                % {"value": raw[:40]},
                field,
                point,
            )
        raw = text
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value <= 100:
        raise where.error(
            _("persentase %(value)s di luar 0 sampai 100") % {"value": str(raw)[:40]}, field, point
        )
    return Fraction(value)


def _points(raw: object, where: _Where, field: str) -> list[Point]:
    if not isinstance(raw, list):
        raise where.error(_('harus berupa daftar pasangan ["TTTT-BB-HH", "persen"]'), field)
    points: list[Point] = []
    for number, pair in enumerate(raw, start=1):
        if not isinstance(pair, list) or len(pair) != 2:
            raise where.error(_('harus berupa pasangan ["TTTT-BB-HH", "persen"]'), field, number)
        points.append((_date(pair[0], where, field, number), _percent(pair[1], where, field, number)))
    return points
