"""The complaint journey through its services: tickets, steps, scope, conflicts, replies and the trail."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from spbe.complaints.models import Complainant, Complaint, ComplaintCounter, ComplaintEntry, EntryKind, State
from spbe.complaints.services import (
    ComplainantData,
    complaint_answer,
    complaint_close,
    complaint_deadlines_set,
    complaint_reject,
    complaint_reply,
    complaint_return,
    complaint_route,
    complaint_verify,
)
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry

from .conftest import PERSONAL, submit

pytestmark = pytest.mark.django_db


def routed(people):
    complaint = submit(people)
    complaint_verify(actor=people.complaint_officer, complaint=complaint)
    complaint_route(actor=people.complaint_officer, complaint=complaint, unit=people.unit_a)
    return complaint


def test_a_complaint_gets_a_ticket_numbered_per_pemda_and_year(people):
    first, second = submit(people), submit(people)
    other = submit(people, pemda=people.pemda_b)
    year = first.year
    assert first.ticket == f"ADU-35.10-{year}-000001"
    assert second.ticket == f"ADU-35.10-{year}-000002"
    assert other.ticket == f"ADU-19.06-{year}-000001"
    assert ComplaintCounter.objects.get(pemda=people.pemda_a, year=year).last == 2
    assert first.state == State.RECEIVED and first.due_on is not None
    assert list(first.entries.values_list("kind", flat=True)) == [EntryKind.RECEIVED]


def test_the_ticket_never_changes_along_the_journey(people):
    complaint = routed(people)
    ticket = complaint.ticket
    complaint_answer(actor=people.agency_operator_a, complaint=complaint, text="Sudah ditambal.")
    complaint_close(actor=people.complaint_officer, complaint=complaint)
    assert Complaint.objects.get(pk=complaint.pk).ticket == ticket


def test_a_rolled_back_submission_gives_its_number_back(people):
    with pytest.raises(ValidationFailed), transaction.atomic():
        submit(people, complainant=ComplainantData(name="Budi", nik="123"))
    assert submit(people).number == 1


def test_the_identity_is_stored_apart_and_never_in_the_audit_trail(people):
    complaint = submit(people)
    person = Complainant.objects.get(complaint=complaint)
    assert (person.name, person.nik, person.email) == (PERSONAL.name, PERSONAL.nik, PERSONAL.email)
    entries = AuditEntry.objects.filter(object_type="complaints.complaint", object_id=str(complaint.pk))
    assert [e.action for e in entries] == ["complaint.submit"]
    text = str([(e.before, e.after, e.actor_label) for e in entries])
    for value in ("Budi", PERSONAL.nik, "3456", PERSONAL.email):
        assert value not in text
    assert entries[0].actor_label == "sistem:pengaduan-web"


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("nik", ComplainantData(name="Budi", nik="35100123")),
        ("phone", ComplainantData(name="Budi", phone="call me")),
        ("email", ComplainantData(name="Budi", email="not-an-address")),
        ("name", ComplainantData(name="  ")),
    ],
)
def test_bad_identity_is_refused_with_its_field(people, field, data):
    with pytest.raises(ValidationFailed) as caught:
        submit(people, complainant=data)
    assert caught.value.field == field
    assert not Complaint.objects.exists()


def test_the_whole_journey_is_audited_and_kept(people):
    complaint = routed(people)
    complaint_answer(
        actor=people.agency_head_a, complaint=complaint, text="Perbaikan dijadwalkan minggu depan."
    )
    complaint_close(actor=people.complaint_officer, complaint=complaint, note="Terima kasih.")
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED and complaint.due_on is None
    kinds = list(complaint.entries.values_list("kind", "state"))
    assert kinds == [
        ("received", "received"),
        ("verified", "verified"),
        ("routed", "routed"),
        ("answered", "answered"),
        ("closed", "closed"),
    ]
    actions = list(
        AuditEntry.objects.filter(object_id=str(complaint.pk), object_type="complaints.complaint")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "complaint.submit",
        "complaint.verify",
        "complaint.route",
        "complaint.answer",
        "complaint.close",
    ]


def test_an_agency_cannot_answer_another_agencys_complaint(people):
    complaint = routed(people)  # routed to unit A
    with pytest.raises(NotFound):
        complaint_answer(actor=people.agency_operator_a2, complaint=complaint, text="Bukan kami")
    complaint.refresh_from_db()
    assert complaint.state == State.ROUTED
    assert not complaint.entries.filter(kind=EntryKind.ANSWERED).exists()


def test_only_the_complaint_officer_verifies_and_routes(people):
    complaint = submit(people)
    with pytest.raises(PermissionDenied):
        complaint_verify(actor=people.service_manager, complaint=complaint)
    with pytest.raises(NotFound):  # an agency officer does not see an unrouted complaint at all
        complaint_verify(actor=people.agency_head_a, complaint=complaint)
    with pytest.raises(NotFound):
        complaint_verify(actor=people.officer_b_complaints, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.state == State.RECEIVED


@pytest.mark.parametrize(
    "attempt",
    [
        lambda p, c: complaint_verify(actor=p.complaint_officer, complaint=c),  # verified twice
        lambda p, c: complaint_close(actor=p.complaint_officer, complaint=c),  # not answered
        lambda p, c: complaint_reply(actor=p.complaint_officer, complaint=c, text="x"),  # nothing to add to
        lambda p, c: complaint_reject(actor=p.complaint_officer, complaint=c, reason="x") and None,
    ],
)
def test_a_step_in_the_wrong_state_is_a_conflict(people, attempt):
    complaint = routed(people)
    entries = complaint.entries.count()
    with pytest.raises(Conflict):
        attempt(people, complaint)
    complaint.refresh_from_db()
    assert complaint.state == State.ROUTED and complaint.entries.count() == entries


def test_a_stale_copy_cannot_move_a_complaint_twice(people):
    complaint = submit(people)
    stale = Complaint.objects.get(pk=complaint.pk)
    complaint_verify(actor=people.complaint_officer, complaint=complaint)
    with pytest.raises(Conflict):
        complaint_reject(actor=people.complaint_officer, complaint=stale, reason="Duplikat")
    complaint.refresh_from_db()
    assert complaint.state == State.VERIFIED


def test_reject_and_return_need_a_reason(people):
    complaint = submit(people)
    with pytest.raises(ValidationFailed):
        complaint_reject(actor=people.complaint_officer, complaint=complaint, reason="  ")
    complaint_reject(actor=people.complaint_officer, complaint=complaint, reason="Bukan kewenangan pemda")
    complaint.refresh_from_db()
    assert complaint.state == State.REJECTED
    assert complaint.entries.last().text == "Bukan kewenangan pemda"


def test_an_agency_returns_a_complaint_that_is_not_theirs_and_loses_sight_of_it(people):
    complaint = routed(people)
    complaint_return(actor=people.agency_operator_a, complaint=complaint, reason="Urusan Dinas Pendidikan")
    complaint.refresh_from_db()
    assert (complaint.state, complaint.unit_id) == (State.VERIFIED, None)
    complaint_route(actor=people.complaint_officer, complaint=complaint, unit=people.unit_a2)
    complaint_answer(actor=people.agency_operator_a2, complaint=complaint, text="Ditangani.")
    complaint.refresh_from_db()
    assert complaint.state == State.ANSWERED and complaint.unit_id == people.unit_a2.pk


def test_a_closed_answer_is_never_edited_a_reply_is_added(people):
    complaint = routed(people)
    answer = complaint_answer(actor=people.agency_operator_a, complaint=complaint, text="Jawaban pertama.")
    complaint_close(actor=people.complaint_officer, complaint=complaint)
    # The database itself refuses to change or delete the answer, whoever asks.
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ComplaintEntry.objects.filter(pk=answer.pk).update(text="Jawaban yang diubah.")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ComplaintEntry.objects.filter(pk=answer.pk).delete()
    reply = complaint_reply(
        actor=people.agency_operator_a, complaint=complaint, text="Koreksi: selesai Senin."
    )
    assert ComplaintEntry.objects.get(pk=answer.pk).text == "Jawaban pertama."
    assert (reply.kind, reply.state) == (EntryKind.REPLY, State.CLOSED)
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED
    assert (
        AuditEntry.objects.filter(
            action="complaint.reply", object_type="complaints.complaint", object_id=str(complaint.pk)
        ).count()
        == 1
    )


def test_another_agency_cannot_reply_either(people):
    complaint = routed(people)
    complaint_answer(actor=people.agency_operator_a, complaint=complaint, text="Jawaban.")
    with pytest.raises(NotFound):
        complaint_reply(actor=people.agency_operator_a2, complaint=complaint, text="Sisipan")
    assert complaint.entries.filter(kind=EntryKind.REPLY).count() == 0


def test_a_counter_officer_records_at_their_own_counter_only(people):
    from spbe.complaints.models import Channel

    complaint = submit(people, actor=people.counter_a, channel=Channel.COUNTER, counter_unit=people.unit_a)
    assert complaint.channel == Channel.COUNTER
    assert complaint.entries.get().unit_id == people.unit_a.pk
    with pytest.raises(PermissionDenied):
        submit(people, actor=people.counter_a, channel=Channel.COUNTER, counter_unit=people.unit_a2)
    with pytest.raises(PermissionDenied):
        submit(people, actor=people.agency_operator_a, channel=Channel.COUNTER, counter_unit=people.unit_a)
    assert Complaint.objects.count() == 1


def test_a_kiosk_complaint_comes_from_a_device_not_a_person(people):
    from spbe.complaints.models import Channel
    from spbe.core.actors import system

    assert submit(people, actor=system("kios:mpp-1"), channel="kiosk").channel == Channel.KIOSK
    with pytest.raises(ValidationFailed):
        submit(people, actor=people.officer_a, channel="kiosk")


def test_anonymous_actors_are_refused(people):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        submit(people, actor=AnonymousUser())
    with pytest.raises(PermissionDenied):
        submit(people, actor=None)
    assert not Complaint.objects.exists()


def test_web_submissions_are_limited_per_client(people, settings):
    settings.SPBE_COMPLAINT_MAX_PER_CLIENT = 2
    from spbe.complaints.services import TooManyComplaints

    submit(people, client="10.0.0.1")
    submit(people, client="10.0.0.1")
    with pytest.raises(TooManyComplaints):
        submit(people, client="10.0.0.1")
    submit(people, client="10.0.0.2")
    assert Complaint.objects.count() == 3
    # The address itself is never stored.
    assert not Complaint.objects.filter(client_hash__contains="10.0.0").exists()


def test_deadlines_are_configured_by_the_service_manager(people):
    complaint_deadlines_set(
        actor=people.service_manager,
        pemda=people.pemda_a,
        verify_days=1,
        route_days=1,
        answer_days=5,
        close_days=2,
    )
    from spbe.complaints import deadlines

    complaint = submit(people)
    assert complaint.due_on == deadlines.today_in(people.pemda_a) + __import__("datetime").timedelta(days=1)
    with pytest.raises(PermissionDenied):
        complaint_deadlines_set(
            actor=people.complaint_officer,
            pemda=people.pemda_a,
            verify_days=1,
            route_days=1,
            answer_days=5,
            close_days=2,
        )
    with pytest.raises(ValidationFailed):
        complaint_deadlines_set(
            actor=people.service_manager,
            pemda=people.pemda_a,
            verify_days=0,
            route_days=1,
            answer_days=5,
            close_days=2,
        )
    assert AuditEntry.objects.filter(action="complaint.deadlines_set").count() == 1


def test_the_audit_codes_have_labels(people):
    from spbe.core import audit_labels

    routed(people)
    actions = set(AuditEntry.objects.filter(action__startswith="complaint.").values_list("action", flat=True))
    assert actions and all(audit_labels.action_label(a) != a for a in actions)
