"""The kiosk's service pages, its offline catalogue (service worker, JSON, offline page) and the survey
answered on the kiosk by the ticket's number."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from spbe.lounge import queues
from spbe.lounge.models import QueueTicket, SurveyResponse

pytestmark = pytest.mark.django_db
ANSWERS = {f"u{i}": "3" for i in range(1, 10)}


@pytest.fixture
def kiosk(world, mall):
    mall.ijazah.persyaratan = "Ijazah asli\nFotokopi KTP"
    mall.ijazah.save()  # keeps its search text too
    device, token = queues.kiosk_register(actor=mall.manager, lounge=mall.lounge, name="Kios Lobi")
    client = Client()
    assert client.post("/kios/daftar/", {"token": token}).status_code == 302
    return client, device


def test_the_home_lists_services_for_the_live_search_and_a_page_each(kiosk):
    client, _device = kiosk
    html = client.get("/kios/").content.decode()
    # Each service carries the folded text the page's live search matches, and links to its page.
    items = re.findall(r'<li data-search="([^"]*)"><a class="offer" href="([^"]+)"', html)
    assert ("/kios/layanan/DIK-01/" in [href for _t, href in items]) and len(items) == 3
    text = {href: t for t, href in items}["/kios/layanan/DIK-01/"]
    assert "legalisir ijazah" in text and "ijazah asli" in text
    # Every text field opts out of the device's own keyboard: ours opens instead, a physical one still types.
    assert 'inputmode="none"' in html and "lounge/keyboard.js" in html
    assert 'data-kiosk-sw="/kios/sw.js"' in html and 'data-kiosk-ping="/kios/ping/"' in html
    assert re.search(r'<span class="kiosk-as-of">\d\d-\d\d-\d{4} \d\d\.\d\d WIB</span>', html)
    page = client.get("/kios/layanan/DIK-01/")
    body = page.content.decode()
    assert page.status_code == 200 and "Ijazah asli<br>Fotokopi KTP" in body
    assert 'action="/kios/ambil/DIK-01/"' in body
    assert client.get("/kios/layanan/TIDAK-ADA/").status_code == 404
    assert Client().get("/kios/layanan/DIK-01/").status_code == 403


def test_the_service_worker_is_served_from_the_kiosk_scope(kiosk):
    _client, _device = kiosk
    response = Client().get("/kios/sw.js")  # registered before anything else, cookie or not
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/kios/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert 'const SCOPE = "/kios/";' in script and 'const SHELL = "/kios/luring/";' in script
    assert '"/static/lounge/keyboard.js"' in script and '"/kios/katalog.json"' in script
    assert r"/^\/kios\/layanan\/[^/]+\/$/" in script
    # Tickets and surveys are never among what it keeps.
    assert "tiket" not in script.split("const KEPT")[1].split(";")[0]


def test_the_catalogue_json_and_the_offline_page(kiosk):
    client, _device = kiosk
    response = client.get("/kios/katalog.json")
    assert response.status_code == 200 and response["Cache-Control"] == "no-cache"
    data = json.loads(response.content)
    assert data["ruang"] == "Mal Pelayanan Publik"
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d\.\d\d WIB", data["dibuat_teks"])
    by_code = {s["kode"]: s for s in data["layanan"]}
    assert (
        by_code["DIK-01"]["persyaratan"] == "Ijazah asli\nFotokopi KTP" and by_code["DIK-01"]["huruf"] == "B"
    )
    assert Client().get("/kios/katalog.json").status_code == 403
    shell = client.get("/kios/luring/").content.decode()
    assert 'data-offline-shell data-catalogue="/kios/katalog.json"' in shell
    assert 'class="kiosk-offline" role="status">' in shell  # the banner shows on the offline page
    ping = client.get("/kios/ping/")
    assert ping.status_code == 204 and ping["Cache-Control"] == "no-store"


def test_a_served_citizen_rates_the_service_on_the_kiosk_by_the_ticket_number(mall, kiosk):
    client, _device = kiosk
    ticket = queues.ticket_take(taker=queues.Taker(), lounge=mall.lounge, service=mall.ijazah)
    assert client.get("/kios/survei/").status_code == 200
    # Not served yet: the page says so and takes no answer.
    found = client.post("/kios/survei/", {"kode": "b1"})
    assert found["Location"] == f"/kios/survei/{ticket.public_id}/"
    assert client.post(found["Location"], ANSWERS).status_code == 409
    queues.ticket_call_next(actor=mall.officer_dik, counter=mall.loket_dik)
    ticket.refresh_from_db()
    queues.ticket_finish(actor=mall.officer_dik, counter=mall.loket_dik, ticket=ticket)
    assert client.post("/kios/survei/", {"kode": "B-001"})["Location"] == found["Location"]
    assert client.post(found["Location"], {**ANSWERS, "u4": "5"}).status_code == 422
    done = client.post(found["Location"], ANSWERS)
    assert done.status_code == 200 and "tersimpan" in done.content.decode()
    assert 'data-idle-seconds="15"' in done.content.decode()
    assert SurveyResponse.objects.get(ticket=ticket.public_id).u1 == 3
    again = client.post(found["Location"], ANSWERS)
    assert "sudah diisi" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_number_of_another_day_or_lounge_or_garbage_finds_nothing(world, mall, kiosk):
    client, _device = kiosk
    other = queues.lounge_create(actor=mall.manager, pemda=world.pemda_a, code="kedua", name="Kedua")
    queues.lounge_offer(actor=mall.manager, lounge=other, service=mall.izin, prefix="A")
    queues.counter_create(
        actor=mall.manager, lounge=other, unit=world.unit_a, name="L1", services=[mall.izin]
    )
    elsewhere = queues.ticket_take(taker=queues.Taker(), lounge=other, service=mall.izin)
    for code in ("A-001", "ZZZZ", "A-"):
        response = client.post("/kios/survei/", {"kode": code})
        assert response.status_code == 422, code
    assert client.get(f"/kios/survei/{elsewhere.public_id}/").status_code == 404
    assert QueueTicket.objects.filter(lounge=mall.lounge).count() == 0
