"""Deadlines in the pemda's time zone and escalation of late complaints, once per stage."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from spbe.accounts.models import Role
from spbe.complaints.models import Complaint, EntryKind, State
from spbe.complaints.services import complaint_route, complaint_verify, complaints_escalate
from spbe.core.actors import system
from spbe.core.models import AuditEntry

from .conftest import submit

pytestmark = pytest.mark.django_db
JOB = system("escalate_complaints")


def at_utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def test_a_deadline_ends_at_midnight_in_the_pemda_time_zone(people):
    complaint = submit(people)
    Complaint.objects.filter(pk=complaint.pk).update(due_on=dt.date(2027, 3, 13))
    # 23:59 WIB on the due day: not late yet.
    assert complaints_escalate(actor=JOB, now=at_utc(2027, 3, 13, 16, 59)) == []
    # 00:00 WIB on the next day: late.
    escalated = complaints_escalate(actor=JOB, now=at_utc(2027, 3, 13, 17, 0))
    assert [c.pk for c in escalated] == [complaint.pk]
    complaint.refresh_from_db()
    assert complaint.escalated_to == Role.SERVICE_MANAGER and complaint.escalated_at is not None


def test_escalation_is_idempotent_and_recorded_once(people):
    complaint = submit(people)
    Complaint.objects.filter(pk=complaint.pk).update(due_on=dt.date(2027, 3, 1))
    later = at_utc(2027, 3, 5)
    assert len(complaints_escalate(actor=JOB, now=later)) == 1
    assert complaints_escalate(actor=JOB, now=later) == []
    assert complaints_escalate(actor=JOB, now=at_utc(2027, 4, 1)) == []
    assert complaint.entries.filter(kind=EntryKind.ESCALATED).count() == 1
    audit = AuditEntry.objects.filter(action="complaint.escalate", object_id=str(complaint.pk))
    assert audit.count() == 1 and audit.get().actor_label == "sistem:escalate_complaints"


def test_a_late_agency_answer_goes_to_the_agency_head_and_the_next_step_clears_it(people):
    complaint = submit(people)
    complaint_verify(actor=people.complaint_officer, complaint=complaint)
    complaint_route(actor=people.complaint_officer, complaint=complaint, unit=people.unit_a)
    complaint.refresh_from_db()
    late = dt.datetime.combine(complaint.due_on + dt.timedelta(days=2), dt.time(12), tzinfo=dt.UTC)
    complaints_escalate(actor=JOB, now=late)
    complaint.refresh_from_db()
    assert complaint.escalated_to == Role.AGENCY_HEAD
    entry = complaint.entries.get(kind=EntryKind.ESCALATED)
    assert entry.unit_id == people.unit_a.pk and entry.state == State.ROUTED
    # The agency head sees it among the late ones.
    page = people.client_for(people.agency_head_a).get("/app/35.10/pengaduan/?terlambat=1").content.decode()
    assert complaint.ticket in page
    from spbe.complaints.services import complaint_answer

    complaint_answer(actor=people.agency_head_a, complaint=complaint, text="Maaf terlambat; sudah selesai.")
    complaint.refresh_from_db()
    assert complaint.escalated_at is None and complaint.escalated_to == ""


def test_on_time_and_finished_complaints_are_left_alone(people):
    on_time = submit(people)
    done = submit(people)
    from spbe.complaints.services import complaint_reject

    complaint_reject(actor=people.complaint_officer, complaint=done, reason="Duplikat")
    far = at_utc(2099, 1, 1)
    Complaint.objects.filter(pk=on_time.pk).update(due_on=dt.date(2099, 1, 1))
    assert complaints_escalate(actor=JOB, now=far) == []


def test_the_command_escalates_and_reports(people):
    complaint = submit(people)
    Complaint.objects.filter(pk=complaint.pk).update(due_on=dt.date(2000, 1, 1))
    out = StringIO()
    call_command("escalate_complaints", "--pemda", "35.10", stdout=out)
    assert complaint.ticket in out.getvalue() and "1 pengaduan dinaikkan" in out.getvalue()
    out = StringIO()
    call_command("escalate_complaints", stdout=out)
    assert "0 pengaduan dinaikkan" in out.getvalue()


def test_the_public_page_says_the_complaint_is_late(people):
    complaint = submit(people)
    Complaint.objects.filter(pk=complaint.pk).update(due_on=dt.date(2000, 1, 1))
    complaints_escalate(actor=JOB)
    page = people.client_for(None).get(f"/pengaduan/{complaint.ticket}/").content.decode()
    assert "melewati tenggat" in page
    data = people.client_for(None).get(f"/api/v1/complaints/{complaint.ticket}").json()
    assert data["overdue"] is True and data["escalated"] is True
    assert data["journey"][-1]["kind"] == "escalated"
