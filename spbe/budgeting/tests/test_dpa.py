"""The RKA/DPA PDF of an agency with many rows: the table drawn by spbe.core.pdf_table, the closing part by
WeasyPrint, one document with its pages numbered across both, every row and every total in it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from spbe.budgeting import documents
from spbe.core import pdf_table

from .helpers import ROAD, ROAD_2, add, draft, line, rka

pytestmark = pytest.mark.skipif(not pdf_table.available(), reason="no DejaVu Sans on this machine")

ROWS = 48


@pytest.fixture
def long_rka(world, ref2028):
    version = draft(world.pemda_a)
    rka_a = rka(version, world.unit_a)
    road = line(rka_a, sub=ROAD, location="Ruas Genteng")
    bridge = line(rka_a, sub=ROAD_2)
    for n in range(ROWS):
        target = road if n % 2 else bridge
        add(
            target,
            f"{1000 + n}.25",
            ("2", "m3"),
            actor=world.agency_operator_a,
            text=f"Rincian nomor {n:02d}",
        )
    return rka_a, road, bridge


def pages(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages]


def test_the_long_rka_has_every_row_the_totals_and_page_numbers_across_both_parts(
    world, long_rka, monkeypatch
):
    rka_a, road, bridge = long_rka
    # The table is not laid out by WeasyPrint any more: the one-template render must not be called.
    monkeypatch.setattr(documents, "render_pdf", lambda *a, **k: pytest.fail("whole document via WeasyPrint"))
    client = world.client_for(world.agency_operator_a)
    path = f"/app/{world.pemda_a.code}/anggaran/versi/{rka_a.version_id}/rka/{world.unit_a.code}/dokumen.pdf"
    text = pages(client.get(path))
    count = len(text)
    assert count >= 3
    for number, page in enumerate(text, start=1):
        assert f"Halaman {number} dari {count}" in page
    for page in text[:-1]:
        assert "Harga satuan (Rp)" in page  # the table's header on every table page
    assert "RENCANA KERJA DAN ANGGARAN SKPD" in text[0] and world.unit_a.name in text[0]
    joined = " ".join(text)
    for n in range(ROWS):
        assert joined.count(f"Rincian nomor {n:02d}") == 1
    road.refresh_from_db()
    bridge.refresh_from_db()
    expected_road = sum(Decimal(f"{1000 + n}.25") * 2 for n in range(ROWS) if n % 2)
    assert road.amount == expected_road
    money = documents.dpa._money
    # Each line's total, each sub-kegiatan's total and the grand total, as the document has printed them.
    assert money(road.amount) in joined and money(bridge.amount) in joined
    assert f"Jumlah belanja {money(road.amount + bridge.amount)}" in joined
    assert "2 m3" in joined and "Ruas Genteng" in joined
    # The closing part on the last page: the total in words and the head's signature.
    assert "Jumlah belanja: Rp" in text[-1] and f"Kepala {world.unit_a.name}" in text[-1]
    assert "Harga satuan (Rp)" not in text[-1]


def test_without_the_fonts_the_document_falls_back_to_the_weasyprint_template(world, long_rka, monkeypatch):
    rka_a, road, bridge = long_rka
    monkeypatch.setattr(pdf_table, "available", lambda: False)
    called = []
    real = documents.render_pdf
    monkeypatch.setattr(documents, "render_pdf", lambda *a, **k: called.append(a[0]) or real(*a, **k))
    client = world.client_for(world.agency_operator_a)
    path = f"/app/{world.pemda_a.code}/anggaran/versi/{rka_a.version_id}/rka/{world.unit_a.code}/dokumen.pdf"
    joined = " ".join(pages(client.get(path)))
    assert called == ["budgeting/documents/rka.html"]
    road.refresh_from_db()
    bridge.refresh_from_db()
    assert documents.dpa._money(road.amount + bridge.amount) in joined
