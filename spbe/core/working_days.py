"""Working days: Monday to Friday, minus the national holidays and cuti bersama, with a pemda's own changes.

The national list is ``data/hari_libur.csv`` (one SKB of three ministers per year, cited there); a pemda
admin adds local holidays, or a cuti bersama the file does not hold yet, and can mark a listed day as a
working day (``models_holidays.LocalHoliday``, written by ``spbe.accounts.holidays``). A deadline counted in
working days (an advance accounted for within ten, Permendagri 20/2018 art. 52) moves past every day off.

``add(start, n, pemda)`` reads the pemda's changes with one query each call; code that counts many
deadlines at once (a demo, an import) builds one :class:`Calendar` and calls its ``add``.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from .models_holidays import LocalHoliday

DATA = Path(__file__).resolve().parent / "data" / "hari_libur.csv"
KINDS = ("libur_nasional", "cuti_bersama")


class HasCode(Protocol):
    code: str


@dataclass(frozen=True)
class Holiday:
    day: dt.date
    kind: str
    name: str
    basis: str


@cache
def national() -> dict[dt.date, Holiday]:
    """Every national holiday and cuti bersama of the bundled list, by date."""
    found: dict[dt.date, Holiday] = {}
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for number, row in enumerate(rows, start=2):
            day = dt.date.fromisoformat(row["tanggal"])
            if row["jenis"] not in KINDS or day in found:
                raise ValueError(f"{DATA.name} row {number}: unknown kind or repeated date {day}")
            found[day] = Holiday(day, row["jenis"], row["keterangan"], row["dasar"])
    return found


def _code(pemda: str | HasCode | None) -> str:
    if pemda is None:
        return ""
    return pemda if isinstance(pemda, str) else pemda.code


class Calendar:
    """The days off of one pemda: weekends, the national list, the pemda's additions and exceptions."""

    def __init__(self, pemda: str | HasCode | None = None) -> None:
        self.pemda_code = _code(pemda)
        self.off = set(national())
        if self.pemda_code:
            for day, is_holiday in LocalHoliday.objects.filter(pemda_code=self.pemda_code).values_list(
                "day", "is_holiday"
            ):
                if is_holiday:
                    self.off.add(day)
                else:
                    self.off.discard(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.off

    def add(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself never counts; ``days`` >= 0)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, left = start, days
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day


def add(start: dt.date, days: int, pemda: str | HasCode | None = None) -> dt.date:
    """The ``days``-th working day after ``start`` in ``pemda`` (its own holidays included)."""
    return Calendar(pemda).add(start, days)


def is_working_day(day: dt.date, pemda: str | HasCode | None = None) -> bool:
    return Calendar(pemda).is_working_day(day)
