"""Importing a year's budget from the tools a pemda used before (SIPD-style detail rows), all or nothing.

Each row is one detail row: ``kode_skpd, nama_skpd, kode_sub_kegiatan, kode_rekening, uraian, volume, satuan,
harga_satuan, jumlah``. Rows of one agency, sub-kegiatan and account form one line. Every row is checked
first (codes of the year's lists, the amount to the sen, the ceilings of a draft being replaced); any
error and nothing is written. The writes are batches (``bulk_create``) in one transaction, with one audit
entry for the import and one per agency created, so 50,000 rows take seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import PEMDA, Place
from spbe.accounts.codes import clean_org_code
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.unit_imports import NewUnits
from spbe.core import audit
from spbe.core.actors import MaybeActor, require_actor
from spbe.core.bulk import insert_many
from spbe.core.errors import Conflict, RowError, SpbeError, ValidationFailed
from spbe.core.money import format_rupiah, from_sen, parse_rupiah_sen, to_sen
from spbe.core.tabular import Column, ErrorCollector, TableRow, read_table
from spbe.core.text import clean_name

from . import calc
from .access import BUDGET
from .models import BudgetVersion, Ceiling, Review, Rka, RkaDetail, RkaLine, VersionKind
from .services import YearCodes

ZERO_TAX = Decimal("0")
DETAIL_FIELDS = (
    "line",
    "position",
    "description",
    "volume1",
    "unit1",
    "volume2",
    "unit2",
    "volume3",
    "unit3",
    "volume4",
    "unit4",
    "unit_price",
    "tax_percent",
    "amount",
    "standard_kind",
    "standard_code",
)
COLUMNS = [
    Column("kode_skpd", max_length=40),
    Column("nama_skpd", required=False, max_length=200),
    Column("kode_sub_kegiatan", max_length=40),
    Column("kode_rekening", max_length=40),
    Column("uraian", max_length=500),
    Column("volume", max_length=40),
    Column("satuan", max_length=40),
    Column("harga_satuan", max_length=40),
    Column("jumlah", required=False, max_length=40),
]


@dataclass
class BudgetImport:
    """What an import did."""

    file: str
    version: int = 0
    rows: int = 0
    lines: int = 0
    agencies: int = 0
    replaced: bool = False
    units_created: list[str] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class _Row:
    row: int
    unit: str
    sub_kegiatan: str
    account: str
    description: str
    volume: Decimal
    satuan: str
    price: int  # sen: the import sums and stores whole sen (MoneyField's column), exactly
    amount: int


def _draft_state(pemda: Pemda, year: int, replace: bool) -> BudgetVersion | None:
    """The draft an import may write into; refuse when the year is adopted with no draft, or a draft exists
    and ``replace`` was not asked for."""
    versions = BudgetVersion.objects.filter(pemda=pemda, year=year)
    draft = versions.filter(version_state=BudgetVersion.State.DRAFT).first()
    if draft is None:
        if versions.exists():
            raise Conflict(
                _(
                    "APBD %(year)d sudah ditetapkan dan tidak pernah ditimpa; buat versi perubahan dulu, "
                    "lalu impor ke versi itu dengan --replace."
                )
                % {"year": year}
            )
        return None
    if not replace:
        raise Conflict(
            _(
                "APBD %(year)d sudah mempunyai versi draf (versi %(number)d); "
                "gunakan --replace untuk menimpanya."
            )
            % {"year": year, "number": draft.number}
        )
    return draft


def budget_import(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    year: int,
    path: Path | str,
    create_units: bool = False,
    replace: bool = False,
) -> BudgetImport:
    """Import the year's budget detail rows into a new draft (or over the draft, with ``replace``)."""
    actor = require_actor(actor)
    BUDGET.require(actor, Place.of_pemda(pemda), "manage")
    if create_units:
        PEMDA.require(actor, Place.of_pemda(pemda), "manage_units")
    _draft_state(pemda, year, replace)
    path = Path(path)
    table = read_table(path, COLUMNS)
    units = {u.code: u for u in PerangkatDaerah.objects.filter(pemda=pemda)}
    checker = _Checker(YearCodes.load(year), units, create_units)
    new_units = checker.new_units
    errors = ErrorCollector()
    rows: list[_Row] = []
    for row in table:
        parsed = _check_row(row, checker, errors)
        if parsed is not None:
            rows.append(parsed)
    if not table:
        errors.add(RowError(1, _("berkas tidak berisi baris anggaran"), None, path.name))
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak diimpor: %(count)d isian tidak sah. Perbaiki lalu ulangi.")
            % {"file": path.name, "count": errors.total}
        )
    summary = BudgetImport(file=path.name, rows=len(rows))
    try:
        with transaction.atomic():
            draft = _draft_state(pemda, year, replace)
            if draft is not None:
                draft = BudgetVersion.objects.select_for_update().get(pk=draft.pk)
                _check_ceilings(draft, rows, units, errors)
                if errors:
                    raise errors.failure(
                        _("Berkas %(file)s tidak diimpor: pagu terlampaui.") % {"file": path.name}
                    )
                _clear(draft)
                summary.replaced = True
            else:
                number = (
                    BudgetVersion.objects.filter(pemda=pemda, year=year).aggregate(n=Max("number"))["n"] or 0
                ) + 1
                draft = BudgetVersion.objects.create(
                    pemda=pemda, year=year, kind=VersionKind.MURNI, number=number, label=_("APBD murni")
                )
            changes = _create_units(pemda, new_units, units, summary)
            _write(draft, rows, units, summary)
            summary.version = draft.number
            changes.append(
                audit.Change(
                    "budget.import",
                    draft,
                    pemda_code=pemda.code,
                    after={
                        "file": path.name,
                        "year": year,
                        "version": draft.number,
                        "rows": summary.rows,
                        "lines": summary.lines,
                        "replaced": summary.replaced,
                        "totals": summary.totals,
                    },
                )
            )
            audit.record_many(actor=actor, changes=changes)
    except IntegrityError:
        raise Conflict(_("APBD tahun ini diubah bersamaan oleh orang lain; ulangi impor.")) from None
    return summary


def _error(errors: ErrorCollector, row: TableRow, column: str, exc: SpbeError | str) -> None:
    errors.add(RowError(row.row, exc if isinstance(exc, str) else exc.message, column, row.file))


class _Memo:
    """A code check remembered by the text as written: a file repeats a few hundred codes 50,000 times."""

    def __init__(self, check: Callable[..., str]) -> None:
        self.check = check
        self.seen: dict[tuple[str, ...], tuple[str, str | None]] = {}

    def __call__(self, *key: str) -> str:
        hit = self.seen.get(key)
        if hit is None:
            try:
                hit = (self.check(*key), None)
            except SpbeError as exc:
                hit = ("", exc.message)
            self.seen[key] = hit
        if hit[1] is not None:
            raise ValidationFailed(hit[1])
        return hit[0]


class _VolumeMemo:
    """A volume parsed once per distinct text (a file holds a few hundred)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[Decimal, str | None]] = {}

    def __call__(self, text: str) -> Decimal:
        hit = self.seen.get(text)
        if hit is None:
            try:
                hit = (calc.parse_volume(text), None)
            except SpbeError as exc:
                hit = (Decimal(0), exc.message)
            self.seen[text] = hit
        if hit[1] is not None:
            raise ValidationFailed(hit[1])
        return hit[0]


@dataclass
class _Checker:
    """Everything a row is checked against, read once per import."""

    codes: YearCodes
    units: dict[str, PerangkatDaerah]
    create_units: bool
    new_units: dict[str, tuple[str, int]] = field(default_factory=dict)
    new_unit_rows: set[tuple[str, str]] = field(default_factory=set)
    description_label: str = ""

    def __post_init__(self) -> None:
        self.org_code = _Memo(clean_org_code)
        self.account = _Memo(self.codes.account)
        self.sub_kegiatan = _Memo(self.codes.sub_kegiatan_for)
        self.volume = _VolumeMemo()
        self.description_label = _("Uraian")


def _check_row(row: TableRow, checker: _Checker, errors: ErrorCollector) -> _Row | None:
    values = row.values
    units, new_units = checker.units, checker.new_units
    good = True
    unit_code = ""
    try:
        unit_code = checker.org_code(values["kode_skpd"])
    except SpbeError as exc:
        _error(errors, row, "kode_skpd", exc)
        good = False
    if unit_code and unit_code not in units:
        if not checker.create_units:
            _error(
                errors,
                row,
                "kode_skpd",
                _(
                    "perangkat daerah %(code)s tidak ada di pemda ini; "
                    "tambahkan dulu atau impor dengan --create-units"
                )
                % {"code": unit_code},
            )
            good = False
        elif (unit_code, values.get("nama_skpd", "")) not in checker.new_unit_rows:
            if _check_new_unit(errors, row, unit_code, new_units):
                checker.new_unit_rows.add((unit_code, values.get("nama_skpd", "")))
            else:
                good = False
    account = ""
    try:
        account = checker.account(values["kode_rekening"])
    except SpbeError as exc:
        _error(errors, row, "kode_rekening", exc)
        good = False
    raw_sub = values["kode_sub_kegiatan"].strip()
    sub = ""
    if account.startswith(calc.EXPENDITURE):
        if not raw_sub:
            _error(errors, row, "kode_sub_kegiatan", _("belanja (5.x) wajib berkode sub kegiatan"))
            good = False
        elif unit_code in units or unit_code in new_units:
            # The support program is checked against the agency's bidang only once the agency is known.
            try:
                sub = checker.sub_kegiatan(raw_sub, unit_code)
            except SpbeError as exc:
                _error(errors, row, "kode_sub_kegiatan", exc)
                good = False
    elif account and raw_sub:
        _error(
            errors,
            row,
            "kode_sub_kegiatan",
            _("pendapatan (4.x) dan pembiayaan (6.x) tanpa sub kegiatan; kosongkan"),
        )
        good = False
    description = ""
    try:
        description = clean_name(values["uraian"], label=checker.description_label, max_length=500)
    except SpbeError as exc:
        _error(errors, row, "uraian", exc)
        good = False
    volume = Decimal(0)
    price = 0
    try:
        volume = checker.volume(values["volume"])
    except SpbeError as exc:
        _error(errors, row, "volume", exc)
        good = False
    try:
        price = parse_rupiah_sen(values["harga_satuan"], field="harga_satuan")
        if price < 0:
            _error(errors, row, "harga_satuan", _("harga satuan tidak boleh negatif"))
            good = False
    except SpbeError as exc:
        _error(errors, row, "harga_satuan", exc)
        good = False
    # In whole sen, exactly as calc.detail_amount rounds (half up, once).
    amount = calc.detail_amount_sen(volume, price) if good else 0
    given = values.get("jumlah", "").strip()
    if given:
        try:
            stated = parse_rupiah_sen(given, field="jumlah")
        except SpbeError as exc:
            _error(errors, row, "jumlah", exc)
            return None
        if good and stated != amount:
            _error(
                errors,
                row,
                "jumlah",
                _("jumlah %(stated)s tidak sama dengan volume x harga satuan = %(amount)s")
                % {"stated": format(from_sen(stated), "f"), "amount": format(from_sen(amount), "f")},
            )
            good = False
    if not good:
        return None
    return _Row(
        row.row,
        unit_code,
        sub,
        account,
        description,
        volume,
        " ".join(values["satuan"].split()),
        price,
        amount,
    )


def _check_new_unit(
    errors: ErrorCollector, row: TableRow, code: str, new_units: dict[str, tuple[str, int]]
) -> bool:
    return NewUnits(new_units).check(errors, row, code)


def _check_ceilings(
    draft: BudgetVersion, rows: list[_Row], units: dict[str, PerangkatDaerah], errors: ErrorCollector
) -> None:
    """The draft's ceilings hold for the imported rows; the row that passes one is named."""
    ceilings = list(
        Ceiling.objects.select_for_update(of=("self",))
        .filter(version=draft)
        .select_related("unit")
        .order_by("pk")
    )
    if not ceilings:
        return
    by_unit: dict[str, list[tuple[Ceiling, int]]] = defaultdict(list)
    for ceiling in ceilings:
        by_unit[ceiling.unit.code].append((ceiling, to_sen(ceiling.amount)))
    used: dict[int, int] = defaultdict(int)
    reported: set[int] = set()
    for row in rows:
        if not row.account.startswith(calc.EXPENDITURE):
            continue
        for ceiling, limit in by_unit.get(row.unit, []):
            if ceiling.code and not (
                row.sub_kegiatan == ceiling.code or row.sub_kegiatan.startswith(f"{ceiling.code}.")
            ):
                continue
            used[ceiling.pk] += row.amount
            if used[ceiling.pk] > limit and ceiling.pk not in reported:
                reported.add(ceiling.pk)
                errors.add(
                    RowError(
                        row.row,
                        _(
                            "pagu %(scope)s perangkat daerah %(unit)s sebesar %(ceiling)s "
                            "terlampaui pada baris ini"
                        )
                        % {
                            "scope": ceiling.code or "",
                            "unit": row.unit,
                            "ceiling": format_rupiah(ceiling.amount),
                        },
                        "jumlah",
                    )
                )


def _create_units(
    pemda: Pemda,
    new_units: dict[str, tuple[str, int]],
    units: dict[str, PerangkatDaerah],
    summary: BudgetImport,
) -> list[audit.Change]:
    created, changes = NewUnits(new_units).create(pemda)
    for unit in created:
        units[unit.code] = unit
        summary.units_created.append(unit.code)
    return changes


def _clear(draft: BudgetVersion) -> None:
    """Empty the draft with three set-based DELETEs, children first.

    ``QuerySet.delete()`` would first read every detail row and line into Python to look for protected
    and cascading rows (most of a ``--replace`` import's time at 50,000 rows). Nothing cascades from these
    rows, and a row of another table still pointing at one (every such foreign key is PROTECT) makes the
    database refuse the DELETE, which ``budget_import`` reports as a conflict, writing nothing.
    """
    lines = RkaLine.objects.filter(version=draft).values("pk")
    RkaDetail.objects.filter(line__in=lines)._raw_delete(RkaDetail.objects.db)
    RkaLine.objects.filter(version=draft)._raw_delete(RkaLine.objects.db)
    Rka.objects.filter(version=draft)._raw_delete(Rka.objects.db)


LINE_FIELDS = (
    "pemda",
    "unit",
    "version",
    "rka",
    "sub_kegiatan",
    "account",
    "funding",
    "location",
    "amount",
    "review",
    "review_note",
    "created_at",
    "updated_at",
)


def _write(
    draft: BudgetVersion, rows: list[_Row], units: dict[str, PerangkatDaerah], summary: BudgetImport
) -> None:
    grouped: dict[tuple[str, str, str], list[_Row]] = {}
    for row in rows:
        grouped.setdefault((row.unit, row.sub_kegiatan, row.account), []).append(row)
    unit_codes = sorted({key[0] for key in grouped})
    rkas = {
        rka.unit.code: rka
        for rka in Rka.objects.bulk_create(
            [Rka(pemda_id=draft.pemda_id, unit=units[code], version=draft) for code in unit_codes]
        )
    }
    # Lines and detail rows are written as tuples by one prepared INSERT each (bulk_create would build a
    # model instance and SQL text per row in Python, most of an import's time); the lines' ids are read
    # back by their key, which is unique in the emptied draft.
    # One timestamp for the whole import, converted once.
    now = RkaLine._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection=connection)
    insert_many(
        RkaLine,
        LINE_FIELDS,
        (
            (
                draft.pemda_id,
                units[unit].pk,
                draft.pk,
                rkas[unit].pk,
                sub,
                account,
                "",
                "",
                sum(r.amount for r in group),
                Review.PENDING.value,
                "",
                now,
                now,
            )
            for (unit, sub, account), group in grouped.items()
        ),
        prepared=("amount", "created_at", "updated_at"),
    )
    code_of = {units[code].pk: code for code in unit_codes}
    line_ids = {
        (code_of[unit_id], sub, account): pk
        for pk, unit_id, sub, account in RkaLine.objects.filter(version=draft)
        .order_by()
        .values_list("pk", "unit_id", "sub_kegiatan", "account")
    }
    totals: dict[str, int] = defaultdict(int)
    details: list[tuple[Any, ...]] = []
    for key, group in grouped.items():
        line_id = line_ids[key]
        for position, row in enumerate(group, start=1):
            details.append(
                (
                    line_id,
                    position,
                    row.description,
                    row.volume,
                    row.satuan,
                    None,
                    "",
                    None,
                    "",
                    None,
                    "",
                    row.price,
                    ZERO_TAX,
                    row.amount,
                    "",
                    "",
                )
            )
            totals[row.account[0]] += row.amount
    insert_many(RkaDetail, DETAIL_FIELDS, details, prepared=("unit_price", "amount"))
    summary.lines = len(line_ids)
    summary.agencies = len(rkas)
    summary.totals = {code: from_sen(sen) for code, sen in sorted(totals.items())}
