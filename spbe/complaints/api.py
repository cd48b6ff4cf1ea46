"""The public API of a complaint: its journey and its complainant, masked. No token needed.

The schema has only masked identity fields (:class:`MaskedOut`), filled from
:class:`~spbe.complaints.selectors.PublicComplaint`, which never carries the raw values.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from . import selectors
from .models import Channel, ComplaintEntry, EntryKind, State

router = Router(tags=["pengaduan"])


class PlaceOut(Schema):
    code: str
    name: str


class MaskedOut(Schema):
    """Who complained, masked: ``Bu** S*****``, the last digits of NIK and phone, e-mail reduced."""

    name: str
    nik: str
    phone: str
    email: str


class StepOut(Schema):
    kind: str
    kind_label: str
    status: str
    status_label: str
    text: str
    unit: PlaceOut | None
    date: dt.datetime


class ComplaintOut(Schema):
    ticket: str
    pemda: PlaceOut
    channel: str
    channel_label: str
    subject: str
    description: str
    location: str
    status: str
    status_label: str
    unit: PlaceOut | None
    due_on: dt.date | None
    overdue: bool
    escalated: bool
    submitted_at: dt.datetime
    complainant: MaskedOut
    journey: list[StepOut]


def _step(e: ComplaintEntry) -> StepOut:
    return StepOut(
        kind=e.kind,
        kind_label=str(EntryKind(e.kind).label),
        status=e.state,
        status_label=str(State(e.state).label),
        text=e.text,
        unit=PlaceOut(code=e.unit.code, name=e.unit.name) if e.unit else None,
        date=e.at,
    )


@router.get("/complaints/{ticket}", response=ComplaintOut, summary="Status dan perjalanan satu pengaduan")
def complaint_detail(request: HttpRequest, response: HttpResponse, ticket: str) -> ComplaintOut:
    found = selectors.public_complaint(ticket)
    c = found.complaint
    response["Cache-Control"] = "no-cache"
    return ComplaintOut(
        ticket=c.ticket,
        pemda=PlaceOut(code=c.pemda.code, name=c.pemda.name),
        channel=c.channel,
        channel_label=str(Channel(c.channel).label),
        subject=c.subject,
        description=c.description,
        location=c.location,
        status=c.state,
        status_label=str(State(c.state).label),
        unit=PlaceOut(code=c.unit.code, name=c.unit.name) if c.unit else None,
        due_on=c.due_on,
        overdue=found.overdue,
        escalated=c.escalated_at is not None,
        submitted_at=c.created_at,
        complainant=MaskedOut(
            name=found.complainant.name,
            nik=found.complainant.nik,
            phone=found.complainant.phone,
            email=found.complainant.email,
        ),
        journey=[_step(e) for e in found.journey],
    )
