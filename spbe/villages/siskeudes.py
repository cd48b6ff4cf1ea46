"""``import_siskeudes``: the budget and realisation of desa from a Siskeudes export, all or nothing.

Siskeudes exports a zip of one CSV per table. This module reads the tables that carry the budget
(``Ta_RABRinci``) and its realisation (receipts ``Ta_TBPRinci``, payment requests ``Ta_SPP``/``Ta_SPPRinci``,
accountability reports ``Ta_SPJRinci``, bank mutations ``Ta_Mutasi``, journals ``Ta_JurnalUmum``/
``Ta_JurnalUmumRinci``) and, when present, the objek names of ``Ref_Rek4``. Every row of every table is
checked before anything is written; any error means nothing is written and every error is reported with
its file, row (header = row 1) and column.

Realisation is computed as Siskeudes' own reports compute it, per desa and account (domain guide 4.2):

* revenue (4.x) and financing receipts (6.1.x): receipts + mutations booked to the account (bank interest)
  + posted journal lines, credit - debit;
* expenditure (5.x) and financing expenditure (6.2.x): payment requests other than advances (``Jn_SPP``
  ``UM`` is not spending until accounted for) + accountability reports + posted journal lines, debit -
  credit;
* a mutation without an account (cash to bank) and an unposted journal count for nothing.

Amounts are summed as whole sen (Python ints), so nothing is rounded. The file is parsed with the csv
module by column position and written with ``bulk_create``: an export of 19,000 rows is a fraction of a
second of work, far below what one ORM call per row would cost.

A second import of the same desa and year replaces that desa's imported budget and realisation in the
same transaction; a desa whose APBDes is kept in OpenSPBE itself is refused, never overwritten.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, VillageGovernment
from spbe.core import audit, versions
from spbe.core.actors import MaybeActor, is_person, require_actor
from spbe.core.errors import Conflict, ImportFailed, NotFound, RowError
from spbe.core.money import from_sen
from spbe.core.published import bump_version
from spbe.core.tabular import CONTROL_CHARACTERS, MAX_FILE_BYTES, MAX_UNPACKED_BYTES, ErrorCollector

from .access import APBDES
from .models import (
    CODE_LENGTH,
    LINE_SPEC,
    MAX_YEAR,
    MIN_YEAR,
    SOURCE_LENGTH,
    AccountName,
    Apbdes,
    ApbdesLine,
    LineNote,
    Origin,
    Realisation,
    SiskeudesImport,
    published_data_set,
)
from .rules import is_expenditure_side, is_receipt_side

BATCH = 2000
DESCRIPTION_LENGTH = 500

# The columns each table must have (names compared without regard to case, as Siskeudes itself spells
# ``SumberDana`` in one table and ``Sumberdana`` in the next).
REQUIRED: dict[str, tuple[str, ...]] = {
    "Ta_RABRinci": (
        "Tahun",
        "Kd_Desa",
        "Kd_Keg",
        "Kd_Rincian",
        "Kd_SubRinci",
        "No_Urut",
        "SumberDana",
        "Uraian",
        "AnggaranStlhPAK",
    ),
    "Ta_TBPRinci": ("Tahun", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "SumberDana", "Nilai"),
    "Ta_SPP": ("Tahun", "Kd_Desa", "No_SPP", "Jn_SPP"),
    "Ta_SPPRinci": ("Tahun", "Kd_Desa", "No_SPP", "Kd_Keg", "Kd_Rincian", "Sumberdana", "Nilai"),
    "Ta_SPJRinci": ("Tahun", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "Sumberdana", "Nilai"),
    "Ta_Mutasi": ("Tahun", "Kd_Desa", "Kd_Rincian", "Nilai"),
    "Ta_JurnalUmum": ("Tahun", "Kd_Desa", "NoBukti", "Posted"),
    "Ta_JurnalUmumRinci": (
        "Tahun",
        "Kd_Desa",
        "NoBukti",
        "Kd_Keg",
        "Kd_Rincian",
        "Sumberdana",
        "Debet",
        "Kredit",
    ),
}
# Read when present: the budget before revision (to tell murni from perubahan), the objek names.
OPTIONAL: dict[str, tuple[str, ...]] = {
    "Ta_RABRinci": ("Anggaran",),
    "Ta_Mutasi": ("Kd_Keg", "Sumberdana"),
    "Ref_Rek4": ("Obyek", "Nama_Obyek"),
}
OPTIONAL_TABLES = frozenset({"Ref_Rek4"})

AMOUNT = re.compile(r"^(-?)([0-9]{1,17})(?:\.([0-9]+))?$")
DESA = re.compile(r"^([0-9]{2})\.([0-9]{4})\.?$")
ACCOUNT = re.compile(r"^[456](\.[0-9]{1,3}){0,5}$")
# Journals and mutations also touch the balance sheet (1.x cash and bank, 2.x, 3.x): well-formed, not counted.
ANY_ACCOUNT = re.compile(r"^[1-9](\.[0-9]{1,3}){0,5}$")
ACTIVITY = re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$")
NO_ACTIVITY = frozenset({"", "00.00.00", "0.0.0", "00", "00.00"})
POSTED = frozenset({"1", "-1", "true", "ya", "y", "yes"})
NOT_POSTED = frozenset({"0", "", "false", "tidak", "n", "no"})


@dataclass(frozen=True)
class DesaResult:
    kode_desa: str
    year: int
    lines: int
    realisation_rows: int
    replaced: bool


@dataclass(frozen=True)
class ImportResult:
    rows: int
    desa: list[DesaResult]


class _Table:
    """One CSV of the zip: its rows as lists of cells and the position of each column wanted."""

    def __init__(self, name: str, file: str, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
        self.name = name
        self.file = file
        self.header = header
        self.rows = rows
        self.index = {title.strip().lower(): i for i, title in reversed(list(enumerate(header)))}

    def column(self, name: str) -> int | None:
        return self.index.get(name.lower())


@dataclass
class _Desa:
    """Everything read for one desa and year, before it is written."""

    village: VillageGovernment
    year: int
    # (kegiatan, account, sub rincian, no urut) -> (funding source, description, amount in sen)
    lines: dict[tuple[str, str, str, int], tuple[str, str, int]] = field(default_factory=dict)
    revised: bool = False
    realisation: defaultdict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))


class _Reader:
    """Reads and checks every table, collecting every error with its file, row and column."""

    def __init__(self, pemda: Pemda, archive_name: str) -> None:
        self.pemda = pemda
        self.archive_name = archive_name
        self.errors = ErrorCollector()
        self.villages = {v.region_id: v for v in VillageGovernment.objects.filter(pemda=pemda)}
        self.desa: dict[tuple[str, int], _Desa] = {}
        self.rows = 0
        self.account_names: dict[str, str] = {}
        # Exports repeat the same few codes on every row: each distinct text is checked once. Only good
        # values are remembered, so every bad cell is still reported on its own row.
        self._memo: dict[tuple[str, str, str], object] = {}
        self._seen: dict[tuple[str, str, str, str | None, str | None], tuple[_Desa, str, str, str]] = {}

    # --- cells ---------------------------------------------------------------------------------------

    def error(self, table: _Table, row: int, column: str | None, message: str) -> None:
        self.errors.add(RowError(row, message, column, table.file))

    def year(self, table: _Table, row: int, text: str) -> int | None:
        hit = self._memo.get(("year", text, ""))
        if hit is not None:
            return hit  # type: ignore[return-value]
        text = text.strip()
        if text.isascii() and text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR:
            self._memo[("year", text, "")] = int(text)
            return int(text)
        self.error(table, row, "Tahun", _("'%(text)s' bukan tahun anggaran") % {"text": text})
        return None

    def village(self, table: _Table, row: int, text: str) -> tuple[str, VillageGovernment] | None:
        """The desa of a ``Kd_Desa`` (``KK.DDDD.``) and its own prefix as it appears in ``Kd_Keg``."""
        hit = self._memo.get(("desa", text, ""))
        if hit is not None:
            return hit  # type: ignore[return-value]
        match = DESA.match(text.strip())
        if match is None:
            self.error(
                table, row, "Kd_Desa", _("'%(text)s' bukan kode desa Siskeudes (KK.DDDD.)") % {"text": text}
            )
            return None
        code = f"{self.pemda.code}.{match.group(1)}.{match.group(2)}"
        village = self.villages.get(code)
        if village is None:
            self.error(
                table,
                row,
                "Kd_Desa",
                _("desa %(code)s bukan desa pemda %(pemda)s") % {"code": code, "pemda": self.pemda.code},
            )
            return None
        found = (f"{match.group(1)}.{match.group(2)}.", village)
        self._memo[("desa", text, "")] = found
        return found

    def sen(self, table: _Table, row: int, column: str, text: str) -> int | None:
        """An amount as plain decimal text (``1500000``, ``1500000.50``, ``-25.0000``), in whole sen."""
        if text.isdigit() and text.isascii():
            return int(text) * 100  # the common case: whole rupiah
        text = text.strip()
        if not text:
            return 0
        match = AMOUNT.match(text)
        if match is not None:
            sign, whole, fraction = match.groups()
            fraction = (fraction or "").rstrip("0")
            if len(fraction) <= 2:
                value = int(whole) * 100 + int(fraction.ljust(2, "0"))
                return -value if sign else value
        self.error(
            table,
            row,
            column,
            _("jumlah '%(text)s' tidak sah; tulis angka desimal biasa dengan paling banyak dua angka sen")
            % {"text": text},
        )
        return None

    def account(self, table: _Table, row: int, text: str, *, required: bool = True) -> str | None:
        """The account of a row without its trailing dot; a realisation row (``required=False``) may name
        none (a cash-bank move) or a balance-sheet account, which the sums then leave out."""
        key = ("account" if required else "any_account", text, "")
        hit = self._memo.get(key)
        if hit is not None:
            return hit  # type: ignore[return-value]
        code = text.strip().removesuffix(".")
        if not code and not required:
            return ""
        pattern = ACCOUNT if required else ANY_ACCOUNT
        if len(code) <= CODE_LENGTH and pattern.match(code):
            self._memo[key] = code
            return code
        self.error(table, row, "Kd_Rincian", _("'%(text)s' bukan kode rekening APBDes") % {"text": text})
        return None

    def activity(self, table: _Table, row: int, column: str, text: str, prefix: str) -> str | None:
        """The kegiatan ``BB.SS.KK`` of a ``Kd_Keg`` (``01.2001.02.01.03.``), or "" for none."""
        hit = self._memo.get(("activity", text, prefix))
        if hit is not None:
            return hit  # type: ignore[return-value]
        code = text.strip()
        if code.startswith(prefix):
            code = code[len(prefix) :]
        code = code.removesuffix(".")
        if code in NO_ACTIVITY:
            code = ""
        if not code or ACTIVITY.match(code):
            self._memo[("activity", text, prefix)] = code
            return code
        self.error(table, row, column, _("'%(text)s' bukan kode kegiatan desa") % {"text": text})
        return None

    def source(self, table: _Table, row: int, column: str, text: str) -> str | None:
        hit = self._memo.get(("source", text, ""))
        if hit is not None:
            return hit  # type: ignore[return-value]
        code = text.strip().upper()
        if len(code) <= SOURCE_LENGTH:
            self._memo[("source", text, "")] = code
            return code
        self.error(table, row, column, _("kode sumber dana '%(text)s' terlalu panjang") % {"text": text})
        return None

    def desa_for(self, village: VillageGovernment, year: int) -> _Desa:
        key = (village.region_id, year)
        entry = self.desa.get(key)
        if entry is None:
            entry = self.desa[key] = _Desa(village, year)
        return entry

    # --- tables --------------------------------------------------------------------------------------

    def budget(self, table: _Table) -> None:
        c = {name: table.column(name) for name in (*REQUIRED[table.name], *OPTIONAL[table.name])}
        for number, cells in table.rows:
            year = self.year(table, number, cells[c["Tahun"]])  # type: ignore[index]
            desa = self.village(table, number, cells[c["Kd_Desa"]])  # type: ignore[index]
            account = self.account(table, number, cells[c["Kd_Rincian"]])  # type: ignore[index]
            amount = self.sen(table, number, "AnggaranStlhPAK", cells[c["AnggaranStlhPAK"]])  # type: ignore[index]
            before = (
                self.sen(table, number, "Anggaran", cells[c["Anggaran"]])
                if c["Anggaran"] is not None
                else None
            )
            source = self.source(table, number, "SumberDana", cells[c["SumberDana"]])  # type: ignore[index]
            sub_code = cells[c["Kd_SubRinci"]].strip().removesuffix(".")  # type: ignore[index]
            urut_text = cells[c["No_Urut"]].strip()  # type: ignore[index]
            urut = int(urut_text) if urut_text.isascii() and urut_text.isdigit() else None
            if urut is None:
                self.error(table, number, "No_Urut", _("'%(text)s' bukan nomor urut") % {"text": urut_text})
            if len(sub_code) > CODE_LENGTH:
                self.error(table, number, "Kd_SubRinci", _("kode terlalu panjang"))
            if desa is None or account is None:
                continue
            activity = self.activity(table, number, "Kd_Keg", cells[c["Kd_Keg"]], desa[0])  # type: ignore[index]
            if activity is None:
                continue
            if account.startswith("5"):
                if not activity:
                    self.error(table, number, "Kd_Keg", _("belanja wajib memiliki kegiatan"))
                    continue
            else:
                activity = ""  # Siskeudes files revenue and financing under kegiatan 00.00.00.
            if amount is not None and amount < 0:
                self.error(table, number, "AnggaranStlhPAK", _("anggaran tidak boleh negatif"))
                continue
            if (
                year is None
                or amount is None
                or source is None
                or urut is None
                or len(sub_code) > CODE_LENGTH
            ):
                continue
            entry = self.desa_for(desa[1], year)
            if before is not None and before != amount:
                entry.revised = True
            if amount == 0:
                continue  # a line removed in the revision, or never funded
            key = (activity, account, sub_code, urut)
            if key in entry.lines:
                self.error(
                    table,
                    number,
                    "No_Urut",
                    _("rincian %(key)s muncul dua kali") % {"key": " ".join(str(k) for k in key if k != "")},
                )
                continue
            description = " ".join(cells[c["Uraian"]].split())[:DESCRIPTION_LENGTH]  # type: ignore[index]
            entry.lines[key] = (source, description, amount)

    def _common(
        self, table: _Table, number: int, cells: list[str], c: dict[str, int | None], source_column: str
    ) -> tuple[_Desa, str, str, str] | None:
        """Year, desa, account, kegiatan and funding source of one realisation row, all checked.

        A year's realisation rows repeat the same few hundred combinations of these five cells, so a
        combination once found valid is answered from ``_seen`` with one lookup (profiled: the five
        checks were the largest cost of reading the rows); an invalid one is checked, and reported, again
        on every row it appears in.
        """
        keg = c.get("Kd_Keg")
        source_index = c.get(source_column)
        raw = (
            cells[c["Tahun"]],  # type: ignore[index]
            cells[c["Kd_Desa"]],  # type: ignore[index]
            cells[c["Kd_Rincian"]],  # type: ignore[index]
            cells[keg] if keg is not None else None,
            cells[source_index] if source_index is not None else None,
        )
        seen = self._seen.get(raw)
        if seen is not None:
            return seen
        year = self.year(table, number, raw[0])
        desa = self.village(table, number, raw[1])
        account = self.account(table, number, raw[2], required=False)
        activity = (
            self.activity(table, number, "Kd_Keg", cells[keg], desa[0])
            if desa is not None and keg is not None
            else ""
        )
        source = (
            self.source(table, number, source_column, cells[source_index]) if source_index is not None else ""
        )
        if year is None or desa is None or account is None or activity is None or source is None:
            return None
        # Only expenditure is planned per kegiatan; a revenue row keeps its 00.00.00 out of the sums.
        found = self.desa_for(desa[1], year), account, activity if account.startswith("5") else "", source
        self._seen[raw] = found
        return found

    def headers(
        self, table: _Table, key: tuple[str, str, str]
    ) -> dict[tuple[str, str, str], tuple[int, str]]:
        """Rows of a header table (Ta_SPP, Ta_JurnalUmum) by (Tahun, Kd_Desa, number): its row and value."""
        year_i, desa_i, number_i = (table.column(k) for k in key)
        value_name = "Jn_SPP" if table.name == "Ta_SPP" else "Posted"
        value_i = table.column(value_name)
        found: dict[tuple[str, str, str], tuple[int, str]] = {}
        for number, cells in table.rows:
            ident = (cells[year_i].strip(), cells[desa_i].strip(), cells[number_i].strip())  # type: ignore[index]
            if ident in found:
                self.error(table, number, key[2], _("nomor %(no)s muncul dua kali") % {"no": ident[2]})
            found[ident] = (number, cells[value_i].strip())  # type: ignore[index]
        return found

    def receipts(self, table: _Table, value: str) -> None:
        """Ta_TBPRinci and Ta_Mutasi: what came in, on revenue and financing-receipt accounts."""
        c = {name: table.column(name) for name in (*REQUIRED[table.name], *OPTIONAL.get(table.name, ()))}
        source_column = "SumberDana" if table.name == "Ta_TBPRinci" else "Sumberdana"
        for number, cells in table.rows:
            common = self._common(table, number, cells, c, source_column)
            amount = self.sen(table, number, value, cells[c[value]])  # type: ignore[index]
            if common is None or amount is None:
                continue
            desa, account, activity, source = common
            # An empty account on a mutation is a move between cash and bank: no revenue at all.
            if account and is_receipt_side(account):
                desa.realisation[(account, activity, source)] += amount

    def payments(self, table: _Table, kinds: dict[tuple[str, str, str], tuple[int, str]] | None) -> None:
        """Ta_SPPRinci (advances excluded) and Ta_SPJRinci: what went out, on expenditure accounts."""
        c = {name: table.column(name) for name in REQUIRED[table.name]}
        for number, cells in table.rows:
            common = self._common(table, number, cells, c, "Sumberdana")
            amount = self.sen(table, number, "Nilai", cells[c["Nilai"]])  # type: ignore[index]
            advance = False
            if kinds is not None:
                ident = (
                    cells[c["Tahun"]].strip(),  # type: ignore[index]
                    cells[c["Kd_Desa"]].strip(),  # type: ignore[index]
                    cells[c["No_SPP"]].strip(),  # type: ignore[index]
                )
                header = kinds.get(ident)
                if header is None:
                    self.error(
                        table, number, "No_SPP", _("SPP %(no)s tidak ada di Ta_SPP") % {"no": ident[2]}
                    )
                    continue
                advance = header[1].upper() == "UM"
            if common is None or amount is None:
                continue
            desa, account, activity, source = common
            if not advance and account and is_expenditure_side(account):
                desa.realisation[(account, activity, source)] += amount

    def journals(
        self, table: _Table, posted: dict[tuple[str, str, str], tuple[int, str]], head: _Table
    ) -> None:
        """Posted journal lines: credit - debit on the receipt side, debit - credit on the other side."""
        c = {name: table.column(name) for name in REQUIRED[table.name]}
        checked: dict[tuple[str, str, str], bool] = {}
        for ident, (row, value) in posted.items():
            flag = value.lower()
            if flag in POSTED:
                checked[ident] = True
            elif flag in NOT_POSTED:
                checked[ident] = False
            else:
                self.error(head, row, "Posted", _("'%(text)s' bukan 1 atau 0") % {"text": value})
        for number, cells in table.rows:
            common = self._common(table, number, cells, c, "Sumberdana")
            debit = self.sen(table, number, "Debet", cells[c["Debet"]])  # type: ignore[index]
            credit = self.sen(table, number, "Kredit", cells[c["Kredit"]])  # type: ignore[index]
            ident = (
                cells[c["Tahun"]].strip(),  # type: ignore[index]
                cells[c["Kd_Desa"]].strip(),  # type: ignore[index]
                cells[c["NoBukti"]].strip(),  # type: ignore[index]
            )
            if ident not in posted:
                self.error(
                    table, number, "NoBukti", _("jurnal %(no)s tidak ada di Ta_JurnalUmum") % {"no": ident[2]}
                )
                continue
            if common is None or debit is None or credit is None or not checked.get(ident, False):
                continue
            desa, account, activity, source = common
            if not account:
                continue
            if is_receipt_side(account):
                desa.realisation[(account, activity, source)] += credit - debit
            elif is_expenditure_side(account):
                desa.realisation[(account, activity, source)] += debit - credit

    def account_list(self, table: _Table) -> None:
        code_i, name_i = table.column("Obyek"), table.column("Nama_Obyek")
        for _number, cells in table.rows:
            code = cells[code_i].strip().removesuffix(".")  # type: ignore[index]
            if not code or not ACCOUNT.match(code):
                continue  # Ref_Rek4 also lists assets and liabilities (1.x, 2.x, 3.x): not APBDes accounts
            name = " ".join(cells[name_i].split())[:DESCRIPTION_LENGTH]  # type: ignore[index]
            if name:
                self.account_names[code] = name


def _csv_rows(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, errors: ErrorCollector
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and data rows of one member, rows numbered as a spreadsheet shows them (header = 1)."""
    file = PurePosixPath(info.filename).name
    try:
        raw = archive.read(info)
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.add(RowError(1, _("berkas bukan teks UTF-8"), None, file))
        return [], []
    first_line = text[: text.find("\n") if "\n" in text else len(text)]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if number == 1:
                header = record
                continue
            if not record or not any(record):
                continue
            if len(record) < len(header):
                record = record + [""] * (len(header) - len(record))
            rows.append((number, record))
    except csv.Error as exc:
        errors.add(RowError(number + 1, _("baris CSV tidak sah: %(error)s") % {"error": exc}, None, file))
    # One scan of the whole text instead of one per cell; the row is found only when there is a hit.
    hidden = CONTROL_CHARACTERS.search(text)
    if hidden:
        line = text.count("\n", 0, hidden.start()) + 1
        errors.add(
            RowError(
                line,
                _("berisi karakter kendali (U+%(code)04X); berkas mungkin rusak")
                % {"code": ord(hidden.group())},
                None,
                file,
            )
        )
    return header, rows


def _tables(path: Path, errors: ErrorCollector) -> dict[str, _Table]:
    """Open the zip and read every table this import knows; the others are ignored."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFailed(
            _("Berkas %(file)s terlalu besar.") % {"file": path.name},
            [RowError(1, _("paling besar %(max)d MB") % {"max": MAX_FILE_BYTES // 2**20}, None, path.name)],
        )
    wanted = {name.lower(): name for name in (*REQUIRED, *OPTIONAL_TABLES)}
    tables: dict[str, _Table] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise ImportFailed(
                    _("Isi berkas %(file)s terlalu besar setelah dibuka.") % {"file": path.name},
                    [RowError(1, _("isi zip terlalu besar"), None, path.name)],
                )
            for info in members:
                stem = PurePosixPath(info.filename)
                if info.is_dir() or stem.suffix.lower() != ".csv":
                    continue
                name = wanted.get(stem.stem.lower())
                if name is None:
                    continue
                header, rows = _csv_rows(archive, info, errors)
                tables[name] = _Table(name, stem.name, header, rows)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ImportFailed(
            _("Berkas %(file)s bukan zip ekspor Siskeudes yang utuh.") % {"file": path.name},
            [
                RowError(
                    1,
                    _("zip rusak atau terpotong (%(error)s)") % {"error": type(exc).__name__},
                    None,
                    path.name,
                )
            ],
        ) from exc
    for name, columns in REQUIRED.items():
        table = tables.get(name)
        if table is None:
            errors.add(
                RowError(1, _("tabel %(table)s tidak ada di zip") % {"table": name}, None, f"{name}.csv")
            )
            continue
        for column in columns:
            if table.column(column) is None:
                errors.add(
                    RowError(
                        1, _("kolom wajib '%(column)s' tidak ada") % {"column": column}, column, table.file
                    )
                )
    for name in OPTIONAL_TABLES:
        table = tables.get(name)
        if table is not None and any(table.column(c) is None for c in OPTIONAL[name]):
            del tables[name]  # an optional list without its columns is simply not used
    return tables


def _read(path: Path, pemda: Pemda) -> _Reader:
    reader = _Reader(pemda, path.name)
    tables = _tables(path, reader.errors)
    if reader.errors:
        return reader
    reader.rows = sum(len(t.rows) for t in tables.values())
    reader.budget(tables["Ta_RABRinci"])
    reader.receipts(tables["Ta_TBPRinci"], "Nilai")
    reader.receipts(tables["Ta_Mutasi"], "Nilai")
    spp = reader.headers(tables["Ta_SPP"], ("Tahun", "Kd_Desa", "No_SPP"))
    reader.payments(tables["Ta_SPPRinci"], spp)
    reader.payments(tables["Ta_SPJRinci"], None)
    journal = reader.headers(tables["Ta_JurnalUmum"], ("Tahun", "Kd_Desa", "NoBukti"))
    reader.journals(tables["Ta_JurnalUmumRinci"], journal, tables["Ta_JurnalUmum"])
    if "Ref_Rek4" in tables:
        reader.account_list(tables["Ref_Rek4"])
    return reader


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _insert(model: type[Model], fields: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows given as column values with one prepared statement, run for every row.

    An export's lines number in the thousands; building a model instance per line costs more than
    reading and checking the whole file. Money goes in as whole sen, the form ``MoneyField`` stores
    (``spbe.core.fields``): the reader already has every amount as an exact sen integer.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column or name) for name in fields)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names from _meta)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _delete(rows: QuerySet[Any]) -> None:
    """Delete ``rows`` with one statement (the caller has removed whatever points at them)."""
    rows._raw_delete(rows.db)


def _replace(entry: _Desa, *, actor: MaybeActor, file_name: str, sha: str, rows: int) -> DesaResult:
    """Write one desa's year, replacing what an earlier import wrote. Runs inside the import's transaction."""
    village, year = entry.village, entry.year
    existing = list(Apbdes.objects.select_for_update().filter(village=village, year=year).order_by("-number"))
    if any(a.origin != Origin.SISKEUDES for a in existing):
        raise Conflict(
            _(
                "APBDes %(year)d desa %(code)s disusun di OpenSPBE; impor Siskeudes tidak menimpanya. "
                "Hapus desa ini dari ekspor atau kelola APBDes-nya di satu tempat saja."
            )
            % {"year": year, "code": village.region_id}
        )
    before = [{"number": a.number, "content_hash": a.content_hash} for a in existing]
    if existing:
        # Straight DELETEs: Django's collector would load every line to look for notes to cascade to.
        _delete(LineNote.objects.filter(line__apbdes__in=existing))
        _delete(ApbdesLine.objects.filter(apbdes__in=existing))
        for old in existing:  # newest first: a revision points at the version before it (PROTECT)
            old.delete()
    _delete(Realisation.objects.filter(village=village, year=year, origin=Origin.SISKEUDES))
    SiskeudesImport.objects.filter(village=village, year=year).delete()
    apbdes = Apbdes.objects.create(
        pemda_id=village.pemda_id,
        village=village,
        year=year,
        number=1,
        label="Siskeudes",
        kind=Apbdes.Kind.PERUBAHAN if entry.revised else Apbdes.Kind.MURNI,
        origin=Origin.SISKEUDES,
    )
    now = timezone.now()
    _insert(
        ApbdesLine,
        [
            "apbdes",
            "activity_code",
            "account_code",
            "sub_code",
            "number",
            "source_code",
            "description",
            "amount",
        ],
        [
            (apbdes.pk, activity, account, sub_code, number, source, description, sen)
            for (activity, account, sub_code, number), (source, description, sen) in entry.lines.items()
        ],
    )
    # Adapted once, not by the driver on each of thousands of rows (profiled: 6% of an import on SQLite).
    stamp = connection.ops.adapt_datetimefield_value(now)
    realisation = [
        (
            village.pemda_id,
            village.pk,
            year,
            Origin.SISKEUDES.value,
            account,
            activity,
            source,
            sen,
            stamp,
            stamp,
        )
        for (account, activity, source), sen in sorted(entry.realisation.items())
        if sen != 0
    ]
    _insert(
        Realisation,
        [
            "pemda",
            "village",
            "year",
            "origin",
            "account_code",
            "activity_code",
            "source_code",
            "amount",
            "created_at",
            "updated_at",
        ],
        realisation,
    )
    SiskeudesImport.objects.create(
        pemda_id=village.pemda_id,
        village=village,
        year=year,
        file_name=file_name[:255],
        file_sha256=sha,
        rows=rows,
        imported_at=timezone.now(),
        imported_by_id=actor.pk if is_person(actor) else None,
    )
    # Siskeudes holds the adopted budget (the Perdes): it is published frozen, with its content hash.
    versions.freeze(apbdes, LINE_SPEC, actor=actor, action="apbdes.siskeudes_freeze")
    Apbdes.objects.filter(pk=apbdes.pk).update(stage=Apbdes.Stage.ADOPTED)
    audit.record(
        actor=actor,
        action="apbdes.siskeudes_import",
        obj=apbdes,
        pemda_code=village.pemda_id,
        before={"versions": before} if before else None,
        after={
            "desa": village.region_id,
            "year": year,
            "file": file_name,
            "sha256": sha,
            "lines": len(entry.lines),
            "budget": format(from_sen(sum(sen for _s, _d, sen in entry.lines.values())), "f"),
            "realisation_rows": len(realisation),
        },
    )
    return DesaResult(village.region_id, year, len(entry.lines), len(realisation), bool(existing))


def siskeudes_import(path: Path | str, *, actor: MaybeActor, pemda_code: str) -> ImportResult:
    """Import the budgets and realisation of every desa in a Siskeudes export zip, or nothing at all."""
    vetted = require_actor(actor)
    path = Path(path)
    pemda = Pemda.objects.filter(code=pemda_code).first()
    if pemda is None:
        raise NotFound(_("Pemda %(code)s tidak ditemukan.") % {"code": pemda_code})
    if not path.is_file():
        raise NotFound(_("Berkas %(file)s tidak ditemukan.") % {"file": path})
    reader = _read(path, pemda)
    if reader.errors:
        raise reader.errors.failure(
            _("Tidak ada data yang diimpor dari %(file)s: %(count)d kesalahan.")
            % {"file": path.name, "count": reader.errors.total}
        )
    if not reader.desa:
        raise ImportFailed(
            _("Berkas %(file)s tidak memuat data desa.") % {"file": path.name},
            [RowError(1, _("Ta_RABRinci kosong"), None, "Ta_RABRinci.csv")],
        )
    for entry in reader.desa.values():
        APBDES.require(vetted, Place.of_village(entry.village), "import_siskeudes")
    sha = _sha256(path)
    results: list[DesaResult] = []
    with transaction.atomic():
        if reader.account_names:
            years = {entry.year for entry in reader.desa.values()}
            AccountName.objects.bulk_create(
                [
                    AccountName(year=y, code=code, name=name)
                    for y in years
                    for code, name in reader.account_names.items()
                ],
                update_conflicts=True,
                unique_fields=["year", "code"],
                update_fields=["name"],
                batch_size=BATCH,
            )
        for key in sorted(reader.desa):
            results.append(
                _replace(reader.desa[key], actor=vetted, file_name=path.name, sha=sha, rows=reader.rows)
            )
            bump_version(published_data_set(*key))
    return ImportResult(reader.rows, results)
