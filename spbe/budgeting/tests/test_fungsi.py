"""The functional classification: the shipped list covers every bidang once, loads per year (audited, all
or nothing, idempotent), and the LRA and APBD summary by function add up exactly to spending (akun 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from pypdf import PdfReader

from spbe.budgeting import fungsi
from spbe.budgeting.lra import lra, whole_year
from spbe.budgeting.models_fungsi import Fungsi, FungsiBidang
from spbe.budgeting.reports_fungsi import apbd_by_fungsi
from spbe.core.errors import ImportFailed, NotFound
from spbe.core.models import AuditEntry
from spbe.reference.loader import DATA_DIR, NOMENCLATURE_FILES

from .conftest import YEAR
from .helpers import SYSTEM
from .realisation_fixtures import ATK, EDU, adopted_2028, pay

SHARED_NOMENCLATURE = Path("/work/shared/data/reference/nomenklatur_kabkota.csv")


def _bidang_of(path: Path) -> set[str]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return {row["kode"] for row in rows if row["level"] == "bidang" and row["kode"] != "X.XX"}


@pytest.mark.parametrize("filename", [name for _year, name in NOMENCLATURE_FILES])
def test_every_bidang_of_the_shipped_nomenclature_has_exactly_one_function(filename):
    functions, links, _rows = fungsi.read_file(fungsi.DATA_FILE)
    bidang = _bidang_of(DATA_DIR / filename)
    assert len(bidang) == 44  # 1.01 .. 9.01; X.XX is the support program written with the agency's bidang
    mapped = [link.bidang for link in links]
    assert sorted(set(mapped)) == sorted(mapped)  # never twice
    assert bidang <= set(mapped), bidang - set(mapped)
    level = {f.code: f.level for f in functions}
    parents = {f.code: f.parent_code for f in functions}
    for link in links:
        assert level[link.sub_fungsi] == "sub_fungsi" and level[parents[link.sub_fungsi]] == "fungsi"
    # The eleven functions of the regulation, 02 Pertahanan included although no regional affair maps to it.
    tops = sorted(code for code, lvl in level.items() if lvl == "fungsi")
    assert tops == [f"{n:02d}" for n in range(1, 12)]
    sub_of = {b.bidang: b.sub_fungsi for b in links}
    assert (parents[sub_of["1.01"]], parents[sub_of["1.02"]]) == ("10", "07")  # education, health


@pytest.mark.skipif(not SHARED_NOMENCLATURE.is_file(), reason="the shared reference folder is not mounted")
def test_the_project_copy_is_the_shared_nomenclature():
    assert _bidang_of(SHARED_NOMENCLATURE) == _bidang_of(DATA_DIR / "nomenklatur_kabkota.csv")


def test_load_is_per_year_audited_and_idempotent(db):
    first = fungsi.load(YEAR, actor=SYSTEM)
    assert (first.fungsi, first.bidang, first.changed) == (11, 44, True)
    assert FungsiBidang.objects.filter(year=YEAR).count() == 44
    assert FungsiBidang.objects.get(year=YEAR, bidang="1.03").sub_fungsi == "06.90"
    assert not Fungsi.objects.filter(year=YEAR + 1).exists()
    again = fungsi.load(YEAR, actor=SYSTEM)
    assert again.changed is False
    entries = AuditEntry.objects.filter(action="budget.fungsi_load")
    assert entries.count() == 1 and entries.get().after["bidang"] == 44


def test_a_bad_file_writes_nothing_and_names_row_and_column(db, tmp_path, capsys):
    fungsi.load(YEAR, actor=SYSTEM)
    bad = tmp_path / "fungsi.csv"
    bad.write_text(
        "jenis,kode,nama,induk\n"
        "fungsi,01,Pelayanan Umum,\n"
        "sub_fungsi,01.03,Pelayanan Umum,01\n"
        "bidang,1.01,Pendidikan,10.02\n"
        "bidang,1.2,Kesehatan,01.03\n"
        "kota,01,X,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failure:
        fungsi.load(YEAR, actor=SYSTEM, path=bad)
    lines = [e.contract_line() for e in failure.value.errors]
    assert "row 4, column induk: sub fungsi '10.02' tidak ada di berkas" in lines
    assert any(line.startswith("row 5, column kode:") for line in lines)
    assert any(line.startswith("row 6, column jenis:") for line in lines)
    assert FungsiBidang.objects.filter(year=YEAR).count() == 44  # the loaded list is untouched
    with pytest.raises(CommandError):
        call_command("load_fungsi", "--year", str(YEAR), str(bad))
    assert "row 4, column induk:" in capsys.readouterr().err


@pytest.fixture
def realised(world, ref2028, tmp_path):
    fungsi.load(YEAR, actor=SYSTEM)
    adopted_2028(world, tmp_path)
    pay(world, "SP2D-1", "400000", day=dt.date(YEAR, 3, 10))
    pay(world, "SP2D-3", "200000", day=dt.date(YEAR, 6, 30), sub=EDU, account=ATK, unit=world.unit_a2)
    return world


def test_lra_by_function_adds_up_to_spending_of_the_account_view(realised):
    start, end = whole_year(YEAR)
    by_account = {r.code: r for r in lra(realised.pemda_a, YEAR, start=start, end=end).rows}
    report = lra(realised.pemda_a, YEAR, start=start, end=end, view="fungsi")
    rows = {r.code: r for r in report.rows}
    # ROAD and the support program of unit A are bidang 1.03 (06), EDU is 1.01 (10).
    assert [r.code for r in report.rows] == ["06", "06.90", "10", "10.02", ""]
    assert (rows["06"].budget, rows["06"].realised) == (Decimal("1400000.50"), Decimal("400000.00"))
    assert (rows["10.02"].budget, rows["10.02"].realised) == (Decimal("200000.00"), Decimal("200000.00"))
    top = [r for r in report.rows if r.kind == "row" and r.level == 0]
    assert sum(r.budget for r in top) == by_account["5"].budget == rows[""].budget
    assert sum(r.realised for r in top) == by_account["5"].realised == rows[""].realised
    shallow = lra(realised.pemda_a, YEAR, start=start, end=end, view="fungsi", depth=1)
    assert [r.code for r in shallow.rows] == ["06", "10", ""]


def test_lra_by_function_needs_the_years_list(world, ref2028, tmp_path):
    adopted_2028(world, tmp_path)
    start, end = whole_year(YEAR)
    with pytest.raises(NotFound, match="load_fungsi"):
        lra(world.pemda_a, YEAR, start=start, end=end, view="fungsi")


def test_an_unmapped_bidang_keeps_the_sum_exact(realised):
    FungsiBidang.objects.filter(year=YEAR, bidang="1.01").delete()
    start, end = whole_year(YEAR)
    rows = lra(realised.pemda_a, YEAR, start=start, end=end, view="fungsi").rows
    unmapped = [r for r in rows if r.code == "" and r.kind == "row"]
    assert len(unmapped) == 1 and unmapped[0].budget == Decimal("200000.00")
    assert sum(r.budget for r in rows if r.kind == "row" and r.level == 0) == Decimal("1600000.50")


def test_lra_by_function_page_pdf_and_xlsx(realised):
    client = realised.client_for(realised.tapd_a)
    base = f"/app/{realised.pemda_a.code}/realisasi/{YEAR}"
    page = client.get(f"{base}/?periode=tahun&menurut=fungsi")
    assert page.status_code == 200 and "Perumahan dan Fasilitas Umum" in page.content.decode()
    pdf = client.get(f"{base}/lra.pdf?periode=tahun&menurut=fungsi")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "menurut fungsi dan sub fungsi" in text and "1.600.000,50" in text
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/lra.xlsx?menurut=fungsi").content)).active
    codes = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(codes["10"][2])) == Decimal("200000")
    assert realised.client_for(realised.officer_b).get(f"{base}/?menurut=fungsi").status_code == 404


def test_apbd_summary_by_function_equals_spending_by_kelompok(realised):
    from spbe.budgeting.models import BudgetVersion
    from spbe.budgeting.selectors import summary as figures

    version = BudgetVersion.objects.get(pemda=realised.pemda_a, year=YEAR)
    summary = apbd_by_fungsi(version)
    expected = figures(version)
    assert summary.total == Decimal(expected["belanja"]) == Decimal("1600000.50")
    rows = {(r.code, r.level): r for r in summary.rows}
    assert rows[("06", 0)].amounts == (
        Decimal("400000.00"),  # 5.1: personnel 300.000 + ATK 100.000
        Decimal("1000000.50"),  # 5.2: the road
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert rows[("1.03", 2)].total == Decimal("1400000.50") and rows[("1.01", 2)].name == "Pendidikan"
    assert summary.totals[0] == Decimal("600000.00")


def test_apbd_summary_by_function_page_pdf_xlsx_and_scope(realised):
    from spbe.budgeting.models import BudgetVersion

    version = BudgetVersion.objects.get(pemda=realised.pemda_a, year=YEAR)
    base = f"/app/{realised.pemda_a.code}/anggaran/versi/{version.pk}"
    client = realised.client_for(realised.tapd_a)
    page = client.get(f"{base}/fungsi/")
    assert page.status_code == 200 and "Rp1.600.000,50" in page.content.decode()
    pdf = client.get(f"{base}/fungsi.pdf")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "RINGKASAN APBD MENURUT FUNGSI" in text and "1.600.000,50" in text
    assert "satu juta enam ratus ribu rupiah lima puluh sen" in " ".join(text.lower().split())
    xlsx = client.get(f"{base}/fungsi.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    last = [row for row in sheet.iter_rows(values_only=True) if row and row[1]][-1]
    assert last[1] == "Jumlah belanja" and Decimal(str(last[-1])) == Decimal("1600000.5")
    assert realised.client_for(realised.agency_operator_a).get(f"{base}/fungsi/").status_code == 404
    assert realised.client_for(realised.officer_b).get(f"{base}/fungsi.pdf").status_code == 404
