"""``import_siskeudes``: a zip of our own with every edge case of the realisation rule, figures by hand.

Desa X (Kd_Desa ``02.2001.`` in pemda 35.10) has, in 2027:

* revenue: Dana Desa budget 800,000,000, received twice 320,000,000 (TBP); bank interest budget
  1,000,000 revised to 1,200,000.50, credited 350,000.25 by the bank (a mutation booked to 4.3.6.01); a
  cash-to-bank move of 5,000,000 (mutation without account: nothing); an unposted journal crediting Dana
  Desa 999,999 (nothing);
* expenditure: siltap (01.01.01, ADD) budget 120,000,000, paid 30,000,000 by an LS payment request and
  corrected by a posted journal crediting 500,000 back; a road (02.03.01, DDS) budget 500,000,000, an
  advance (SPP UM) of 100,000,000 that counts for nothing, accounted for by an SPJ of 95,000,000;
* financing: SiLPA 50,000,000 recognised by a posted journal (credit), BUMDes equity 30,000,000 paid by a
  PBY payment request; net financing 20,000,000.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spbe.core.actors import system
from spbe.core.errors import ImportFailed
from spbe.core.models import AuditEntry
from spbe.core.versions import verify_frozen
from spbe.villages.models import LINE_SPEC, AccountName, Apbdes, ApbdesLine, Realisation, SiskeudesImport
from spbe.villages.selectors import apbdes_summary
from spbe.villages.siskeudes import siskeudes_import

from .siskeudes_zip import Rows, write_zip

pytestmark = pytest.mark.django_db

YEAR = "2027"  # the default budget year, whose reference lists the test database holds
X = "02.2001."
Y = "03.2001."
ACTOR = system("tests")


def rab(
    desa: str, keg: str, rincian: str, urut: str, sumber: str, before: str, after: str, uraian: str = ""
) -> dict[str, str]:
    return {
        "Tahun": YEAR,
        "Kd_Desa": desa,
        "Kd_Keg": f"{desa}{keg}.",
        "Kd_Rincian": rincian,
        "Kd_SubRinci": "01",
        "No_Urut": urut,
        "SumberDana": sumber,
        "Uraian": uraian or f"Rincian {rincian}",
        "Anggaran": before,
        "AnggaranStlhPAK": after,
    }


def scenario() -> Rows:
    return {
        "Ta_RABRinci": [
            rab(X, "00.00.00", "4.2.1.01.", "1", "DDS", "800000000", "800000000"),
            rab(X, "00.00.00", "4.3.6.01.", "1", "PAD", "1000000", "1200000.50"),
            rab(X, "01.01.01", "5.1.1.01.", "1", "ADD", "120000000.0000", "120000000.0000", "Siltap Kades"),
            rab(X, "02.03.01", "5.3.5.01.", "1", "DDS", "500000000", "500000000", "Jalan  dusun\tKrajan"),
            rab(X, "02.03.01", "5.3.5.01.", "2", "DDS", "10000000", "0"),  # removed in the revision
            rab(X, "00.00.00", "6.1.1.01.", "1", "PAD", "50000000", "50000000"),
            rab(X, "00.00.00", "6.2.2.01.", "1", "DDS", "30000000", "30000000"),
            rab(Y, "00.00.00", "4.2.3.01.", "1", "ADD", "300000000", "300000000"),
            rab(Y, "01.01.01", "5.1.1.01.", "1", "ADD", "300000000", "300000000"),
        ],
        "Ta_TBPRinci": [
            {
                "Tahun": YEAR,
                "No_Bukti": "TBP/1",
                "Kd_Desa": X,
                "Kd_Keg": f"{X}00.00.00.",
                "Kd_Rincian": "4.2.1.01.",
                "SumberDana": "DDS",
                "Nilai": "320000000",
            },
            {
                "Tahun": YEAR,
                "No_Bukti": "TBP/2",
                "Kd_Desa": X,
                "Kd_Keg": f"{X}00.00.00.",
                "Kd_Rincian": "4.2.1.01.",
                "SumberDana": "DDS",
                "Nilai": "320000000.00",
            },
            {
                "Tahun": YEAR,
                "No_Bukti": "TBP/1",
                "Kd_Desa": Y,
                "Kd_Keg": f"{Y}00.00.00.",
                "Kd_Rincian": "4.2.3.01.",
                "SumberDana": "ADD",
                "Nilai": "150000000",
            },
        ],
        "Ta_Mutasi": [
            {
                "Tahun": YEAR,
                "Kd_Desa": X,
                "No_Bukti": "BNK/1",
                "Kd_Rincian": "4.3.6.01.",
                "Sumberdana": "PAD",
                "Nilai": "350000.25",
            },
            {"Tahun": YEAR, "Kd_Desa": X, "No_Bukti": "BNK/2", "Kd_Rincian": "", "Nilai": "5000000"},
        ],
        "Ta_SPP": [
            {"Tahun": YEAR, "No_SPP": "SPP/1", "Jn_SPP": "LS", "Kd_Desa": X},
            {"Tahun": YEAR, "No_SPP": "SPP/2", "Jn_SPP": "UM", "Kd_Desa": X},
            {"Tahun": YEAR, "No_SPP": "SPP/3", "Jn_SPP": "PBY", "Kd_Desa": X},
            {"Tahun": YEAR, "No_SPP": "SPP/1", "Jn_SPP": "LS", "Kd_Desa": Y},
        ],
        "Ta_SPPRinci": [
            {
                "Tahun": YEAR,
                "No_SPP": "SPP/1",
                "Kd_Desa": X,
                "Kd_Keg": f"{X}01.01.01.",
                "Kd_Rincian": "5.1.1.01.",
                "Sumberdana": "ADD",
                "Nilai": "30000000",
            },
            {
                "Tahun": YEAR,
                "No_SPP": "SPP/2",
                "Kd_Desa": X,
                "Kd_Keg": f"{X}02.03.01.",
                "Kd_Rincian": "5.3.5.01.",
                "Sumberdana": "DDS",
                "Nilai": "100000000",
            },
            {
                "Tahun": YEAR,
                "No_SPP": "SPP/3",
                "Kd_Desa": X,
                "Kd_Keg": f"{X}00.00.00.",
                "Kd_Rincian": "6.2.2.01.",
                "Sumberdana": "DDS",
                "Nilai": "30000000",
            },
            {
                "Tahun": YEAR,
                "No_SPP": "SPP/1",
                "Kd_Desa": Y,
                "Kd_Keg": f"{Y}01.01.01.",
                "Kd_Rincian": "5.1.1.01.",
                "Sumberdana": "ADD",
                "Nilai": "25000000",
            },
        ],
        "Ta_SPJRinci": [
            {
                "Tahun": YEAR,
                "No_SPJ": "SPJ/1",
                "Kd_Keg": f"{X}02.03.01.",
                "Kd_Rincian": "5.3.5.01.",
                "Sumberdana": "DDS",
                "Kd_Desa": X,
                "No_SPP": "SPP/2",
                "JmlCair": "100000000",
                "Nilai": "95000000",
                "Sisa": "5000000",
            },
        ],
        "Ta_JurnalUmum": [
            {"Tahun": YEAR, "Kd_Desa": X, "NoBukti": "JU/1", "Posted": "1"},
            {"Tahun": YEAR, "Kd_Desa": X, "NoBukti": "JU/2", "Posted": "1"},
            {"Tahun": YEAR, "Kd_Desa": X, "NoBukti": "JU/3", "Posted": "0"},
        ],
        "Ta_JurnalUmumRinci": [
            # SiLPA recognised: the bank account (an asset, no budget account) against 6.1.1.01.
            {
                "Tahun": YEAR,
                "NoBukti": "JU/1",
                "Kd_Keg": f"{X}00.00.00.",
                "Kd_Desa": X,
                "Kd_Rincian": "1.1.1.02.",
                "Sumberdana": "PAD",
                "Debet": "50000000",
                "Kredit": "0",
            },
            {
                "Tahun": YEAR,
                "NoBukti": "JU/1",
                "Kd_Keg": f"{X}00.00.00.",
                "Kd_Desa": X,
                "Kd_Rincian": "6.1.1.01.",
                "Sumberdana": "PAD",
                "Debet": "0",
                "Kredit": "50000000",
            },
            # A siltap overpayment returned: expenditure down by 500,000 (debit - credit).
            {
                "Tahun": YEAR,
                "NoBukti": "JU/2",
                "Kd_Keg": f"{X}01.01.01.",
                "Kd_Desa": X,
                "Kd_Rincian": "5.1.1.01.",
                "Sumberdana": "ADD",
                "Debet": "0",
                "Kredit": "500000",
            },
            # Not posted: counts for nothing.
            {
                "Tahun": YEAR,
                "NoBukti": "JU/3",
                "Kd_Keg": f"{X}00.00.00.",
                "Kd_Desa": X,
                "Kd_Rincian": "4.2.1.01.",
                "Sumberdana": "DDS",
                "Debet": "0",
                "Kredit": "999999",
            },
        ],
        "Ref_Rek4": [
            {"Jenis": "4.2.1.", "Obyek": "4.2.1.01.", "Nama_Obyek": "Dana Desa"},
            {"Jenis": "1.1.1.", "Obyek": "1.1.1.02.", "Nama_Obyek": "Rekening Kas Desa"},
        ],
    }


@pytest.fixture
def zip_path(tmp_path: Path) -> Path:
    return write_zip(tmp_path / "siskeudes.zip", scenario())


def money(text: str) -> Decimal:
    return Decimal(text)


def pair(anggaran: str, realisasi: str) -> dict[str, Decimal]:
    return {"anggaran": money(anggaran), "realisasi": money(realisasi)}


def test_it_imports_budget_and_realisation_by_the_siskeudes_rule(
    world: Any, reference_year: int, zip_path: Path
) -> None:
    result = siskeudes_import(zip_path, actor=ACTOR, pemda_code="35.10")
    assert [(d.kode_desa, d.year, d.lines) for d in result.desa] == [
        ("35.10.02.2001", 2027, 6),
        ("35.10.03.2001", 2027, 2),
    ]
    apbdes = Apbdes.objects.get(village=world.desa_x, year=2027)
    assert apbdes.origin == "siskeudes" and apbdes.kind == "perubahan" and apbdes.is_frozen
    assert verify_frozen(apbdes, LINE_SPEC)
    road = ApbdesLine.objects.get(apbdes=apbdes, account_code="5.3.5.01")
    assert (road.activity_code, road.sub_code, road.number, road.source_code) == ("02.03.01", "01", 1, "DDS")
    assert road.description == "Jalan dusun Krajan"
    assert not ApbdesLine.objects.filter(apbdes=apbdes, number=2).exists()  # revised to zero
    revenue = ApbdesLine.objects.get(apbdes=apbdes, account_code="4.2.1.01")
    assert revenue.activity_code == ""

    real = {
        (r.account_code, r.activity_code, r.source_code): r.amount
        for r in Realisation.objects.filter(village=world.desa_x, year=2027)
    }
    assert real == {
        ("4.2.1.01", "", "DDS"): money("640000000.00"),
        ("4.3.6.01", "", "PAD"): money("350000.25"),
        ("5.1.1.01", "01.01.01", "ADD"): money("29500000.00"),
        ("5.3.5.01", "02.03.01", "DDS"): money("95000000.00"),
        ("6.1.1.01", "", "PAD"): money("50000000.00"),
        ("6.2.2.01", "", "DDS"): money("30000000.00"),
    }

    summary = apbdes_summary(apbdes)
    assert summary["pendapatan"] == pair("801200000.50", "640350000.25")
    assert summary["belanja"] == pair("620000000.00", "124500000.00")
    assert summary["pembiayaan"] == {
        "penerimaan": pair("50000000.00", "50000000.00"),
        "pengeluaran": pair("30000000.00", "30000000.00"),
        "netto": pair("20000000.00", "20000000.00"),
    }
    assert [(b["kode"], b["anggaran"], b["realisasi"]) for b in summary["bidang"]] == [
        ("01", money("120000000.00"), money("29500000.00")),
        ("02", money("500000000.00"), money("95000000.00")),
    ]
    assert summary["bidang"][0]["nama"] == "BIDANG PENYELENGGARAN PEMERINTAHAN DESA"
    assert [(s["kode"], s["anggaran"], s["realisasi"]) for s in summary["sumber_dana"]] == [
        ("ADD", money("120000000.00"), money("29500000.00")),
        ("DDS", money("500000000.00"), money("95000000.00")),
    ]
    accounts = {r["kode"]: r for r in summary["rekening"]}
    assert accounts["4.2.1.01"]["nama"] == "Dana Desa"  # from Ref_Rek4
    assert accounts["4.2"]["nama"] == "Pendapatan Transfer"  # from the reference list
    assert accounts["4"]["realisasi"] == money("640350000.25")
    assert "1.1.1.02" not in accounts and not AccountName.objects.filter(code="1.1.1.02").exists()

    y_real = Realisation.objects.filter(village=world.desa_y, year=2027)
    assert {(r.account_code, r.amount) for r in y_real} == {
        ("4.2.3.01", money("150000000.00")),
        ("5.1.1.01", money("25000000.00")),
    }
    assert Apbdes.objects.get(village=world.desa_y).kind == "murni"
    entry = AuditEntry.objects.filter(action="apbdes.siskeudes_import", object_id=str(apbdes.pk)).get()
    assert entry.pemda_code == "35.10" and (entry.after or {})["lines"] == 6


def test_a_second_import_replaces_that_desa_only(world: Any, reference_year: int, tmp_path: Path) -> None:
    siskeudes_import(write_zip(tmp_path / "a.zip", scenario()), actor=ACTOR, pemda_code="35.10")
    first = Apbdes.objects.get(village=world.desa_x)
    y_before = list(Realisation.objects.filter(village=world.desa_y).values_list("pk", "amount"))
    again = scenario()
    again["Ta_RABRinci"] = [
        r for r in again["Ta_RABRinci"] if r["Kd_Desa"] == X and r["Kd_Rincian"] != "5.1.1.01."
    ]
    for table in ("Ta_TBPRinci", "Ta_SPP", "Ta_SPPRinci", "Ta_Mutasi"):
        again[table] = [r for r in again[table] if r["Kd_Desa"] == X]
    again["Ta_TBPRinci"].append(dict(again["Ta_TBPRinci"][0], No_Bukti="TBP/3", Nilai="160000000"))
    result = siskeudes_import(write_zip(tmp_path / "b.zip", again), actor=ACTOR, pemda_code="35.10")

    assert [(d.kode_desa, d.replaced) for d in result.desa] == [("35.10.02.2001", True)]
    assert not Apbdes.objects.filter(pk=first.pk).exists()
    apbdes = Apbdes.objects.get(village=world.desa_x, year=2027)
    assert not ApbdesLine.objects.filter(apbdes=apbdes, account_code="5.1.1.01").exists()
    assert Realisation.objects.get(village=world.desa_x, account_code="4.2.1.01").amount == money(
        "800000000.00"
    )
    assert SiskeudesImport.objects.get(village=world.desa_x).file_name == "b.zip"
    # Desa Y was not in the second export: its data stays as the first import left it.
    assert list(Realisation.objects.filter(village=world.desa_y).values_list("pk", "amount")) == y_before


def failure(tmp_path: Path, tables: Rows, **drop: Any) -> ImportFailed:
    path = write_zip(tmp_path / "bad.zip", tables, **drop)
    with pytest.raises(ImportFailed) as caught:
        siskeudes_import(path, actor=ACTOR, pemda_code="35.10")
    assert not Apbdes.objects.exists() and not Realisation.objects.exists()
    return caught.value


def located(exc: ImportFailed) -> set[tuple[str | None, int, str | None]]:
    return {(e.file, e.row, e.column) for e in exc.errors}


def test_it_names_a_missing_table_and_a_missing_column(world: Any, tmp_path: Path) -> None:
    exc = failure(tmp_path, scenario(), drop_tables=("Ta_Mutasi",), drop_columns={"Ta_SPJRinci": "Nilai"})
    assert located(exc) == {("Ta_Mutasi.csv", 1, None), ("Ta_SPJRinci.csv", 1, "Nilai")}
    assert any("Ta_Mutasi" in e.message for e in exc.errors)


def test_it_refuses_a_desa_of_another_pemda_and_a_malformed_amount(world: Any, tmp_path: Path) -> None:
    tables = scenario()
    tables["Ta_TBPRinci"][1]["Nilai"] = "320.000.000"  # data row 2 = spreadsheet row 3
    tables["Ta_SPPRinci"][0]["Nilai"] = "12.345"  # three decimals of a rupiah
    tables["Ta_RABRinci"][8]["Kd_Desa"] = "09.9999."
    exc = failure(tmp_path, tables)
    assert located(exc) == {
        ("Ta_TBPRinci.csv", 3, "Nilai"),
        ("Ta_SPPRinci.csv", 2, "Nilai"),
        ("Ta_RABRinci.csv", 10, "Kd_Desa"),
    }
    desa_error = next(e for e in exc.errors if e.column == "Kd_Desa")
    assert "35.10.09.9999" in desa_error.message


def test_a_journal_line_without_its_journal_and_a_bad_posted_flag_are_errors(
    world: Any, tmp_path: Path
) -> None:
    tables = scenario()
    tables["Ta_JurnalUmum"][1]["Posted"] = "mungkin"
    tables["Ta_JurnalUmumRinci"][3]["NoBukti"] = "JU/9"
    exc = failure(tmp_path, tables)
    assert located(exc) == {("Ta_JurnalUmum.csv", 3, "Posted"), ("Ta_JurnalUmumRinci.csv", 5, "NoBukti")}


def test_the_command_prints_each_error_and_writes_nothing(world: Any, tmp_path: Path, capsys: Any) -> None:
    tables = scenario()
    tables["Ta_SPJRinci"][0]["Nilai"] = "abc"
    path = write_zip(tmp_path / "bad.zip", tables)
    with pytest.raises(CommandError):
        call_command("import_siskeudes", str(path), "--pemda", "35.10")
    assert "Ta_SPJRinci.csv: row 2, column Nilai:" in capsys.readouterr().err
    assert not Apbdes.objects.exists()


def test_the_command_imports_and_reports_each_desa(
    world: Any, reference_year: int, zip_path: Path, capsys: Any
) -> None:
    call_command("import_siskeudes", str(zip_path), "--pemda", "35.10")
    out = capsys.readouterr().out
    assert "35.10.02.2001 2027: 6" in out and "35.10.03.2001 2027: 2" in out
    assert Apbdes.objects.filter(year=2027, origin="siskeudes").count() == 2


def test_it_refuses_to_overwrite_an_apbdes_kept_in_openspbe(world: Any, zip_path: Path) -> None:
    Apbdes.objects.create(pemda=world.pemda_a, village=world.desa_x, year=2027, origin="entry")
    from spbe.core.errors import Conflict

    with pytest.raises(Conflict):
        siskeudes_import(zip_path, actor=ACTOR, pemda_code="35.10")
    assert not Realisation.objects.exists()
    assert Apbdes.objects.get(village=world.desa_x).origin == "entry"
