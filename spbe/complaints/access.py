"""Who may see and move a complaint; every role counts at the complaint's place (its pemda, its agency).

The complaint officer handles every complaint of the pemda (verify, route, reject, close); the service-mall
manager oversees them and receives escalations; agency officers see and answer only what is routed to
their own agency (a complaint routed elsewhere does not exist for them: 404). A counter officer records a
complaint brought to their counter.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from spbe.accounts.access import Can, Place, Policy, object_for_user, scope_in
from spbe.accounts.models import Pemda, PerangkatDaerah, Role
from spbe.core.actors import MaybeActor, is_system

from .models import Complaint

AGENCY = {Role.AGENCY_OPERATOR, Role.AGENCY_HEAD}
HANDLERS = {Role.COMPLAINT_OFFICER}

COMPLAINT = Policy(
    view={*HANDLERS, Role.SERVICE_MANAGER, Role.PEMDA_ADMIN, Role.AUDITOR, *AGENCY},
    verify=HANDLERS,
    route=HANDLERS,
    close=HANDLERS,
    answer=AGENCY,
    # Replies after an answer: the agency that answered, or the complaint officer.
    reply={*HANDLERS, *AGENCY},
    intake={*HANDLERS, Role.COUNTER_OFFICER, Role.SERVICE_MANAGER},
    configure={Role.SERVICE_MANAGER, Role.PEMDA_ADMIN},
)

#: Roles that see every complaint of their pemda (the rest see their own agency's).
PEMDA_WIDE = {*HANDLERS, Role.SERVICE_MANAGER, Role.PEMDA_ADMIN, Role.AUDITOR}


def complaint_for_user(user: MaybeActor, pemda_code: str, ticket: str) -> tuple[Complaint, Can]:
    """A complaint with its complainant, for staff; NotFound outside the user's scope."""
    queryset = Complaint.objects.select_related("complainant", "unit", "pemda")
    return object_for_user(user, queryset, COMPLAINT, pemda_code=pemda_code, ticket=ticket)


def complaints_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[Complaint]:
    """The pemda's complaints the user may see: all for pemda-wide roles, else those routed to their units."""
    complaints = Complaint.objects.filter(pemda=pemda)
    if is_system(user):
        return complaints
    scope = scope_in(user, pemda)
    if scope.roles & PEMDA_WIDE:
        return complaints
    units = {g.unit_id for g in scope.grants if g.role in AGENCY and g.unit_id is not None}
    return complaints.filter(unit_id__in=units)


def can_in_pemda(user: MaybeActor, pemda: Pemda) -> Can:
    """What the user may do pemda-wide (list buttons: intake, configure)."""
    return COMPLAINT.can(user, Place.of_pemda(pemda))


def can_intake_at(user: MaybeActor, pemda: Pemda, units: Iterable[PerangkatDaerah]) -> bool:
    """Whether the user records complaints pemda-wide or at the counter of one of ``units``.

    A counter officer's role is held in one agency, so it never shows at the pemda level: asking only
    there would hide the intake form from the very people who staff the counters.
    """
    if COMPLAINT.can(user, Place.of_pemda(pemda)).intake:
        return True
    return any(COMPLAINT.can(user, Place(pemda.code, unit_id=unit.pk)).intake for unit in units)
