from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import MINI_REGIONS
from spbe.core.actors import system
from spbe.core.models import AuditEntry
from spbe.regions.loader import load_regions
from spbe.regions.models import Region

pytestmark = pytest.mark.django_db


def test_it_loads_levels_kinds_parents_and_counts(regions):
    assert (regions.provinces, regions.regencies, regions.districts, regions.villages) == (2, 4, 6, 43)
    banyuwangi = Region.objects.get(code="35.10")
    assert (banyuwangi.level, banyuwangi.kind, banyuwangi.parent_id) == ("regency", "kabupaten", "35")
    assert (banyuwangi.district_count, banyuwangi.desa_count, banyuwangi.kelurahan_count) == (3, 20, 0)
    batu = Region.objects.get(code="35.79")
    assert batu.kind == "kota"
    assert (batu.desa_count, batu.kelurahan_count) == (4, 4)
    assert Region.objects.get(code="35.79.01.1001").kind == "kelurahan"
    assert Region.objects.get(code="35.10.01.2001").kind == "desa"
    jatim = Region.objects.get(code="35")
    assert (jatim.district_count, jatim.desa_count, jatim.kelurahan_count) == (5, 30, 4)


def test_it_is_idempotent_and_updates_names(regions, tmp_path):
    before = Region.objects.count()
    data = tmp_path / "regions"
    shutil.copytree(MINI_REGIONS, data)
    villages = data / "villages.csv"
    villages.write_text(
        villages.read_text(encoding="utf-8").replace(
            "35.10.02.2001,35.10.02,Sukorejo", "35.10.02.2001,35.10.02,Sukorejo Baru"
        ),
        encoding="utf-8",
    )
    load_regions(data, actor=system("tests"))
    assert Region.objects.count() == before
    assert Region.objects.get(code="35.10.02.2001").name == "Sukorejo Baru"


def test_it_refuses_a_bad_file_and_names_every_bad_row(regions, tmp_path):
    data = tmp_path / "regions"
    shutil.copytree(MINI_REGIONS, data)
    with (data / "villages.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            "35.10.01.9001,35.10.01,Kode Aneh\n35.10.99.2001,35.10.99,Induk Hilang\n35.10.01.2002,35.10.01,\n"
        )
    audit_before = AuditEntry.objects.count()
    with pytest.raises(CommandError) as excinfo:
        call_command("load_regions", data_dir=data)
    message = str(excinfo.value)
    assert "villages.csv, baris 45, kolom 'code'" in message
    assert "villages.csv, baris 46, kolom 'district_code'" in message
    assert "villages.csv, baris 47, kolom 'name'" in message
    assert not Region.objects.filter(code="35.10.99.2001").exists()
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.slow
def test_it_loads_all_of_indonesia(capsys):
    call_command("load_regions")
    out = capsys.readouterr().out
    assert "38 provinsi, 514 kabupaten/kota, 7285 kecamatan, 83762 desa/kelurahan" in out
    assert "75252 desa, 8496 kelurahan" in out
    banyuwangi = Region.objects.get(code="35.10")
    assert (banyuwangi.district_count, banyuwangi.desa_count, banyuwangi.kelurahan_count) == (25, 189, 28)
    assert Region.objects.filter(kind="desa").count() == 75_252
