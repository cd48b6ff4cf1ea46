"""Reads of complaints: the public view of a ticket (identity masked here, once) and the staff lists.

Public code gets a :class:`PublicComplaint`, which holds the masked identity and nothing raw, so no
template or schema can print a complainant's name, NIK, phone or e-mail by mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.actors import MaybeActor
from spbe.core.errors import NotFound, ValidationFailed

from . import deadlines, masking
from .access import complaints_for_user
from .models import Complaint, ComplaintEntry, State


@dataclass(frozen=True)
class MaskedIdentity:
    name: str
    nik: str
    phone: str
    email: str


@dataclass(frozen=True)
class PublicComplaint:
    """What anyone holding the ticket may read: the complaint, its journey, who complained (masked)."""

    complaint: Complaint
    complainant: MaskedIdentity
    journey: list[ComplaintEntry]
    overdue: bool


def public_pemda(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code, is_active=True).first()
    if pemda is None:
        raise NotFound(_("Pemda dengan kode %(code)s tidak ada.") % {"code": code})
    return pemda


def public_complaint(ticket: str) -> PublicComplaint:
    complaint = (
        Complaint.objects.filter(ticket=ticket, pemda__is_active=True)
        .select_related("pemda", "unit", "complainant")
        .first()
    )
    if complaint is None:
        raise NotFound(_("Pengaduan %(ticket)s tidak ditemukan.") % {"ticket": ticket})
    person = complaint.complainant
    identity = MaskedIdentity(
        name=masking.mask_name(person.name),
        nik=masking.mask_nik(person.nik),
        phone=masking.mask_phone(person.phone),
        email=masking.mask_email(person.email),
    )
    journey = list(
        ComplaintEntry.objects.filter(complaint=complaint).select_related("unit").order_by("at", "pk")
    )
    return PublicComplaint(
        complaint=complaint,
        complainant=identity,
        journey=journey,
        overdue=deadlines.is_overdue(complaint.pemda, complaint.due_on),
    )


# --- staff reads (scoped by spbe.complaints.access) ----------------------------------------------------


@dataclass(frozen=True)
class StaffFilter:
    state: str = ""
    late: bool = False


def staff_complaints(user: MaybeActor, pemda: Pemda, chosen: StaffFilter) -> QuerySet[Complaint]:
    """The complaints this user may see, newest first, filtered by state or lateness."""
    if chosen.state and chosen.state not in State.values:
        raise ValidationFailed(_("Status tidak dikenal: %(state)s.") % {"state": chosen.state}, field="state")
    complaints = complaints_for_user(user, pemda).select_related("unit")
    if chosen.state:
        complaints = complaints.filter(state=chosen.state)
    if chosen.late:
        complaints = complaints.filter(escalated_at__isnull=False)
    return complaints.order_by("-year", "-number")


def staff_journey(complaint: Complaint) -> list[ComplaintEntry]:
    return list(
        ComplaintEntry.objects.filter(complaint=complaint).select_related("unit", "by").order_by("at", "pk")
    )


def routable_units(pemda: Pemda) -> QuerySet[PerangkatDaerah]:
    """Agencies a complaint can be routed to (kecamatan offices included: they serve citizens too)."""
    return PerangkatDaerah.objects.filter(pemda=pemda).order_by("name")


def today_in(pemda: Pemda) -> dt.date:
    return deadlines.today_in(pemda)


def deadline_days(pemda: Pemda) -> dict[str, int]:
    """The pemda's days per stage by setting name (``verify_days``...), for the settings form."""
    days = deadlines.days_for(pemda)
    return {field: days[state] for state, field in deadlines.FIELD_OF.items()}
