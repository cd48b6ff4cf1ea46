"""spbe.core.pdf_table: long tables drawn straight to PDF (wrapping, pagination, page numbers, text)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from spbe.core import pdf_table
from spbe.core.pdf_table import Cell, Column, Frame, LongTable, Row

pytestmark = pytest.mark.skipif(not pdf_table.available(), reason="no DejaVu Sans on this machine")

COLUMNS = [Column("Uraian", 70), Column("Jumlah (Rp)", 30, "right")]
FRAME = Frame(
    pemda_name="Pemerintah Kabupaten Banyuwangi",
    title="Dokumen Pelaksanaan Anggaran SKPD",
    issuer="Dinas PU",
    facts=(("Perangkat daerah", "1.03 Dinas PU"),),
)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_wrap_keeps_every_line_within_the_width_and_breaks_a_long_word():
    regular = pdf_table._fonts()["regular"]
    lines = pdf_table.wrap([("jalan " * 20 + "x" * 80, False)], 100.0, 8.5)
    assert len(lines) > 3
    for line in lines:
        text = " ".join(word for word, _bold in line)
        assert regular.width(text, 8.5) <= 100.0
    # Nothing is lost: the words joined again are the text.
    assert "".join(word for line in lines for word, _b in line) == "jalan" * 20 + "x" * 80


def test_rows_paginate_with_the_header_and_page_numbers_on_every_page():
    rows = [Row((Cell(f"Rincian nomor {n:03d}"), Cell(f"{n}.000,00"))) for n in range(120)]
    rows.append(Row((Cell("Jumlah"), Cell("7.140.000,00")), total=True))
    table = LongTable(FRAME, COLUMNS, rows)
    assert table.page_count > 2
    text = pages_text(table.pdf(first_page=1, total_pages=table.page_count + 1))
    assert len(text) == table.page_count
    for number, page in enumerate(text, start=1):
        assert f"Halaman {number} dari {table.page_count + 1}" in page
        assert "Uraian" in page and "Jumlah (Rp)" in page  # the header repeats
    assert "PEMERINTAH KABUPATEN BANYUWANGI" in text[0] and "Perangkat daerah" in text[0]
    assert "Dokumen Pelaksanaan Anggaran SKPD" in text[1]  # the running header from page 2 on
    joined = "\n".join(text)
    for n in range(120):  # every row once, none split or lost at a page break
        assert joined.count(f"Rincian nomor {n:03d}") == 1
    assert "7.140.000,00" in text[-1]


def test_text_outside_cp1252_prints_as_a_question_mark_not_an_error():
    assert pdf_table.encode("m² — ok ☃") == "m² — ok ?".encode("cp1252")
    table = LongTable(FRAME, COLUMNS, [Row((Cell("Kurung (a) \\ b"), Cell("1,00")))])
    assert "Kurung (a) \\ b" in pages_text(table.pdf())[0]


def test_join_pdfs_keeps_every_page_in_order():
    first = LongTable(FRAME, COLUMNS, [Row((Cell("satu"), Cell("1")))]).pdf()
    second = LongTable(FRAME, COLUMNS, [Row((Cell("dua"), Cell("2")))]).pdf()
    joined = pages_text(pdf_table.join_pdfs([first, second], metadata={"/Title": "DPA"}))
    assert len(joined) == 2 and "satu" in joined[0] and "dua" in joined[1]
