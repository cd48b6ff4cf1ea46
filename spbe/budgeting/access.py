"""Who may do what to a pemda's budget: agency roles at their own agency, the TAPD across the pemda.

An RKA, its lines and its ceilings live at their agency (:meth:`Rka.place`), so the operator of one agency
neither sees nor edits another's (404 for the other agency: it might as well not exist). The TAPD drafts
the year's versions, sets ceilings, verifies line by line and adopts; an auditor and the DPRD only read.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.access import Can, Place, Policy, get_pemda_for_user, object_for_user, scope_in
from spbe.accounts.models import Role
from spbe.core.actors import MaybeActor
from spbe.core.errors import NotFound

from .models import BudgetVersion, Rka, RkaLine

AGENCY = {Role.AGENCY_OPERATOR, Role.AGENCY_HEAD}

BUDGET = Policy(
    view={*AGENCY, Role.TAPD, Role.BAPPEDA_PLANNER, Role.DPRD_MEMBER, Role.AUDITOR, Role.PEMDA_ADMIN},
    # The agency's own work: its operator drafts lines and detail rows, its head submits them.
    edit={Role.AGENCY_OPERATOR},
    submit={Role.AGENCY_HEAD},
    # The TAPD's: versions, ceilings, imports from the previous tools, verification and adoption.
    manage={Role.TAPD},
    set_ceiling={Role.TAPD},
    verify={Role.TAPD},
    adopt={Role.TAPD},
)


def rka_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[Rka, Can]:
    """An agency's RKA: NotFound outside the user's scope (another pemda, another agency's operator)."""
    queryset = Rka.objects.select_related("version", "unit")
    return object_for_user(user, queryset, BUDGET, pemda_code=pemda_code, pk=pk)


def version_for_user(user: MaybeActor, pemda_code: str, pk: int) -> BudgetVersion:
    """A whole version (its summary, its checks): for those who read the whole pemda's budget; an agency
    role reads its own RKA only, so the version is NotFound to it here."""
    version, _can = object_for_user(user, BudgetVersion.objects.all(), BUDGET, pemda_code=pemda_code, pk=pk)
    return version


def versions_for_user(user: MaybeActor, pemda_code: str, year: int) -> QuerySet[BudgetVersion]:
    """The year's versions, for anyone who reads some of the pemda's budget (an agency finds the version
    of its RKA); NotFound to everyone else."""
    pemda = get_pemda_for_user(user, pemda_code)
    places = [Place.of_pemda(pemda), *(Place(pemda.code, unit_id=u) for u in scope_in(user, pemda).unit_ids)]
    if not any(BUDGET.can(user, place).view for place in places):
        raise NotFound(_("Data tidak ditemukan."))
    return BudgetVersion.objects.filter(pemda=pemda, year=year).order_by("number")


def unit_rka_for_user(user: MaybeActor, pemda_code: str, version_id: int, unit_code: str) -> Rka:
    """An agency's RKA in a version, by the agency's code: NotFound outside the user's scope."""
    queryset = Rka.objects.select_related("version", "unit")
    rka, _can = object_for_user(
        user, queryset, BUDGET, pemda_code=pemda_code, version_id=version_id, unit__code=unit_code
    )
    return rka


def line_for_user(user: MaybeActor, pemda_code: str, pk: int) -> RkaLine:
    """An RKA line, where its agency's RKA may be seen: NotFound outside the user's scope."""
    # No default ordering (version, unit, ...): one row by its key needs none, and it costs the compile.
    queryset = RkaLine.objects.select_related("rka", "version", "unit").order_by()
    line, _can = object_for_user(user, queryset, BUDGET, pemda_code=pemda_code, pk=pk)
    return line
