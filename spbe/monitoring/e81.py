"""Quarterly E.81 evaluation of an agency's work plan (Permendagri 86/2017), with domain guide 5's columns.

Per program, kegiatan or sub-kegiatan and indicator (:class:`~spbe.monitoring.models_e81.E81Target`):

- 6 the Renstra's 5-year target, 7 realised up to last year, 8 this year's target (entered);
- 9-12 realised in quarters I-IV (entered; quarters after the one evaluated are left out);
- 13 = 9 + 10 + 11 + 12, realised this year to date;
- 14 = 13 / 8 x 100, this year's achievement (empty when column 8 is 0: no target, no ratio);
- 15 = 7 + 13, realised over the Renstra period to date;
- 16 = 15 / 6 x 100, the Renstra achievement (empty when column 6 is 0).

Sums are exact decimals and ratios exact fractions, shown with 2 decimals rounded half up. The agency also
writes the quarter's drivers, obstacles and follow-up (:class:`~spbe.monitoring.models_e81.E81Evaluation`).
Every write is a service with its audit entry; only the agency (``manage`` of :data:`PROJECT`) writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import PerangkatDaerah
from spbe.core import audit
from spbe.core.actors import MaybeActor, require_actor
from spbe.core.errors import RowError, ValidationFailed
from spbe.core.tabular import Column, ErrorCollector, read_table
from spbe.core.text import clean_name

from .access import PROJECT
from .models_e81 import E81Evaluation, E81Level, E81Target
from .services import clean_text

HUNDRED = Fraction(100)
VALUE_PLACES = Decimal("0.01")
MAX_VALUE = Decimal("9999999999999999.99")
QUARTERS = (1, 2, 3, 4)
LEVEL_WORDS = {
    "program": E81Level.PROGRAM,
    "kegiatan": E81Level.KEGIATAN,
    "sub kegiatan": E81Level.SUB_KEGIATAN,
}


def parse_value(raw: Decimal | str | int, *, field: str) -> Decimal:
    """An indicator value: 0 or more, at most 2 decimals, a decimal comma allowed; floats refused."""
    if isinstance(raw, (bool, float)):
        raise ValidationFailed(_('Nilai harus ditulis sebagai angka desimal, misalnya "12,5".'), field=field)
    try:
        number = (
            Decimal(raw.strip().replace(" ", "").replace(",", ".")) if isinstance(raw, str) else Decimal(raw)
        )
    except InvalidOperation:
        raise ValidationFailed(_("Nilai harus berupa angka."), field=field) from None
    if not number.is_finite() or number < 0 or number > MAX_VALUE:
        raise ValidationFailed(_("Nilai harus angka 0 atau lebih."), field=field)
    if number != number.quantize(VALUE_PLACES):
        raise ValidationFailed(_("Nilai paling banyak 2 angka di belakang koma."), field=field)
    return number.quantize(VALUE_PLACES)


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Fraction | None:
    """numerator / denominator x 100, exact; None (an empty cell) when there is nothing to divide by."""
    if numerator is None or not denominator:
        return None
    return Fraction(numerator) / Fraction(denominator) * HUNDRED


@dataclass(frozen=True)
class E81Line:
    target: E81Target
    quarters: tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]  # cols 9-12
    col13: Decimal | None
    col14: Fraction | None
    col15: Decimal
    col16: Fraction | None

    @property
    def col6(self) -> Decimal:
        return self.target.target_5y

    @property
    def col7(self) -> Decimal:
        return self.target.realised_before

    @property
    def col8(self) -> Decimal:
        return self.target.target_year


def line(target: E81Target, quarter: int) -> E81Line:
    """One row of the form as evaluated at the end of ``quarter`` (1-4)."""
    entered = (target.q1, target.q2, target.q3, target.q4)
    shown = tuple(value if number <= quarter else None for number, value in enumerate(entered, start=1))
    present = [v for v in shown if v is not None]
    col13 = sum(present, Decimal("0.00")) if present else None
    col15 = target.realised_before + (col13 or Decimal("0.00"))
    return E81Line(
        target=target,
        quarters=(shown[0], shown[1], shown[2], shown[3]),
        col13=col13,
        col14=ratio(col13, target.target_year),
        col15=col15,
        col16=ratio(col15, target.target_5y),
    )


@dataclass(frozen=True)
class E81Form:
    unit: PerangkatDaerah
    year: int
    quarter: int
    lines: list[E81Line]
    evaluation: E81Evaluation | None


def check_quarter(year: int, quarter: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("Tahun harus antara 2000 dan 2100."), field="year")
    if quarter not in QUARTERS:
        raise ValidationFailed(_("Triwulan harus 1 sampai 4."), field="quarter")


def form(unit: PerangkatDaerah, year: int, quarter: int) -> E81Form:
    """The agency's E.81 for a quarter: its rows in code order and the agency's text."""
    check_quarter(year, quarter)
    targets = E81Target.objects.filter(unit=unit, year=year).order_by("code", "indicator", "pk")
    return E81Form(
        unit=unit,
        year=year,
        quarter=quarter,
        lines=[line(t, quarter) for t in targets],
        evaluation=E81Evaluation.objects.filter(unit=unit, year=year, quarter=quarter).first(),
    )


TARGET_FIELDS = [
    "level",
    "code",
    "name",
    "indicator",
    "measure",
    "target_5y",
    "realised_before",
    "target_year",
    "renstra_key",
]


@dataclass(frozen=True)
class TargetInput:
    level: str
    code: str
    name: str
    indicator: str
    measure: str
    target_5y: Decimal | str
    realised_before: Decimal | str
    target_year: Decimal | str
    renstra_key: str = ""

    def clean(self) -> dict[str, object]:
        if self.level not in E81Level.values:
            raise ValidationFailed(_("Tingkat harus program, kegiatan atau sub kegiatan."), field="level")
        code = self.code.strip()
        if not code or len(code) > 30:
            raise ValidationFailed(_("Kode wajib diisi, paling banyak 30 karakter."), field="code")
        return {
            "level": self.level,
            "code": code,
            "name": clean_name(self.name, label=_("nama"), max_length=300, field="name"),
            "indicator": clean_name(self.indicator, label=_("indikator"), max_length=300, field="indicator"),
            "measure": clean_name(self.measure, label=_("satuan"), max_length=50, field="measure"),
            "target_5y": parse_value(self.target_5y, field="target_5y"),
            "realised_before": parse_value(self.realised_before, field="realised_before"),
            "target_year": parse_value(self.target_year, field="target_year"),
            "renstra_key": self.renstra_key.strip()[:100],
        }


def target_set(*, actor: MaybeActor, unit: PerangkatDaerah, year: int, entry: TargetInput) -> E81Target:
    """Add a row (program/kegiatan/sub-kegiatan and indicator) or change its targets."""
    PROJECT.require(actor, Place.of_unit(unit), "manage")
    check_quarter(year, 1)
    values = entry.clean()
    with transaction.atomic():
        row = (
            E81Target.objects.select_for_update()
            .filter(unit=unit, year=year, code=values["code"], indicator=values["indicator"])
            .first()
        )
        before = audit.snapshot(row, TARGET_FIELDS) if row else None
        if row is None:
            row = E81Target(pemda_id=unit.pemda_id, unit=unit, year=year)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        audit.record(
            actor=actor,
            action="e81.target_set",
            obj=row,
            pemda_code=row.pemda_id,
            before=before,
            after=audit.snapshot(row, [*TARGET_FIELDS, "year", "unit"]),
        )
    return row


def realisation_set(
    *, actor: MaybeActor, target: E81Target, quarter: int, value: Decimal | str | None
) -> E81Target:
    """Record (or clear, with None) what was realised in one quarter (columns 9-12)."""
    PROJECT.require(actor, Place.of_unit(target.unit), "manage")
    check_quarter(target.year, quarter)
    amount = (
        None
        if value is None or (isinstance(value, str) and not value.strip())
        else parse_value(value, field=f"q{quarter}")
    )
    name = f"q{quarter}"
    with transaction.atomic():
        locked = E81Target.objects.select_for_update().get(pk=target.pk)
        before = getattr(locked, name)
        if before == amount:
            return locked
        E81Target.objects.filter(pk=locked.pk).update(**{name: amount})
        audit.record(
            actor=actor,
            action="e81.realisation_set",
            obj=locked,
            pemda_code=locked.pemda_id,
            before={name: before},
            after={name: amount},
        )
    target.refresh_from_db()
    return target


def evaluation_set(
    *,
    actor: MaybeActor,
    unit: PerangkatDaerah,
    year: int,
    quarter: int,
    drivers: str,
    obstacles: str,
    follow_up: str,
) -> E81Evaluation:
    """The agency's drivers, obstacles and follow-up for the quarter (replacing the previous text)."""
    PROJECT.require(actor, Place.of_unit(unit), "manage")
    check_quarter(year, quarter)
    values = {
        "drivers": clean_text(drivers, label=_("faktor pendorong"), field="drivers"),
        "obstacles": clean_text(obstacles, label=_("faktor penghambat"), field="obstacles"),
        "follow_up": clean_text(follow_up, label=_("tindak lanjut"), field="follow_up"),
    }
    with transaction.atomic():
        row = E81Evaluation.objects.select_for_update().filter(unit=unit, year=year, quarter=quarter).first()
        before = audit.snapshot(row, list(values)) if row else None
        if row is None:
            row = E81Evaluation(pemda_id=unit.pemda_id, unit=unit, year=year, quarter=quarter)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        audit.record(
            actor=actor,
            action="e81.evaluation_set",
            obj=row,
            pemda_code=row.pemda_id,
            before=before,
            after={**values, "year": year, "quarter": quarter},
        )
    return row


IMPORT_COLUMNS = [
    Column("tingkat", max_length=20),
    Column("kode", max_length=30),
    Column("nama", max_length=300),
    Column("indikator", max_length=300),
    Column("satuan", max_length=50),
    Column("target_renstra", max_length=30),
    Column("realisasi_sd_tahun_lalu", max_length=30),
    Column("target_tahun_ini", max_length=30),
    *(Column(f"tw{n}", required=False, max_length=30) for n in QUARTERS),
]
_IMPORT_FIELDS = {
    "tingkat": "level",
    "kode": "code",
    "nama": "name",
    "indikator": "indicator",
    "satuan": "measure",
    "target_renstra": "target_5y",
    "realisasi_sd_tahun_lalu": "realised_before",
    "target_tahun_ini": "target_year",
}


def targets_import(*, actor: MaybeActor, unit: PerangkatDaerah, year: int, path: Path | str) -> int:
    """Add or replace an agency's E.81 rows of a year from CSV/XLSX, all or nothing.

    Columns: ``tingkat, kode, nama, indikator, satuan, target_renstra, realisasi_sd_tahun_lalu,
    target_tahun_ini`` and optionally ``tw1``-``tw4``. Errors as ``row N, column X: reason``.
    """
    vetted = require_actor(actor)
    PROJECT.require(vetted, Place.of_unit(unit), "manage")
    check_quarter(year, 1)
    path = Path(path)
    errors = ErrorCollector()
    cleaned: list[tuple[dict[str, object], dict[str, Decimal | None]]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in read_table(path, IMPORT_COLUMNS):
        level = LEVEL_WORDS.get(row.values["tingkat"].strip().lower().replace("_", " "))
        if level is None:
            errors.add(
                RowError(row.row, _("harus program, kegiatan atau sub kegiatan"), "tingkat", path.name)
            )
            continue
        entry = TargetInput(
            level=level,
            code=row.values["kode"],
            name=row.values["nama"],
            indicator=row.values["indikator"],
            measure=row.values["satuan"],
            target_5y=row.values["target_renstra"],
            realised_before=row.values["realisasi_sd_tahun_lalu"],
            target_year=row.values["target_tahun_ini"],
        )
        try:
            values = entry.clean()
            quarters = {
                f"q{n}": parse_value(row.values[f"tw{n}"], field=f"tw{n}")
                if row.values.get(f"tw{n}", "").strip()
                else None
                for n in QUARTERS
            }
        except ValidationFailed as error:
            column = next((k for k, v in _IMPORT_FIELDS.items() if v == error.field), error.field)
            errors.add(RowError(row.row, error.message, column, path.name))
            continue
        key = (str(values["code"]), str(values["indicator"]))
        if key in seen:
            errors.add(
                RowError(
                    row.row,
                    _("kode dan indikator sama dengan baris %(n)d") % {"n": seen[key]},
                    "indikator",
                    path.name,
                )
            )
            continue
        seen[key] = row.row
        cleaned.append((values, quarters))
    if not cleaned and not errors:
        errors.add(RowError(2, _("tidak ada baris E.81"), "kode", path.name))
    if errors:
        raise errors.failure(
            _("Target E.81 tidak diimpor: perbaiki berkas %(file)s lalu ulangi.") % {"file": path.name}
        )
    with transaction.atomic():
        existing = {
            (t.code, t.indicator): t
            for t in E81Target.objects.select_for_update().filter(unit=unit, year=year)
        }
        changes: list[audit.Change] = []
        for values, quarters in cleaned:
            row_ = existing.get((str(values["code"]), str(values["indicator"])))
            before = audit.snapshot(row_, [*TARGET_FIELDS, "q1", "q2", "q3", "q4"]) if row_ else None
            if row_ is None:
                row_ = E81Target(pemda_id=unit.pemda_id, unit=unit, year=year)
            for name, value in {**values, **quarters}.items():
                setattr(row_, name, value)
            row_.save()
            changes.append(
                audit.Change(
                    "e81.import",
                    obj=row_,
                    pemda_code=row_.pemda_id,
                    before=before,
                    after=audit.snapshot(row_, [*TARGET_FIELDS, "q1", "q2", "q3", "q4", "year"]),
                )
            )
        audit.record_many(actor=vetted, changes=changes)
    return len(cleaned)
