"""Importing SP2D payments and STS deposits from CSV or XLSX, all or nothing (``spbe import_realisation``).

Columns (header = row 1; names as written, any order; optional columns may be left out of the file):

``jenis``              ``sp2d`` or ``sts``
``nomor``              the document number, unique per pemda and year among SP2D (and among STS)
``tanggal``            ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (an XLSX date cell too), within the year
``kode_skpd``          the agency's organisation code
``kode_sub_kegiatan``  SP2D on expenditure (5.x): the sub-kegiatan (support program with the agency's
                       bidang); empty for STS and for financing expenditure (6.2)
``kode_rekening``      a leaf account of the year's chart: 5.x / 6.2.x for SP2D, 4.x / 6.1.x for STS
``sumber_dana``        optional: the funding source of the DPA line (empty when the line has none)
``uraian``             description
``jumlah``             the amount; negative for a correction, which then needs ``nomor_koreksi``
``jenis_sp2d``         optional: LS, UP, GU or TU (SIPD's kinds); empty means LS; empty for STS
``nomor_koreksi``      optional: for a correction, the number of the SP2D/STS it corrects (earlier in the
                       file or already recorded); the row repeats that document's codes

Every row is checked before anything is written: codes, dates, numbers, then, in file order, each DPA line's
running net spending (what is already recorded, plus the file's rows above): the first row that takes a line
above its amount in the newest adopted version is reported, on that row. Any error and nothing is written;
the rows are inserted with ``core.bulk.insert_many`` under the same locks as a single payment
(:mod:`spbe.budgeting.realisation`), with one audit entry for the import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.codes import clean_org_code
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core import audit
from spbe.core.actors import MaybeActor, require_actor
from spbe.core.bulk import insert_many
from spbe.core.errors import Conflict, RowError, SpbeError
from spbe.core.money import format_rupiah, parse_rupiah
from spbe.core.money_sql import MoneySum
from spbe.core.tabular import Column, ErrorCollector, TableRow, read_table
from spbe.core.text import clean_name

from . import calc
from .models import BudgetVersion, RkaLine
from .models_realisation import Sp2d, Sp2dKind, Sts
from .realisation import REALISATION, _lock_newest_adopted
from .services import YearCodes

COLUMNS = [
    Column("jenis", max_length=10),
    Column("nomor", max_length=60),
    Column("tanggal", max_length=40),
    Column("kode_skpd", max_length=40),
    Column("kode_sub_kegiatan", max_length=40),
    Column("kode_rekening", max_length=40),
    Column("sumber_dana", required=False, max_length=20),
    Column("uraian", max_length=500),
    Column("jumlah", max_length=40),
    Column("jenis_sp2d", required=False, max_length=10),
    Column("nomor_koreksi", required=False, max_length=60),
]
SP2D_FIELDS = (
    "pemda",
    "unit",
    "year",
    "number",
    "date",
    "kind",
    "sub_kegiatan",
    "account",
    "funding",
    "description",
    "amount",
    "corrects",
    "created_at",
    "updated_at",
)
STS_FIELDS = (
    "pemda",
    "unit",
    "year",
    "number",
    "date",
    "account",
    "description",
    "amount",
    "corrects",
    "created_at",
    "updated_at",
)
_DMY = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})")
Key = tuple[int, str, str, str]  # unit id, sub-kegiatan, account, funding


@dataclass
class RealisationImport:
    """What an import did."""

    file: str
    sp2d: int = 0
    sts: int = 0
    corrections: int = 0
    spending: Decimal = Decimal("0.00")
    revenue: Decimal = Decimal("0.00")


@dataclass
class _Row:
    row: int
    kind: str  # "sp2d" | "sts"
    number: str
    date: dt.date
    unit: PerangkatDaerah
    sub_kegiatan: str
    account: str
    funding: str
    description: str
    amount: Decimal
    sp2d_kind: str = ""
    corrects: str = ""
    corrects_id: int | None = field(default=None)

    @property
    def key(self) -> Key:
        return (self.unit.pk, self.sub_kegiatan, self.account, self.funding)


def parse_date(raw: str) -> dt.date:
    """``YYYY-MM-DD`` (an XLSX date cell reads ``YYYY-MM-DDT00:00:00``) or ``DD/MM/YYYY`` / ``DD-MM-YYYY``."""
    text = raw.strip()
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    if "T" in text:
        stamp = dt.datetime.fromisoformat(text)
        if stamp.time() != dt.time(0):
            raise ValueError(text)
        return stamp.date()
    return dt.date.fromisoformat(text)


class _Reader:
    """Checks one row at a time against what is read once per import."""

    def __init__(self, pemda: Pemda, year: int, errors: ErrorCollector) -> None:
        self.year = year
        self.errors = errors
        self.codes = YearCodes.load(year)
        self.units = {u.code: u for u in PerangkatDaerah.objects.filter(pemda=pemda)}
        self.memo: dict[tuple[str, ...], tuple[str, str | None]] = {}

    def error(self, row: TableRow, column: str, message: str) -> None:
        self.errors.add(RowError(row.row, message, column, row.file))

    def _remember(self, key: tuple[str, ...], check: Any) -> str:
        hit = self.memo.get(key)
        if hit is None:
            try:
                hit = (check(), None)
            except SpbeError as exc:
                hit = ("", exc.message)
            self.memo[key] = hit
        if hit[1] is not None:
            raise _Bad(hit[1])
        return hit[0]

    def read(self, row: TableRow) -> _Row | None:
        values = row.values
        before = self.errors.total
        kind = values["jenis"].strip().lower()
        if kind not in ("sp2d", "sts"):
            self.error(row, "jenis", _("jenis harus sp2d atau sts"))
        number = " ".join(values["nomor"].split())
        if not number:
            self.error(row, "nomor", _("nomor wajib diisi"))
        date = None
        try:
            date = parse_date(values["tanggal"])
            if date.year != self.year:
                self.error(
                    row,
                    "tanggal",
                    _("tanggal %(date)s di luar tahun %(year)d") % {"date": date, "year": self.year},
                )
        except ValueError:
            self.error(
                row, "tanggal", _("tanggal '%(value)s' tidak sah (YYYY-MM-DD)") % {"value": values["tanggal"]}
            )
        unit = None
        try:
            code = self._remember(("org", values["kode_skpd"]), lambda: clean_org_code(values["kode_skpd"]))
            unit = self.units.get(code)
            if unit is None:
                self.error(
                    row, "kode_skpd", _("perangkat daerah %(code)s tidak ada di pemda ini") % {"code": code}
                )
        except _Bad as exc:
            self.error(row, "kode_skpd", str(exc))
        account = ""
        try:
            account = self._remember(
                ("acc", values["kode_rekening"]), lambda: self.codes.account(values["kode_rekening"])
            )
        except _Bad as exc:
            self.error(row, "kode_rekening", str(exc))
        raw_sub = values["kode_sub_kegiatan"].strip()
        sub = ""
        if account and kind == "sp2d":
            if account.startswith(f"{calc.EXPENDITURE}."):
                if not raw_sub:
                    self.error(row, "kode_sub_kegiatan", _("belanja (5.x) wajib berkode sub kegiatan"))
                elif unit is not None:
                    try:
                        sub = self._remember(
                            ("sub", raw_sub, unit.code),
                            lambda: self.codes.sub_kegiatan_for(raw_sub, unit.code),
                        )
                    except _Bad as exc:
                        self.error(row, "kode_sub_kegiatan", str(exc))
            elif account.startswith(f"{calc.FINANCING_EXPENDITURE}."):
                if raw_sub:
                    self.error(
                        row,
                        "kode_sub_kegiatan",
                        _("pengeluaran pembiayaan (6.2) tanpa sub kegiatan; kosongkan"),
                    )
            else:
                self.error(
                    row,
                    "kode_rekening",
                    _("SP2D dibebankan pada belanja (5) atau pengeluaran pembiayaan (6.2)"),
                )
        elif account and kind == "sts":
            if not (
                account.startswith(f"{calc.REVENUE}.") or account.startswith(f"{calc.FINANCING_RECEIPTS}.")
            ):
                self.error(
                    row,
                    "kode_rekening",
                    _("STS disetor pada pendapatan (4) atau penerimaan pembiayaan (6.1)"),
                )
            if raw_sub:
                self.error(row, "kode_sub_kegiatan", _("STS tanpa sub kegiatan; kosongkan"))
        funding = values.get("sumber_dana", "").strip()
        if kind == "sts" and funding:
            self.error(row, "sumber_dana", _("STS tanpa sumber dana; kosongkan"))
        description = ""
        try:
            description = clean_name(values["uraian"], label=_("Uraian"), max_length=500)
        except SpbeError as exc:
            self.error(row, "uraian", exc.message)
        amount = Decimal(0)
        try:
            amount = parse_rupiah(values["jumlah"], field="jumlah")
        except SpbeError as exc:
            self.error(row, "jumlah", exc.message)
        corrects = " ".join(values.get("nomor_koreksi", "").split())
        if amount == 0 and self.errors.total == before:
            self.error(row, "jumlah", _("jumlah tidak boleh nol"))
        elif amount < 0 and not corrects:
            self.error(row, "nomor_koreksi", _("jumlah negatif adalah koreksi: isi nomor yang dikoreksi"))
        elif amount > 0 and corrects:
            self.error(row, "jumlah", _("koreksi ditulis dengan jumlah negatif"))
        sp2d_kind = values.get("jenis_sp2d", "").strip().upper()
        if kind == "sp2d":
            sp2d_kind = sp2d_kind or Sp2dKind.LS
            if sp2d_kind not in Sp2dKind.values:
                self.error(row, "jenis_sp2d", _("jenis SP2D adalah LS, UP, GU atau TU"))
        elif sp2d_kind:
            self.error(row, "jenis_sp2d", _("STS tanpa jenis SP2D; kosongkan"))
        if self.errors.total > before or unit is None or date is None:
            return None
        return _Row(
            row.row, kind, number, date, unit, sub, account, funding, description, amount, sp2d_kind, corrects
        )


class _Bad(Exception):
    pass


def _check_numbers(rows: list[_Row], pemda: Pemda, year: int, reader: _Reader) -> None:
    seen: dict[tuple[str, str], int] = {}
    taken = {
        "sp2d": set(Sp2d.objects.filter(pemda=pemda, year=year).values_list("number", flat=True)),
        "sts": set(Sts.objects.filter(pemda=pemda, year=year).values_list("number", flat=True)),
    }
    for row in rows:
        if (row.kind, row.number) in seen:
            reader.errors.add(
                RowError(
                    row.row,
                    _("nomor %(number)s sudah dipakai pada baris %(other)d")
                    % {"number": row.number, "other": seen[(row.kind, row.number)]},
                    "nomor",
                )
            )
        elif row.number in taken[row.kind]:
            reader.errors.add(
                RowError(row.row, _("nomor %(number)s sudah tercatat") % {"number": row.number}, "nomor")
            )
        seen.setdefault((row.kind, row.number), row.row)


def _check_corrections(rows: list[_Row], pemda: Pemda, year: int, errors: ErrorCollector) -> None:
    """A correction names an earlier document of its kind with the same codes, and never takes back more
    than is left of it (after the corrections already recorded and those above it in the file)."""
    wanted = {row.corrects for row in rows if row.corrects}
    left: dict[tuple[str, str], Decimal] = {}
    info: dict[tuple[str, str], tuple[Any, ...]] = {}
    for model, kind in ((Sp2d, "sp2d"), (Sts, "sts")):
        originals = model.objects.filter(pemda=pemda, year=year, number__in=wanted, corrects__isnull=True)
        for original in originals:
            total = (
                original.amount
                + model.objects.filter(corrects_id=original.pk).aggregate(t=MoneySum("amount"))["t"]
            )
            left[(kind, original.number)] = total
            info[(kind, original.number)] = (
                original.unit_id,
                getattr(original, "sub_kegiatan", ""),
                original.account,
                getattr(original, "funding", ""),
                original.date,
                original.pk,
            )
    for row in rows:
        if not row.corrects:
            if row.amount > 0:
                left[(row.kind, row.number)] = row.amount
                info[(row.kind, row.number)] = (*row.key, row.date, None)
            continue
        target = (row.kind, row.corrects)
        if target not in info:
            errors.add(
                RowError(
                    row.row,
                    _("%(kind)s %(number)s yang dikoreksi tidak ada (tercatat atau di atas baris ini)")
                    % {"kind": row.kind.upper(), "number": row.corrects},
                    "nomor_koreksi",
                )
            )
            continue
        unit_id, sub, account, funding, date, pk = info[target]
        if row.key != (unit_id, sub, account, funding):
            errors.add(
                RowError(row.row, _("kode koreksi tidak sama dengan dokumen yang dikoreksi"), "kode_rekening")
            )
            continue
        if row.date < date:
            errors.add(
                RowError(row.row, _("tanggal koreksi sebelum tanggal dokumen yang dikoreksi"), "tanggal")
            )
            continue
        if -row.amount > left[target]:
            errors.add(
                RowError(
                    row.row,
                    _("koreksi %(amount)s melebihi sisa %(number)s (%(left)s)")
                    % {
                        "amount": format_rupiah(-row.amount),
                        "number": row.corrects,
                        "left": format_rupiah(left[target]),
                    },
                    "jumlah",
                )
            )
            continue
        left[target] += row.amount
        row.corrects_id = pk


def _check_lines(
    rows: list[_Row], version: BudgetVersion, pemda: Pemda, year: int, errors: ErrorCollector
) -> None:
    """Walk the SP2D rows in file order with each line's running net spending; report the first row that
    takes a line above its amount (and every row on a line the DPA does not have)."""
    payments = [row for row in rows if row.kind == "sp2d"]
    if not payments:
        return
    units = {row.unit.pk for row in payments}
    lines = RkaLine.objects.filter(version=version, unit_id__in=units).filter(
        Q(account__startswith=f"{calc.EXPENDITURE}.")
        | Q(account__startswith=f"{calc.FINANCING_EXPENDITURE}.")
    )
    # Lock the lines the rows are charged to (every location of them), as a single payment does.
    limits: dict[Key, Decimal] = defaultdict(Decimal)
    for unit_id, sub, account, funding, amount in (
        lines.select_for_update(of=("self",))
        .order_by("pk")
        .values_list("unit_id", "sub_kegiatan", "account", "funding", "amount")
    ):
        limits[(unit_id, sub, account, funding)] += amount
    spent: dict[Key, Decimal] = defaultdict(Decimal)
    for row_ in (
        Sp2d.objects.filter(pemda=pemda, year=year, unit_id__in=units)
        .values("unit_id", "sub_kegiatan", "account", "funding")
        .annotate(total=MoneySum("amount"))
        .order_by()
    ):
        spent[(row_["unit_id"], row_["sub_kegiatan"], row_["account"], row_["funding"])] = row_["total"]
    for row in payments:
        if row.amount < 0:  # a correction (checked above) only gives back; its line may have left the DPA
            spent[row.key] += row.amount
            continue
        if row.key not in limits:
            errors.add(
                RowError(
                    row.row,
                    _("tidak ada baris DPA (versi %(number)d) %(unit)s / %(sub)s / %(account)s / %(funding)s")
                    % {
                        "number": version.number,
                        "unit": row.unit.code,
                        "sub": row.sub_kegiatan or "-",
                        "account": row.account,
                        "funding": row.funding or "-",
                    },
                    "kode_rekening",
                )
            )
            continue
        after = spent[row.key] + row.amount
        if after > limits[row.key]:
            errors.add(
                RowError(
                    row.row,
                    _(
                        "pagu DPA %(amount)s terlampaui: terealisasi sebelum baris ini %(spent)s, "
                        "jumlah %(value)s"
                    )
                    % {
                        "amount": format_rupiah(limits[row.key]),
                        "spent": format_rupiah(spent[row.key]),
                        "value": format_rupiah(row.amount),
                    },
                    "jumlah",
                )
            )
            continue  # judged without it: the next rows are checked as if it were fixed
        spent[row.key] = after


def realisation_import(*, actor: MaybeActor, pemda: Pemda, year: int, path: Path | str) -> RealisationImport:
    """Import a file of SP2D and STS rows (see the module's documentation), all or nothing."""
    actor = require_actor(actor)
    REALISATION.require(actor, Place.of_pemda(pemda), "record")
    path = Path(path)
    table = read_table(path, COLUMNS)
    errors = ErrorCollector()
    reader = _Reader(pemda, year, errors)
    rows = [parsed for row in table if (parsed := reader.read(row)) is not None]
    if not table:
        errors.add(RowError(1, _("berkas tidak berisi baris SP2D/STS"), None, path.name))
    _check_numbers(rows, pemda, year, reader)
    _fail(errors, path)
    summary = RealisationImport(file=path.name)
    try:
        with transaction.atomic():
            version = _lock_newest_adopted(pemda, year)
            _check_corrections(rows, pemda, year, errors)
            _check_lines(rows, version, pemda, year, errors)
            _fail(errors, path)
            _write(pemda, year, rows, summary)
            audit.record(
                actor=actor,
                action="realisation.import",
                obj=version,
                pemda_code=pemda.code,
                after={
                    "file": path.name,
                    "year": year,
                    "version": version.number,
                    "sp2d": summary.sp2d,
                    "sts": summary.sts,
                    "corrections": summary.corrections,
                    "spending": summary.spending,
                    "revenue": summary.revenue,
                },
            )
    except IntegrityError:
        raise Conflict(_("Realisasi tahun ini diubah bersamaan oleh orang lain; ulangi impor.")) from None
    return summary


def _fail(errors: ErrorCollector, path: Path) -> None:
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak diimpor: %(count)d isian tidak sah. Perbaiki lalu ulangi.")
            % {"file": path.name, "count": errors.total}
        )


def _write(pemda: Pemda, year: int, rows: list[_Row], summary: RealisationImport) -> None:
    now = timezone.now()
    # Documents first, then the corrections of documents in the same file (which need their ids).
    for corrections in (False, True):
        batch = [r for r in rows if bool(r.corrects) == corrections]
        if not batch:
            continue
        if corrections:
            ids = {
                ("sp2d", n): pk
                for n, pk in Sp2d.objects.filter(
                    pemda=pemda, year=year, number__in={r.corrects for r in batch if r.kind == "sp2d"}
                ).values_list("number", "pk")
            } | {
                ("sts", n): pk
                for n, pk in Sts.objects.filter(
                    pemda=pemda, year=year, number__in={r.corrects for r in batch if r.kind == "sts"}
                ).values_list("number", "pk")
            }
            for r in batch:
                r.corrects_id = r.corrects_id or ids[(r.kind, r.corrects)]
        insert_many(
            Sp2d,
            SP2D_FIELDS,
            (
                (
                    pemda.code,
                    r.unit.pk,
                    year,
                    r.number,
                    r.date,
                    r.sp2d_kind,
                    r.sub_kegiatan,
                    r.account,
                    r.funding,
                    r.description,
                    r.amount,
                    r.corrects_id,
                    now,
                    now,
                )
                for r in batch
                if r.kind == "sp2d"
            ),
        )
        insert_many(
            Sts,
            STS_FIELDS,
            (
                (
                    pemda.code,
                    r.unit.pk,
                    year,
                    r.number,
                    r.date,
                    r.account,
                    r.description,
                    r.amount,
                    r.corrects_id,
                    now,
                    now,
                )
                for r in batch
                if r.kind == "sts"
            ),
        )
    for r in rows:
        if r.kind == "sp2d":
            summary.sp2d += 1
            summary.spending += r.amount
        else:
            summary.sts += 1
            summary.revenue += r.amount
        summary.corrections += bool(r.corrects)
