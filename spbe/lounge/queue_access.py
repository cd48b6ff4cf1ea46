"""Who may run a lounge's queues and kiosks, and the scoped lookups of counters and kiosks for staff.

A counter lives at its perangkat daerah: the counter officers of that agency call its tickets, and an
officer of another agency is told it does not exist (404). Lounges, their counters' set-up, kiosk devices
and the statistics are pemda-wide work for the pemda admin and the service-mall manager.
"""

from __future__ import annotations

from django.db.models import QuerySet

from spbe.accounts.access import Can, Place, Policy, get_pemda_for_user, object_for_user, scope_in
from spbe.accounts.models import Pemda, Role
from spbe.core.actors import MaybeActor, is_system

from .models import Counter, KioskDevice

#: A counter, at its unit: who sees its console and who calls, recalls, skips and finishes its tickets.
COUNTER = Policy(
    view={Role.COUNTER_OFFICER, Role.AGENCY_HEAD, Role.SERVICE_MANAGER, Role.PEMDA_ADMIN},
    call={Role.COUNTER_OFFICER},
)

#: A pemda's lounges as a whole: set-up (counters, services offered, kiosks) and the statistics.
LOUNGE = Policy(
    manage={Role.PEMDA_ADMIN, Role.SERVICE_MANAGER},
    view_stats={Role.PEMDA_ADMIN, Role.SERVICE_MANAGER, Role.AUDITOR},
)


def counters_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[Counter]:
    """The counters whose console the user may open: every one for pemda-wide roles, else their units'."""
    scope = scope_in(user, pemda)
    counters = Counter.objects.filter(pemda=pemda, is_active=True).select_related("lounge", "unit")
    if is_system(user) or scope.roles & {Role.SERVICE_MANAGER, Role.PEMDA_ADMIN}:
        return counters
    allowed = {Role.COUNTER_OFFICER, Role.AGENCY_HEAD}
    units = {g.unit_id for g in scope.grants if g.role in allowed and g.unit_id is not None}
    return counters.filter(unit_id__in=units)


def counter_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[Counter, Can]:
    # The lounge's pemda too: the console and every move read the pemda's local day from it.
    counters = Counter.objects.select_related("lounge__pemda", "unit")
    return object_for_user(user, counters, COUNTER, pemda_code=pemda_code, pk=pk)


def lounge_can(user: MaybeActor, pemda_code: str) -> tuple[Pemda, Can]:
    """The pemda (404 outside it) and what the user may do to its lounges."""
    pemda = get_pemda_for_user(user, pemda_code)
    return pemda, LOUNGE.can(user, Place.of_pemda(pemda))


def kiosks_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[KioskDevice]:
    LOUNGE.require(user, Place.of_pemda(pemda), "manage")
    return KioskDevice.objects.filter(pemda=pemda).select_related("lounge").order_by("lounge__code", "name")
