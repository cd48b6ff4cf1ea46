"""Official budget documents (issue 7, point 9): an agency's RKA (DPA once its version is adopted) and the
APBD summary by account and by agency, as PDF (terbilang, signature blocks) and XLSX.

The RKA/DPA lists every detail row under its line and sub-kegiatan, with each line's and sub-kegiatan's
total and the agency's totals in figures and words; it reads the RKA in two queries (lines, then detail
rows) and the code names in one query each. The summary is :func:`spbe.budgeting.selectors.summary` (the
figures of ``spbe budget_summary``) with the names of the year's accounts and the agencies. A draft
version prints as "RKA" with a draft mark; an adopted one as "DPA" with its content hash, so a printed
copy can be matched to the version it came from.

This module only reads; it writes nothing and needs no audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core import pdf_table
from spbe.core.documents import (
    Signer,
    pdf_response,
    render_pdf,
    render_pdf_response,
    safe_filename,
    signing_place,
)
from spbe.core.exports import Column, xlsx_response

from . import calc, dpa, selectors, selectors_pages
from .access import version_for_user
from .models import BudgetVersion, Rka, RkaDetail, RkaLine

ZERO = Decimal("0.00")


def coefficient_text(detail: RkaDetail) -> str:
    """``12,5 m3 x 2 kali``: the factors as a budget document writes them."""
    parts = []
    for index in range(1, 5):
        volume = getattr(detail, f"volume{index}")
        if volume is not None:
            text = format(volume.normalize(), "f").replace(".", ",")
            parts.append(f"{text} {getattr(detail, f'unit{index}')}".strip())
    return " x ".join(parts)


@dataclass
class DocLine:
    line: RkaLine
    account_name: str
    details: list[RkaDetail]


@dataclass
class DocGroup:
    code: str
    name: str
    lines: list[DocLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((x.line.amount for x in self.lines), ZERO)


@dataclass
class RkaDocument:
    rka: Rka
    version: BudgetVersion
    groups: list[DocGroup]
    revenue: Decimal
    expenditure: Decimal
    financing_in: Decimal
    financing_out: Decimal

    @property
    def is_dpa(self) -> bool:
        return self.version.is_adopted

    def rows(self) -> Iterator[tuple[DocGroup, DocLine, RkaDetail]]:
        for group in self.groups:
            for doc_line in group.lines:
                for detail in doc_line.details:
                    yield group, doc_line, detail


def rka_document(rka: Rka) -> RkaDocument:
    """The RKA with every line and detail row, grouped by sub-kegiatan (revenue and financing last)."""
    lines = selectors.rka_lines(rka)
    year = rka.version.year
    accounts = selectors_pages.account_names(year, {line.account for line, _d in lines})
    subs = selectors_pages.nomenclature_names(year, {line.sub_kegiatan for line, _d in lines})
    groups: dict[str, DocGroup] = {}
    totals = {"4": ZERO, "5": ZERO, "6.1": ZERO, "6.2": ZERO}
    for line, details in lines:
        group = groups.setdefault(
            line.sub_kegiatan, DocGroup(line.sub_kegiatan, subs.get(line.sub_kegiatan, ""))
        )
        group.lines.append(DocLine(line, accounts.get(line.account, ""), details))
        for prefix in totals:
            if line.account == prefix or line.account.startswith(f"{prefix}."):
                totals[prefix] += line.amount
    ordered = [g for code, g in sorted(groups.items()) if code] + ([groups[""]] if "" in groups else [])
    return RkaDocument(
        rka, rka.version, ordered, totals["4"], totals["5"], totals[calc.FINANCING_RECEIPTS], totals["6.2"]
    )


def _rka_columns() -> list[Column]:
    return [
        Column(gettext_lazy("Kode sub kegiatan"), lambda r: r[0].code, width=20),
        Column(gettext_lazy("Sub kegiatan"), lambda r: r[0].name, width=30),
        Column(gettext_lazy("Kode rekening"), lambda r: r[1].line.account if r[1] else "", width=20),
        Column(gettext_lazy("Rekening"), lambda r: r[1].account_name if r[1] else "", width=30),
        Column(gettext_lazy("Sumber dana"), lambda r: r[1].line.funding if r[1] else "", width=10),
        Column(gettext_lazy("Lokasi"), lambda r: r[1].line.location if r[1] else "", width=16),
        Column(gettext_lazy("Uraian"), lambda r: r[2].description if r[2] else r[3], width=40),
        Column(gettext_lazy("Koefisien"), lambda r: coefficient_text(r[2]) if r[2] else "", width=20),
        Column(gettext_lazy("Harga satuan"), lambda r: r[2].unit_price if r[2] else None, kind="money"),
        Column(
            gettext_lazy("Pajak (%)"), lambda r: r[2].tax_percent if r[2] else None, kind="number", width=8
        ),
        Column(gettext_lazy("Jumlah"), lambda r: r[2].amount if r[2] else r[4], kind="money", width=20),
    ]


def _rka_xlsx_rows(document: RkaDocument) -> Iterator[tuple[Any, ...]]:
    """One row per detail row, then the totals (labelled in the Uraian column)."""
    for group, doc_line, detail in document.rows():
        yield (group, doc_line, detail, "", None)
    empty = DocGroup("", "")
    yield (empty, None, None, _("JUMLAH PENDAPATAN"), document.revenue)
    yield (empty, None, None, _("JUMLAH BELANJA"), document.expenditure)
    if document.financing_in or document.financing_out:
        yield (empty, None, None, _("PENERIMAAN PEMBIAYAAN"), document.financing_in)
        yield (empty, None, None, _("PENGELUARAN PEMBIAYAAN"), document.financing_out)


@require_GET
@pemda_view
def rka_document_view(
    request: HttpRequest, pemda: Pemda, version_id: int, unit_code: str, fmt: str
) -> HttpResponse:
    """``.../rka/<unit>/dokumen.pdf`` or ``.xlsx``: the agency's RKA, or its DPA once adopted."""
    rka, _can = selectors_pages.rka_in_scope(request.user, pemda.code, version_id, unit_code)
    document = rka_document(rka)
    with translation.override("id"):
        kind = _("DPA") if document.is_dpa else _("RKA")
        filename = f"{kind} {rka.unit.short_name or rka.unit.name} {rka.version.year} v{rka.version.number}"
        if fmt == "xlsx":
            response = xlsx_response(
                _rka_xlsx_rows(document),
                _rka_columns(),
                filename=safe_filename(filename, ".xlsx")[: -len(".xlsx")],
                sheet_title=kind,
            )
            return response  # type: ignore[return-value]
    answer = pdf_response(rka_pdf(document, pemda), filename)
    # A staff document is someone's scoped view of the data: no shared cache may keep it.
    answer["Cache-Control"] = "private, no-store"
    return answer


def rka_pdf(document: RkaDocument, pemda: Pemda) -> bytes:
    """The RKA (or, adopted, the DPA) of one agency as PDF: what the page's download and the benchmark of
    the largest agency's DPA (issue 7) render. The table is drawn by :mod:`spbe.budgeting.dpa`; the one
    WeasyPrint template ``rka.html`` is the fallback on a machine without the DejaVu fonts."""
    rka = document.rka
    with translation.override("id"):
        head = selectors_pages.agency_head(rka.unit)
        signers = [Signer(role=_("Kepala %(unit)s") % {"unit": rka.unit.name}, name=head)]
        if document.is_dpa:
            signers.append(Signer(role=_("Pejabat Pengelola Keuangan Daerah"), intro=_("Disahkan oleh,")))
        context = {
            "document": document,
            "signers": signers,
            "place": signing_place(pemda.region.name),
            "signed_on": timezone.localdate(),
            "pemda_name": pemda.name,
            "issuer": rka.unit.name,
            "document_title": _("Dokumen Pelaksanaan Anggaran SKPD")
            if document.is_dpa
            else _("Rencana Kerja dan Anggaran SKPD"),
            "document_subtitle": _("Tahun Anggaran %(year)d — %(label)s")
            % {"year": rka.version.year, "label": rka.version.label},
        }
        if pdf_table.available():
            # The table drawn directly, the closing part by WeasyPrint (spbe.budgeting.dpa: issue 7's 15 s).
            return dpa.rka_pdf(document, context)
    return render_pdf("budgeting/documents/rka.html", context)


# --- the APBD summary -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    code: str
    name: str
    amount: Decimal

    @property
    def level(self) -> int:
        return self.code.count(".")


@dataclass(frozen=True)
class AgencyTotal:
    code: str
    name: str
    revenue: Decimal
    expenditure: Decimal


@dataclass(frozen=True)
class ApbdSummary:
    version: BudgetVersion
    figures: dict[str, Any]
    accounts: list[AccountRow]
    agencies: list[AgencyTotal]


def apbd_summary(version: BudgetVersion) -> ApbdSummary:
    figures = selectors.summary(version)
    rekening: dict[str, Decimal] = figures["rekening"]  # type: ignore[assignment]
    names = selectors.account_names(version.year, list(rekening))
    units = selectors.unit_names(version)
    skpd: dict[str, dict[str, Decimal]] = figures["skpd"]  # type: ignore[assignment]
    return ApbdSummary(
        version,
        figures,
        [AccountRow(code, names.get(code, ""), amount) for code, amount in rekening.items()],
        [AgencyTotal(c, units.get(c, ""), t["pendapatan"], t["belanja"]) for c, t in skpd.items()],
    )


def _summary_rows(summary: ApbdSummary) -> Iterator[tuple[str, str, str, Decimal | None, Decimal | None]]:
    for row in summary.accounts:
        yield (_("Rekening"), row.code, row.name, row.amount, None)
    for agency in summary.agencies:
        yield (_("Perangkat daerah"), agency.code, agency.name, agency.revenue, agency.expenditure)
    f = summary.figures
    for label, key in (
        (_("Surplus/(defisit)"), "surplus_defisit"),
        (_("Pembiayaan netto"), "pembiayaan_netto"),
        (_("Sisa lebih pembiayaan anggaran (SiLPA)"), "silpa"),
    ):
        yield (_("Jumlah"), "", label, f[key], None)


SUMMARY_COLUMNS = [
    Column(gettext_lazy("Bagian"), lambda r: r[0], width=16),
    Column(gettext_lazy("Kode"), lambda r: r[1], width=24),
    Column(gettext_lazy("Uraian"), lambda r: r[2], width=50),
    Column(gettext_lazy("Jumlah / pendapatan"), lambda r: r[3], kind="money", width=22),
    Column(gettext_lazy("Belanja"), lambda r: r[4], kind="money", width=22),
]


@require_GET
@pemda_view
def apbd_summary_view(request: HttpRequest, pemda: Pemda, version_id: int, fmt: str) -> HttpResponse:
    """``.../versi/<id>/ringkasan.pdf`` or ``.xlsx``: the APBD by account (akun, kelompok, jenis) and by
    agency, with the balance; pemda-wide readers only (404 to an agency role, as the version is)."""
    version = version_for_user(request.user, pemda.code, version_id)
    summary = apbd_summary(version)
    with translation.override("id"):
        filename = f"Ringkasan APBD {pemda.code} {version.year} v{version.number}"
        if fmt == "xlsx":
            response = xlsx_response(
                _summary_rows(summary),
                SUMMARY_COLUMNS,
                filename=safe_filename(filename, ".xlsx")[: -len(".xlsx")],
                sheet_title=_("Ringkasan APBD"),
            )
            return response  # type: ignore[return-value]
        region = pemda.region.name
        head = _("Bupati") if region.startswith("Kabupaten") else _("Wali Kota")
        context = {
            "summary": summary,
            "signers": [Signer(role=f"{head} {signing_place(region)}")],
            "place": signing_place(region),
            "signed_on": timezone.localdate(),
            "pemda_name": pemda.name,
            "issuer": pemda.name,
            "document_title": _("Ringkasan APBD"),
            "document_subtitle": _("Tahun Anggaran %(year)d — %(label)s")
            % {"year": version.year, "label": version.label},
        }
    return render_pdf_response("budgeting/documents/summary.html", context, filename, request=request)
