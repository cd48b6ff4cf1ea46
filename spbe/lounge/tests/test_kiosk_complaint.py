"""A complaint on the kiosk: optional identity shown only masked, the public ticket with QR and receipt,
the ticket page only for the same device and only for a while; and the counter's receipt."""

from __future__ import annotations

import pytest
from django.test import Client

from spbe.complaints.models import Complaint, ComplaintEntry
from spbe.core.models import AuditEntry
from spbe.lounge import kiosk_complaint, queues

pytestmark = pytest.mark.django_db

FORM = {
    "subject": "Antrean KTP terlalu lama",
    "description": "Menunggu tiga jam.\nTidak ada petugas.",
    "location": "",
}


def _enrol(world, mall, name):
    device, token = queues.kiosk_register(actor=mall.manager, lounge=mall.lounge, name=name)
    client = Client()
    assert client.post("/kios/daftar/", {"token": token}).status_code == 302
    return client, device


@pytest.fixture
def kiosk(world, mall):
    return _enrol(world, mall, "Kios Lobi")


def test_the_form_has_large_keyboard_fields_and_is_never_stored(kiosk):
    client, _device = kiosk
    response = client.get("/kios/pengaduan/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('inputmode="none"') == 6  # subject, description, location, name, NIK, phone
    assert 'autocomplete="off"' in page
    assert "no-store" in response["Cache-Control"]
    assert 'href="/kios/pengaduan/"' in client.get("/kios/").content.decode()  # reachable from home


def test_an_unnamed_complaint_is_received_from_the_kiosk_device(kiosk):
    client, device = kiosk
    response = client.post("/kios/pengaduan/", {**FORM, "name": "", "nik": "", "phone": ""})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.state, complaint.pemda_id) == ("kiosk", "received", "35.10")
    assert complaint.complainant.name == ""
    assert ComplaintEntry.objects.get(complaint=complaint).actor_label == f"sistem:kios:{device.pk}"
    audit = AuditEntry.objects.get(action="complaint.submit")
    assert audit.actor_label == f"sistem:kios:{device.pk}"
    done = client.get(response["Location"])
    page = done.content.decode()
    assert done.status_code == 200 and complaint.ticket in page
    assert "<svg" in page  # the QR code to the status page
    assert f"/pengaduan/{complaint.ticket}/" in page
    printed = client.get(response["Location"].replace("/selesai/", "/cetak/"))
    receipt = printed.content.decode()
    assert printed.status_code == 200 and "receipt-80" in receipt and complaint.ticket in receipt
    assert 'data-kiosk-home="/kios/"' in receipt  # printed on the kiosk, it too goes home when idle
    assert "no-store" in done["Cache-Control"] and "no-store" in printed["Cache-Control"]
    status = Client().get(f"/pengaduan/{complaint.ticket}/").content.decode()
    assert "tanpa nama" in status


def test_a_given_identity_is_kept_but_shown_only_masked(kiosk):
    client, _device = kiosk
    identity = {"name": "Budi Santoso", "nik": "3510010101900001", "phone": "0812-3456-7890"}
    response = client.post("/kios/pengaduan/", {**FORM, **identity})
    complaint = Complaint.objects.get()
    assert (complaint.complainant.name, complaint.complainant.nik) == ("Budi Santoso", "3510010101900001")
    pages = [
        client.get(response["Location"]).content.decode(),
        Client().get(f"/pengaduan/{complaint.ticket}/").content.decode(),
        Client().get(f"/pengaduan/{complaint.ticket}/cetak/80/").content.decode(),
        Client().get(f"/api/v1/complaints/{complaint.ticket}").content.decode(),
    ]
    for page in pages:
        assert "Budi" not in page and "Santoso" not in page
        assert "3510010101900001" not in page and "3456" not in page
    assert "Bu** S*****" in pages[1]


def test_a_named_web_complaint_is_still_required(world):
    response = Client().post("/pemda/35.10/pengaduan/", {**FORM, "name": ""})
    assert response.status_code == 200
    assert Complaint.objects.count() == 0


def test_a_bad_field_is_shown_on_the_form_and_nothing_is_stored(kiosk):
    client, _device = kiosk
    response = client.post("/kios/pengaduan/", {**FORM, "nik": "123"})
    assert response.status_code == 422
    assert "NIK harus 16 angka." in response.content.decode()
    assert 'value="Antrean KTP terlalu lama"' in response.content.decode()  # what was typed stays
    assert Complaint.objects.count() == 0


def test_the_ticket_page_opens_only_on_the_same_device_and_only_for_a_while(world, mall, kiosk, monkeypatch):
    client, _device = kiosk
    done = client.post("/kios/pengaduan/", {**FORM, "name": ""})["Location"]
    other, _other_device = _enrol(world, mall, "Kios Dua")
    assert other.get(done).status_code == 404
    assert other.get(done.replace("/selesai/", "/cetak/")).status_code == 404
    assert Client().get(done).status_code == 403  # not a kiosk at all
    assert client.get("/kios/pengaduan/selesai/rusak/").status_code == 404
    monkeypatch.setattr(kiosk_complaint, "DONE_MAX_AGE", -1)  # the link has grown older than allowed
    assert client.get(done).status_code == 404


def test_the_kiosk_form_is_for_kiosks_only(world):
    assert Client().get("/kios/pengaduan/").status_code == 403
    assert Client().post("/kios/pengaduan/", {**FORM, "name": ""}).status_code == 403
    assert Complaint.objects.count() == 0


def test_the_receipt_prints_at_receipt_width_without_the_identity(kiosk):
    client, _device = kiosk
    client.post("/kios/pengaduan/", {**FORM, "name": "Siti Aminah"})
    complaint = Complaint.objects.get()
    for width in ("58", "80"):
        response = Client().get(f"/pengaduan/{complaint.ticket}/cetak/{width}/")
        page = response.content.decode()
        assert response.status_code == 200
        assert f"receipt-{width}" in page and complaint.ticket in page and "<svg" in page
        assert "Siti" not in page
    assert Client().get(f"/pengaduan/{complaint.ticket}/cetak/99/").status_code == 404
    assert Client().get("/pengaduan/ADU-35.10-2000-000009/cetak/80/").status_code == 404


def test_the_counter_officer_records_a_complaint_from_the_console_and_prints_its_receipt(world, mall):
    client = world.client_for(mall.officer_pu)
    console = client.get(f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/").content.decode()
    link = f"/app/35.10/pengaduan/?loket={world.unit_a.pk}#intake-form"
    assert f'href="{link}"' in console
    form_page = client.get(link.split("#")[0]).content.decode()
    assert f'<option value="{world.unit_a.pk}" selected>' in form_page
    # Another agency's unit in ?loket= is not the officer's: nothing is chosen for them.
    other = client.get(f"/app/35.10/pengaduan/?loket={world.unit_a2.pk}").content.decode()
    assert f'<option value="{world.unit_a2.pk}"' not in other
    response = client.post(
        "/app/35.10/pengaduan/",
        {"form": "intake", **FORM, "name": "Sri Wahyuni", "counter_unit": world.unit_a.pk},
    )
    complaint = Complaint.objects.get()
    assert complaint.channel == "counter"
    assert ComplaintEntry.objects.get(complaint=complaint).unit_id == world.unit_a.pk
    status = client.get(response["Location"]).content.decode()
    assert f'href="/pengaduan/{complaint.ticket}/cetak/80/"' in status
