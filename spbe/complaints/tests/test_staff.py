"""Staff pages: a list scoped by role, the handling page, steps by form, 404 outside, 409 on a stale form."""

from __future__ import annotations

import pytest

from spbe.complaints.models import Complaint, EntryKind, State
from spbe.complaints.services import complaint_route, complaint_verify

from .conftest import PERSONAL, submit

pytestmark = pytest.mark.django_db


def to_unit(people, unit, **fields):
    complaint = submit(people, **fields)
    complaint_verify(actor=people.complaint_officer, complaint=complaint)
    complaint_route(actor=people.complaint_officer, complaint=complaint, unit=unit)
    return complaint


def test_the_list_is_scoped_by_role(people):
    mine = to_unit(people, people.unit_a, subject="Jalan rusak")
    theirs = to_unit(people, people.unit_a2, subject="Sekolah bocor")
    waiting = submit(people, subject="Belum diverifikasi")
    url = "/app/35.10/pengaduan/"
    officer = people.client_for(people.complaint_officer).get(url).content.decode()
    assert all(c.ticket in officer for c in (mine, theirs, waiting))
    agency = people.client_for(people.agency_operator_a).get(url).content.decode()
    assert mine.ticket in agency and theirs.ticket not in agency and waiting.ticket not in agency
    assert people.client_for(people.officer_b).get(url).status_code == 404


def test_the_handling_page_shows_the_identity_to_staff_only_in_scope(people):
    complaint = to_unit(people, people.unit_a)
    url = f"/app/35.10/pengaduan/{complaint.ticket}/"
    page = people.client_for(people.agency_operator_a).get(url)
    assert page.status_code == 200 and PERSONAL.nik in page.content.decode()
    assert people.client_for(people.agency_operator_a2).get(url).status_code == 404
    assert people.client_for(people.officer_b).get(url).status_code == 404
    assert people.client_for(None).get(url).status_code == 302


def test_an_agency_cannot_answer_another_agencys_complaint_by_form(people):
    complaint = to_unit(people, people.unit_a)
    url = f"/app/35.10/pengaduan/{complaint.ticket}/"
    response = people.client_for(people.agency_operator_a2).post(
        url, {"step": "answer", "text": "Sudah", "state": "routed"}
    )
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.state == State.ROUTED
    ok = people.client_for(people.agency_operator_a).post(
        url, {"step": "answer", "text": "Sudah", "state": "routed"}
    )
    assert ok.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.ANSWERED
    assert complaint.entries.get(kind=EntryKind.ANSWERED).text == "Sudah"


def test_the_officer_moves_a_complaint_by_form(people):
    complaint = submit(people)
    client = people.client_for(people.complaint_officer)
    url = f"/app/35.10/pengaduan/{complaint.ticket}/"
    assert client.post(url, {"step": "verify", "state": "received"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'id="step-route"' in page and "Dinas Pendidikan" in page
    assert (
        client.post(url, {"step": "route", "state": "verified", "unit": people.unit_a2.pk}).status_code == 302
    )
    complaint.refresh_from_db()
    assert (complaint.state, complaint.unit_id) == (State.ROUTED, people.unit_a2.pk)


def test_a_stale_form_or_a_wrong_state_answers_409(people):
    complaint = submit(people)
    client = people.client_for(people.complaint_officer)
    url = f"/app/35.10/pengaduan/{complaint.ticket}/"
    assert client.post(url, {"step": "verify", "state": "received"}).status_code == 302
    again = client.post(url, {"step": "verify", "state": "received"})  # the page the officer saw is stale
    assert again.status_code == 409
    closing = client.post(url, {"step": "close"})  # no state sent: the workflow refuses it
    assert closing.status_code == 409
    complaint.refresh_from_db()
    assert complaint.state == State.VERIFIED
    assert complaint.entries.count() == 2


def test_a_rejection_without_reason_is_422(people):
    complaint = submit(people)
    client = people.client_for(people.complaint_officer)
    response = client.post(
        f"/app/35.10/pengaduan/{complaint.ticket}/", {"step": "reject", "state": "received"}
    )
    assert response.status_code == 422
    assert Complaint.objects.get(pk=complaint.pk).state == State.RECEIVED


def test_a_counter_officer_records_a_complaint_at_the_counter(people):
    client = people.client_for(people.counter_a)
    form = {
        "form": "intake",
        "subject": "Antrean terlalu lama",
        "description": "Menunggu tiga jam.",
        "name": "Sri Wahyuni",
        "counter_unit": people.unit_a.pk,
    }
    response = client.post("/app/35.10/pengaduan/", form)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pengaduan/{complaint.ticket}/"
    assert complaint.channel == "counter"
    refused = client.post("/app/35.10/pengaduan/", {**form, "counter_unit": people.unit_a2.pk})
    # unit A2 is not among the counter officer's units: the form does not offer it.
    assert refused.status_code == 200
    assert Complaint.objects.count() == 1


def test_an_unknown_step_is_refused(people):
    complaint = submit(people)
    client = people.client_for(people.complaint_officer)
    response = client.post(f"/app/35.10/pengaduan/{complaint.ticket}/", {"step": "delete"})
    assert response.status_code == 422
    assert Complaint.objects.get(pk=complaint.pk).state == State.RECEIVED


def test_the_service_manager_sets_the_deadlines_by_form(people):
    client = people.client_for(people.service_manager)
    form = {"form": "deadlines", "verify_days": 2, "route_days": 1, "answer_days": 14, "close_days": 5}
    assert client.post("/app/35.10/pengaduan/", form).status_code == 302
    from spbe.complaints.models import ComplaintDeadlines

    row = ComplaintDeadlines.objects.get(pemda=people.pemda_a)
    assert (row.verify_days, row.answer_days) == (2, 14)
    denied = people.client_for(people.complaint_officer).post(
        "/app/35.10/pengaduan/", {**form, "answer_days": 3}
    )
    assert denied.status_code == 403
    row.refresh_from_db()
    assert row.answer_days == 14
