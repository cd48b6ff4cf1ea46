"""Every write of the plans (RPJMD, Renstra, RKPD, Renja) and of the link from an accepted proposal to the
RKPD item that funds it. Each in one transaction with its audit entry.

A plan is written whole from a table (CSV or XLSX, the form Bappeda and agencies keep their plans in), all or
nothing: every row is checked first (the codes against the plan's nomenclature year, with the support
program ``X.XX`` written with the agency's bidang exactly as e-budgeting reads it), every error is reported
as ``row N, column X: reason``, and nothing is written unless all rows are valid. Importing into a draft
replaces its rows (rows keep their identity by key, so the proposals funded by an RKPD item stay linked);
an adopted plan is frozen (:mod:`spbe.core.versions`) and refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.codes import clean_org_code
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.budgeting.calc import org_bidang
from spbe.budgeting.services import YearCodes
from spbe.core import audit, versions
from spbe.core.actors import Actor, MaybeActor, require_actor
from spbe.core.errors import Conflict, NotFound, RowError, SpbeError, ValidationFailed
from spbe.core.money import parse_rupiah
from spbe.core.tabular import Column, ErrorCollector, TableRow, read_table
from spbe.core.text import clean_name
from spbe.reference.codes import PLACEHOLDER_URUSAN, InvalidCode, parse_nomenclature_code
from spbe.reference.models import Nomenclature
from spbe.regions.models import Region

from . import plans_funding
from .access import PROPOSAL
from .access_plans import PLAN, capability
from .models import Decision, Proposal, Stage
from .models_plans import (
    AGENCY_KINDS,
    PERIOD_KINDS,
    PERIOD_YEARS,
    STATEMENT_KINDS,
    ZERO,
    Plan,
    PlanFunding,
    PlanKind,
    PlanRow,
    RowKind,
)
from .services import published_changed

PENUNJANG_PROGRAM = "01"
POSITION_SHIFT = 10_000_000
REGENCY_WIDE = frozenset({"", "kabupaten", "kab", "-"})
TARGET_PLACES = 2
MAX_TARGET = Decimal("1e16")
_NUMBER = re.compile(r"^-?[0-9]+([.,][0-9]+)?$")
_STATEMENT_CODE = re.compile(r"^[1-9][0-9]{0,2}(\.[1-9][0-9]{0,2}){0,2}$")
STATEMENT_DEPTH = {RowKind.MISI: 1, RowKind.TUJUAN: 2, RowKind.SASARAN: 3}

#: Which rows each plan holds.
ROW_KINDS: dict[str, tuple[str, ...]] = {
    PlanKind.RPJMD: ("visi", RowKind.MISI, RowKind.TUJUAN, RowKind.SASARAN, RowKind.PROGRAM),
    PlanKind.RENSTRA: (
        RowKind.TUJUAN,
        RowKind.SASARAN,
        RowKind.PROGRAM,
        RowKind.KEGIATAN,
        RowKind.SUB_KEGIATAN,
    ),
    PlanKind.RKPD: (RowKind.SUB_KEGIATAN,),
    PlanKind.RENJA: (RowKind.SUB_KEGIATAN,),
}
VISION = "visi"

# The columns of each kind's table (the export writes the same, plus names the import ignores).
PERIOD_COLUMNS = [
    Column("jenis", max_length=20),
    Column("kode", required=False, max_length=40),
    Column("uraian", required=False, max_length=2000),
    Column("induk", required=False, max_length=40),
    Column("kode_skpd", required=False, max_length=40),
    Column("indikator", required=False, max_length=300),
    Column("satuan", required=False, max_length=40),
    Column("baseline", required=False, max_length=40),
    *(Column(f"target_{n}", required=False, max_length=40) for n in range(1, PERIOD_YEARS + 1)),
    *(Column(f"pagu_{n}", required=False, max_length=40) for n in range(1, PERIOD_YEARS + 1)),
]
YEAR_COLUMNS = [
    Column("kode_skpd", required=False, max_length=40),
    Column("kode_sub_kegiatan", max_length=40),
    Column("lokasi", required=False, max_length=40),
    Column("indikator_keluaran", max_length=300),
    Column("target", max_length=40),
    Column("satuan", max_length=40),
    Column("pagu_indikatif", max_length=40),
]


def columns_for(kind: str) -> list[Column]:
    return PERIOD_COLUMNS if kind in PERIOD_KINDS else YEAR_COLUMNS


# --- codes of the plan's year -------------------------------------------------------------------------


class PlanCodes:
    """The nomenclature of one year as the plans read it, loaded once per import.

    Sub-kegiatan are checked by e-budgeting's own rule (:meth:`YearCodes.sub_kegiatan_for`), so a code a
    plan accepts is one the budget accepts too; programs and kegiatan follow the same rule at their level.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        self.names: dict[str, str] = {}
        self.by_level: dict[str, set[str]] = {}
        for code, name, level in Nomenclature.objects.filter(year=year).values_list("code", "name", "level"):
            self.names[code] = name
            self.by_level.setdefault(level, set()).add(code)
        self.budget = YearCodes(
            year=year,
            sub_kegiatan=frozenset(self.by_level.get(RowKind.SUB_KEGIATAN, ())),
            accounts=frozenset(),
            funding=frozenset(),
        )

    def name_of(self, code: str) -> str:
        parts = code.split(".")
        generic = ".".join([PLACEHOLDER_URUSAN, "XX", *parts[2:]]) if len(parts) >= 3 else code
        return self.names.get(code) or self.names.get(generic, "")

    def check(self, row_kind: str, raw: str, unit_code: str) -> str:
        """The code as it is kept, or ValidationFailed naming the code and the year."""
        if row_kind == RowKind.SUB_KEGIATAN:
            return self.budget.sub_kegiatan_for(raw, unit_code)
        try:
            code, level = parse_nomenclature_code(raw)
        except InvalidCode as exc:
            raise ValidationFailed(exc.message, field="code") from exc
        label = RowKind(row_kind).label
        if level != row_kind:
            raise ValidationFailed(
                _("kode %(code)s bukan %(level)s") % {"code": code, "level": label}, field="code"
            )
        parts = code.split(".")
        if parts[0] == PLACEHOLDER_URUSAN:
            raise ValidationFailed(
                _("program penunjang %(code)s ditulis dengan bidang perangkat daerah, mis. 1.03.01...")
                % {"code": code},
                field="code",
            )
        known = self.by_level.get(level, set())
        if parts[2] == PENUNJANG_PROGRAM:
            bidang = org_bidang(unit_code)
            if f"{parts[0]}.{parts[1]}" not in bidang:
                raise ValidationFailed(
                    _("program penunjang %(code)s harus ditulis dengan bidang perangkat daerah (%(bidang)s)")
                    % {"code": code, "bidang": ", ".join(sorted(bidang)) or "-"},
                    field="code",
                )
            if code in known or ".".join([PLACEHOLDER_URUSAN, "XX", *parts[2:]]) in known:
                return code
        elif code in known:
            return code
        raise ValidationFailed(
            _("%(level)s %(code)s tidak ada pada nomenklatur tahun %(year)d")
            % {"level": label.lower(), "code": code, "year": self.year},
            field="code",
        )


def nomenclature_year(kind: str, year: int) -> int:
    """The year whose nomenclature a plan's codes use: the budget year of a yearly plan; for a five-year
    plan the first year of its period whose lists are loaded (a plan adopted before the next year's list
    exists is written in the list in force)."""
    last = year + PERIOD_YEARS - 1 if kind in PERIOD_KINDS else year
    loaded = (
        Nomenclature.objects.filter(year__gte=year, year__lte=last, level=Nomenclature.Level.SUB_KEGIATAN)
        .order_by("year")
        .values_list("year", flat=True)
        .first()
    )
    if loaded is None:
        raise ValidationFailed(
            _("Nomenklatur tahun %(years)s belum dimuat; muat daftar referensinya dulu.")
            % {"years": str(year) if last == year else f"{year}-{last}"},
            field="year",
        )
    return loaded


# --- reading a plan's table ---------------------------------------------------------------------------


def _target(text: str, column: str) -> Decimal | None:
    raw = text.strip().replace(" ", "")
    if not raw:
        return None
    if not _NUMBER.fullmatch(raw):
        raise ValidationFailed(_("'%(value)s' bukan angka, mis. 12 atau 2,5") % {"value": raw}, field=column)
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValidationFailed(_("'%(value)s' bukan angka") % {"value": raw}, field=column) from None
    if value < 0:
        raise ValidationFailed(_("target tidak boleh negatif"), field=column)
    if -value.as_tuple().exponent > TARGET_PLACES:  # type: ignore[operator]
        raise ValidationFailed(
            _("'%(value)s' paling banyak %(places)d angka desimal") % {"value": raw, "places": TARGET_PLACES},
            field=column,
        )
    if value >= MAX_TARGET:
        raise ValidationFailed(_("'%(value)s' terlalu besar") % {"value": raw}, field=column)
    return value


def _ceiling(text: str, column: str) -> Decimal:
    raw = text.strip()
    if not raw:
        return ZERO
    amount = parse_rupiah(raw, field=column)
    if amount < 0:
        raise ValidationFailed(_("pagu indikatif tidak boleh negatif"), field=column)
    return amount


@dataclass
class _Checked:
    """A valid row, ready to be written."""

    position: int
    row_kind: str
    code: str
    name: str
    parent_code: str = ""
    unit: PerangkatDaerah | None = None
    location: str | None = None
    indicator: str = ""
    measure: str = ""
    baseline: Decimal | None = None
    targets: list[Decimal | None] = field(default_factory=lambda: [None] * PERIOD_YEARS)
    ceilings: list[Decimal] = field(default_factory=lambda: [ZERO] * PERIOD_YEARS)

    def key(self) -> tuple[str, str, str, str, str]:
        return (
            self.row_kind,
            self.code,
            self.unit.code if self.unit else "",
            self.location or "",
            self.indicator,
        )


@dataclass
class _Reader:
    """Everything a plan's rows are checked against, read once per import."""

    pemda: Pemda
    kind: str
    unit: PerangkatDaerah | None
    codes: PlanCodes
    units: dict[str, PerangkatDaerah]
    places: dict[str, str]  # region code -> level, for the pemda's kecamatan and desa/kelurahan
    errors: ErrorCollector
    vision: str | None = None
    rows: list[_Checked] = field(default_factory=list)
    seen: dict[tuple[str, str, str, str, str], int] = field(default_factory=dict)
    statements: set[str] = field(default_factory=set)
    programs: set[tuple[str, str]] = field(default_factory=set)

    def error(self, row: TableRow, column: str, problem: SpbeError | str) -> None:
        message = problem if isinstance(problem, str) else problem.message
        self.errors.add(RowError(row.row, message, column, row.file))

    def attempt[T](self, row: TableRow, column: str, check: Callable[[], T]) -> tuple[bool, T | None]:
        try:
            return True, check()
        except SpbeError as exc:
            self.error(row, column, exc)
            return False, None

    def unit_of(self, row: TableRow) -> PerangkatDaerah | None:
        raw = row.values.get("kode_skpd", "").strip()
        if self.unit is not None:
            if raw:
                ok, code = self.attempt(row, "kode_skpd", lambda: clean_org_code(raw))
                if ok and code != self.unit.code:
                    self.error(
                        row,
                        "kode_skpd",
                        _("baris milik %(code)s, bukan %(unit)s yang rencananya diimpor")
                        % {"code": code, "unit": self.unit.code},
                    )
                    return None
            return self.unit
        if not raw:
            self.error(row, "kode_skpd", _("wajib diisi: perangkat daerah penanggung jawab"))
            return None
        ok, code = self.attempt(row, "kode_skpd", lambda: clean_org_code(raw))
        if not ok or code is None:
            return None
        unit = self.units.get(code)
        if unit is None:
            self.error(
                row, "kode_skpd", _("perangkat daerah %(code)s tidak ada di pemda ini") % {"code": code}
            )
        return unit

    def location_of(self, row: TableRow) -> tuple[bool, str | None]:
        raw = row.values.get("lokasi", "").strip()
        if raw.lower() in REGENCY_WIDE:
            return True, None
        if raw not in self.places:
            self.error(
                row,
                "lokasi",
                _(
                    "lokasi %(code)s bukan kecamatan atau desa/kelurahan %(pemda)s; "
                    "kosongkan atau tulis 'kabupaten' untuk seluruh kabupaten"
                )
                % {"code": raw, "pemda": self.pemda.name},
            )
            return False, None
        return True, raw

    def read(self, row: TableRow, position: int) -> None:
        values = row.values
        if self.kind in PERIOD_KINDS:
            self._read_period_row(row, position, values)
        else:
            self._read_year_row(row, position, values)

    def _text(self, row: TableRow, column: str, label: str, max_length: int, *, required: bool) -> str | None:
        raw = row.values.get(column, "")
        if not raw.strip():
            if required:
                self.error(row, column, _("wajib diisi"))
                return None
            return ""
        ok, text = self.attempt(row, column, lambda: clean_name(raw, label=label, max_length=max_length))
        return text if ok else None

    def _read_year_row(self, row: TableRow, position: int, values: dict[str, str]) -> None:
        good = True
        unit = self.unit_of(row)
        good &= unit is not None
        code = ""
        if unit is not None:
            ok, found = self.attempt(
                row,
                "kode_sub_kegiatan",
                lambda: self.codes.check(RowKind.SUB_KEGIATAN, values["kode_sub_kegiatan"], unit.code),
            )
            good &= ok
            code = found or ""
        ok, location = self.location_of(row)
        good &= ok
        indicator = self._text(row, "indikator_keluaran", _("indikator keluaran"), 300, required=True)
        measure = self._text(row, "satuan", _("satuan"), 40, required=True)
        good &= indicator is not None and measure is not None
        ok, target = self.attempt(row, "target", lambda: _target(values["target"], "target"))
        if ok and target is None:
            self.error(row, "target", _("wajib diisi"))
            ok = False
        good &= ok
        ok, ceiling = self.attempt(row, "pagu_indikatif", lambda: _ceiling(values["pagu_indikatif"], "pagu"))
        good &= ok
        if not good or unit is None:
            return
        checked = _Checked(
            position,
            RowKind.SUB_KEGIATAN,
            code,
            self.codes.name_of(code),
            unit=unit,
            location=location,
            indicator=indicator or "",
            measure=measure or "",
        )
        checked.targets[0] = target
        checked.ceilings[0] = ceiling or ZERO
        self._keep(row, checked, "kode_sub_kegiatan")

    def _read_period_row(self, row: TableRow, position: int, values: dict[str, str]) -> None:
        kind = values.get("jenis", "").strip().lower().replace(" ", "_").replace("-", "_")
        allowed = ROW_KINDS[self.kind]
        if kind not in allowed:
            self.error(
                row,
                "jenis",
                _("jenis '%(kind)s' tidak dikenal di %(plan)s; yang sah: %(allowed)s")
                % {
                    "kind": values.get("jenis", ""),
                    "plan": PlanKind(self.kind).label,
                    "allowed": ", ".join(allowed),
                },
            )
            return
        if kind == VISION:
            text = self._text(row, "uraian", _("visi"), 2000, required=True)
            if text is None:
                return
            if self.vision is not None:
                self.error(row, "jenis", _("visi ditulis lebih dari sekali"))
                return
            self.vision = text
            return
        good = True
        checked = _Checked(position, kind, "", "")
        raw_code = values.get("kode", "").strip()
        if kind in STATEMENT_KINDS:
            depth = STATEMENT_DEPTH[RowKind(kind)]
            if not _STATEMENT_CODE.fullmatch(raw_code) or raw_code.count(".") + 1 != depth:
                example = ".".join(["1"] * depth)
                self.error(
                    row,
                    "kode",
                    _("kode %(kind)s '%(code)s' harus %(depth)d angka bertitik, mis. %(example)s")
                    % {
                        "kind": RowKind(kind).label.lower(),
                        "code": raw_code,
                        "depth": depth,
                        "example": example,
                    },
                )
                good = False
            else:
                checked.code = raw_code
                checked.parent_code = raw_code.rsplit(".", 1)[0] if depth > 1 else ""
                # Known from here on even if another cell of this row is wrong: one mistake, one message.
                self.statements.add(raw_code)
                # A Renstra starts at its tujuan: their parents are the RPJMD's misi, not written again.
                orphan = bool(checked.parent_code) and checked.parent_code not in self.statements
                if orphan and not (self.kind == PlanKind.RENSTRA and kind == RowKind.TUJUAN):
                    self.error(
                        row,
                        "kode",
                        _("induk %(parent)s belum ditulis di atas baris ini")
                        % {"parent": checked.parent_code},
                    )
                    good = False
            text = self._text(row, "uraian", str(RowKind(kind).label), 2000, required=True)
            good &= text is not None
            checked.name = text or ""
        else:
            unit = self.unit_of(row)
            good &= unit is not None
            if unit is not None:
                ok, found = self.attempt(row, "kode", lambda: self.codes.check(kind, raw_code, unit.code))
                good &= ok
                if ok and found:
                    checked.code, checked.name, checked.unit = found, self.codes.name_of(found), unit
                    self.programs.add((unit.code, found))
                    parent = _nomenclature_parent(kind, found)
                    if parent and (unit.code, parent) not in self.programs:
                        self.error(
                            row,
                            "kode",
                            _("induk %(parent)s belum ditulis di atas baris ini") % {"parent": parent},
                        )
                        good = False
            induk = values.get("induk", "").strip()
            if induk and kind == RowKind.PROGRAM:
                if induk not in self.statements:
                    self.error(
                        row, "induk", _("sasaran %(code)s belum ditulis di atas baris ini") % {"code": induk}
                    )
                    good = False
                checked.parent_code = induk
        indicator = self._text(row, "indikator", _("indikator"), 300, required=False)
        measure = self._text(row, "satuan", _("satuan"), 40, required=False)
        good &= indicator is not None and measure is not None
        checked.indicator, checked.measure = indicator or "", measure or ""
        ok, baseline = self.attempt(row, "baseline", lambda: _target(values.get("baseline", ""), "baseline"))
        good &= ok
        checked.baseline = baseline
        for n in range(1, PERIOD_YEARS + 1):
            column = f"target_{n}"
            ok, target = self.attempt(row, column, lambda c=column: _target(values.get(c, ""), c))  # type: ignore[misc]
            good &= ok
            checked.targets[n - 1] = target
            column = f"pagu_{n}"
            text = values.get(column, "")
            if text.strip() and kind in STATEMENT_KINDS:
                self.error(row, column, _("pagu indikatif hanya untuk program, kegiatan dan sub kegiatan"))
                good = False
                continue
            ok, amount = self.attempt(row, column, lambda t=text, c=column: _ceiling(t, c))  # type: ignore[misc]
            good &= ok
            checked.ceilings[n - 1] = amount or ZERO
        if good:
            self._keep(row, checked, "kode")

    def _keep(self, row: TableRow, checked: _Checked, column: str) -> None:
        key = checked.key()
        first = self.seen.get(key)
        if first is not None:
            self.error(row, column, _("baris ini sama dengan baris %(row)d") % {"row": first})
            return
        self.seen[key] = row.row
        self.rows.append(checked)
        if checked.row_kind in STATEMENT_KINDS:
            self.statements.add(checked.code)
        elif checked.unit is not None:
            self.programs.add((checked.unit.code, checked.code))


def _nomenclature_parent(kind: str, code: str) -> str:
    """The program of a kegiatan, the kegiatan of a sub-kegiatan; a Renstra writes them above."""
    parts = code.split(".")
    if kind == RowKind.KEGIATAN:
        return ".".join(parts[:3])
    if kind == RowKind.SUB_KEGIATAN:
        return ".".join(parts[:5])
    return ""


# --- the plan itself ----------------------------------------------------------------------------------

#: What an adopted plan's hash covers: each row by its key (codes, never ids) and every value.
PLAN_ROWS = versions.LineSpec(
    lines=lambda v: PlanRow.objects.filter(plan_id=v.pk),
    key=("row_kind", "code", "unit__code", "location_id", "indicator"),
    values=(
        "position",
        "name",
        "parent_code",
        "measure",
        "baseline",
        *(f"target_{n}" for n in range(1, PERIOD_YEARS + 1)),
        *(f"ceiling_{n}" for n in range(1, PERIOD_YEARS + 1)),
    ),
    version_field="plan",
)


def plan_header(plan: Plan) -> dict[str, Any]:
    return {
        "kind": plan.kind,
        "year": plan.year,
        "unit": plan.unit.code if plan.unit else "",
        "nomenclature_year": plan.nomenclature_year,
        "vision": plan.vision,
    }


@dataclass
class PlanImport:
    """What an import did."""

    plan: Plan
    created: bool
    rows: int
    added: int
    changed: int
    removed: int
    totals: list[Decimal]


def _unit(pemda: Pemda, kind: str, unit_code: str) -> PerangkatDaerah | None:
    if kind not in AGENCY_KINDS:
        if unit_code.strip():
            raise ValidationFailed(
                _("%(plan)s milik pemda, bukan perangkat daerah; jangan sebut --skpd")
                % {"plan": PlanKind(kind).label},
                field="unit",
            )
        return None
    if not unit_code.strip():
        raise ValidationFailed(
            _("%(plan)s milik satu perangkat daerah; sebutkan kode perangkat daerahnya")
            % {"plan": PlanKind(kind).label},
            field="unit",
        )
    code = clean_org_code(unit_code)
    unit = PerangkatDaerah.objects.filter(pemda=pemda, code=code).first()
    if unit is None:
        raise ValidationFailed(
            _("perangkat daerah %(code)s tidak ada di pemda ini") % {"code": code}, field="unit"
        )
    return unit


def _check_kind_year(kind: str, year: int) -> None:
    if kind not in PlanKind.values:
        raise ValidationFailed(
            _("jenis rencana harus salah satu dari: %(kinds)s") % {"kinds": ", ".join(PlanKind.values)},
            field="kind",
        )
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("tahun harus antara 2000 dan 2100"), field="year")


def current_plan(pemda: Pemda, kind: str, year: int, unit: PerangkatDaerah | None) -> Plan | None:
    """The newest version of the plan of ``kind`` for ``year`` (and ``unit``), or None."""
    return (
        Plan.objects.filter(pemda=pemda, kind=kind, year=year, unit=unit)
        .select_related("unit")
        .order_by("-number")
        .first()
    )


def _parent_for(pemda: Pemda, kind: str, year: int) -> Plan | None:
    """A Renstra sits under the RPJMD of the same period; a Renja under the year's RKPD when there is one."""
    if kind == PlanKind.RENSTRA:
        parent = current_plan(pemda, PlanKind.RPJMD, year, None)
        if parent is None:
            raise ValidationFailed(
                _("RPJMD periode %(start)d-%(end)d belum ada; Renstra disusun di bawah RPJMD")
                % {"start": year, "end": year + PERIOD_YEARS - 1},
                field="year",
            )
        return parent
    if kind == PlanKind.RENJA:
        return current_plan(pemda, PlanKind.RKPD, year, None)
    return None


def plan_import(
    path: Path | str,
    *,
    actor: MaybeActor,
    pemda_code: str,
    kind: str,
    year: int,
    unit_code: str = "",
) -> PlanImport:
    """Write the plan of ``kind`` for ``year`` (and the agency ``unit_code``) from a CSV or XLSX table.

    Creates the plan as a draft, or replaces the rows of its draft. All or nothing: ImportFailed lists
    every bad row as ``row N, column X: reason`` and nothing is written.
    """
    vetted = require_actor(actor)
    _check_kind_year(kind, year)
    pemda = Pemda.objects.filter(code=pemda_code.strip()).first()
    if pemda is None:
        raise NotFound(_("Pemda %(code)s tidak ditemukan.") % {"code": pemda_code})
    unit = _unit(pemda, kind, unit_code)
    PLAN.require(vetted, Place(pemda.code, unit_id=unit.pk if unit else None), capability(kind, "edit"))
    existing = current_plan(pemda, kind, year, unit)
    if existing is not None and existing.is_frozen:
        raise Conflict(_("%(plan)s sudah ditetapkan dan tidak dapat diubah lagi.") % {"plan": str(existing)})
    parent = _parent_for(pemda, kind, year)
    nomenclature = existing.nomenclature_year if existing else nomenclature_year(kind, year)
    table = read_table(path, columns_for(kind))
    reader = _Reader(
        pemda=pemda,
        kind=kind,
        unit=unit,
        codes=PlanCodes(nomenclature),
        units={u.code: u for u in PerangkatDaerah.objects.filter(pemda=pemda)},
        places=dict(Region.objects.filter(code__startswith=f"{pemda.code}.").values_list("code", "level")),
        errors=ErrorCollector(),
    )
    for position, row in enumerate(table, start=1):
        reader.read(row, position)
    if reader.errors:
        raise reader.errors.failure(
            _(
                "Rencana tidak diimpor: %(count)d kesalahan. Perbaiki berkasnya lalu ulangi; "
                "tidak ada yang ditulis."
            )
            % {"count": reader.errors.total}
        )
    if not reader.rows:
        raise ValidationFailed(_("Berkas tidak memuat satu baris rencana pun."), field="file")
    try:
        return _write(
            vetted, pemda, kind, year, unit, parent, nomenclature, existing, reader, Path(path).name
        )
    except IntegrityError:
        raise Conflict(_("Rencana ini diubah bersamaan oleh orang lain; ulangi impor.")) from None


def _write(
    actor: Actor,
    pemda: Pemda,
    kind: str,
    year: int,
    unit: PerangkatDaerah | None,
    parent: Plan | None,
    nomenclature: int,
    existing: Plan | None,
    reader: _Reader,
    filename: str,
) -> PlanImport:
    with transaction.atomic():
        created = existing is None
        if existing is None:
            plan = Plan(
                pemda=pemda,
                kind=kind,
                year=year,
                unit=unit,
                parent=parent,
                nomenclature_year=nomenclature,
                vision=reader.vision or "",
                label=_("Rancangan"),
            )
            plan.save()
        else:
            versions.ensure_draft(existing)
            plan = existing
            changes: dict[str, Any] = {"parent_id": parent.pk if parent else plan.parent_id}
            if reader.vision is not None:
                changes["vision"] = reader.vision
            Plan.objects.filter(pk=plan.pk).update(**changes)
            plan.refresh_from_db()
        old = {_row_key(r): r for r in PlanRow.objects.filter(plan=plan).select_related("unit")}
        new_rows: list[PlanRow] = []
        kept: list[PlanRow] = []
        for checked in reader.rows:
            row = old.pop(checked.key(), None)
            if row is None:
                row = PlanRow(pemda=pemda, plan=plan)
                new_rows.append(row)
            else:
                kept.append(row)
            _fill(row, checked)
        if old:
            funded = sorted(
                set(
                    PlanFunding.objects.filter(item_id__in=[r.pk for r in old.values()]).values_list(
                        "item__code", flat=True
                    )
                )
            )
            if funded:
                raise Conflict(
                    _(
                        "Baris %(codes)s mendanai usulan yang sudah diterima dan tidak boleh hilang dari "
                        "rencana; masukkan lagi baris itu ke berkas."
                    )
                    % {"codes": ", ".join(funded[:5])}
                )
            PlanRow.objects.filter(pk__in=[r.pk for r in old.values()]).delete()
        if kept:
            # Positions move when rows are added or dropped; the kept rows step aside first, so the
            # unique position per plan holds after every statement.
            PlanRow.objects.filter(pk__in=[r.pk for r in kept]).update(
                position=F("position") + POSITION_SHIFT
            )
            PlanRow.objects.bulk_update(kept, list(_FIELDS), batch_size=1000)
        PlanRow.objects.bulk_create(new_rows, batch_size=1000)
        totals = _totals(reader.rows)
        summary = PlanImport(
            plan=plan,
            created=created,
            rows=len(reader.rows),
            added=len(new_rows),
            changed=len(kept),
            removed=len(old),
            totals=totals,
        )
        audit.record(
            actor=actor,
            action="plan.import",
            obj=plan,
            pemda_code=pemda.code,
            after={
                "kind": kind,
                "year": year,
                "unit": unit.code if unit else "",
                "file": filename,
                "created": created,
                "rows": summary.rows,
                "added": summary.added,
                "kept": summary.changed,
                "removed": summary.removed,
                "totals": [format(t, "f") for t in totals],
            },
        )
    return summary


_FIELDS = (
    "position",
    "row_kind",
    "code",
    "name",
    "parent_code",
    "unit",
    "location",
    "indicator",
    "measure",
    "baseline",
    *(f"target_{n}" for n in range(1, PERIOD_YEARS + 1)),
    *(f"ceiling_{n}" for n in range(1, PERIOD_YEARS + 1)),
)


def _row_key(row: PlanRow) -> tuple[str, str, str, str, str]:
    return (row.row_kind, row.code, row.unit.code if row.unit else "", row.location_id or "", row.indicator)


def _fill(row: PlanRow, checked: _Checked) -> None:
    row.position = checked.position
    row.row_kind = checked.row_kind
    row.code = checked.code
    row.name = checked.name
    row.parent_code = checked.parent_code
    row.unit = checked.unit
    row.location_id = checked.location
    row.indicator = checked.indicator
    row.measure = checked.measure
    row.baseline = checked.baseline
    for n in range(1, PERIOD_YEARS + 1):
        setattr(row, f"target_{n}", checked.targets[n - 1])
        setattr(row, f"ceiling_{n}", checked.ceilings[n - 1])


def _totals(rows: list[_Checked]) -> list[Decimal]:
    """Indicative ceilings per year over the rows that carry money at the plan's lowest level written.

    A Renstra writes program, kegiatan and sub-kegiatan rows, each with its own ceiling; only the
    sub-kegiatan (or, in an RPJMD, the programs) are added up, so nothing is counted twice.
    """
    kinds = {r.row_kind for r in rows}
    lowest = next(
        (k for k in (RowKind.SUB_KEGIATAN, RowKind.KEGIATAN, RowKind.PROGRAM) if k in kinds), RowKind.PROGRAM
    )
    return [sum((r.ceilings[n] for r in rows if r.row_kind == lowest), ZERO) for n in range(PERIOD_YEARS)]


def plan_adopt(*, actor: MaybeActor, plan: Plan) -> Plan:
    """Adopt (tetapkan) a draft plan: frozen for good, with a SHA-256 of its rows in the audit trail.

    Bappeda adopts the RPJMD and the RKPD, the agency head the agency's Renstra and Renja. A Renstra
    follows its RPJMD: it is adopted only once the RPJMD is.
    """
    vetted = require_actor(actor)
    PLAN.require(vetted, plan.place(), capability(plan.kind, "adopt"))
    if not PlanRow.objects.filter(plan=plan).exists():
        raise ValidationFailed(_("Rencana tanpa baris tidak dapat ditetapkan."))
    parent = Plan.objects.filter(pk=plan.parent_id).first() if plan.parent_id else None
    if plan.kind == PlanKind.RENSTRA and parent is not None and not parent.is_frozen:
        raise Conflict(
            _("Tetapkan dulu RPJMD %(period)s; Renstra mengikutinya.") % {"period": parent.period_label}
        )
    versions.freeze(plan, PLAN_ROWS, actor=vetted, header=plan_header(plan), action="plan.adopt")
    return plan


# --- accepted proposals and the RKPD items that fund them ----------------------------------------------


def proposal_fund(
    *, actor: MaybeActor, proposal: Proposal, item: PlanRow, amount: Decimal | None = None
) -> PlanFunding:
    """Link a proposal accepted before its year's RKPD existed to the RKPD item that funds it.

    The Musrenbang kabupaten's deciders (Bappeda, TAPD) do it, at the proposal's place; the amount defaults
    to the recommended cost of the acceptance, else the estimate. A proposal is funded once.
    """
    return proposals_fund_many(actor=actor, links=[(proposal, item, amount)])[0]


def proposals_fund_many(
    *, actor: MaybeActor, links: list[tuple[Proposal, PlanRow, Decimal | None]]
) -> list[PlanFunding]:
    """:func:`proposal_fund` for many proposals at once (the demo, a Bappeda list): all or nothing."""
    vetted = require_actor(actor)
    if not links:
        return []
    for proposal, _item, _amount in links:
        PROPOSAL.require(vetted, proposal.place(), "decide_kabupaten")
    accepted = {
        d.proposal_id: d
        for d in Decision.objects.filter(
            proposal__in=[p for p, _i, _a in links], action="accept_kabupaten"
        ).order_by("decided_at", "pk")
    }
    wanted: list[tuple[Proposal, PlanRow, Decimal, Decision | None]] = []
    for proposal, item, amount in links:
        if proposal.state != Stage.ACCEPTED:
            raise Conflict(
                _("Usulan %(id)s belum diterima; hanya usulan yang diterima didanai butir RKPD.")
                % {"id": proposal.public_id}
            )
        decision = accepted.get(proposal.pk)
        if amount is None:
            recommended = decision.recommended_cost if decision is not None else None
            amount = recommended if recommended is not None else proposal.estimated_cost
        plans_funding.check_item(proposal, item, amount)
        wanted.append((proposal, item, amount, decision))
    with transaction.atomic():
        ids = sorted(p.pk for p, _i, _a, _d in wanted)
        list(Proposal.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        taken = set(
            PlanFunding.objects.filter(proposal_id__in=ids).values_list("proposal__public_id", flat=True)
        )
        if taken or len(set(ids)) != len(ids):
            raise Conflict(
                _("Usulan %(ids)s sudah terhubung dengan butir RKPD.")
                % {"ids": ", ".join(sorted(taken)[:5]) or _("(ganda dalam daftar)")}
            )
        plans_funding.lock_and_check_ceilings([(item, amount) for _p, item, amount, _d in wanted])
        rows = [plans_funding.funding_row(vetted, p, item, amount, d) for p, item, amount, d in wanted]
        PlanFunding.objects.bulk_create(rows, batch_size=1000)
        audit.record_many(
            actor=vetted,
            changes=[
                audit.Change(
                    "proposal.fund",
                    row.proposal,
                    None,
                    None,
                    row.pemda_id,
                    None,
                    plans_funding.funding_audit(row, row.item),
                )
                for row in rows
            ],
        )
        for pemda_code, year in sorted({(p.pemda_id, p.year) for p, _i, _a, _d in wanted}):
            published_changed(pemda_code, year)
    return rows
