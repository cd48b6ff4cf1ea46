"""Kiosk devices: enrolled by a token typed once, identified by a signed cookie, never staff."""

from __future__ import annotations

import pytest
from django.test import Client

from spbe.core.models import AuditEntry
from spbe.lounge import queues
from spbe.lounge.kiosk import COOKIE
from spbe.lounge.models import QueueTicket

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(world, mall):
    device, token = queues.kiosk_register(actor=mall.manager, lounge=mall.lounge, name="Kios Lobi")
    # The admin sets the device up while signed in: enrolling ends that session on the device.
    client = world.client_for(world.officer_a)
    response = client.post("/kios/daftar/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/kios/"
    return client, device


def test_enrolling_sets_the_cookie_and_ends_the_staff_session(world, enrolled):
    client, device = enrolled
    assert COOKIE in client.cookies
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.enrolled_at is not None
    entry = AuditEntry.objects.get(action="kiosk.enroll")
    assert entry.actor_label == f"sistem:kios:{device.pk}"


def test_a_wrong_token_enrols_nothing(world, mall):
    client = Client()
    response = client.post("/kios/daftar/", {"token": "bukan-token"})
    assert response.status_code == 422 and COOKIE not in client.cookies
    assert client.get("/kios/").status_code == 403


def test_a_kiosk_reaches_no_staff_page_or_staff_api_even_signed_in(world, enrolled):
    client, _device = enrolled
    # Someone signs in on the kiosk afterwards: the kiosk cookie still makes the browser anonymous.
    client.force_login(world.officer_a)
    for url in (
        "/app/",
        "/app/35.10/",
        "/app/35.10/antrean/kios/",
        "/app/35.10/pengguna/",
        "/masuk/",
        "/operasi/",
        "/akun/kata-sandi/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Tidak tersedia di kios" in response.content.decode()
    assert client.post("/app/35.10/antrean/kios/", {"lounge": "mpp", "name": "X"}).status_code == 403
    api = client.get("/api/v1/pemda/35.10/units")
    assert api.status_code == 401
    # The same session without the kiosk cookie is staff again: the cookie alone made the difference.
    del client.cookies[COOKIE]
    assert client.get("/app/35.10/").status_code == 200


def test_the_kiosk_finds_a_service_and_takes_a_ticket(world, mall, enrolled):
    client, device = enrolled
    home = client.get("/kios/?q=ijazah")
    html = home.content.decode()
    assert home.status_code == 200 and "Legalisir Ijazah" in html and "Izin Galian" not in html
    assert 'data-idle-seconds="60"' in html
    response = client.post("/kios/ambil/DIK-01/")
    ticket = QueueTicket.objects.get()
    assert response["Location"] == f"/kios/tiket/{ticket.public_id}/"
    assert (ticket.code, ticket.channel, ticket.kiosk) == ("B-001", "kiosk", device)
    page = client.get(response["Location"]).content.decode()
    assert "B-001" in page and "<svg" in page and f"/pemda/35.10/antrean/tiket/{ticket.public_id}/" in page
    # Another kiosk (or a browser) does not show this kiosk's ticket screen.
    assert Client().get(response["Location"]).status_code == 403


def test_a_deactivated_kiosk_is_a_stranger(world, mall, enrolled):
    client, device = enrolled
    queues.kiosk_deactivate(actor=mall.manager, device=device)
    assert client.get("/kios/").status_code == 403
    assert client.post("/kios/ambil/PU-01/").status_code == 403
    assert not QueueTicket.objects.exists()
    # No longer a kiosk, so not anonymous-by-force either: it is just a browser again.
    assert client.get("/masuk/").status_code == 200


def test_a_forged_cookie_is_no_kiosk(world, mall, enrolled):
    _client, device = enrolled
    forged = Client()
    forged.cookies[COOKIE] = f"{device.pk}:{device.token_hash[:16]}"
    assert forged.get("/kios/").status_code == 403
