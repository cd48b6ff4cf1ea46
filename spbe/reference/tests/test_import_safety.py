"""Malformed files given to `spbe import_reference`: one clear error, a non-zero exit, nothing written."""

from __future__ import annotations

import csv
import io
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from spbe.core import tabular
from spbe.core.actors import system
from spbe.core.errors import ImportFailed
from spbe.core.models import AuditEntry
from spbe.reference.loader import import_reference
from spbe.reference.models import FundingSource, VillageActivity

pytestmark = pytest.mark.django_db
# The test database already holds the default year 2027 (see conftest.py): import into an empty year.
YEAR = 2028


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
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


def run_import(*args):
    """Run the command as an operator would; return (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_reference", *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"{exc}\n")
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def nothing_written(audit_before):
    nothing_imported = not VillageActivity.objects.filter(year=YEAR).exists()
    return nothing_imported and AuditEntry.objects.count() == audit_before


def test_a_nul_byte_is_refused_as_a_row_and_column_error(tmp_path):
    path = tmp_path / "kegiatan.csv"
    path.write_bytes(b"kode,level,nama\n01,bidang,Pemerintahan\n01.01,sub_bidang,Sil\x00tap\n")
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ImportFailed) as caught:
        import_reference("kegiatan_desa", path, YEAR, actor=system("tests"))

    [error] = caught.value.errors
    assert str(error).startswith("kegiatan.csv, baris 3, kolom 'nama': berisi karakter kendali (U+0000)")
    assert nothing_written(audit_before)


def test_a_200_kb_field_ends_in_one_error_and_a_non_zero_exit(tmp_path):
    path = write_csv(
        tmp_path / "kegiatan.csv",
        [["kode", "level", "nama"], ["01", "bidang", "Pemerintahan"], ["01.01", "sub_bidang", "x" * 200_000]],
    )
    audit_before = AuditEntry.objects.count()

    code, out, err = run_import("kegiatan_desa", str(path), "--year", str(YEAR))

    assert code == 1
    assert "Traceback" not in err
    assert err.splitlines()[0].startswith("kegiatan.csv, baris 3: sebuah sel lebih dari 131072 karakter")
    assert "kegiatan.csv tidak dibaca" in err
    assert out == ""
    assert nothing_written(audit_before)


def test_a_name_longer_than_the_column_is_reported_with_its_column(tmp_path):
    path = write_csv(
        tmp_path / "kegiatan.csv",
        [["kode", "level", "nama"], ["01", "bidang", "Pemerintahan"], ["01.01", "sub_bidang", "x" * 501]],
    )

    code, _out, err = run_import("kegiatan_desa", str(path), "--year", str(YEAR))

    assert code == 1
    assert err.splitlines()[0] == (
        "kegiatan.csv, baris 3, kolom 'nama': isi lebih dari 500 karakter (501 karakter)"
    )
    assert not VillageActivity.objects.filter(year=YEAR).exists()


@pytest.mark.parametrize("damage", ["cut the file", "cut the sheet"])
def test_a_truncated_xlsx_ends_in_one_error_naming_the_file(tmp_path, damage):
    whole = xlsx_bytes(
        [["kode", "level", "nama"], *([f"{b:02d}", "bidang", f"Bidang {b}"] for b in range(1, 100))] * 20
    )
    path = tmp_path / "kegiatan.xlsx"
    if damage == "cut the file":
        path.write_bytes(whole[: len(whole) // 2])
    else:
        with zipfile.ZipFile(io.BytesIO(whole)) as source, zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = data[: len(data) // 2]
                target.writestr(info, data)
    audit_before = AuditEntry.objects.count()

    code, _out, err = run_import("kegiatan_desa", str(path), "--year", str(YEAR))

    assert code == 1
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("kegiatan.xlsx, baris ")
    assert lines[1] == "Berkas kegiatan.xlsx tidak dapat dibaca."
    assert nothing_written(audit_before)


def test_a_file_of_100_000_bad_rows_gives_a_capped_report(tmp_path):
    rows = [["kode", "level", "nama"]]
    rows += [[f"x{i}", "bidang", "Bidang"] for i in range(100_000)]
    path = write_csv(tmp_path / "kegiatan.csv", rows)
    audit_before = AuditEntry.objects.count()

    with pytest.raises(ImportFailed) as caught:
        import_reference("kegiatan_desa", path, YEAR, actor=system("tests"))
    code, _out, err = run_import("kegiatan_desa", str(path), "--year", str(YEAR))

    assert caught.value.total == 100_000
    assert len(caught.value.errors) == tabular.ERROR_LIMIT
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 53  # 50 errors, the rest counted, counts per column, the summary
    assert lines[0].startswith("kegiatan.csv, baris 2, kolom 'kode': ")
    assert lines[50] == "... dan 99950 kesalahan lain"
    assert lines[51] == "Jumlah kesalahan per kolom: kolom 'kode': 100000"
    assert "100000 kesalahan" in lines[52]
    assert nothing_written(audit_before)


@pytest.mark.parametrize(
    "name",
    [
        "\u200b\u200b",  # zero-width spaces only: looks empty
        "Dana \u202eSIDE",  # right-to-left override: reads differently from what is stored
        "Dana\u00adDesa",  # soft hyphen
    ],
)
def test_names_with_invisible_characters_are_refused(tmp_path, name):
    path = write_csv(tmp_path / "sumber.csv", [["kode", "nama", "lingkup"], ["DD", name, "desa"]])

    with pytest.raises(ImportFailed) as caught:
        import_reference("sumber_dana", path, YEAR, actor=system("tests"))

    [error] = caught.value.errors
    assert (error.row, error.column) == (2, "nama")
    assert "tak terlihat" in error.message
    assert not FundingSource.objects.filter(year=YEAR).exists()


def test_names_are_stored_in_nfc(tmp_path):
    decomposed = "Dana Desa Cafe\u0301"
    path = write_csv(tmp_path / "sumber.csv", [["kode", "nama", "lingkup"], ["DD", decomposed, "desa"]])

    import_reference("sumber_dana", path, YEAR, actor=system("tests"))

    assert FundingSource.objects.get(year=YEAR).name == "Dana Desa Caf\u00e9"
