"""``spbe import_budget`` and ``spbe budget_summary``: the contract of issue 7 point 8, with hand-computed
figures."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from spbe.accounts.models import PerangkatDaerah
from spbe.budgeting.models import BudgetRules, BudgetVersion, Rka, RkaDetail, RkaLine
from spbe.core.models import AuditEntry

from .conftest import UNIT_A, UNIT_A2, YEAR, row, write_csv

PUNJANG_A = "1.03.01.2.02.0001"  # the support program X.XX.01.2.02.0001 written with PU's bidang
PUNJANG_A2 = "1.01.01.2.02.0001"
ROWS = [
    row(UNIT_A, PUNJANG_A, "5.1.01.01.01.0001", "12", "10000000"),
    row(UNIT_A, PUNJANG_A, "5.1.02.01.01.0024", "3", "1234.57", "3703.71"),
    # 2,5 x 100.000.000,01 = 250.000.000,025: half up to the sen.
    row(UNIT_A, "1.03.02.2.01.0001", "5.2.04.01.01.0001", "2,5", "100000000.01"),
    row(UNIT_A, "", "4.1.01.09.01.0001", "1", "500000000"),
    row(UNIT_A2, PUNJANG_A2, "5.1.01.01.01.0001", "10", "8000000"),
    row(UNIT_A2, "1.01.02.2.01.0001", "5.1.02.01.01.0024", "1", "46296.29"),
    row(UNIT_A2, "", "4.2.01.01.01.0001", "1", "100000000"),
    row(UNIT_A2, "", "6.1.01.01.01.0001", "1", "50000000"),
    row(UNIT_A2, "", "6.2.02.01.01.0001", "1", "20000000"),
]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def import_args(path, *extra: str) -> list[str]:
    return ["import_budget", "--pemda", "35.10", "--year", str(YEAR), *extra, str(path)]


def summary_of(*extra: str) -> dict[str, Any]:
    out, _err = run("budget_summary", "--pemda", "35.10", "--year", str(YEAR), *extra, "--format", "json")
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.fixture
def imported(world, ref2028, tmp_path):
    run(*import_args(write_csv(tmp_path / "apbd.csv", ROWS)))
    return BudgetVersion.objects.get(pemda=world.pemda_a, year=YEAR)


def test_import_writes_lines_and_details_with_exact_amounts(imported, world):
    assert imported.version_state == "draft" and imported.number == 1
    assert RkaDetail.objects.filter(line__version=imported).count() == 9
    assert RkaLine.objects.filter(version=imported).count() == 9
    assert Rka.objects.filter(version=imported).count() == 2
    road = RkaLine.objects.get(version=imported, account="5.2.04.01.01.0001")
    assert road.amount == Decimal("250000000.03")
    assert road.sub_kegiatan == "1.03.02.2.01.0001" and road.unit == world.unit_a
    assert (
        RkaLine.objects.get(version=imported, unit=world.unit_a, account="5.1.01.01.01.0001").sub_kegiatan
        == PUNJANG_A
    )
    assert AuditEntry.objects.filter(pemda_code="35.10", action="budget.import").count() == 1


def test_rows_of_one_line_become_its_detail_rows(world, ref2028, tmp_path):
    rows = [
        row(UNIT_A, PUNJANG_A, "5.1.02.01.01.0024", "2", "0.01"),
        row(UNIT_A, PUNJANG_A, "5.1.02.01.01.0024", "1", "5"),
    ]
    run(*import_args(write_csv(tmp_path / "a.csv", rows)))
    line = RkaLine.objects.get()
    assert line.amount == Decimal("5.02")
    assert list(line.details.values_list("position", "amount")) == [
        (1, Decimal("0.02")),
        (2, Decimal("5.00")),
    ]


def test_summary_matches_hand_computed_figures(imported):
    data = summary_of()
    assert set(data) == {
        "pendapatan",
        "belanja",
        "penerimaan_pembiayaan",
        "pengeluaran_pembiayaan",
        "surplus_defisit",
        "pembiayaan_netto",
        "silpa",
        "rekening",
        "skpd",
        "belanja_pegawai_persen",
        "belanja_pegawai_lulus",
    }
    assert data["pendapatan"] == "600000000.00"
    assert data["belanja"] == "450050000.03"
    assert data["penerimaan_pembiayaan"] == "50000000.00"
    assert data["pengeluaran_pembiayaan"] == "20000000.00"
    assert data["surplus_defisit"] == "149949999.97"
    assert data["pembiayaan_netto"] == "30000000.00"
    assert data["silpa"] == "179949999.97"
    assert data["rekening"] == {
        "4": "600000000.00",
        "4.1": "500000000.00",
        "4.1.01": "500000000.00",
        "4.2": "100000000.00",
        "4.2.01": "100000000.00",
        "5": "450050000.03",
        "5.1": "200050000.00",
        "5.1.01": "200000000.00",
        "5.1.02": "50000.00",
        "5.2": "250000000.03",
        "5.2.04": "250000000.03",
        "6.1": "50000000.00",
        "6.1.01": "50000000.00",
        "6.2": "20000000.00",
        "6.2.02": "20000000.00",
    }
    assert data["skpd"] == {
        UNIT_A: {"pendapatan": "500000000.00", "belanja": "370003703.74"},
        UNIT_A2: {"pendapatan": "100000000.00", "belanja": "80046296.29"},
    }
    # 200.000.000 / 450.050.000,03 = 44,4395...%
    assert data["belanja_pegawai_persen"] == "44.44"
    assert data["belanja_pegawai_lulus"] is False


def test_personnel_limit_is_the_years_own(imported, world):
    BudgetRules.objects.create(
        pemda=world.pemda_a,
        year=YEAR,
        personnel_max=Decimal("44.44"),
        infrastructure_min=Decimal("40"),
        education_min=Decimal("20"),
    )
    # 44,4395% is within 44,44%; another year's rules would not matter.
    assert summary_of()["belanja_pegawai_lulus"] is True
    BudgetRules.objects.filter(pemda=world.pemda_a, year=YEAR).update(personnel_max=Decimal("44.43"))
    assert summary_of()["belanja_pegawai_lulus"] is False


def test_summary_of_a_named_version_and_of_a_missing_one(imported):
    assert summary_of("--version", "1")["belanja"] == "450050000.03"
    with pytest.raises(CommandError, match="versi 2"):
        run("budget_summary", "--pemda", "35.10", "--year", str(YEAR), "--version", "2", "--format", "json")


def test_errors_are_reported_per_cell_and_nothing_is_written(world, ref2028, tmp_path):
    rows = [
        row(UNIT_A, PUNJANG_A, "5.1.01.01.01.0001", "1", "100"),  # row 2: fine
        row("9.99.0.00.0.00.01.0000", PUNJANG_A, "5.1.01.01.01.0001", "1", "100"),  # unknown agency
        row(
            UNIT_A, "1.01.01.2.02.0001", "5.1.01.01.01.0001", "1", "100"
        ),  # support program of another bidang
        row(UNIT_A, PUNJANG_A, "5.1.01.01.01", "1", "100"),  # not a leaf account
        row(UNIT_A, PUNJANG_A, "5.1.01.01.01.0001", "3", "0.10", "0.31"),  # 3 x 0,10 = 0,30
        row(UNIT_A, PUNJANG_A, "4.1.01.09.01.0001", "1", "100"),  # revenue under a sub-kegiatan
        row(UNIT_A, "", "5.1.02.01.01.0024", "1", "100"),  # expenditure without one
        row(UNIT_A, "1.03.09.2.01.0001", "5.1.02.01.01.0024", "abc", "-5"),  # unknown code, bad volume, price
    ]
    err = run_failing(*import_args(write_csv(tmp_path / "bad.csv", rows)))
    lines = err.splitlines()
    assert lines[0].startswith("row 3, column kode_skpd: ")
    assert lines[1].startswith("row 4, column kode_sub_kegiatan: ")
    assert lines[2].startswith("row 5, column kode_rekening: ")
    assert lines[3].startswith("row 6, column jumlah: ")
    assert lines[4].startswith("row 7, column kode_sub_kegiatan: ")
    assert lines[5].startswith("row 8, column kode_sub_kegiatan: ")
    assert {line.split(":")[0] for line in lines[6:]} == {
        "row 9, column kode_sub_kegiatan",
        "row 9, column volume",
        "row 9, column harga_satuan",
    }
    assert not BudgetVersion.objects.exists()
    assert not RkaLine.objects.exists()
    assert not AuditEntry.objects.filter(action="budget.import").exists()


def test_create_units_creates_the_agency_audited(world, ref2028, tmp_path):
    new = "1.02.0.00.0.00.01.0000"
    rows = [row(new, "1.02.01.2.02.0001", "5.1.01.01.01.0001", "1", "100", nama_skpd="Dinas Kesehatan")]
    path = write_csv(tmp_path / "a.csv", rows)
    err = run_failing(*import_args(path))
    assert err.startswith("row 2, column kode_skpd: ")
    assert not PerangkatDaerah.objects.filter(code=new).exists()
    run(*import_args(path, "--create-units"))
    unit = PerangkatDaerah.objects.get(pemda=world.pemda_a, code=new)
    assert unit.name == "Dinas Kesehatan" and unit.kind == "dinas"
    assert AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk)).count() == 1
    assert RkaLine.objects.get().unit == unit


def test_a_draft_is_replaced_only_when_asked(imported, tmp_path):
    path = write_csv(tmp_path / "b.csv", [row(UNIT_A, PUNJANG_A, "5.1.01.01.01.0001", "1", "7")])
    with pytest.raises(CommandError, match="--replace"):
        run(*import_args(path))
    assert RkaLine.objects.filter(version=imported).count() == 9
    run(*import_args(path, "--replace"))
    assert BudgetVersion.objects.filter(year=YEAR).count() == 1
    assert list(RkaLine.objects.filter(version=imported).values_list("amount", flat=True)) == [
        Decimal("7.00")
    ]
    assert summary_of()["belanja"] == "7.00"


def test_an_adopted_version_is_never_replaced(imported, tmp_path):
    BudgetVersion.objects.filter(pk=imported.pk).update(version_state="frozen", content_hash="0" * 64)
    path = write_csv(tmp_path / "b.csv", [row(UNIT_A, PUNJANG_A, "5.1.01.01.01.0001", "1", "7")])
    with pytest.raises(CommandError, match="ditetapkan"):
        run(*import_args(path, "--replace"))
    assert RkaDetail.objects.filter(line__version=imported).count() == 9
    assert BudgetVersion.objects.filter(year=YEAR).count() == 1


def test_replacing_a_draft_keeps_its_ceilings(imported, world, tmp_path):
    from spbe.budgeting.models import Ceiling

    Ceiling.objects.create(
        pemda=world.pemda_a, unit=world.unit_a, version=imported, code="", amount=Decimal("100")
    )
    rows = [
        row(UNIT_A, PUNJANG_A, "5.1.01.01.01.0001", "1", "60"),
        row(UNIT_A, PUNJANG_A, "5.1.01.01.01.0001", "1", "40.01"),
    ]
    err = run_failing(*import_args(write_csv(tmp_path / "c.csv", rows), "--replace"))
    assert err.startswith("row 3, column jumlah: ")
    assert RkaLine.objects.filter(version=imported).count() == 9


def test_editing_a_line_of_a_replaced_draft_is_a_conflict(imported, tmp_path):
    from spbe.budgeting.services import DetailInput, detail_add
    from spbe.core.actors import system
    from spbe.core.errors import Conflict

    stale = RkaLine.objects.select_related("rka").filter(version=imported).first()
    run(
        *import_args(
            write_csv(tmp_path / "b.csv", [row(UNIT_A, PUNJANG_A, "5.1.01.01.01.0001", "1", "7")]),
            "--replace",
        )
    )
    with pytest.raises(Conflict, match="tidak ada"):
        detail_add(actor=system("tests"), line=stale, detail=DetailInput("x", [("1", "x")], Decimal("1")))
    assert RkaDetail.objects.filter(line__version=imported).count() == 1


def test_xlsx_with_excel_numbers_imports_to_the_sen(world, ref2028, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["APBD 2028 (ekspor SIPD)"])  # a title above the header, as exports have
    sheet.append(COLUMNS_XLSX)
    # Numbers stored as Excel floats: 2.5 x 1234.57 = 3086.425 -> 3086.43; jumlah given as a float.
    sheet.append([UNIT_A, "", PUNJANG_A, "5.1.02.01.01.0024", "Kertas", 2.5, "rim", 1234.57, 3086.43])
    sheet.append([UNIT_A, "", "", "4.1.01.09.01.0001", "Pajak reklame", 1, "tahun", 1500000, None])
    path = tmp_path / "apbd.xlsx"
    book.save(path)
    run(*import_args(path))
    assert summary_of()["belanja"] == "3086.43"
    assert summary_of()["pendapatan"] == "1500000.00"


COLUMNS_XLSX = [
    "kode_skpd",
    "nama_skpd",
    "kode_sub_kegiatan",
    "kode_rekening",
    "uraian",
    "volume",
    "satuan",
    "harga_satuan",
    "jumlah",
]
