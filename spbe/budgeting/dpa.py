"""The RKA/DPA of an agency as PDF, fast enough for the largest agency (issue 7: <= 15 s at 50,000 rows).

The table of every detail row (the bulk of the document: thousands of rows, hundreds of pages) is drawn by
:mod:`spbe.core.pdf_table`; the closing part (the totals in words, the sub-kegiatan from the RKPD, the
signature blocks) is rendered by WeasyPrint from ``budgeting/dpa/closing.html``, and the two are joined
with the pages numbered across the whole ("Halaman X dari Y"). The document reads as before: letterhead
and title block, the agency's facts, the table with its header on every page, each sub-kegiatan's row
with its total, each line with its account, funding and location, the detail rows, and the totals of
revenue, spending and financing at the end of the table.

Measured on the benchmark's largest agency (see ``scripts/bench_dpa.py``): WeasyPrint spent 10-13 ms of
CPU per table row, linear in the rows (cProfile: Pango line breaking, the CSS cascade and box layout of
each cell, then drawing each box), so the whole table through WeasyPrint could not meet the target.

:func:`rka_pdf` falls back to the single WeasyPrint template (``budgeting/documents/rka.html``) on a
machine without the DejaVu fonts the table is drawn in.

This module only reads; it writes nothing and needs no audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from spbe.core import pdf_table
from spbe.core.documents import DOCUMENT_ORIGIN, format_number, render_html, static_only_fetcher
from spbe.core.money import format_rupiah
from spbe.core.pdf_table import Cell, Column, Frame, Row

from .models import RkaDetail


def coefficient(detail: RkaDetail) -> str:
    """``12,5 m3 x 2 kali``, written as the template's ``angka`` filter writes each factor."""
    parts = []
    for index in range(1, 5):
        volume = getattr(detail, f"volume{index}")
        if volume is not None:
            parts.append(f"{format_number(volume)} {getattr(detail, f'unit{index}')}".strip())
    return " x ".join(parts)


def _money(amount: Decimal) -> str:
    return format_rupiah(amount, symbol=False)


def columns() -> list[Column]:
    return [
        Column(_("Kode"), 13),
        Column(_("Uraian"), 37),
        Column(_("Koefisien"), 15),
        Column(_("Harga satuan (Rp)"), 13, "right"),
        Column(_("Pajak"), 6, "right"),
        Column(_("Jumlah (Rp)"), 16, "right"),
    ]


def rows(document: Any) -> Iterator[Row]:
    """The table's rows: per sub-kegiatan its total row, each line, each detail row; then the totals."""
    for group in document.groups:
        name = group.name if group.code else _("Pendapatan dan pembiayaan")
        yield Row(
            (Cell(group.code or "—"), Cell(name, span=4), Cell(_money(group.total))),
            total=True,
        )
        for doc_line in group.lines:
            line = doc_line.line
            tail = "".join(f" · {part}" for part in (line.funding, line.location) if part)
            yield Row(
                (
                    Cell(line.account),
                    Cell(doc_line.account_name, span=4, bold=True, tail=tail),
                    Cell(_money(line.amount), bold=True),
                )
            )
            for detail in doc_line.details:
                yield Row(
                    (
                        Cell(""),
                        Cell(detail.description),
                        Cell(coefficient(detail)),
                        Cell(_money(detail.unit_price)),
                        Cell(f"{format_number(detail.tax_percent)}%"),
                        Cell(_money(detail.amount)),
                    )
                )
    totals = [(_("Jumlah pendapatan"), document.revenue), (_("Jumlah belanja"), document.expenditure)]
    if document.financing_in or document.financing_out:
        totals += [
            (_("Penerimaan pembiayaan"), document.financing_in),
            (_("Pengeluaran pembiayaan"), document.financing_out),
        ]
    for label, amount in totals:
        yield Row((Cell(label, span=5), Cell(_money(amount))), total=True)


def facts(document: Any) -> tuple[tuple[str, str], ...]:
    version = document.version
    state = _("ditetapkan") if document.is_dpa else _("draf")
    found = [
        (_("Perangkat daerah"), f"{document.rka.unit.code} {document.rka.unit.name}"),
        (_("Versi"), f"{version.number}. {version.label} ({state})"),
        (_("Status RKA"), str(document.rka.get_state_display())),
    ]
    if document.is_dpa:
        found.append((_("Sidik isi versi"), version.content_hash))
    return tuple(found)


def rka_pdf(document: Any, context: Mapping[str, Any]) -> bytes:
    """The RKA/DPA as PDF: the table drawn directly, the closing part by WeasyPrint, joined. ``context``
    is the document template's (title, pemda, signers, place, date). Call inside the Indonesian locale."""
    from weasyprint import HTML  # imported on first use, as spbe.core.documents does

    frame = Frame(
        pemda_name=context["pemda_name"],
        title=context["document_title"],
        issuer=context.get("issuer", ""),
        subtitle=context.get("document_subtitle", ""),
        facts=facts(document),
        page_label=_("Halaman %(page)d dari %(pages)d"),
    )
    table = pdf_table.LongTable(frame, columns(), rows(document))
    first = table.page_count + 1
    closing_pages = 1
    for _attempt in range(3):
        html = render_html(
            "budgeting/dpa/closing.html",
            {**context, "first_page": first, "total_pages": first + closing_pages - 1},
        )
        rendered = HTML(
            string=html, base_url=DOCUMENT_ORIGIN + "/", url_fetcher=static_only_fetcher()
        ).render()
        if len(rendered.pages) == closing_pages:
            break
        closing_pages = len(rendered.pages)  # the total printed on each page changed: once more
    total = first + closing_pages - 1
    closing = rendered.write_pdf()
    body = table.pdf(total_pages=total)
    return pdf_table.join_pdfs(
        [body, closing],
        metadata={
            "/Title": context["document_title"],
            "/Author": context["pemda_name"],
            "/Producer": "OpenSPBE",
        },
    )
