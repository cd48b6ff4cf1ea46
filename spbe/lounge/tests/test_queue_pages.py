"""Queue pages: taking a number, the ticket with its QR code, the board's JSON, the counter console,
statistics and kiosk registration, with the people who may and may not use each."""

from __future__ import annotations

import re

import pytest

from spbe.core.models import AuditEntry
from spbe.lounge import queues
from spbe.lounge.models import KioskDevice, QueueTicket, SurveyResponse
from spbe.lounge.queues import Taker, token_hash

pytestmark = pytest.mark.django_db


def take_on_web(world, mall, kode="PU-01"):
    client = world.client_for(None)
    response = client.post("/pemda/35.10/antrean/mpp/", {"layanan": kode})
    assert response.status_code == 302
    return client, QueueTicket.objects.latest("pk"), response["Location"]


def test_a_citizen_takes_a_number_and_follows_it_by_its_qr_code(world, mall):
    page = world.client_for(None).get("/pemda/35.10/antrean/mpp/")
    assert page.status_code == 200 and "Izin Galian" in page.content.decode()
    client, ticket, location = take_on_web(world, mall)
    assert location == f"/pemda/35.10/antrean/tiket/{ticket.public_id}/"
    assert (ticket.code, ticket.channel, ticket.kiosk) == ("A-001", "web", None)
    html = client.get(location).content.decode()
    assert "A-001" in html and "<svg" in html
    # The QR code is drawn here, without inline styles (CSP) and without any outside service.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "style=" not in svg and "http" not in svg.split(">", 1)[0]
    assert "Antrean di depan Anda" in html
    for width in ("58", "80"):
        printed = client.get(f"{location}cetak/{width}/")
        assert printed.status_code == 200
        assert f"receipt-{width}.css" in printed.content.decode()
    assert client.get(f"{location}cetak/70/").status_code == 404
    assert client.get("/pemda/35.10/antrean/tiket/tidak-ada/").status_code == 404
    assert client.get(f"/pemda/19.06/antrean/tiket/{ticket.public_id}/").status_code == 404


def test_the_survey_link_appears_after_service_and_takes_one_answer(world, mall):
    client, ticket, location = take_on_web(world, mall, "DIK-01")
    assert "survei" not in client.get(location).content.decode().lower().split("<main")[1]
    assert client.get(f"{location}survei/").status_code == 409
    queues.ticket_call_next(actor=mall.officer_dik, counter=mall.loket_dik)
    ticket.refresh_from_db()
    queues.ticket_finish(actor=mall.officer_dik, counter=mall.loket_dik, ticket=ticket)
    assert f"{location}survei/" in client.get(location).content.decode()
    answers = {f"u{i}": "4" for i in range(1, 10)}
    assert client.post(f"{location}survei/", {**answers, "u9": "7"}).status_code == 422
    assert client.post(f"{location}survei/", answers).status_code == 302
    assert SurveyResponse.objects.get(ticket=ticket.public_id).u9 == 4
    again = client.post(f"{location}survei/", answers)
    assert again.status_code == 200 and "sudah diisi" in again.content.decode()
    assert SurveyResponse.objects.filter(ticket=ticket.public_id).count() == 1


def test_the_board_json_changes_when_a_counter_calls_and_answers_304_otherwise(world, mall):
    client = world.client_for(None)
    take_on_web(world, mall)
    url = "/pemda/35.10/antrean/mpp/papan.json"
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "no-cache"
    assert first.json()["panggilan"] == []
    etag = first["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    second = client.get(url, headers={"If-None-Match": etag})
    assert second.status_code == 200 and second["ETag"] != etag
    data = second.json()
    assert data["panggilan"] == [{"nomor": "A-001", "loket": "Loket 1", "panggilan_ke": 1}]
    assert {"loket": "Loket 1", "nomor": "A-001", "status": "called"} in data["loket"]
    board = client.get("/pemda/35.10/antrean/mpp/papan/")
    assert board.status_code == 200 and "lounge/board.js" in board.content.decode()
    assert client.get("/pemda/35.10/antrean/lain/papan.json").status_code == 404


def test_a_counter_officer_calls_at_their_counter_and_another_agency_gets_404(world, mall):
    take_on_web(world, mall)
    console = f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/"
    stranger = world.client_for(mall.officer_dik)
    assert stranger.get(console).status_code == 404
    assert stranger.post(f"{console}panggil/").status_code == 404
    assert QueueTicket.objects.get().state == "waiting"
    home = stranger.get("/app/35.10/antrean/").content.decode()
    assert "Loket 3" in home and "Loket 1" not in home
    officer = world.client_for(mall.officer_pu)
    assert officer.post(f"{console}panggil/").status_code == 302
    ticket = QueueTicket.objects.get()
    assert (ticket.state, ticket.counter) == ("called", mall.loket_pu)
    page = officer.get(console).content.decode()
    assert "A-001" in page and "Panggil ulang" in page
    assert stranger.post(f"{console}selesai/", {"tiket": ticket.public_id}).status_code == 404
    officer.post(f"{console}panggil-ulang/", {"tiket": ticket.public_id})
    officer.post(f"{console}selesai/", {"tiket": ticket.public_id})
    ticket.refresh_from_db()
    assert (ticket.state, ticket.calls) == ("done", 2)
    # The manager sees the console but does not call: that is the agency's officers' work.
    manager = world.client_for(mall.manager)
    assert manager.get(console).status_code == 200
    take_on_web(world, mall)
    refused = manager.post(f"{console}panggil/", follow=True)
    assert "Hanya petugas loket" in refused.content.decode()
    assert QueueTicket.objects.filter(state="waiting").count() == 1


def test_statistics_are_for_the_manager_not_the_counter(world, mall):
    assert world.client_for(mall.manager).get("/app/35.10/antrean/statistik/?per=counter").status_code == 200
    assert world.client_for(mall.officer_pu).get("/app/35.10/antrean/statistik/").status_code == 403
    bad = world.client_for(mall.manager).get("/app/35.10/antrean/statistik/?dari=kemarin")
    assert bad.status_code == 422


def test_a_kiosk_token_is_shown_once_and_only_its_hash_kept(world, mall):
    client = world.client_for(mall.manager)
    response = client.post("/app/35.10/antrean/kios/", {"lounge": "mpp", "name": "Kios Lobi"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = re.search(r'<code class="token">([^<]+)</code>', response.content.decode()).group(1)
    device = KioskDevice.objects.get(name="Kios Lobi")
    assert device.token_hash == token_hash(token) and token not in device.token_hash
    assert token not in client.get("/app/35.10/antrean/kios/").content.decode()
    assert AuditEntry.objects.filter(action="kiosk.register", object_id=str(device.pk)).exists()
    assert world.client_for(mall.officer_pu).get("/app/35.10/antrean/kios/").status_code == 403


def test_tickets_from_the_kiosk_record_it(world, mall):
    device, _token = queues.kiosk_register(actor=mall.manager, lounge=mall.lounge, name="Kios 1")
    ticket = queues.ticket_take(taker=Taker("kiosk", device), lounge=mall.lounge, service=mall.izin)
    assert (ticket.channel, ticket.kiosk) == ("kiosk", device)


def test_the_ticket_prints_the_pemdas_own_time(world, mall):
    import datetime as dt

    at = dt.datetime(2026, 3, 2, 16, 59, tzinfo=dt.UTC)
    ticket = queues.ticket_take(taker=Taker(), lounge=mall.lounge, service=mall.izin, at=at)
    page = world.client_for(None).get(f"/pemda/35.10/antrean/tiket/{ticket.public_id}/cetak/80/")
    assert "02-03-2026 23:59" in page.content.decode()  # WIB, UTC+7
