import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from spbe.core.models import AuditEntry
from spbe.reference.models import Account, Nomenclature, VillageActivity


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.mark.django_db
@override_settings(SPBE_DEFAULT_BUDGET_YEAR=2026)
def test_it_loads_the_default_year_and_prints_counts():
    out = StringIO()

    call_command("load_reference", stdout=out)

    assert Nomenclature.objects.filter(year=2026).exists()
    assert "nomenklatur_kabkota_kepmendagri_1317_2023.csv" in out.getvalue()
    assert "rekening: 4483 baris" in out.getvalue()


@pytest.mark.django_db
def test_it_imports_and_prints_counts(tmp_path):
    path = write_csv(
        tmp_path / "kegiatan.csv",
        [["kode", "level", "nama"], ["01", "bidang", "Pemerintahan"], ["01.01", "sub_bidang", "Siltap"]],
    )
    out = StringIO()

    # 2028: the test database already holds the default year 2027 (see conftest.py).
    call_command("import_reference", "kegiatan_desa", str(path), "--year", "2028", stdout=out)

    assert VillageActivity.objects.filter(year=2028).count() == 2
    assert "2 baris (2 baru, 0 diubah, 0 tetap, 0 dihapus)" in out.getvalue()


@pytest.mark.django_db
def test_it_exits_non_zero_and_lists_every_bad_row(tmp_path):
    path = write_csv(
        tmp_path / "rekening.csv",
        [
            ["kode", "level", "nama"],
            ["5", "akun", "BELANJA DAERAH"],
            ["5.1.2", "jenis", "Segmen salah"],
            ["5.1.02.01.101.0024", "sub_rincian_objek", "Lebar salah"],
            ["5.1", "kelompok", ""],
        ],
    )
    err = StringIO()
    audit_before = AuditEntry.objects.count()

    with pytest.raises(CommandError) as caught:
        call_command("import_reference", "rekening", str(path), "--year", "2028", "--replace", stderr=err)

    assert caught.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("rekening.csv, baris 3, kolom 'kode': ")
    assert lines[1].startswith("rekening.csv, baris 4, kolom 'kode': ")
    assert lines[2] == "rekening.csv, baris 5, kolom 'nama': nama kosong"
    assert not Account.objects.filter(year=2028).exists()
    assert AuditEntry.objects.count() == audit_before


def test_it_requires_the_year_and_a_known_kind(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_reference", "rekening", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError):
        call_command("import_reference", "anggaran", str(tmp_path / "x.csv"), "--year", "2027")
