"""The queue's polled pages answer an unchanged state without a query: the ticket page's ETag names its
lounge board's version (keyed to the ticket, language and host), and a change is seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spbe.core import published
from spbe.lounge import queues
from spbe.lounge.models import QueueTicket

pytestmark = pytest.mark.django_db

TAKE = "/pemda/35.10/antrean/mpp/"


def _take(phone, kode="PU-01"):
    response = phone.post(TAKE, {"layanan": kode})
    assert response.status_code == 302
    return response["Location"]


def test_an_unchanged_ticket_page_is_a_304_without_a_query(world, mall):
    phone = Client()
    page = _take(phone)
    first = phone.get(page)
    assert first.status_code == 200 and first["Cache-Control"] == "private, no-cache"
    etag = first["ETag"]
    assert etag.startswith('"t.mpp.')
    # The first one may refresh this process's view of the versions (at most once a second; the take
    # just forgot it); after that an unchanged ticket reads nothing.
    assert phone.get(page, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with CaptureQueriesContext(connection) as ctx:
        again = phone.get(page, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    assert ctx.captured_queries == []


def test_a_call_or_a_take_ahead_changes_the_ticket_page(world, mall):
    phone = Client()
    _take(Client())
    mine = _take(phone)
    first = phone.get(mine)
    assert "1" in first.content.decode()  # one ahead
    officer = world.client_for(mall.officer_pu)
    officer.post(f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/panggil/")
    after = phone.get(mine, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    # The next call is this ticket: the page says so, though this process learns it only from the version.
    officer.post(
        f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/selesai/",
        {"tiket": QueueTicket.objects.get(number=1).public_id},
    )
    officer.post(f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/panggil/")
    published.versions.forget()
    called = phone.get(mine, HTTP_IF_NONE_MATCH=after["ETag"])
    assert called.status_code == 200 and "Loket 1" in called.content.decode()


def test_the_etag_is_bound_to_the_ticket_language_and_version(world, mall):
    phone = Client()
    one, two = _take(phone), _take(Client(), "DIK-01")
    etag = phone.get(one)["ETag"]
    # Another ticket's page is not answered 304 with this one's tag, nor a made-up version or hash.
    assert phone.get(two, HTTP_IF_NONE_MATCH=etag).status_code == 200
    lounge, version, mac = etag.strip('"').split(".")[1:]
    forged = f'"t.{lounge}.{int(version) + 1}.{mac}"'
    assert phone.get(one, HTTP_IF_NONE_MATCH=forged).status_code == 200
    english = Client()
    english.cookies["django_language"] = "en"
    assert english.get(one, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_served_ticket_page_has_no_etag_since_its_survey_is_not_versioned(world, mall):
    phone = Client()
    page = _take(phone)
    ticket = QueueTicket.objects.get()
    called = queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    queues.ticket_finish(actor=mall.officer_pu, counter=mall.loket_pu, ticket=called)
    done = phone.get(page)
    assert done.status_code == 200 and "ETag" not in done.headers
    assert ticket.public_id in page


def test_a_take_for_a_service_not_offered_here_says_so(world, mall):
    response = Client().post(TAKE, {"layanan": "TIDAK-ADA"})
    assert response.status_code == 409
    assert "TIDAK-ADA tidak dibuka" in response.content.decode()
    assert not QueueTicket.objects.exists()


def test_the_counter_console_reads_the_lounge_pemda_with_the_counter(world, mall):
    _take(Client())
    officer = world.client_for(mall.officer_pu)
    console = f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/"
    officer.get(console)
    with CaptureQueriesContext(connection) as ctx:
        response = officer.get(console)
    assert response.status_code == 200
    # The page's own pemda only (the access check takes a member's pemda as given); the local day comes
    # from the counter's lounge, read with it, not from another query (the console is read after every call
    # at 200 counters).
    pemda_reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "accounts_pemda"')]
    assert len(pemda_reads) == 1
