"""The XLSX template for a desa that does not use Siskeudes: its APBDes lines, or its realisation, by hand.

**Two templates.** ``APBDes``: one row per budget line (account, kegiatan, funding source, description,
amount). ``Realisasi``: one row per entry (date, account, kegiatan, source, description, amount). Each
workbook's first sheet is the one read back; then come the instructions in Bahasa Indonesia
(``Petunjuk``) and the reference sheets ``Rekening``, ``Kegiatan`` and ``Sumber`` of the year, which the
data sheet's cells use as drop-down lists (a typed value outside the list is still read and checked here,
because the lists are a help, not a guarantee: LibreOffice and old Excel ignore them).

**Uploads are all or nothing.** Every row is checked before anything is written; any error refuses the
whole file with ``row N, column X: reason`` and the sheet named (header = row 1).

- An APBDes upload *replaces every line* of the desa's draft (so uploading the same file twice gives the
  same draft, never twice the lines). It is refused once the draft has left the draft stage, and while
  the camat's notes sit on its lines (a replace would delete them: correct those lines on the page).
- A realisation upload *replaces* the desa's manual realisation of the year. It needs the adopted APBDes
  kept in OpenSPBE, and every row must match one of its lines (account, kegiatan and source). It is
  **refused** for a desa whose realisation already comes from elsewhere, so nothing is counted twice: a
  desa keeping OpenSPBE's books (any SPP, receipt, tax deposit or cash move of the year) or whose year
  came from Siskeudes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from spbe.accounts.access import Place
from spbe.accounts.models import VillageGovernment
from spbe.core import audit, versions
from spbe.core.actors import MaybeActor
from spbe.core.errors import Conflict, ImportFailed, RowError, SpbeError, ValidationFailed
from spbe.core.exports import escape_formula
from spbe.core.money import parse_rupiah
from spbe.core.published import bump_version
from spbe.core.tabular import Column, ErrorCollector, read_table
from spbe.reference.models import FundingSource, VillageAccount, VillageActivity

from .access import APBDES
from .models import Apbdes, ApbdesLine, LineNote, Origin, Realisation, SiskeudesImport, published_data_set
from .models_books import CashMove, Receipt, Spp, TaxDeposit
from .models_template import ManualRealisation
from .services import LineData, _checked

BUDGET_SHEET = "APBDes"
REALISATION_SHEET = "Realisasi"
BUDGET_COLUMNS = ("kode_rekening", "kode_kegiatan", "sumber_dana", "uraian", "anggaran")
REALISATION_COLUMNS = ("tanggal", "kode_rekening", "kode_kegiatan", "sumber_dana", "uraian", "jumlah")
MAX_DATA_ROWS = 5000
# The service's field names, as the template's columns call them.
FIELD_COLUMN = {
    "account_code": "kode_rekening",
    "activity_code": "kode_kegiatan",
    "source_code": "sumber_dana",
    "amount": "anggaran",
}
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T00:00:00)?$")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")


# --- writing the template -----------------------------------------------------------------------------


def _reference(book: Workbook, year: int) -> dict[str, str]:
    """The reference sheets of the year; returns the range of each list for the drop-downs."""
    lists = {
        "Rekening": list(
            VillageAccount.objects.filter(year=year, level__in=["jenis", "objek"])
            .order_by("code")
            .values_list("code", "name")
        ),
        "Kegiatan": list(
            VillageActivity.objects.filter(year=year, level=VillageActivity.Level.KEGIATAN)
            .order_by("code")
            .values_list("code", "name")
        ),
        "Sumber": list(
            FundingSource.objects.filter(year=year, scope=FundingSource.Scope.DESA)
            .order_by("code")
            .values_list("code", "name")
        ),
    }
    ranges = {}
    for title, rows in lists.items():
        sheet = book.create_sheet(title)
        sheet.append([_("kode"), _("nama")])
        sheet["A1"].font = sheet["B1"].font = Font(bold=True)
        for code, name in rows:
            sheet.append([code, escape_formula(name)])
        sheet.column_dimensions["A"].width = 14
        sheet.column_dimensions["B"].width = 80
        ranges[title] = f"{title}!$A$2:$A${max(len(rows), 1) + 1}"
    return ranges


def _instructions(book: Workbook, lines: Sequence[str]) -> None:
    sheet = book.create_sheet("Petunjuk")
    sheet.column_dimensions["A"].width = 110
    for text in lines:
        sheet.append([text])
    sheet["A1"].font = Font(bold=True)


def _data_sheet(book: Workbook, title: str, columns: Sequence[str], widths: Sequence[int]) -> None:
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(columns))
    for index, width in enumerate(widths):
        cell = sheet.cell(row=1, column=index + 1)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"


def _validate(book: Workbook, column: str, source: str, prompt: str) -> None:
    sheet = book.worksheets[0]
    rule = DataValidation(type="list", formula1=f"={source}", allow_blank=True, showErrorMessage=False)
    rule.prompt = prompt
    rule.showInputMessage = True
    sheet.add_data_validation(rule)
    rule.add(f"{column}2:{column}{MAX_DATA_ROWS + 1}")


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def budget_template(apbdes: Apbdes) -> bytes:
    """The APBDes template of a desa's version, filled with its current lines (download, edit, upload)."""
    book = Workbook()
    _data_sheet(book, BUDGET_SHEET, BUDGET_COLUMNS, (16, 14, 12, 50, 18))
    sheet = book.worksheets[0]
    for line in ApbdesLine.objects.filter(apbdes=apbdes).order_by("account_code", "activity_code", "number"):
        sheet.append(
            [
                line.account_code,
                line.activity_code,
                line.source_code,
                escape_formula(line.description),
                format(line.amount, "f"),
            ]
        )
    ranges = _reference(book, apbdes.year)
    _validate(book, "A", ranges["Rekening"], _("Pilih rekening dari lembar Rekening"))
    _validate(book, "B", ranges["Kegiatan"], _("Pilih kegiatan (hanya untuk belanja 5)"))
    _validate(book, "C", ranges["Sumber"], _("Pilih sumber dana"))
    _instructions(
        book,
        [
            _("Petunjuk pengisian APBDes %(desa)s tahun %(year)d")
            % {"desa": apbdes.village.name, "year": apbdes.year},
            _("1. Isi lembar 'APBDes': satu baris untuk satu rincian. Baris 1 judul kolom; jangan diubah."),
            _("2. kode_rekening: dari lembar 'Rekening', paling sedikit sampai jenis (contoh 5.2.1)."),
            _(
                "3. kode_kegiatan: wajib untuk belanja (rekening 5), dari lembar 'Kegiatan' (contoh "
                "02.03.01); kosongkan untuk pendapatan (4) dan pembiayaan (6)."
            ),
            _("4. sumber_dana: kode dari lembar 'Sumber' (DDS = Dana Desa, ADD, PAD, PBH, ...)."),
            _("5. anggaran: rupiah tanpa 'Rp', boleh dengan sen: 1250000,50 atau 1.250.000,50."),
            _(
                "6. Unggah berkas ini di halaman APBDes. Semua baris diperiksa dulu: satu kesalahan "
                "membatalkan seluruh unggahan, dengan nomor baris dan kolom yang salah."
            ),
            _(
                "7. Unggahan MENGGANTI semua rincian draf dengan isi berkas; mengunggah berkas yang sama "
                "dua kali tidak menggandakan rincian."
            ),
        ],
    )
    return _bytes(book)


def realisation_template(village: VillageGovernment, year: int) -> bytes:
    """The realisation template of a desa's year, filled with the entries already uploaded."""
    book = Workbook()
    _data_sheet(book, REALISATION_SHEET, REALISATION_COLUMNS, (12, 16, 14, 12, 50, 18))
    sheet = book.worksheets[0]
    for row in ManualRealisation.objects.filter(village=village, year=year).order_by("entry_date", "row"):
        sheet.append(
            [
                row.entry_date.isoformat(),
                row.account_code,
                row.activity_code,
                row.source_code,
                escape_formula(row.description),
                format(row.amount, "f"),
            ]
        )
    ranges = _reference(book, year)
    _validate(book, "B", ranges["Rekening"], _("Pilih rekening dari lembar Rekening"))
    _validate(book, "C", ranges["Kegiatan"], _("Pilih kegiatan (hanya untuk belanja 5)"))
    _validate(book, "D", ranges["Sumber"], _("Pilih sumber dana"))
    _instructions(
        book,
        [
            _("Petunjuk pengisian realisasi %(desa)s tahun %(year)d") % {"desa": village.name, "year": year},
            _(
                "1. Isi lembar 'Realisasi': satu baris untuk satu penerimaan atau pengeluaran. Baris 1 "
                "judul kolom; jangan diubah."
            ),
            _("2. tanggal: tanggal dalam tahun anggaran, 2027-03-31 atau 31/03/2027."),
            _(
                "3. kode_rekening, kode_kegiatan dan sumber_dana harus sama dengan salah satu rincian "
                "APBDes yang ditetapkan."
            ),
            _("4. jumlah: rupiah, boleh dengan sen; jumlah negatif hanya untuk koreksi."),
            _("5. Unggahan MENGGANTI seluruh realisasi manual desa tahun ini dengan isi berkas."),
            _(
                "6. Desa yang mencatat penatausahaan di OpenSPBE atau memakai Siskeudes tidak memakai "
                "templat ini: realisasinya sudah dihitung dari sana, dan unggahan ditolak agar tidak "
                "terhitung dua kali."
            ),
        ],
    )
    return _bytes(book)


# --- reading it back ----------------------------------------------------------------------------------


def _where(file_name: str, sheet: str) -> str:
    return f"{file_name} [{sheet}]"


def _first_sheet(path: Path, file_name: str, expected: str) -> None:
    """Refuse a workbook whose first sheet is not the template's (e.g. the other template)."""
    try:
        book = load_workbook(path, read_only=True)
        try:
            first = book.sheetnames[0] if book.sheetnames else ""
        finally:
            book.close()
    except Exception as exc:
        raise ImportFailed(
            _("Berkas %(file)s bukan XLSX yang sah.") % {"file": file_name},
            [RowError(1, _("berkas bukan XLSX yang sah atau rusak"), None, file_name)],
        ) from exc
    if first != expected:
        raise ImportFailed(
            _("Berkas %(file)s bukan templat %(sheet)s.") % {"file": file_name, "sheet": expected},
            [
                RowError(
                    1,
                    _("lembar pertama harus '%(expected)s', bukan '%(found)s'")
                    % {"expected": expected, "found": first},
                    None,
                    file_name,
                )
            ],
        )


def _read(path: Path, file_name: str, sheet: str, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    _first_sheet(path, file_name, sheet)
    spec = [Column(key, required=key not in {"kode_kegiatan", "uraian"}) for key in columns]
    try:
        rows = read_table(path, spec)
    except ImportFailed as exc:
        # read_table names the file on disk (a temporary name); the user knows the upload and the sheet.
        raise ImportFailed(
            exc.message,
            [replace(error, file=_where(file_name, sheet)) for error in exc.errors],
            total=exc.total,
            by_column=exc.by_column,
        ) from exc
    if len(rows) > MAX_DATA_ROWS:
        raise ImportFailed(
            _("Berkas lebih dari %(max)d baris.") % {"max": MAX_DATA_ROWS},
            [RowError(MAX_DATA_ROWS + 2, _("terlalu banyak baris"), None, _where(file_name, sheet))],
        )
    return [(row.row, row.values) for row in rows]


def _row_fields(
    apbdes: Apbdes,
    values: dict[str, str],
    amount_column: str,
    errors: ErrorCollector,
    where: str,
    number: int,
) -> dict[str, object] | None:
    """One row's codes and amount checked by the line service's own rules; errors go to ``errors``."""
    try:
        return _checked(
            apbdes,
            LineData(
                account_code=values.get("kode_rekening", ""),
                activity_code=values.get("kode_kegiatan", ""),
                source_code=values.get("sumber_dana", ""),
                description=values.get("uraian", ""),
                amount=values.get(amount_column, "") or "x",
            ),
        )
    except ValidationFailed as exc:
        column = FIELD_COLUMN.get(exc.field or "")
        if column == "anggaran":
            column = amount_column
        errors.add(RowError(number, exc.message, column, where))
        return None


def budget_import(*, actor: MaybeActor, apbdes: Apbdes, path: Path | str, file_name: str) -> int:
    """Replace the draft's lines with the template's rows, all or nothing; return how many lines."""
    APBDES.require(actor, apbdes.place(), "edit")
    path = Path(path)
    where = _where(file_name, BUDGET_SHEET)
    rows = _read(path, file_name, BUDGET_SHEET, BUDGET_COLUMNS)
    errors = ErrorCollector()
    checked: list[tuple[int, dict[str, object]]] = []
    for number, values in rows:
        fields = _row_fields(apbdes, values, "anggaran", errors, where, number)
        if fields is not None:
            checked.append((number, fields))
    if errors:
        raise errors.failure(
            _("%(count)d kesalahan di %(file)s; tidak ada yang disimpan.")
            % {"count": errors.total, "file": file_name}
        )
    with transaction.atomic():
        locked = versions.ensure_draft(apbdes)
        assert isinstance(locked, Apbdes)
        if locked.stage != Apbdes.Stage.DRAFT:
            raise Conflict(
                _("APBDes sedang dalam tahap '%(stage)s'; rincian hanya dapat diubah pada tahap draf.")
                % {"stage": locked.get_stage_display()}
            )
        if LineNote.objects.filter(line__apbdes=apbdes).exists():
            raise Conflict(
                _(
                    "Draf ini memuat catatan evaluasi camat pada rinciannya; unggahan akan menghapusnya. "
                    "Perbaiki rincian satu per satu di halaman APBDes."
                )
            )
        removed = ApbdesLine.objects.filter(apbdes_id=apbdes.pk).delete()[0]
        numbers: defaultdict[tuple[object, object], int] = defaultdict(int)
        lines = []
        for _number, fields in checked:
            key = (fields["activity_code"], fields["account_code"])
            numbers[key] += 1
            lines.append(ApbdesLine(apbdes=apbdes, number=numbers[key], **fields))
        ApbdesLine.objects.bulk_create(lines, batch_size=1000)
        audit.record(
            actor=actor,
            action="apbdes.template_import",
            obj=apbdes,
            pemda_code=apbdes.pemda_id,
            before={"lines": removed},
            after={"lines": len(lines), "file": file_name},
        )
    return len(lines)


def _date(value: str, year: int) -> dt.date | str:
    """The entry's date, or the reason it is not one of the year's days."""
    found = DATE.match(value)
    parts: tuple[int, int, int] | None = None
    if found:
        parts = (int(found[1]), int(found[2]), int(found[3]))
    elif (other := DAY_MONTH_YEAR.match(value)) is not None:
        parts = (int(other[3]), int(other[2]), int(other[1]))
    if parts is None:
        return _("tanggal '%(value)s' tidak dikenali; tulis 2027-03-31 atau 31/03/2027") % {"value": value}
    try:
        day = dt.date(*parts)
    except ValueError:
        return _("tanggal '%(value)s' tidak ada") % {"value": value}
    if day.year != year:
        return _("tanggal %(day)s di luar tahun anggaran %(year)d") % {"day": day.isoformat(), "year": year}
    return day


def _other_source(village: VillageGovernment, year: int) -> str | None:
    """Why the desa's realisation of the year already comes from elsewhere (None when it does not)."""
    if SiskeudesImport.objects.filter(village=village, year=year).exists():
        return _("realisasi desa ini tahun %(year)d diimpor dari Siskeudes") % {"year": year}
    for model in (Spp, Receipt, TaxDeposit, CashMove):
        if model.objects.filter(village=village, year=year).exists():
            return _("desa ini mencatat penatausahaan %(year)d di OpenSPBE (SPP, penerimaan atau kas)") % {
                "year": year
            }
    return None


@dataclass(frozen=True)
class RealisationResult:
    rows: int
    total: Decimal


def realisation_import(
    *, actor: MaybeActor, village: VillageGovernment, year: int, path: Path | str, file_name: str
) -> RealisationResult:
    """Replace the desa's manual realisation of ``year`` with the template's rows, all or nothing."""
    APBDES.require(actor, Place.of_village(village), "edit")
    apbdes = (
        Apbdes.objects.filter(village=village, year=year, stage=Apbdes.Stage.ADOPTED)
        .order_by("-number")
        .first()
    )
    if apbdes is None:
        raise Conflict(_("APBDes %(year)d desa ini belum ditetapkan.") % {"year": year})
    if apbdes.origin != Origin.ENTRY:
        raise Conflict(
            _("APBDes %(year)d desa ini berasal dari Siskeudes; realisasinya diimpor dari Siskeudes.")
            % {"year": year}
        )
    reason = _other_source(village, year)
    if reason:
        raise Conflict(
            _("Unggahan realisasi ditolak agar tidak terhitung dua kali: %(reason)s.") % {"reason": reason}
        )
    path = Path(path)
    where = _where(file_name, REALISATION_SHEET)
    rows = _read(path, file_name, REALISATION_SHEET, REALISATION_COLUMNS)
    budget = set(
        ApbdesLine.objects.filter(apbdes=apbdes).values_list("account_code", "activity_code", "source_code")
    )
    errors = ErrorCollector()
    entries: list[ManualRealisation] = []
    for number, values in rows:
        day = _date(values.get("tanggal", ""), year)
        if isinstance(day, str):
            errors.add(RowError(number, day, "tanggal", where))
        fields = _row_fields(apbdes, {**values, "jumlah": "0"}, "jumlah", errors, where, number)
        try:
            amount = parse_rupiah(values.get("jumlah", ""), field="jumlah")
        except SpbeError as exc:
            errors.add(RowError(number, exc.message, "jumlah", where))
            continue
        if amount == 0:
            errors.add(RowError(number, _("jumlah tidak boleh nol"), "jumlah", where))
        if fields is None or isinstance(day, str) or amount == 0:
            continue
        key = (str(fields["account_code"]), str(fields["activity_code"]), str(fields["source_code"]))
        if key not in budget:
            errors.add(
                RowError(
                    number,
                    _(
                        "tidak ada rincian APBDes dengan rekening %(account)s, kegiatan %(activity)s "
                        "dan sumber %(source)s"
                    )
                    % {"account": key[0], "activity": key[1] or "-", "source": key[2]},
                    "kode_rekening",
                    where,
                )
            )
            continue
        entries.append(
            ManualRealisation(
                pemda_id=village.pemda_id,
                village=village,
                year=year,
                entry_date=day,
                account_code=key[0],
                activity_code=key[1],
                source_code=key[2],
                description=str(fields["description"]),
                amount=amount,
                row=number,
            )
        )
    if errors:
        raise errors.failure(
            _("%(count)d kesalahan di %(file)s; tidak ada yang disimpan.")
            % {"count": errors.total, "file": file_name}
        )
    sums: defaultdict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for item in entries:
        sums[(item.account_code, item.activity_code, item.source_code)] += item.amount
    with transaction.atomic():
        # The adopted version's row lock is the one bookkeeping takes: re-checked under it, a voucher
        # recorded meanwhile still refuses this upload.
        Apbdes.objects.select_for_update(of=("self",)).filter(pk=apbdes.pk).values_list("pk", flat=True).get()
        reason = _other_source(village, year)
        if reason:
            raise Conflict(
                _("Unggahan realisasi ditolak agar tidak terhitung dua kali: %(reason)s.")
                % {"reason": reason}
            )
        ManualRealisation.objects.filter(village=village, year=year).delete()
        Realisation.objects.filter(village=village, year=year, origin=Origin.ENTRY).delete()
        ManualRealisation.objects.bulk_create(entries, batch_size=1000)
        Realisation.objects.bulk_create(
            [
                Realisation(
                    pemda_id=village.pemda_id,
                    village=village,
                    year=year,
                    origin=Origin.ENTRY,
                    account_code=account,
                    activity_code=activity,
                    source_code=source,
                    amount=amount,
                )
                for (account, activity, source), amount in sorted(sums.items())
                if amount
            ],
            batch_size=1000,
        )
        total = sum((item.amount for item in entries), Decimal("0.00"))
        audit.record(
            actor=actor,
            action="apbdes.realisation_import",
            obj=apbdes,
            pemda_code=village.pemda_id,
            after={"rows": len(entries), "total": format(total, "f"), "file": file_name, "year": year},
        )
        bump_version(published_data_set(village.region_id, year))
    return RealisationResult(len(entries), total)
