"""The safe table reader, on generated good and bad files (no database)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from spbe.core import tabular
from spbe.core.errors import ImportFailed, RowError, ValidationFailed
from spbe.core.tabular import Column, ErrorCollector, read_table

COLUMNS = [Column("kode", max_length=20), Column("nama", max_length=50), Column("catatan", required=False)]


def write_csv(path, rows, delimiter=","):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_rows_with_the_numbers_the_spreadsheet_shows(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [["Judul daftar", ""], ["KODE", "Nama"], ["1", " Satu "], ["", ""], ["2", "Dua"]],
        delimiter=";",
    )

    rows = read_table(path, COLUMNS)

    assert [(r.file, r.row, r.values) for r in rows] == [
        ("a.csv", 3, {"kode": "1", "nama": "Satu"}),
        ("a.csv", 5, {"kode": "2", "nama": "Dua"}),
    ]


def test_it_refuses_a_nul_byte_naming_row_and_column(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"kode,nama\n1,Satu\n2,Du\x00a\n")

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    [error] = caught.value.errors
    assert (error.file, error.row, error.column) == ("nul.csv", 3, "nama")
    assert "U+0000" in error.message
    assert str(error).startswith("nul.csv, baris 3, kolom 'nama': berisi karakter kendali")


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u00ad"])
def test_it_refuses_format_characters_that_make_a_cell_read_differently(tmp_path, char):
    path = write_csv(tmp_path / "cf.csv", [["kode", "nama"], ["1", "Satu"], [f"1.0{char}2", "Dua"]])

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    [error] = caught.value.errors
    assert (error.row, error.column) == (3, "kode")
    assert f"U+{ord(char):04X}" in error.message
    assert "tak terlihat" in error.message


def test_it_keeps_line_breaks_inside_a_quoted_cell(tmp_path):
    path = write_csv(
        tmp_path / "a.csv", [["kode", "nama", "catatan"], ["1", "Satu", "baris\nkedua\tdan tab"]]
    )

    [row] = read_table(path, COLUMNS)

    assert row.values["catatan"] == "baris\nkedua\tdan tab"


def test_it_refuses_a_cell_longer_than_its_column(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["kode", "nama"], ["1", "x" * 51], ["2", "y" * 50]])

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "nama")]
    assert "lebih dari 50 karakter (51 karakter)" in caught.value.errors[0].message


def test_a_200_kb_cell_is_a_located_error_not_a_traceback(tmp_path):
    path = write_csv(
        tmp_path / "besar.csv", [["kode", "nama"], ["1", "Satu"], ["2", "x" * 200_000], ["3", "z"]]
    )

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    [error] = caught.value.errors
    assert (error.file, error.row) == ("besar.csv", 3)
    assert "tanda petik" in error.message


def test_a_200_kb_cell_in_an_xlsx_names_its_column(tmp_path):
    path = tmp_path / "besar.xlsx"
    path.write_bytes(xlsx_bytes([["kode", "nama"], ["1", "x" * 200_000]]))

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    assert [(e.file, e.row, e.column) for e in caught.value.errors] == [("besar.xlsx", 2, "nama")]


def test_a_truncated_xlsx_is_one_error_naming_the_file(tmp_path):
    whole = xlsx_bytes([["kode", "nama"], *([str(i), f"Nama {i}"] for i in range(2000))])
    path = tmp_path / "potong.xlsx"
    path.write_bytes(whole[: len(whole) * 2 // 3])

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    assert "potong.xlsx" in caught.value.message
    [error] = caught.value.errors
    assert error.file == "potong.xlsx"
    assert "terpotong" in error.message


def test_an_xlsx_whose_sheet_is_cut_short_is_one_error(tmp_path):
    """A zip that opens fine but holds a truncated sheet: the XML parser fails in the middle of the rows."""
    whole = xlsx_bytes([["kode", "nama"], *([str(i), f"Nama {i}"] for i in range(2000))])
    path = tmp_path / "lembar.xlsx"
    with zipfile.ZipFile(io.BytesIO(whole)) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    [error] = caught.value.errors
    assert error.file == "lembar.xlsx"
    assert error.row > 2
    assert "rusak" in error.message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 1_000_000)
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    assert "terlalu besar" in caught.value.errors[0].message


def test_it_refuses_a_file_too_large_and_one_not_utf8(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "a.csv", [["kode", "nama"], ["1", "Satu"]])
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 10)
    with pytest.raises(ImportFailed, match=r"a\.csv"):
        read_table(path, COLUMNS)
    monkeypatch.undo()

    latin = tmp_path / "latin.csv"
    latin.write_bytes("kode,nama\n1,Satu\n2,Dua\n3,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(ImportFailed) as caught:
        read_table(latin, COLUMNS)
    assert "UTF-8" in caught.value.errors[0].message

    with pytest.raises(ValidationFailed):
        read_table(tmp_path / "a.ods", COLUMNS)


def test_it_names_the_missing_columns(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["kode", "uraian"], ["1", "Satu"]])

    with pytest.raises(ImportFailed) as caught:
        read_table(path, COLUMNS)

    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "nama")]


def test_the_collector_keeps_a_bounded_number_of_messages_and_counts_all():
    errors = ErrorCollector(limit=100)
    for row in range(2, 100_002):
        errors.add(RowError(row, "kode salah", "kode" if row % 4 else "nama", "a.csv"))

    failure = errors.failure("100000 kesalahan")

    assert len(failure.errors) == 100
    assert failure.total == 100_000
    assert failure.by_column == {"kode": 75_000, "nama": 25_000}
    lines = failure.report(limit=50)
    assert len(lines) == 52
    assert lines[50] == "... dan 99950 kesalahan lain"
    assert lines[51] == "Jumlah kesalahan per kolom: kolom 'kode': 75000, kolom 'nama': 25000"
