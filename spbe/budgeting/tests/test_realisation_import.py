"""``spbe import_realisation``: all or nothing, ``row N, column X: reason``, a breach on its row."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from spbe.budgeting.imports_realisation import realisation_import
from spbe.budgeting.models import BudgetVersion, Sp2d, Sts
from spbe.core.errors import ImportFailed, PermissionDenied
from spbe.core.models import AuditEntry

from .conftest import UNIT_A, UNIT_A2, YEAR
from .helpers import ROAD, ROAD_2
from .realisation_fixtures import ATK, DAU, EDU, JALAN, MODAL, REKLAME, adopted_2028, pay

HEADER = [
    "jenis",
    "nomor",
    "tanggal",
    "kode_skpd",
    "kode_sub_kegiatan",
    "kode_rekening",
    "sumber_dana",
    "uraian",
    "jumlah",
    "jenis_sp2d",
    "nomor_koreksi",
]


def sp2d(number, date, unit, sub, account, amount, kind="LS", corrects=""):
    return ["sp2d", number, date, unit, sub, account, "", "Pembayaran", amount, kind, corrects]


def sts(number, date, unit, account, amount, corrects=""):
    return ["sts", number, date, unit, "", account, "", "Setoran", amount, "", corrects]


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def apbd(world, ref2028, tmp_path) -> BudgetVersion:
    return adopted_2028(world, tmp_path)


GOOD = [
    sp2d("SP2D-1", "2028-03-01", UNIT_A, ROAD, JALAN, "600000"),
    sp2d("SP2D-2", "15/04/2028", UNIT_A, ROAD, JALAN, "400000.50", "GU"),
    sp2d("CP-1", "2028-04-20", UNIT_A, ROAD, JALAN, "-100000", "", "SP2D-1"),
    sp2d("SP2D-3", "2028-05-01", UNIT_A, ROAD, JALAN, "100000"),  # fits again after the return
    sp2d("SP2D-4", "2028-05-02", UNIT_A2, "", MODAL, "50000"),
    sts("STS-1", "2028-01-31", UNIT_A, REKLAME, "950000"),  # revenue may pass its target
    sts("STS-2", "2028-02-28", UNIT_A2, DAU, "600000.50"),
    sts("STS-K1", "2028-03-01", UNIT_A, REKLAME, "-50000", "STS-1"),
]


def test_a_good_file_is_written_in_one_go(world, apbd, tmp_path):
    summary = realisation_import(
        actor=world.tapd_a, pemda=world.pemda_a, year=YEAR, path=write(tmp_path / "r.csv", GOOD)
    )
    assert (summary.sp2d, summary.sts, summary.corrections) == (5, 3, 2)
    assert summary.spending == Decimal("1050000.50") and summary.revenue == Decimal("1500000.50")
    correction = Sp2d.objects.get(number="CP-1")
    assert correction.amount == Decimal("-100000.00")
    assert correction.corrects == Sp2d.objects.get(number="SP2D-1")
    assert Sp2d.objects.get(number="SP2D-2").kind == "GU" and Sp2d.objects.get(number="SP2D-1").kind == "LS"
    assert Sp2d.objects.get(number="SP2D-2").date == dt.date(YEAR, 4, 15)
    assert Sts.objects.get(number="STS-K1").corrects == Sts.objects.get(number="STS-1")
    entry = AuditEntry.objects.get(action="realisation.import")
    assert entry.after["sp2d"] == 5 and entry.after["spending"] == "1050000.50"
    # The line is full now (1.000.000,50 net): a further payment is refused, also through the import.
    again = write(tmp_path / "s.csv", [sp2d("SP2D-9", "2028-06-01", UNIT_A, ROAD, JALAN, "0.01")])
    with pytest.raises(ImportFailed) as failed:
        realisation_import(actor=world.tapd_a, pemda=world.pemda_a, year=YEAR, path=again)
    assert [e.contract_line()[:30] for e in failed.value.errors] == ["row 2, column jumlah: pagu DPA"]


def test_every_bad_row_is_reported_and_nothing_written(world, apbd, tmp_path):
    pay(world, "SP2D-0", "500000")  # already recorded: 500.000,50 left on the road line
    rows = [
        sp2d("SP2D-1", "2028-03-01", UNIT_A, ROAD, JALAN, "300000"),  # row 2: fits (200.000,50 left)
        sp2d("SP2D-2", "2028-03-02", UNIT_A, ROAD, JALAN, "200000.51"),  # row 3: passes the line by 0,01
        sp2d("SP2D-3", "2028-03-03", UNIT_A, ROAD, JALAN, "200000.50"),  # row 4: fits once row 3 is fixed
        sp2d("SP2D-0", "2028-03-04", UNIT_A, ROAD_2, ATK, "1"),  # row 5: number already recorded
        sp2d("SP2D-5", "2029-01-01", UNIT_A, ROAD_2, ATK, "1"),  # row 6: another year
        sp2d("SP2D-6", "2028-03-04", UNIT_A, ROAD, ATK, "1"),  # row 7: no such DPA line
        sp2d("SP2D-7", "2028-03-04", "9.99.0.00.0.00.99.0000", ROAD, ATK, "1"),  # row 8: unknown agency
        sp2d("SP2D-8", "2028-03-04", UNIT_A2, EDU, ATK, "1", "XX"),  # row 9: kind
        sts("STS-1", "2028-03-04", UNIT_A, JALAN, "1"),  # row 10: STS on spending
        sp2d("CP-1", "2028-03-05", UNIT_A, ROAD, JALAN, "-1", "", "SP2D-404"),  # row 11: nothing to correct
        sp2d("SP2D-9", "2028-13-01", UNIT_A, ROAD, JALAN, "abc"),  # row 12: date and amount
        sp2d("SP2D-1", "2028-03-06", UNIT_A, ROAD_2, ATK, "1"),  # row 13: number used on row 2
    ]
    with pytest.raises(ImportFailed) as failed:
        realisation_import(
            actor=world.tapd_a, pemda=world.pemda_a, year=YEAR, path=write(tmp_path / "r.csv", rows)
        )
    lines = [e.contract_line() for e in failed.value.errors]
    where = sorted((e.row, e.column) for e in failed.value.errors)
    assert where == [
        (5, "nomor"),
        (6, "tanggal"),
        (8, "kode_skpd"),
        (9, "jenis_sp2d"),
        (10, "kode_rekening"),
        (12, "jumlah"),
        (12, "tanggal"),
        (13, "nomor"),
    ], lines
    # Row errors first; the line and correction checks run on a file whose rows all read well.
    assert Sp2d.objects.filter(pemda=world.pemda_a).count() == 1
    clean = [r for i, r in enumerate(rows, start=2) if i in (2, 3, 4, 7, 11)]
    with pytest.raises(ImportFailed) as failed:
        realisation_import(
            actor=world.tapd_a, pemda=world.pemda_a, year=YEAR, path=write(tmp_path / "c.csv", clean)
        )
    lines = sorted(e.contract_line() for e in failed.value.errors)
    assert [line[:33] for line in lines] == [
        "row 3, column jumlah: pagu DPA Rp",
        "row 5, column kode_rekening: tida",
        "row 6, column nomor_koreksi: SP2D",
    ], lines
    assert Sp2d.objects.filter(pemda=world.pemda_a).count() == 1 and not Sts.objects.exists()
    assert not AuditEntry.objects.filter(action="realisation.import").exists()


def test_xlsx_with_date_cells_and_the_command(world, apbd, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        ["SP2D", "SP2D-1", dt.datetime(2028, 3, 1), UNIT_A, ROAD, JALAN, None, "Aspal", 1000, "LS", None]
    )
    sheet.append(
        ["sts", "STS-1", dt.datetime(2028, 3, 2), UNIT_A, None, REKLAME, None, "Reklame", 2500.5, None, None]
    )
    book.save(tmp_path / "r.xlsx")
    out = StringIO()
    call_command("import_realisation", str(tmp_path / "r.xlsx"), pemda="35.10", year=YEAR, stdout=out)
    assert "1 SP2D" in out.getvalue()
    assert Sts.objects.get(number="STS-1").amount == Decimal("2500.50")
    assert Sp2d.objects.get(number="SP2D-1").date == dt.date(2028, 3, 1)

    err = StringIO()
    bad = write(tmp_path / "bad.csv", [sp2d("SP2D-2", "2028-03-01", UNIT_A, ROAD, JALAN, "999999999")])
    with pytest.raises(CommandError):
        call_command("import_realisation", str(bad), pemda="35.10", year=YEAR, stderr=err)
    assert err.getvalue().startswith("row 2, column jumlah: ")


def test_only_the_treasury_imports(world, apbd, tmp_path):
    with pytest.raises(PermissionDenied):
        realisation_import(
            actor=world.agency_operator_a,
            pemda=world.pemda_a,
            year=YEAR,
            path=write(tmp_path / "r.csv", GOOD),
        )
    assert not Sp2d.objects.exists()
