"""Queue services: numbering per prefix and local day, the counter's moves, audit, survey, statistics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.lounge import queue_selectors, queues
from spbe.lounge.models import QueueDay, QueueTicket, SurveyResponse
from spbe.lounge.queues import Taker

pytestmark = pytest.mark.django_db
ANSWERS = {f"u{i}": 3 for i in range(1, 10)}


def take(mall, service=None, at=None, taker=None):
    return queues.ticket_take(taker=taker or Taker(), lounge=mall.lounge, service=service or mall.izin, at=at)


def test_numbers_run_per_prefix_and_day_without_gaps(mall):
    codes = [take(mall).code, take(mall, mall.reklame).code, take(mall, mall.ijazah).code, take(mall).code]
    assert codes == ["A-001", "A-002", "B-001", "A-003"]
    assert QueueDay.objects.get(lounge=mall.lounge, prefix="A").last == 3
    assert QueueTicket.objects.get(number=2, prefix="A").service == mall.reklame


def test_the_day_is_the_pemdas_own(mall):
    # 16:59 UTC is 23:59 WIB; 17:00 UTC is midnight in Banyuwangi: a new day, a new first number.
    late = take(mall, at=dt.datetime(2026, 3, 2, 16, 59, tzinfo=dt.UTC))
    early = take(mall, at=dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC))
    assert (late.day, late.code) == (dt.date(2026, 3, 2), "A-001")
    assert (early.day, early.code) == (dt.date(2026, 3, 3), "A-001")
    mall.lounge.pemda.time_zone = "Asia/Jayapura"  # WIT: 16:59 UTC is already 01:59 the next day
    mall.lounge.pemda.save()
    assert take(mall, at=dt.datetime(2026, 3, 2, 16, 59, tzinfo=dt.UTC)).code == "A-002"


def test_a_take_that_fails_gives_its_number_back(mall, monkeypatch):
    take(mall)

    def broken(**kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(QueueTicket.objects, "create", broken)
    with pytest.raises(IntegrityError), transaction.atomic():
        take(mall)
    monkeypatch.undo()
    assert take(mall).code == "A-002"


def test_taking_is_not_audited_but_staff_moves_are(mall):
    before = AuditEntry.objects.count()
    ticket = take(mall)
    assert AuditEntry.objects.count() == before
    queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.actor_label, entry.pemda_code) == ("queue_ticket.call", "loket.pu", "35.10")
    assert entry.after["ticket"] == ticket.code and entry.after["counter"] == "Loket 1"


def test_a_service_without_an_open_counter_or_not_offered_gives_no_ticket(mall):
    mall.loket_dik.is_active = False
    mall.loket_dik.save()
    with pytest.raises(Conflict):
        take(mall, mall.ijazah)
    other = mall.izin.__class__.objects.create(
        pemda=mall.lounge.pemda, unit=mall.izin.unit, kode_layanan="PU-09", nama="Lain"
    )
    with pytest.raises(NotFound):
        take(mall, other)
    assert not QueueTicket.objects.exists()


def test_the_counter_calls_the_longest_waiting_of_its_own_services(mall):
    first_b = take(mall, mall.ijazah)
    first_a = take(mall, mall.reklame)
    second_a = take(mall)
    called = queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    assert called.pk == first_a.pk
    first_a.refresh_from_db()
    assert (first_a.state, first_a.counter, first_a.calls) == ("called", mall.loket_pu, 1)
    assert first_a.wait_seconds is not None
    # Loket 2 serves only PU-01; Loket 3 only the other agency's service.
    assert queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu2).pk == second_a.pk
    assert queues.ticket_call_next(actor=mall.officer_dik, counter=mall.loket_dik).pk == first_b.pk
    queues.ticket_finish(
        actor=mall.officer_dik, counter=mall.loket_dik, ticket=QueueTicket.objects.get(pk=first_b.pk)
    )
    assert queues.ticket_call_next(actor=mall.officer_dik, counter=mall.loket_dik) is None


def test_nobody_waiting_calls_nothing(mall):
    assert queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu) is None


def test_an_officer_of_another_agency_cannot_call_recall_skip_or_finish(mall):
    ticket = take(mall)
    for actor in (mall.officer_dik, mall.manager):
        with pytest.raises(PermissionDenied):
            queues.ticket_call_next(actor=actor, counter=mall.loket_pu)
    queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    ticket.refresh_from_db()
    for move in (queues.ticket_recall, queues.ticket_skip, queues.ticket_finish, queues.ticket_start):
        with pytest.raises(PermissionDenied):
            move(actor=mall.officer_dik, counter=mall.loket_pu, ticket=ticket)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.calls) == ("called", 1)
    with pytest.raises(PermissionDenied):
        queues.ticket_call_next(actor=None, counter=mall.loket_pu)


def test_a_busy_counter_finishes_first_and_a_recall_keeps_the_ticket(mall):
    ticket = take(mall)
    take(mall)
    queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    with pytest.raises(Conflict, match="A-001"):
        queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    ticket.refresh_from_db()
    queues.ticket_recall(actor=mall.officer_pu, counter=mall.loket_pu, ticket=ticket)
    ticket.refresh_from_db()
    assert (ticket.code, ticket.state, ticket.calls) == ("A-001", "called", 2)
    queues.ticket_skip(actor=mall.officer_pu, counter=mall.loket_pu, ticket=ticket)
    # Skipped: the counter is free for the next, and the late citizen can still be recalled after it.
    nxt = queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    assert nxt.code == "A-002"
    ticket.refresh_from_db()
    with pytest.raises(Conflict):
        queues.ticket_recall(actor=mall.officer_pu, counter=mall.loket_pu, ticket=ticket)
    queues.ticket_finish(actor=mall.officer_pu, counter=mall.loket_pu, ticket=nxt)
    queues.ticket_recall(actor=mall.officer_pu, counter=mall.loket_pu, ticket=ticket)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.calls) == ("called", 3)
    queues.ticket_start(actor=mall.officer_pu, counter=mall.loket_pu, ticket=ticket)
    ticket.refresh_from_db()
    queues.ticket_finish(actor=mall.officer_pu, counter=mall.loket_pu, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.state == "done" and ticket.service_seconds is not None and ticket.finished_at
    actions = list(
        AuditEntry.objects.filter(action__startswith="queue_ticket.", object_id=str(ticket.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "queue_ticket.call",
        "queue_ticket.recall",
        "queue_ticket.skip",
        "queue_ticket.recall",
        "queue_ticket.start",
        "queue_ticket.finish",
    ]


def test_a_ticket_of_another_counter_is_not_found_here(mall):
    take(mall)
    ticket = queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    with pytest.raises(NotFound):
        queues.ticket_finish(actor=mall.officer_pu, counter=mall.loket_pu2, ticket=ticket)


def test_a_stale_page_cannot_move_a_ticket_twice(mall):
    take(mall)
    ticket = queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    stale = QueueTicket.objects.get(pk=ticket.pk)
    queues.ticket_finish(actor=mall.officer_pu, counter=mall.loket_pu, ticket=ticket)
    with pytest.raises(Conflict):
        queues.ticket_skip(actor=mall.officer_pu, counter=mall.loket_pu, ticket=stale)
    assert QueueTicket.objects.get(pk=ticket.pk).state == "done"


def served(mall, service=None):
    take(mall, service)
    counter = mall.loket_dik if service == mall.ijazah else mall.loket_pu
    officer = mall.officer_dik if service == mall.ijazah else mall.officer_pu
    ticket = queues.ticket_call_next(actor=officer, counter=counter)
    return queues.ticket_finish(actor=officer, counter=counter, ticket=ticket)


def test_a_served_ticket_is_rated_once(mall):
    waiting = take(mall)
    with pytest.raises(Conflict):
        queues.survey_for_ticket(ticket=waiting, answers=ANSWERS)
    ticket = served(mall, mall.ijazah)
    with pytest.raises(ValidationFailed):
        queues.survey_for_ticket(ticket=ticket, answers={**ANSWERS, "u4": 5})
    response = queues.survey_for_ticket(ticket=ticket, answers=ANSWERS)
    assert (response.ticket, response.service, response.unit) == (ticket.public_id, mall.ijazah, ticket.unit)
    with pytest.raises(Conflict):
        queues.survey_for_ticket(ticket=ticket, answers=ANSWERS)
    assert SurveyResponse.objects.filter(ticket=ticket.public_id).count() == 1


def test_status_counts_who_waits_ahead_of_the_ticket(mall):
    tickets = [take(mall) for _ in range(3)]
    take(mall, mall.ijazah)
    status = queue_selectors.ticket_status(tickets[2])
    assert status.ahead == 2
    # Nothing served yet: 5 minutes a person, shared by the two counters serving PU-01.
    assert status.estimate_minutes == round(3 * 300 / 2 / 60)
    queues.ticket_call_next(actor=mall.officer_pu, counter=mall.loket_pu)
    assert queue_selectors.ticket_status(tickets[2]).ahead == 1
    tickets[0].refresh_from_db()
    assert queue_selectors.ticket_status(tickets[0]).estimate_minutes is None


def test_statistics_per_service_counter_and_hour(mall):
    day = queues.local_day(mall.lounge.pemda)
    for _ in range(2):
        served(mall)
    served(mall, mall.ijazah)
    take(mall)
    QueueTicket.objects.filter(prefix="A", number=1).update(wait_seconds=120, service_seconds=600)
    QueueTicket.objects.filter(prefix="A", number=2).update(wait_seconds=360, service_seconds=300)
    QueueTicket.objects.filter(prefix="B").update(wait_seconds=60, service_seconds=60)
    rows = {r.key: r for r in queue_selectors.queue_stats(mall.lounge.pemda, day, day, "service")}
    izin = rows["Izin Galian"]
    assert (izin.tickets, izin.served, izin.avg_wait_minutes, izin.max_wait_minutes) == (3, 2, 4.0, 6.0)
    assert izin.avg_service_minutes == 7.5
    by_counter = {
        r.key: (r.tickets, r.served)
        for r in queue_selectors.queue_stats(mall.lounge.pemda, day, day, "counter")
    }
    assert by_counter == {"Loket 1": (2, 2), "Loket 3": (1, 1)}
    morning = dt.datetime.combine(day, dt.time(2, 30), tzinfo=dt.UTC)  # 09.30 WIB
    QueueTicket.objects.filter(prefix="A").update(taken_at=morning)
    QueueTicket.objects.filter(prefix="B").update(taken_at=morning + dt.timedelta(hours=1))
    hours = queue_selectors.queue_stats(mall.lounge.pemda, day, day, "hour")
    assert [(r.key, r.tickets, r.served) for r in hours] == [("09.00", 3, 2), ("10.00", 1, 1)]
    with pytest.raises(ValidationFailed):
        queue_selectors.queue_stats(mall.lounge.pemda, day, day - dt.timedelta(days=1), "service")


def test_setup_is_for_the_manager_and_keeps_services_with_their_agency(mall, world):
    with pytest.raises(PermissionDenied):
        queues.lounge_create(actor=mall.officer_pu, pemda=world.pemda_a, code="lain", name="Lain")
    with pytest.raises(ValidationFailed):
        queues.counter_create(
            actor=mall.manager, lounge=mall.lounge, unit=world.unit_a, name="Loket 9", services=[mall.ijazah]
        )
    with pytest.raises(ValidationFailed):
        queues.lounge_offer(actor=mall.manager, lounge=mall.lounge, service=mall.izin, prefix="a1")
    lounge = queues.lounge_create(actor=mall.manager, pemda=world.pemda_a, code="rsud", name="RSUD")
    assert AuditEntry.objects.filter(action="lounge.create", object_id=str(lounge.pk)).exists()
