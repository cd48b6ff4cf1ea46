"""Every write of complaints: submit, verify, route, return, answer, reply, close, reject, escalate.

Each runs in one transaction with its audit entry and a :class:`ComplaintEntry` for the public journey,
so the journey a citizen reads and the audit trail can never disagree. The audit trail keeps the public
fields only: the complainant's identity is written to :class:`Complainant` and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah, Role
from spbe.core import audit
from spbe.core.actors import Actor, MaybeActor, actor_identity, is_person, is_system, require_actor
from spbe.core.errors import Conflict, NotFound, SpbeError, ValidationFailed
from spbe.core.text import InvalidText, clean_name, invisible_characters

from . import deadlines
from .access import COMPLAINT
from .models import (
    OPEN_STATES,
    Channel,
    Complainant,
    Complaint,
    ComplaintCounter,
    ComplaintDeadlines,
    ComplaintEntry,
    EntryKind,
    State,
)
from .workflow import COMPLAINT_FLOW

MAX_DESCRIPTION = 5000
MAX_TEXT = 5000
PHONE_CHARACTERS = frozenset("0123456789+-() ")


class TooManyComplaints(SpbeError):
    """The same client sent too many complaints in a short time (a flood, not a citizen)."""

    code = "too-many-requests"
    status = 429


@dataclass(frozen=True)
class ComplainantData:
    """The complainant's identity as typed: personal data, stored apart, shown masked."""

    name: str
    nik: str = ""
    phone: str = ""
    email: str = ""


def ticket_of(pemda_code: str, year: int, number: int) -> str:
    """``ADU-35.10-2027-000123``: what a citizen quotes, fixed at submission."""
    return f"ADU-{pemda_code}-{year}-{number:06d}"


def client_hash(client: str) -> str:
    """A keyed hash of the client key: equal for the same client, useless to anyone without the key."""
    return salted_hmac("spbe.complaints.client", client, algorithm="sha256").hexdigest() if client else ""


def _clean_text(value: str, *, field: str, label: str, max_length: int) -> str:
    """Multi-line text as typed (lines kept), NFC, without invisible characters, not empty."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    hidden = [c for c in invisible_characters(text) if c not in "\n\t"]
    if hidden:
        raise ValidationFailed(_("%(label)s berisi karakter tak terlihat.") % {"label": label}, field=field)
    if not text:
        raise ValidationFailed(_("%(label)s wajib diisi.") % {"label": label}, field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(label)s paling panjang %(max)d karakter.") % {"label": label, "max": max_length}, field=field
        )
    return text


def _clean_complainant(data: ComplainantData, *, anonymous_allowed: bool = False) -> ComplainantData:
    if anonymous_allowed and not data.name.strip():
        # Someone at a kiosk may complain without a name: the ticket is theirs to follow.
        name = ""
    else:
        try:
            name = clean_name(data.name, label=_("nama"), max_length=150, field="name")
        except InvalidText as error:
            raise ValidationFailed(error.message, field="name") from error
    nik = data.nik.strip()
    if nik and not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
        raise ValidationFailed(_("NIK harus 16 angka."), field="nik")
    phone = " ".join(data.phone.split())
    if phone and (
        len(phone) > 30 or not set(phone) <= PHONE_CHARACTERS or sum(c.isdigit() for c in phone) < 8
    ):
        raise ValidationFailed(_("Nomor telepon tidak sah (paling sedikit 8 angka)."), field="phone")
    email = data.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationFailed(_("Alamat e-mail tidak sah."), field="email") from error
    return ComplainantData(name=name, nik=nik, phone=phone, email=email)


def _throttled(client: str) -> bool:
    # Two parallel submissions may both pass the count; accepted, the limit is against floods, not races.
    since = timezone.now() - timedelta(seconds=settings.SPBE_COMPLAINT_WINDOW_SECONDS)
    recent = Complaint.objects.filter(client_hash=client, created_at__gt=since).count()
    return recent >= settings.SPBE_COMPLAINT_MAX_PER_CLIENT


def allocate_number(pemda: Pemda, year: int) -> int:
    """The next ticket number of ``pemda`` and ``year``; the counter row stays locked until commit."""
    ComplaintCounter.objects.get_or_create(pemda=pemda, year=year)
    counter = ComplaintCounter.objects.select_for_update().get(pemda=pemda, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _entry(
    complaint: Complaint, *, actor: Actor, kind: str, text: str = "", unit: PerangkatDaerah | None = None
) -> ComplaintEntry:
    return ComplaintEntry.objects.create(
        pemda_id=complaint.pemda_id,
        complaint=complaint,
        kind=kind,
        state=complaint.state,
        text=text,
        unit=unit,
        by_id=actor.pk if is_person(actor) else None,
        actor_label=actor_identity(actor)[1],
        at=timezone.now(),
    )


def public_snapshot(complaint: Complaint) -> dict[str, Any]:
    """What the audit trail keeps of a new complaint: never who complained."""
    return {
        "ticket": complaint.ticket,
        "channel": complaint.channel,
        "subject": complaint.subject,
        "state": complaint.state,
        "due_on": complaint.due_on,
    }


def complaint_submit(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    channel: str,
    subject: str,
    description: str,
    complainant: ComplainantData,
    location: str = "",
    client: str = "",
    counter_unit: PerangkatDaerah | None = None,
) -> Complaint:
    """Receive a complaint and give it its ticket.

    The web form and the kiosk act as the deployment (a :class:`SystemActor` naming the channel) or as
    the signed-in citizen; a web submission carries ``client`` (:func:`spbe.accounts.signin.client_key`)
    and is refused with 429 after ``SPBE_COMPLAINT_MAX_PER_CLIENT`` in the window. At a counter, a counter
    officer (of ``counter_unit``) or the complaint officer records it. Only at a kiosk may the name be left
    empty (nobody there can check it, and a citizen in a public hall may not want to give it); everywhere
    else the complainant is named.
    """
    vetted = require_actor(actor)
    if channel not in Channel.values:
        raise ValidationFailed(_("Saluran pengaduan tidak dikenal."), field="channel")
    if not pemda.is_active:
        raise NotFound(_("Pemda tidak ditemukan."))
    if counter_unit is not None and counter_unit.pemda_id != pemda.code:
        raise ValidationFailed(_("Loket bukan bagian dari pemda ini."), field="counter_unit")
    if channel == Channel.COUNTER:
        place = Place(pemda.code, unit_id=counter_unit.pk if counter_unit else None)
        COMPLAINT.require(vetted, place, "intake")
    elif channel == Channel.KIOSK and not is_system(vetted):
        # A kiosk identifies itself as a device; a person at a kiosk has no account there.
        raise ValidationFailed(_("Pengaduan kios hanya dari perangkat kios."), field="channel")
    try:
        subject = clean_name(subject, label=_("pokok pengaduan"), max_length=200, field="subject")
    except InvalidText as error:
        raise ValidationFailed(error.message, field="subject") from error
    description = _clean_text(description, field="description", label=_("Uraian"), max_length=MAX_DESCRIPTION)
    location = " ".join(location.split())[:255]
    identity = _clean_complainant(complainant, anonymous_allowed=channel == Channel.KIOSK)
    hashed = client_hash(client) if channel == Channel.WEB else ""
    if hashed and _throttled(hashed):
        raise TooManyComplaints(
            _("Terlalu banyak pengaduan dari perangkat ini dalam waktu singkat. Coba lagi nanti.")
        )
    year = deadlines.today_in(pemda).year
    with transaction.atomic():
        number = allocate_number(pemda, year)
        complaint = Complaint.objects.create(
            pemda=pemda,
            ticket=ticket_of(pemda.code, year, number),
            year=year,
            number=number,
            channel=channel,
            subject=subject,
            description=description,
            location=location,
            state=State.RECEIVED,
            due_on=deadlines.due_on(pemda, State.RECEIVED),
            client_hash=hashed,
        )
        Complainant.objects.create(
            complaint=complaint,
            name=identity.name,
            nik=identity.nik,
            phone=identity.phone,
            email=identity.email,
        )
        _entry(complaint, actor=vetted, kind=EntryKind.RECEIVED, unit=counter_unit)
        audit.record(
            actor=vetted,
            action="complaint.submit",
            obj=complaint,
            pemda_code=pemda.code,
            after=public_snapshot(complaint),
        )
    return complaint


def _visible(actor: MaybeActor, complaint: Complaint) -> Actor:
    """The vetted actor, if the complaint is theirs to see; NotFound (as if it did not exist) otherwise."""
    vetted = require_actor(actor)
    if not COMPLAINT.can(vetted, complaint.place()).view:
        raise NotFound(_("Data tidak ditemukan."))
    return vetted


def _move(
    actor: Actor,
    complaint: Complaint,
    name: str,
    kind: str,
    *,
    note: str = "",
    unit: PerangkatDaerah | None = None,
    updates: dict[str, Any] | None = None,
) -> ComplaintEntry:
    target = COMPLAINT_FLOW.by_name[name].target
    can = COMPLAINT.can(actor, complaint.place())
    values: dict[str, Any] = {
        "due_on": deadlines.due_on(complaint.pemda, target),
        # A new step starts with a fresh deadline: escalation is per stage.
        "escalated_at": None,
        "escalated_to": "",
        **(updates or {}),
    }
    note = note.strip()
    if note:
        note = _clean_text(note, field="note", label=_("Catatan"), max_length=MAX_TEXT)
    with transaction.atomic():
        COMPLAINT_FLOW.apply(
            complaint,
            name,
            actor=actor,
            can=can,
            note=note,
            updates=values,
            audit_extra={"ticket": complaint.ticket, **({"unit": unit.pk} if unit is not None else {})},
        )
        return _entry(complaint, actor=actor, kind=kind, text=note, unit=unit)


def complaint_verify(*, actor: MaybeActor, complaint: Complaint, note: str = "") -> ComplaintEntry:
    """The complaint officer accepts it as a complaint to handle."""
    return _move(_visible(actor, complaint), complaint, "verify", EntryKind.VERIFIED, note=note)


def complaint_reject(*, actor: MaybeActor, complaint: Complaint, reason: str) -> ComplaintEntry:
    """The complaint officer rejects it (not a complaint, a duplicate, outside the pemda): reason required."""
    return _move(_visible(actor, complaint), complaint, "reject", EntryKind.REJECTED, note=reason)


def complaint_route(
    *, actor: MaybeActor, complaint: Complaint, unit: PerangkatDaerah, note: str = ""
) -> ComplaintEntry:
    """The complaint officer routes a verified complaint to the agency that must answer it."""
    vetted = _visible(actor, complaint)
    if unit.pemda_id != complaint.pemda_id:
        raise ValidationFailed(_("Perangkat daerah bukan bagian dari pemda ini."), field="unit")
    return _move(
        vetted, complaint, "route", EntryKind.ROUTED, note=note, unit=unit, updates={"unit_id": unit.pk}
    )


def complaint_return(*, actor: MaybeActor, complaint: Complaint, reason: str) -> ComplaintEntry:
    """The agency sends back a complaint that is not theirs to answer; the officer routes it again."""
    vetted = _visible(actor, complaint)
    unit = complaint.unit
    return _move(
        vetted, complaint, "return", EntryKind.RETURNED, note=reason, unit=unit, updates={"unit_id": None}
    )


def complaint_answer(*, actor: MaybeActor, complaint: Complaint, text: str) -> ComplaintEntry:
    """The agency it was routed to answers; the answer is public and never edited afterwards."""
    vetted = _visible(actor, complaint)
    return _move(vetted, complaint, "answer", EntryKind.ANSWERED, note=text, unit=complaint.unit)


def complaint_close(*, actor: MaybeActor, complaint: Complaint, note: str = "") -> ComplaintEntry:
    """The complaint officer closes an answered complaint."""
    return _move(_visible(actor, complaint), complaint, "close", EntryKind.CLOSED, note=note)


def complaint_reply(*, actor: MaybeActor, complaint: Complaint, text: str) -> ComplaintEntry:
    """Add a reply after the answer (also after closing): the answer itself is never edited.

    The agency it was routed to or the complaint officer may reply. Runs with the complaint row locked,
    so a reply never lands on a complaint someone is moving at the same moment.
    """
    vetted = _visible(actor, complaint)
    COMPLAINT.require(vetted, complaint.place(), "reply")
    text = _clean_text(text, field="text", label=_("Tanggapan"), max_length=MAX_TEXT)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.state not in (State.ANSWERED, State.CLOSED):
            raise Conflict(
                _("Tanggapan tambahan hanya setelah pengaduan dijawab (status sekarang: %(state)s).")
                % {"state": State(locked.state).label}
            )
        complaint.state = locked.state
        entry = _entry(complaint, actor=vetted, kind=EntryKind.REPLY, text=text, unit=complaint.unit)
        audit.record(
            actor=vetted,
            action="complaint.reply",
            obj=complaint,
            pemda_code=complaint.pemda_id,
            after={"ticket": complaint.ticket, "state": locked.state, "text": text},
        )
    return entry


#: Who a late complaint is escalated to: the head of the agency it waits for, else the service manager.
ESCALATE_TO: dict[str, str] = {
    State.RECEIVED: Role.SERVICE_MANAGER,
    State.VERIFIED: Role.SERVICE_MANAGER,
    State.ROUTED: Role.AGENCY_HEAD,
    State.ANSWERED: Role.SERVICE_MANAGER,
}


def complaints_escalate(
    *, actor: MaybeActor, pemda: Pemda | None = None, now: dt.datetime | None = None
) -> list[Complaint]:
    """Mark every complaint past its stage's deadline as escalated, once per stage; return those marked.

    Late means the deadline day has ended in the pemda's time zone. Each complaint is claimed with a
    conditional UPDATE (``escalated_at IS NULL``), so running this twice, or from two workers at once,
    escalates each late stage exactly once. A step (verify, route, answer...) clears the mark.
    """
    vetted = require_actor(actor)
    now = now or timezone.now()
    pemdas = [pemda] if pemda is not None else list(Pemda.objects.filter(is_active=True))
    escalated: list[Complaint] = []
    for tenant in pemdas:
        if not is_system(vetted):
            COMPLAINT.require(vetted, Place.of_pemda(tenant), "close")
        today = deadlines.today_in(tenant, now)
        late = Complaint.objects.filter(
            pemda=tenant, state__in=OPEN_STATES, due_on__lt=today, escalated_at__isnull=True
        ).select_related("unit")
        with transaction.atomic():
            changes = []
            for complaint in late:
                role = ESCALATE_TO[complaint.state]
                claimed = Complaint.objects.filter(
                    pk=complaint.pk, state=complaint.state, escalated_at__isnull=True
                ).update(escalated_at=now, escalated_to=role)
                if not claimed:
                    continue
                complaint.escalated_at, complaint.escalated_to = now, role
                ComplaintEntry.objects.create(
                    pemda_id=tenant.code,
                    complaint=complaint,
                    kind=EntryKind.ESCALATED,
                    state=complaint.state,
                    text=str(Role(role).label),
                    unit=complaint.unit if role == Role.AGENCY_HEAD else None,
                    by_id=vetted.pk if is_person(vetted) else None,
                    actor_label=actor_identity(vetted)[1],
                    at=now,
                )
                changes.append(
                    audit.Change(
                        "complaint.escalate",
                        obj=complaint,
                        pemda_code=tenant.code,
                        before={"escalated_to": ""},
                        after={
                            "ticket": complaint.ticket,
                            "state": complaint.state,
                            "due_on": complaint.due_on,
                            "escalated_to": role,
                        },
                    )
                )
                escalated.append(complaint)
            if changes:
                audit.record_many(actor=vetted, changes=changes)
    return escalated


def complaint_deadlines_set(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    verify_days: int,
    route_days: int,
    answer_days: int,
    close_days: int,
) -> ComplaintDeadlines:
    """Set the pemda's days per stage (1-365 each); complaints already waiting keep their deadline."""
    COMPLAINT.require(actor, Place.of_pemda(pemda), "configure")
    values = {
        "verify_days": verify_days,
        "route_days": route_days,
        "answer_days": answer_days,
        "close_days": close_days,
    }
    for field, days in values.items():
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
            raise ValidationFailed(_("Tenggat harus antara 1 dan 365 hari."), field=field)
    with transaction.atomic():
        row = ComplaintDeadlines.objects.select_for_update().filter(pemda=pemda).first()
        before = None if row is None else {f: getattr(row, f) for f in values}
        row = row or ComplaintDeadlines(pemda=pemda)
        for field, days in values.items():
            setattr(row, field, days)
        row.save()
        audit.record(
            actor=actor,
            action="complaint.deadlines_set",
            obj=row,
            pemda_code=pemda.code,
            before=before,
            after=values,
        )
    return row
