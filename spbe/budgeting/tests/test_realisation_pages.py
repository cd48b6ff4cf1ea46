"""The LRA page, the semester I PDF and year-end XLSX (opened and read back), the registers, their scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from .conftest import UNIT_A, UNIT_A2, YEAR
from .realisation_fixtures import ATK, EDU, adopted_2028, deposit, pay


@pytest.fixture
def realised(world, ref2028, tmp_path):
    adopted_2028(world, tmp_path)
    pay(world, "SP2D-1", "400000", day=dt.date(YEAR, 3, 10))
    pay(world, "SP2D-2", "333333.34", day=dt.date(YEAR, 8, 1))
    pay(world, "SP2D-3", "200000", day=dt.date(YEAR, 6, 30), sub=EDU, account=ATK, unit=world.unit_a2)
    deposit(world, "STS-1", "1000000", day=dt.date(YEAR, 2, 1))
    return world


def base(world) -> str:
    return f"/app/{world.pemda_a.code}/realisasi/{YEAR}"


def test_the_lra_page_for_semester_one(realised):
    client = realised.client_for(realised.tapd_a)
    page = client.get(f"{base(realised)}/?periode=semester1&menurut=akun")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rp600.000,00" in html and "37,50" in html  # belanja 600.000 of 1.600.000,50
    assert "lra.pdf?periode=semester1" in html
    agency = realised.client_for(realised.agency_operator_a2).get(f"{base(realised)}/?periode=tahun")
    assert agency.status_code == 200 and "Rp200.000,00" in agency.content.decode()
    assert "Rp1.000.000,00" not in agency.content.decode()  # unit A's revenue is not the agency's
    assert (
        realised.client_for(realised.agency_operator_a2).get(f"{base(realised)}/?skpd={UNIT_A}").status_code
        == 404
    )
    assert realised.client_for(realised.officer_b).get(f"{base(realised)}/").status_code == 404


def test_the_semester_one_pdf_reads_back_with_its_figures(realised):
    client = realised.client_for(realised.tapd_a)
    response = client.get(
        f"{base(realised)}/lra.pdf?periode=semester1&ppkd=Siti+Aminah&nip=198001012005012001"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Laporan Realisasi Semester Pertama APBD" in text
    assert "600.000,00" in text and "1.600.000,50" in text and "37,50" in text
    assert "enam ratus ribu rupiah" in text.lower()  # realised spending in words
    assert "Siti Aminah" in text and "198001012005012001" in text
    assert "Pejabat Pengelola Keuangan Daerah" in text
    bad = client.get(f"{base(realised)}/lra.pdf?nip=123")
    assert bad.status_code == 422


def test_the_year_end_xlsx_by_agency(realised):
    client = realised.client_for(realised.tapd_a)
    response = client.get(f"{base(realised)}/lra.xlsx?periode=tahun&menurut=skpd")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert lines[1][0] == "Laporan Realisasi Anggaran"
    codes = [row[0] for row in lines]
    spending = lines[codes.index("5")]
    assert [Decimal(str(v)) for v in spending[2:5]] == [
        Decimal("1600000.5"),
        Decimal("933333.34"),
        Decimal("666667.16"),
    ]
    assert spending[5] == pytest.approx(58.33)
    unit_a2 = lines[codes.index("5") + 1]  # agencies in code order under belanja
    assert (unit_a2[0], Decimal(str(unit_a2[3])), unit_a2[5]) == (UNIT_A2, Decimal("200000"), 100)


def test_the_registers(realised):
    client = realised.client_for(realised.tapd_a)
    page = client.get(f"{base(realised)}/sp2d/?dari={YEAR}-03-01&sampai={YEAR}-06-30")
    html = page.content.decode()
    assert "SP2D-1" in html and "SP2D-3" in html and "SP2D-2" not in html
    mine = realised.client_for(realised.agency_operator_a2).get(f"{base(realised)}/sp2d/").content.decode()
    assert "SP2D-3" in mine and "SP2D-1" not in mine
    assert "STS-1" in client.get(f"{base(realised)}/sts/").content.decode()
    assert (
        realised.client_for(realised.agency_operator_a2)
        .get(f"{base(realised)}/sts/?skpd={UNIT_A}")
        .status_code
        == 404
    )
