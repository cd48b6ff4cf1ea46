"""The LRA as documents: PDF (``core.documents``: letterhead, terbilang, signature blocks) and XLSX (openpyxl,
the account tree as outline levels a reader can fold), for the semester I report, the year-end report or any
period."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from spbe.core.documents import Signer, render_pdf_response, safe_filename, signing_place
from spbe.core.exports import XLSX_TYPE

from .lra import Lra

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00"
EXCEL_DIGITS = 15
SUMMARY = (
    ("pendapatan", gettext_lazy("Pendapatan")),
    ("belanja", gettext_lazy("Belanja")),
    ("surplus_defisit", gettext_lazy("Surplus/(Defisit)")),
    ("penerimaan_pembiayaan", gettext_lazy("Penerimaan Pembiayaan")),
    ("pengeluaran_pembiayaan", gettext_lazy("Pengeluaran Pembiayaan")),
    ("pembiayaan_netto", gettext_lazy("Pembiayaan Netto")),
    ("silpa", gettext_lazy("Sisa Lebih/(Kurang) Pembiayaan Anggaran")),
)


def title(report: Lra) -> str:
    """The semester I report's title for 1 January - 30 June, the LRA's for any other period."""
    if (report.start, report.end) == (dt.date(report.year, 1, 1), dt.date(report.year, 6, 30)):
        return _("Laporan Realisasi Semester Pertama APBD")
    return _("Laporan Realisasi Anggaran")


def subtitle(report: Lra) -> str:
    view = {
        "akun": _("menurut rekening"),
        "skpd": _("menurut perangkat daerah"),
        "program": _("menurut program, kegiatan dan sub kegiatan"),
        "fungsi": _("menurut fungsi dan sub fungsi"),
    }[report.view]
    text = _("Tahun Anggaran %(year)d, %(start)s s.d. %(end)s, %(view)s") % {
        "year": report.year,
        "start": report.start.strftime("%d-%m-%Y"),
        "end": report.end.strftime("%d-%m-%Y"),
        "view": view,
    }
    if report.unit is not None:
        text += f" — {report.unit.name}"
    return text


def filename(report: Lra) -> str:
    unit = f" {report.unit.code}" if report.unit is not None else ""
    return f"LRA {report.pemda.code} {report.year} {report.start:%m%d}-{report.end:%m%d} {report.view}{unit}"


def pdf_response(
    request: HttpRequest, report: Lra, *, signer_name: str = "", signer_nip: str = ""
) -> HttpResponse:
    with translation.override("id"):
        context = {
            "report": report,
            "summary": [(str(label), report.summary[key]) for key, label in SUMMARY],
            "realised_spending": report.summary["belanja"].realised,
            "realised_revenue": report.summary["pendapatan"].realised,
            "signers": [
                Signer(role=_("Pejabat Pengelola Keuangan Daerah"), name=signer_name, nip=signer_nip),
            ],
            "place": signing_place(report.pemda.region.name),
            "signed_on": report.end,
            "pemda_name": report.pemda.name,
            "document_title": title(report),
            "document_subtitle": subtitle(report),
            "printed_at": dt.date.today(),
        }
    return render_pdf_response(
        "budgeting/realisation/lra_pdf.html", context, filename(report), request=request
    )


def _money_cell(value: Decimal) -> Decimal | str:
    # A spreadsheet number is a double: beyond 15 digits it would lose the sen; the exact text instead.
    return str(value) if len(value.as_tuple().digits) > EXCEL_DIGITS else value


def xlsx_response(report: Lra) -> HttpResponse:
    """One sheet: title rows, then code, name, budget, realisation, remaining, percent; each row at its
    tree level as an outline level (Excel's +/- folds the tree), money as two-decimal numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "LRA"
    with translation.override("id"):
        sheet.append([report.pemda.name])
        sheet.append([title(report)])
        sheet.append([subtitle(report)])
        sheet.append(
            [
                _("Versi APBD: %(label)s (versi %(number)d)")
                % {"label": report.version.label, "number": report.version.number}
            ]
        )
        sheet.append([])
        header = [_("Kode"), _("Uraian"), _("Anggaran"), _("Realisasi"), _("Sisa"), _("Persen")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = f"A{sheet.max_row + 1}"
    for row in report.rows:
        percent = row.percent
        sheet.append(
            [
                row.code,
                row.name,
                _money_cell(row.budget),
                _money_cell(row.realised),
                _money_cell(row.remaining),
                percent if percent is not None else None,
            ]
        )
        index = sheet.max_row
        for column in "CDE":
            sheet[f"{column}{index}"].number_format = MONEY_FORMAT
        sheet[f"F{index}"].number_format = PERCENT_FORMAT
        sheet[f"A{index}"].data_type = "s"
        if row.kind != "row" or row.level == 0:
            for cell in sheet[index]:
                cell.font = Font(bold=True)
        sheet[f"B{index}"].alignment = Alignment(indent=row.level)
        if row.level:
            sheet.row_dimensions[index].outline_level = min(row.level, 7)
    sheet.append([])
    with translation.override("id"):
        sheet.append([_("Ringkasan")])
    for key, label in SUMMARY:
        pair = report.summary[key]
        with translation.override("id"):
            text = str(label)
        sheet.append(["", text, _money_cell(pair.budget), _money_cell(pair.realised), None, pair.percent])
        index = sheet.max_row
        for column in "CD":
            sheet[f"{column}{index}"].number_format = MONEY_FORMAT
        sheet[f"F{index}"].number_format = PERCENT_FORMAT
    for column, width in zip("ABCDEF", (22, 60, 20, 20, 20, 9), strict=True):
        sheet.column_dimensions[column].width = width
    # A report is a few thousand rows at most (the account tree of one year): built in memory.
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename(report), ".xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response
