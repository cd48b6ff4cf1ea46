"""The daily limit of numbers per phone, network and kiosk: a flood is refused, numbering stays whole."""

from __future__ import annotations

import pytest

from spbe.lounge import queues
from spbe.lounge.models import QueueDay, QueueTicket
from spbe.lounge.queues import Taker, TooManyTickets
from spbe.lounge.views_queue import VISITOR_COOKIE

pytestmark = pytest.mark.django_db


def take(mall, taker, service=None):
    return queues.ticket_take(taker=taker, lounge=mall.lounge, service=service or mall.izin)


def test_one_phone_gets_the_lounges_limit_per_service_and_day_and_no_gap(mall):
    phone = Taker(visitor="phone-1", network="10.0.0.1")
    assert [take(mall, phone).code, take(mall, phone).code] == ["A-001", "A-002"]
    with pytest.raises(TooManyTickets) as refused:
        take(mall, phone)
    assert refused.value.status == 429
    assert "Batas 2 nomor antrean Izin Galian per hari" in refused.value.message
    # Another service, and another phone behind the same network, still get numbers, with no gap.
    assert take(mall, phone, mall.reklame).code == "A-003"
    assert take(mall, Taker(visitor="phone-2", network="10.0.0.1")).code == "A-004"
    assert QueueDay.objects.get(lounge=mall.lounge, prefix="A").last == 4
    # Only keyed hashes are kept, never the cookie or the address.
    ticket = QueueTicket.objects.get(number=1)
    assert ticket.visitor_hash == queues.visitor_hash("phone-1") and "phone-1" not in ticket.visitor_hash
    assert ticket.network_hash and "10.0.0.1" not in ticket.network_hash


def test_the_network_limit_catches_a_phone_that_drops_its_cookie(mall):
    mall.lounge.max_per_network = 3
    mall.lounge.save()
    for n in range(3):
        take(mall, Taker(visitor=f"fresh-{n}", network="10.0.0.9"))
    with pytest.raises(TooManyTickets):
        take(mall, Taker(visitor="fresh-x", network="10.0.0.9"))
    assert take(mall, Taker(visitor="fresh-y", network="10.0.0.10")).number == 4


def test_a_kiosk_has_its_own_larger_limit_and_zero_means_none(mall):
    device, _token = queues.kiosk_register(actor=mall.manager, lounge=mall.lounge, name="Kios 1")
    kiosk = Taker(channel="kiosk", kiosk=device)
    mall.lounge.max_per_kiosk = 3
    mall.lounge.save()
    for _n in range(3):
        take(mall, kiosk)
    with pytest.raises(TooManyTickets):
        take(mall, kiosk)
    mall.lounge.max_per_kiosk = 0
    mall.lounge.max_per_visitor = 0
    mall.lounge.save()
    assert take(mall, kiosk).number == 4
    phone = Taker(visitor="p", network="n")
    assert [take(mall, phone).number for _n in range(3)] == [5, 6, 7]


def test_the_phone_page_keeps_a_visitor_cookie_and_answers_429_in_indonesian(world, mall):
    client = world.client_for(None)
    assert VISITOR_COOKIE not in client.cookies
    first = client.post("/pemda/35.10/antrean/mpp/", {"layanan": "PU-01"})
    assert first.status_code == 302
    cookie = client.cookies[VISITOR_COOKIE]
    assert cookie.value and cookie["httponly"]
    assert client.post("/pemda/35.10/antrean/mpp/", {"layanan": "PU-01"}).status_code == 302
    refused = client.post("/pemda/35.10/antrean/mpp/", {"layanan": "PU-01"})
    assert refused.status_code == 429
    assert "sudah tercapai" in refused.content.decode()
    assert QueueTicket.objects.count() == 2
    # The same browser still takes a number for another service.
    assert client.post("/pemda/35.10/antrean/mpp/", {"layanan": "DIK-01"}).status_code == 302
