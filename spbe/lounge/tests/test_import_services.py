"""``spbe import_services``: the catalogue import, all-or-nothing, with the contract's error lines."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spbe.accounts.models import PerangkatDaerah
from spbe.core.errors import PermissionDenied
from spbe.core.models import AuditEntry
from spbe.lounge.models import Service
from spbe.lounge.services import services_import

from .helpers import EDU, SERVICE_HEADER, service_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def run(path, *extra):
    out, err = StringIO(), StringIO()
    call_command("import_services", "--pemda", "35.10", *extra, str(path), stdout=out, stderr=err)
    return out.getvalue()


def run_failing(path, *extra):
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_services", "--pemda", "35.10", *extra, str(path), stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return err.getvalue().splitlines()


def test_it_imports_a_csv_catalogue_with_every_component(world, tmp_path):
    path = write_csv(
        tmp_path / "layanan.csv",
        [
            SERVICE_HEADER,
            service_row("PU-01", "Izin  Galian   Jalan", persyaratan="KTP\nDenah lokasi"),
            service_row("DIK-01", "Legalisir Ijazah", EDU, biaya="Rp0"),
        ],
    )
    out = run(path)
    assert "2 layanan (2 baru, 0 diubah, 0 tetap)" in out
    galian = Service.objects.get(pemda=world.pemda_a, kode_layanan="PU-01")
    assert galian.nama == "Izin Galian Jalan"
    assert galian.unit == world.unit_a
    assert galian.persyaratan == "KTP\nDenah lokasi"
    assert (galian.dasar_hukum, galian.prosedur, galian.waktu) == (
        "Perda 1/2020",
        "Ambil nomor antrean",
        "3 hari kerja",
    )
    assert (galian.biaya, galian.produk, galian.pengaduan, galian.loket) == (
        "Gratis",
        "Surat izin",
        "SP4N-LAPOR!",
        "Loket 1",
    )
    assert "izin galian jalan" in galian.search_text
    assert Service.objects.get(kode_layanan="DIK-01").unit == world.unit_a2
    entries = AuditEntry.objects.filter(pemda_code="35.10", action="service.create")
    assert entries.count() == 2
    assert {e.actor_label for e in entries} == {"sistem:import_services"}


def test_it_reads_xlsx_too(world, tmp_path):
    path = write_xlsx(tmp_path / "layanan.xlsx", [SERVICE_HEADER, service_row("PU-02", "Izin Reklame")])
    run(path)
    assert Service.objects.get(kode_layanan="PU-02").nama == "Izin Reklame"


def test_a_second_import_updates_changed_services_and_audits_the_change(world, tmp_path):
    run(
        write_csv(
            tmp_path / "a.csv",
            [SERVICE_HEADER, service_row("PU-01", "Izin Galian"), service_row("PU-02", "Reklame")],
        )
    )
    out = run(
        write_csv(
            tmp_path / "b.csv",
            [
                SERVICE_HEADER,
                service_row("PU-01", "Izin Galian", biaya="Rp50.000"),
                service_row("PU-02", "Reklame"),
            ],
        )
    )
    assert "(0 baru, 1 diubah, 1 tetap)" in out
    assert Service.objects.get(kode_layanan="PU-01").biaya == "Rp50.000"
    update = AuditEntry.objects.get(action="service.update")
    assert (update.before["biaya"], update.after["biaya"]) == ("Gratis", "Rp50.000")


def test_every_bad_row_is_reported_as_row_and_column_and_nothing_is_written(world, tmp_path):
    path = write_csv(
        tmp_path / "layanan.csv",
        [
            SERVICE_HEADER,
            service_row("PU-01", "Izin Galian"),
            service_row("PU-01", "Duplikat"),
            service_row("PU 03", ""),
            service_row("PU-04", "Tanpa unit", "9.99.9.99.9.99.99.9999"),
            service_row("PU-05", "Kode salah", "1.3"),
        ],
    )
    audit_before = AuditEntry.objects.count()
    lines = run_failing(path)
    assert lines[0] == "row 3, column kode_layanan: kode layanan PU-01 sudah ada di baris 2"
    assert lines[1].startswith("row 4, column kode_layanan: kode layanan 'PU 03' hanya boleh")
    assert lines[2].startswith("row 4, column nama: ")
    assert lines[3].startswith("row 5, column kode_skpd: perangkat daerah 9.99.9.99.9.99.99.9999 tidak ada")
    assert lines[4].startswith("row 6, column kode_skpd: Kode organisasi '1.3' harus")
    assert len(lines) == 5
    assert not Service.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_missing_required_column_is_reported_on_the_header_row(world, tmp_path):
    path = write_csv(tmp_path / "layanan.csv", [["kode_layanan", "nama"], ["PU-01", "Izin"]])
    assert run_failing(path) == ["row 1, column kode_skpd: kolom wajib 'kode_skpd' tidak ada"]


def test_create_units_adds_the_unknown_agency_with_its_name(world, tmp_path):
    new = "2.17.0.00.0.00.01.0000"
    path = write_csv(
        tmp_path / "layanan.csv",
        [
            SERVICE_HEADER,
            service_row("DPM-01", "Izin Usaha", new, "Badan Penanaman  Modal"),
            service_row("DPM-02", "Izin Lokasi", new, "Badan Penanaman Modal"),
        ],
    )
    out = run(path, "--create-units")
    assert "1 perangkat daerah baru" in out
    unit = PerangkatDaerah.objects.get(pemda=world.pemda_a, code=new)
    assert (unit.name, unit.kind) == ("Badan Penanaman Modal", "badan")
    assert set(Service.objects.filter(unit=unit).values_list("kode_layanan", flat=True)) == {
        "DPM-01",
        "DPM-02",
    }
    created = AuditEntry.objects.get(action="unit.create", object_id=str(unit.pk))
    assert (created.pemda_code, created.after["code"]) == ("35.10", new)


def test_create_units_needs_one_name_per_new_unit(world, tmp_path):
    new = "2.17.0.00.0.00.01.0000"
    path = write_csv(
        tmp_path / "layanan.csv",
        [
            SERVICE_HEADER,
            service_row("DPM-01", "Izin Usaha", new, ""),
            service_row("DPM-02", "Izin Lokasi", new, "Badan Penanaman Modal"),
            service_row("DPM-03", "Izin Lain", new, "Badan Lain"),
            service_row("KEC-01", "Surat Pengantar", "7.01.0.00.0.00.09.0000", "Kecamatan Baru"),
        ],
    )
    lines = run_failing(path, "--create-units")
    assert (
        lines[0] == "row 2, column nama_skpd: nama perangkat daerah baru 2.17.0.00.0.00.01.0000 wajib diisi"
    )
    assert lines[1].startswith("row 4, column nama_skpd: perangkat daerah 2.17.0.00.0.00.01.0000 dinamai")
    assert lines[2].startswith("row 5, column nama_skpd: kantor kecamatan tidak dibuat")
    assert not PerangkatDaerah.objects.filter(code=new).exists()
    assert not Service.objects.exists()


def test_the_same_code_may_live_in_two_pemda(world, tmp_path):
    services_import(
        actor=world.officer_b,
        pemda=world.pemda_b,
        path=write_csv(
            tmp_path / "b.csv", [SERVICE_HEADER, service_row("PU-01", "Izin B", "1.03.0.00.0.00.01.0000")]
        ),
    )
    run(write_csv(tmp_path / "a.csv", [SERVICE_HEADER, service_row("PU-01", "Izin A")]))
    assert Service.objects.filter(kode_layanan="PU-01").count() == 2


def test_an_unknown_pemda_is_one_clear_error(world, tmp_path):
    path = write_csv(tmp_path / "a.csv", [SERVICE_HEADER, service_row("PU-01", "Izin A")])
    with pytest.raises(CommandError, match=r"99\.99"):
        call_command("import_services", "--pemda", "99.99", str(path))


@pytest.mark.parametrize("persona", ["agency_operator_a", "auditor", "officer_b"])
def test_only_the_pemda_admin_imports_a_catalogue(world, tmp_path, persona):
    path = write_csv(tmp_path / "a.csv", [SERVICE_HEADER, service_row("PU-01", "Izin A")])
    with pytest.raises(PermissionDenied):
        services_import(actor=getattr(world, persona), pemda=world.pemda_a, path=path)
    with pytest.raises(PermissionDenied):
        services_import(actor=None, pemda=world.pemda_a, path=path)
    assert not Service.objects.exists()
    services_import(actor=world.officer_a, pemda=world.pemda_a, path=path)
    assert AuditEntry.objects.get(action="service.create").actor_label == "officer.a"


def test_the_import_leaves_an_intact_audit_chain_with_readable_labels(world, tmp_path):
    from spbe.core import audit_labels

    run(write_csv(tmp_path / "a.csv", [SERVICE_HEADER, service_row("PU-01", "Izin Galian")]))
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "35.10:" in out.getvalue()
    assert audit_labels.action_label("service.create") == "Layanan ditambahkan ke katalog"
    assert audit_labels.object_type_label("lounge.service") == "Layanan publik"
    assert audit_labels.action_label("survey.import") != "survey.import"


def test_an_invisible_character_in_a_published_field_is_refused(world, tmp_path):
    # A right-to-left override would make "Gratis" display as something else on the public page.
    path = write_csv(
        tmp_path / "layanan.csv",
        [SERVICE_HEADER, service_row("PU-01", "Izin Galian", biaya="Gratis\u202e000.005 pR")],
    )
    lines = run_failing(path)
    assert lines[0].startswith("row 2, column biaya: ")
    assert "U+202E" in lines[0]
    assert not Service.objects.exists()
