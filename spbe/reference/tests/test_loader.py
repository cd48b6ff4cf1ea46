import csv
from collections import Counter

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from conftest import TESTS
from spbe.core.errors import ImportFailed, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.reference.loader import import_reference, load_bundled_reference, nomenclature_file_for
from spbe.reference.models import Account, FundingSource, Nomenclature, VillageAccount, VillageActivity

# The test database already holds the bundled lists of the default year, 2027 (see conftest.py); tests of
# loading and importing from scratch use a year it has nothing for.
LOADED_YEAR = 2027
FRESH_YEAR = 2028
BELANJA_ROWS = 4276
PENDAPATAN_PEMBIAYAAN_ROWS = 207


def write_csv(path, rows, delimiter=","):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def after(entry):
    assert entry.after is not None
    return entry.after


def levels(model, year):
    return Counter(model.objects.filter(year=year).values_list("level", flat=True))


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Nomenclature, Account, VillageAccount, VillageActivity, FundingSource)
    }


@pytest.mark.django_db
def test_it_loads_the_bundled_lists_for_a_new_year():
    summary = load_bundled_reference(FRESH_YEAR, actor=TESTS)

    assert levels(Nomenclature, FRESH_YEAR) == {
        "urusan": 10,
        "bidang": 45,
        "program": 189,
        "kegiatan": 713,
        "sub_kegiatan": 3550,
    }
    assert Account.objects.filter(year=FRESH_YEAR, code__startswith="5").count() == BELANJA_ROWS
    assert (
        Account.objects.filter(year=FRESH_YEAR).exclude(code__startswith="5").count()
        == PENDAPATAN_PEMBIAYAAN_ROWS
    )
    assert VillageAccount.objects.filter(year=FRESH_YEAR).count() == 56
    assert levels(VillageActivity, FRESH_YEAR) == {"bidang": 5, "sub_bidang": 27, "kegiatan": 239}
    assert FundingSource.objects.filter(year=FRESH_YEAR, scope="desa").count() == 8
    assert FundingSource.objects.filter(year=FRESH_YEAR, scope="daerah").count() == 11
    assert summary.lists["nomenklatur"].files == ("nomenklatur_kabkota.csv",)
    assert summary.lists["rekening"].rows == BELANJA_ROWS + PENDAPATAN_PEMBIAYAAN_ROWS

    office_supplies = Account.objects.get(year=FRESH_YEAR, code="5.1.02.01.01.0024")
    assert office_supplies.level == "sub_rincian_objek"
    assert office_supplies.parent_code == "5.1.02.01.01"
    assert Account.objects.get(year=FRESH_YEAR, code="4.2.01.08.01.0001").name == "DAU"
    sub = Nomenclature.objects.get(year=FRESH_YEAR, code="1.02.02.2.01.0001")
    assert sub.parent_code == "1.02.02.2.01"
    assert sub.kinerja and sub.indikator and sub.satuan
    assert Nomenclature.objects.get(year=FRESH_YEAR, code="X.XX.01").parent_code == "X.XX"

    entries = AuditEntry.objects.filter(action="reference.load", object_id=str(FRESH_YEAR))
    assert entries.count() == 5
    nomenclature_entry = entries.get(object_type="reference.nomenclature")
    assert nomenclature_entry.object_id == str(FRESH_YEAR)
    assert after(nomenclature_entry)["files"] == ["nomenklatur_kabkota.csv"]
    assert after(nomenclature_entry)["created"] == 4507


@pytest.mark.django_db
def test_it_loads_twice_without_changing_anything(reference_year):
    # The first load happened when the test database was set up.
    assert reference_year == LOADED_YEAR
    before = table_counts()
    first_stamp = Account.objects.get(year=LOADED_YEAR, code="5").updated_at

    again = load_bundled_reference(LOADED_YEAR, actor=TESTS)

    assert table_counts() == before
    assert all(s.created == 0 and s.updated == 0 for s in again.lists.values())
    assert again.lists["nomenklatur"].unchanged == 4507
    assert Account.objects.get(year=LOADED_YEAR, code="5").updated_at == first_stamp


@pytest.mark.django_db
def test_it_uses_the_1317_list_for_2026_and_keeps_years_apart():
    assert nomenclature_file_for(2024) == nomenclature_file_for(2026)
    assert nomenclature_file_for(2027) == nomenclature_file_for(2030) == "nomenklatur_kabkota.csv"
    assert nomenclature_file_for(2023) is None
    other_year = Nomenclature.objects.filter(year=LOADED_YEAR).count()

    summary = load_bundled_reference(2026, actor=TESTS)

    assert summary.lists["nomenklatur"].files == ("nomenklatur_kabkota_kepmendagri_1317_2023.csv",)
    assert levels(Nomenclature, 2026)["sub_kegiatan"] == 3395
    # Program 2.10.02 is only in the 1317/2023 list.
    assert Nomenclature.objects.filter(year=2026, code="2.10.02").exists()
    assert Nomenclature.objects.filter(year=LOADED_YEAR).count() == other_year == 4507


@pytest.mark.django_db
def test_it_skips_the_nomenclature_before_2024():
    summary = load_bundled_reference(2023, actor=TESTS)

    assert "nomenklatur" in summary.skipped
    assert not Nomenclature.objects.filter(year=2023).exists()
    assert Account.objects.filter(year=2023).count() == BELANJA_ROWS + PENDAPATAN_PEMBIAYAAN_ROWS


def test_it_refuses_a_year_out_of_range():
    with pytest.raises(ValidationFailed):
        load_bundled_reference(1999, actor=TESTS)


@pytest.mark.django_db
def test_it_imports_a_csv_in_both_account_widths(tmp_path):
    path = write_csv(
        tmp_path / "rekening.csv",
        [
            ["Kode", "LEVEL", "Nama"],
            ["4", "akun", "PENDAPATAN DAERAH"],
            ["4.1", "kelompok", "PAD"],
            ["4.1.01", "jenis", "Pajak Daerah"],
            ["4.1.01.15", "objek", "PBB-P2"],
            ["4.1.01.15.001", "Rincian Objek", "PBB-P2"],
            ["4.1.01.15.001.00001", "sub rincian objek", "PBB-P2"],
            ["4.1.01.15.01.0002", "sub_rincian_objek", "PBB-P2 Perkotaan"],
        ],
    )

    summary = import_reference("rekening", path, FRESH_YEAR, actor=TESTS)

    assert summary.created == 7
    assert summary.by_level["sub_rincian_objek"] == 2
    assert set(
        Account.objects.filter(year=FRESH_YEAR, level="sub_rincian_objek").values_list("code", flat=True)
    ) == {
        "4.1.01.15.01.0001",
        "4.1.01.15.01.0002",
    }
    entry = AuditEntry.objects.get(action="reference.import")
    assert entry.object_type == "reference.account"
    assert after(entry)["files"] == ["rekening.csv"]
    assert after(entry)["year"] == FRESH_YEAR
    assert after(entry)["created"] == 7


@pytest.mark.django_db
def test_it_imports_a_semicolon_csv_with_parents_already_loaded(tmp_path):
    import_reference(
        "kegiatan_desa",
        write_csv(tmp_path / "a.csv", [["kode", "level", "nama"], ["01", "bidang", "Pemerintahan"]]),
        FRESH_YEAR,
        actor=TESTS,
    )
    path = write_csv(
        tmp_path / "b.csv",
        [
            ["kode", "level", "nama"],
            ["01.01", "sub_bidang", "Siltap"],
            ["01.01.01", "kegiatan", "Siltap Kades"],
        ],
        delimiter=";",
    )

    summary = import_reference("kegiatan_desa", path, FRESH_YEAR, actor=TESTS)

    assert summary.created == 2
    assert VillageActivity.objects.get(year=FRESH_YEAR, code="01.01.01").parent_code == "01.01"


@pytest.mark.django_db
def test_it_imports_an_xlsx_with_numeric_cells(tmp_path):
    path = write_xlsx(
        tmp_path / "rekening_desa.xlsx",
        [
            ["KODE", "Level", "NAMA"],
            [4, "akun", "PENDAPATAN"],
            [4.1, "kelompok", "Pendapatan Asli Desa"],
            ["4.1.1", "jenis", "Hasil Usaha Desa"],
            [None, None, None],
            ["4.1.2.", "jenis", "  Hasil   Aset Desa "],
        ],
    )

    summary = import_reference("rekening_desa", path, FRESH_YEAR, actor=TESTS)

    assert summary.rows == 4
    rows = dict(VillageAccount.objects.filter(year=FRESH_YEAR).values_list("code", "name"))
    assert rows == {
        "4": "PENDAPATAN",
        "4.1": "Pendapatan Asli Desa",
        "4.1.1": "Hasil Usaha Desa",
        "4.1.2": "Hasil Aset Desa",
    }


@pytest.mark.django_db
def test_it_reports_xlsx_rows_as_numbered_in_the_sheet(tmp_path):
    path = write_xlsx(
        tmp_path / "kegiatan.xlsx",
        [
            ["kode", "level", "nama"],
            ["01", "bidang", "Pemerintahan"],
            [None, None, None],
            ["01.01.01", "kegiatan", "Tanpa induk"],
        ],
    )

    with pytest.raises(ImportFailed) as caught:
        import_reference("kegiatan_desa", path, FRESH_YEAR, actor=TESTS)

    [error] = caught.value.errors
    assert (error.file, error.row, error.column) == ("kegiatan.xlsx", 4, "kode")
    assert "01.01" in error.message


@pytest.mark.django_db
def test_it_reports_every_bad_row_and_writes_nothing(tmp_path):
    import_reference(
        "nomenklatur",
        write_csv(tmp_path / "ok.csv", [["kode", "level", "nama"], ["1", "urusan", "WAJIB PELAYANAN DASAR"]]),
        FRESH_YEAR,
        actor=TESTS,
    )
    before = table_counts()
    audit_before = AuditEntry.objects.count()
    path = write_csv(
        tmp_path / "salah.csv",
        [
            ["kode", "level", "nama", "kinerja", "indikator", "satuan"],
            ["1.02", "bidang", "KESEHATAN", "", "", ""],
            ["1.02.02", "kegiatan", "PROGRAM PEMENUHAN UPAYA KESEHATAN", "", "", ""],
            ["1.02.02.2.01", "kegiatan", "", "", "", ""],
            ["1.02.02.2", "kegiatan", "Kode salah", "", "", ""],
            ["1.02", "bidang", "KESEHATAN lagi", "", "", ""],
            ["1.02.02.2.01.0001", "sub_kegiatan", "Penyediaan Fasilitas", "k", "i", "Unit"],
            ["1.02.02.2.02.0001", "sub_kegiatan", "Induk tidak ada", "k", "i", "Unit"],
            ["1.02.03", "program", "PROGRAM", "", "", ""],
            ["1.02.03.2.01", "tingkat_aneh", "Kegiatan", "", "", ""],
        ],
    )

    with pytest.raises(ImportFailed) as caught:
        import_reference("nomenklatur", path, FRESH_YEAR, actor=TESTS)

    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (3, "level"),  # a program code marked as kegiatan
        (4, "nama"),  # empty name
        (5, "kode"),  # four segments
        (6, "kode"),  # duplicate of row 2
        (8, "kode"),  # parent kegiatan 1.02.02.2.02 missing
        (10, "level"),  # unknown level
    }
    assert all(e.file == "salah.csv" for e in caught.value.errors)
    assert "baris 2" in next(e.message for e in caught.value.errors if e.row == 6)
    assert str(caught.value.errors[0]).startswith("salah.csv, baris 3, kolom 'level': ")
    assert table_counts() == before
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
def test_it_reports_a_sub_kegiatan_whose_parent_is_missing(tmp_path, reference_year):
    assert reference_year == LOADED_YEAR
    path = write_csv(
        tmp_path / "tambahan.csv",
        [
            ["kode", "level", "nama", "kinerja", "indikator", "satuan"],
            ["1.02.02.2.01.0999", "sub_kegiatan", "Induk ada di basis data", "k", "i", "Dokumen"],
            ["1.02.02.2.77.0001", "sub_kegiatan", "Induk tidak ada", "k", "i", "Dokumen"],
        ],
    )

    with pytest.raises(ImportFailed) as caught:
        import_reference("nomenklatur", path, LOADED_YEAR, actor=TESTS)

    [error] = caught.value.errors
    assert (error.row, error.column, error.file) == (3, "kode", "tambahan.csv")
    assert "1.02.02.2.77" in error.message
    assert not Nomenclature.objects.filter(year=LOADED_YEAR, code="1.02.02.2.01.0999").exists()


@pytest.mark.django_db
def test_it_requires_parents_in_the_file_when_replacing(tmp_path, reference_year):
    assert reference_year == LOADED_YEAR
    path = write_csv(
        tmp_path / "sub.csv",
        [["kode", "level", "nama"], ["1.02.02.2.01.0999", "sub_kegiatan", "Sub kegiatan baru"]],
    )

    with pytest.raises(ImportFailed, match="1 kesalahan"):
        import_reference("nomenklatur", path, LOADED_YEAR, actor=TESTS, replace=True)

    assert Nomenclature.objects.filter(year=LOADED_YEAR).count() == 4507


@pytest.mark.django_db
def test_it_replaces_the_rows_missing_from_the_file(tmp_path, reference_year):
    assert reference_year == LOADED_YEAR
    path = write_csv(
        tmp_path / "apbdes.csv",
        [
            ["kode", "level", "nama"],
            ["4", "akun", "PENDAPATAN"],
            ["4.2", "kelompok", "Pendapatan Transfer"],
            ["4.2.1", "jenis", "Dana Desa (resmi)"],
        ],
    )

    summary = import_reference("rekening_desa", path, LOADED_YEAR, actor=TESTS, replace=True)

    assert (summary.created, summary.updated, summary.unchanged, summary.deleted) == (0, 1, 2, 53)
    assert VillageAccount.objects.filter(year=LOADED_YEAR).count() == 3
    assert VillageAccount.objects.get(year=LOADED_YEAR, code="4.2.1").name == "Dana Desa (resmi)"
    assert after(AuditEntry.objects.filter(action="reference.import").get())["deleted"] == 53


@pytest.mark.django_db
def test_it_imports_funding_sources_per_scope(tmp_path):
    path = write_csv(
        tmp_path / "sumber.csv",
        [
            ["kode", "nama", "lingkup"],
            ["pad", "Pendapatan Asli Daerah", "daerah"],
            ["PAD", "Pendapatan Asli Desa", "Desa"],
            ["PAD", "Ganda", "desa"],
            ["XYZ", "Lingkup salah", "pusat"],
        ],
    )

    with pytest.raises(ImportFailed) as caught:
        import_reference("sumber_dana", path, FRESH_YEAR, actor=TESTS)
    assert {(e.row, e.column) for e in caught.value.errors} == {(4, "kode"), (5, "lingkup")}

    write_csv(path, [["kode", "nama", "lingkup"], ["pad", "PAD", "daerah"], ["PAD", "PADes", "desa"]])
    import_reference("sumber_dana", path, FRESH_YEAR, actor=TESTS)
    assert set(FundingSource.objects.filter(year=FRESH_YEAR).values_list("scope", "code")) == {
        ("daerah", "PAD"),
        ("desa", "PAD"),
    }


@pytest.mark.django_db
def test_it_names_missing_columns_and_unknown_formats(tmp_path):
    path = write_csv(tmp_path / "tanpa_level.csv", [["kode", "nama"], ["4", "PENDAPATAN"]])
    with pytest.raises(ImportFailed) as caught:
        import_reference("rekening", path, FRESH_YEAR, actor=TESTS)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "level")]

    other = tmp_path / "data.ods"
    other.write_bytes(b"not a spreadsheet")
    with pytest.raises(ValidationFailed):
        import_reference("rekening", other, FRESH_YEAR, actor=TESTS)
    with pytest.raises(ValidationFailed):
        import_reference("rekening", tmp_path / "missing.csv", FRESH_YEAR, actor=TESTS)
    with pytest.raises(ValidationFailed):
        import_reference("anggaran", path, FRESH_YEAR, actor=TESTS)


@pytest.mark.django_db
def test_it_finds_the_header_below_a_title_row(tmp_path):
    path = write_xlsx(
        tmp_path / "resmi.xlsx",
        [
            ["DAFTAR KEGIATAN DESA TAHUN 2027"],
            [None],
            ["No", "Kode", "Uraian", "Level"],
            [1, "02", "BIDANG PEMBANGUNAN", "bidang"],
            [2, "02.01", "", "sub_bidang"],
        ],
    )

    with pytest.raises(ImportFailed) as caught:
        import_reference("kegiatan_desa", path, FRESH_YEAR, actor=TESTS)

    assert [(e.row, e.column) for e in caught.value.errors] == [(5, "nama")]
