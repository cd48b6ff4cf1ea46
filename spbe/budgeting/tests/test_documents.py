"""RKA/DPA per agency and the APBD summary as PDF (figures, terbilang, signature) and XLSX (exact figures)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from spbe.budgeting import services
from spbe.budgeting.services import DetailInput, detail_add

from .helpers import add, draft, line, rka


@pytest.fixture
def budget(world, ref2028):
    version = draft(world.pemda_a)
    rka_a = rka(version, world.unit_a)
    road = line(rka_a)
    detail_add(
        actor=world.agency_operator_a,
        line=road,
        detail=DetailInput(
            "Galian tanah", (("12.5", "m3"), ("2", "kali")), Decimal("85000.10"), Decimal("11")
        ),
    )
    add(road, "1000000", actor=world.agency_operator_a, text="Aspal")
    revenue = line(rka_a, account="4.1.01.09.01.0001", sub="")
    add(revenue, "3000000.50", actor=world.agency_operator_a, text="Pajak reklame")
    return version, rka_a, road


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())


def xlsx_rows(response) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.worksheets[0].iter_rows(values_only=True))


def base(world, version) -> str:
    return f"/app/{world.pemda_a.code}/anggaran/versi/{version.pk}"


def test_rka_pdf_and_xlsx_have_every_row_and_exact_totals(world, budget):
    version, _rka_a, road = budget
    # 12,5 x 2 x 85.000,10 x 1,11 = 2.358.752,775 -> 2.358.752,78 (one half-up rounding)
    galian = road.details.get(description="Galian tanah")
    assert galian.amount == Decimal("2358752.78")
    client = world.client_for(world.agency_operator_a)
    path = f"{base(world, version)}/rka/{world.unit_a.code}/dokumen"
    text = pdf_text(client.get(path + ".pdf"))
    assert "RENCANA KERJA DAN ANGGARAN SKPD" in text
    assert "Galian tanah" in text and "12,5 m3 x 2 kali" in text
    assert "2.358.752,78" in text and "3.358.752,78" in text  # the row and the line/belanja total
    assert (
        "tiga juta tiga ratus lima puluh delapan ribu tujuh ratus lima puluh dua rupiah "
        "tujuh puluh delapan sen" in text
    )
    assert f"Kepala {world.unit_a.name}" in text
    assert world.agency_head_a.full_name in text  # the head signs by name

    rows = xlsx_rows(client.get(path + ".xlsx"))
    assert rows[0][6] == "Uraian"
    galian_row = next(r for r in rows if r[6] == "Galian tanah")
    assert galian_row[7] == "12,5 m3 x 2 kali"
    assert Decimal(str(galian_row[8])) == Decimal("85000.10") and Decimal(str(galian_row[10])) == Decimal(
        "2358752.78"
    )
    totals = {r[6]: Decimal(str(r[10])) for r in rows if r[6] and str(r[6]).startswith("JUMLAH")}
    assert totals == {"JUMLAH PENDAPATAN": Decimal("3000000.50"), "JUMLAH BELANJA": Decimal("3358752.78")}
    # Another agency's operator: 404 for both.
    other = world.client_for(world.agency_operator_a2)
    assert other.get(path + ".pdf").status_code == 404 and other.get(path + ".xlsx").status_code == 404


def test_an_adopted_version_prints_as_dpa_and_the_summary_by_account_and_agency(world, budget):
    version, rka_a, _road = budget
    services.rka_submit(actor=world.agency_head_a, rka=rka_a)
    services.rka_accept_pending(actor=world.tapd_a, rka=rka_a)
    services.rka_verify(actor=world.tapd_a, rka=rka_a)
    services.version_adopt(actor=world.tapd_a, version=version)
    version.refresh_from_db()
    tapd = world.client_for(world.tapd_a)
    dpa = pdf_text(tapd.get(f"{base(world, version)}/rka/{world.unit_a.code}/dokumen.pdf"))
    assert "DOKUMEN PELAKSANAAN ANGGARAN SKPD" in dpa
    assert version.content_hash in dpa.replace(" ", "")
    assert "Pejabat Pengelola Keuangan Daerah" in dpa

    summary = pdf_text(tapd.get(f"{base(world, version)}/ringkasan.pdf"))
    assert "RINGKASAN APBD" in summary
    assert "R 5.2.04" in summary and "3.358.752,78" in summary and "3.000.000,50" in summary
    assert "(358.752,28)" in summary or "-358.752,28" in summary  # the deficit
    assert "Bupati Banyuwangi" in summary
    rows = xlsx_rows(tapd.get(f"{base(world, version)}/ringkasan.xlsx"))
    accounts = {r[1]: Decimal(str(r[3])) for r in rows[1:] if r[0] == "Rekening"}
    assert accounts["5"] == Decimal("3358752.78") and accounts["4.1.01"] == Decimal("3000000.50")
    agencies = {
        r[1]: (Decimal(str(r[3])), Decimal(str(r[4]))) for r in rows[1:] if r[0] == "Perangkat daerah"
    }
    assert agencies == {world.unit_a.code: (Decimal("3000000.50"), Decimal("3358752.78"))}
    silpa = next(r for r in rows if r[2] == "Sisa lebih pembiayaan anggaran (SiLPA)")
    assert Decimal(str(silpa[3])) == Decimal("-358752.28")
    # The summary is the whole pemda's: not for an agency role.
    assert (
        world.client_for(world.agency_operator_a).get(f"{base(world, version)}/ringkasan.pdf").status_code
        == 404
    )
