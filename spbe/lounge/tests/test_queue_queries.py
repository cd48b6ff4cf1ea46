"""The queue's hot paths stay a few queries each (benchmark 8 runs them thousands of times a minute):
taking a number, polling the board (nothing built when it has not changed), calling the next number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spbe.core import published
from spbe.lounge.models import QueueTicket

pytestmark = pytest.mark.django_db

BOARD = "/pemda/35.10/antrean/mpp/papan.json"


def counted(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    # Savepoints are the test's transaction nesting, not round trips the product chose.
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    print(len(sql), *[s[:120] for s in sql], sep="\n  ")
    return result, sql


def test_taking_a_number_is_a_few_queries_and_one_statement_numbers_it(world, mall):
    phone = Client()
    phone.get("/pemda/35.10/antrean/mpp/")
    response, sql = counted(lambda: phone.post("/pemda/35.10/antrean/mpp/", {"layanan": "PU-01"}))
    assert response.status_code == 302
    # The offer with its lounge, pemda, service, unit and open counter in one query; then the numbering
    # upsert, the two daily limits, the ticket, the board's version (one upsert each).
    assert len(sql) == 6
    assert sum("core_dataversion" in s for s in sql) == 1
    assert sum("lounge_queueday" in s for s in sql) == 1
    assert QueueTicket.objects.get().number == 1
    phone.post("/pemda/35.10/antrean/mpp/", {"layanan": "PU-02"})  # same letter A: the next number
    assert sorted(QueueTicket.objects.values_list("number", flat=True)) == [1, 2]


def test_an_unchanged_board_is_answered_without_a_query_and_a_change_is_seen_at_once(world, mall):
    phone = Client()
    phone.post("/pemda/35.10/antrean/mpp/", {"layanan": "PU-01"})
    first = phone.get(BOARD)
    assert first.status_code == 200 and first.json()["menunggu"] == {"A": 1}
    again, sql = counted(lambda: phone.get(BOARD, HTTP_IF_NONE_MATCH=first["ETag"]))
    # The lounge kept from the first poll, the version from this process's view: nothing is read.
    assert again.status_code == 304 and sql == []
    plain, sql = counted(lambda: phone.get(BOARD))
    assert plain.content == first.content and sql == []
    officer = world.client_for(mall.officer_pu)
    officer.post(f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/panggil/")
    called = phone.get(BOARD, HTTP_IF_NONE_MATCH=first["ETag"])
    assert called.status_code == 200 and called["ETag"] != first["ETag"]
    assert called.json()["loket"][0]["nomor"] == "A-001"


def test_a_change_in_another_process_is_seen_within_the_refresh(world, mall, monkeypatch):
    phone = Client()
    first = phone.get(BOARD)
    # Another process took a number: this one learns of it from the version row, not from its own bump.
    QueueTicket.objects.create(
        pemda_id="35.10",
        unit_id=mall.izin.unit_id,
        lounge=mall.lounge,
        service=mall.izin,
        day=first.json()["tanggal"],
        prefix="A",
        number=1,
        public_id="lain-proses",
        channel="web",
        taken_at=mall.lounge.created_at,
    )
    assert phone.get(BOARD).content == first.content  # same version: the kept body
    published.bump_version(f"lounge-board:35.10:{mall.lounge.code}")
    published.versions.forget()
    assert phone.get(BOARD).json()["menunggu"] == {"A": 1}


def test_calling_the_next_number_locks_only_the_counter_and_is_a_few_queries(world, mall):
    Client().post("/pemda/35.10/antrean/mpp/", {"layanan": "PU-01"})
    officer = world.client_for(mall.officer_pu)
    officer.get(f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/")
    response, sql = counted(lambda: officer.post(f"/app/35.10/antrean/loket/{mall.loket_pu.pk}/panggil/"))
    assert response.status_code == 302
    assert QueueTicket.objects.get().state == "called"
    # The counter's row is locked, not its lounge or pemda read along with it (PostgreSQL: FOR UPDATE OF).
    counter_locks = [s for s in sql if "FOR UPDATE" in s and 'FROM "lounge_counter"' in s]
    if connection.features.has_select_for_update_of:
        assert counter_locks and all('FOR UPDATE OF "lounge_counter"' in s for s in counter_locks)
    assert len(sql) <= 15
