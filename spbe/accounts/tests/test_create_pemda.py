from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.accounts.services import time_zone_for
from spbe.core.models import AuditEntry
from spbe.regions.models import Region

pytestmark = pytest.mark.django_db


def test_it_creates_the_tenant_with_kecamatan_offices_and_desa_governments(regions, capsys):
    call_command("create_pemda", "35.79")
    pemda = Pemda.objects.get(code="35.79")
    assert pemda.name == "Pemerintah Kota Batu"
    assert pemda.time_zone == "Asia/Jakarta"
    office = PerangkatDaerah.objects.get(pemda=pemda, kind="kecamatan")
    assert (office.code, office.district_id) == ("7.01.0.00.0.00.01.0000", "35.79.01")
    villages = VillageGovernment.objects.filter(pemda=pemda)
    # Desa only: the four kelurahan of Batu are offices of the kecamatan, with no budget of their own.
    assert sorted(v.region_id for v in villages) == [f"35.79.01.200{n}" for n in range(5, 9)]
    assert all(v.kecamatan == office for v in villages)
    assert AuditEntry.objects.filter(pemda_code="35.79", action="village.create").count() == 4
    assert "1 kantor kecamatan dan 4 pemerintah desa" in capsys.readouterr().out


def test_running_it_again_adds_nothing(regions, capsys):
    call_command("create_pemda", "35.10")
    entries = AuditEntry.objects.count()
    call_command("create_pemda", "35.10")
    assert "sudah ada: 0 kantor kecamatan dan 0 pemerintah desa" in capsys.readouterr().out
    assert AuditEntry.objects.count() == entries
    assert VillageGovernment.objects.filter(pemda_id="35.10").count() == 20


@pytest.mark.parametrize(
    ("code", "message"),
    [("35", "bukan kabupaten/kota"), ("35.10.01", "bukan kabupaten/kota"), ("77.77", "spbe load_regions")],
)
def test_it_refuses_what_is_not_a_regency(regions, code, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_pemda", code)


def test_it_sets_the_time_zone_by_province(regions, db):
    call_command("create_pemda", "19.06")
    assert Pemda.objects.get(code="19.06").time_zone == "Asia/Jakarta"
    # A regency of Bali (WITA) and one of Papua (WIT), added to the mini region list.
    for province, regency, name in [
        ("51", "51.71", "Kota Denpasar"),
        ("91", "91.03", "Kabupaten Jayawijaya"),
    ]:
        Region.objects.create(code=province, name=f"Provinsi {province}", level="province", kind="provinsi")
        Region.objects.create(code=regency, name=name, level="regency", kind="kota", parent_id=province)
        call_command("create_pemda", regency)
    assert Pemda.objects.get(code="51.71").time_zone == "Asia/Makassar"
    assert Pemda.objects.get(code="91.03").time_zone == "Asia/Jayapura"


@pytest.mark.parametrize(
    ("province", "zone"),
    [
        ("11", "WIB"),  # Aceh
        ("31", "WIB"),  # DKI Jakarta
        ("35", "WIB"),  # Jawa Timur
        ("61", "WIB"),  # Kalimantan Barat
        ("62", "WIB"),  # Kalimantan Tengah
        ("51", "WITA"),  # Bali
        ("53", "WITA"),  # Nusa Tenggara Timur
        ("64", "WITA"),  # Kalimantan Timur
        ("65", "WITA"),  # Kalimantan Utara
        ("73", "WITA"),  # Sulawesi Selatan
        ("76", "WITA"),  # Sulawesi Barat
        ("81", "WIT"),  # Maluku
        ("82", "WIT"),  # Maluku Utara
        ("91", "WIT"),  # Papua
        ("94", "WIT"),  # Papua Tengah
        ("96", "WIT"),  # Papua Barat Daya
    ],
)
def test_every_province_gets_its_legal_time_zone(province, zone):
    assert Pemda.TimeZone(time_zone_for(f"{province}.01")).label == zone
