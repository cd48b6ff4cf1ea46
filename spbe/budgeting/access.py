"""Who may do what to a pemda's budget: agency roles at their own agency, the TAPD across the pemda.

An RKA, its lines and its ceilings live at their agency (:meth:`Rka.place`), so the operator of one agency
neither sees nor edits another's (404 for the other agency: it might as well not exist). The TAPD drafts
the year's versions, sets ceilings, verifies line by line and adopts; an auditor and the DPRD only read.
"""

from __future__ import annotations

from spbe.accounts.access import Can, Policy, object_for_user
from spbe.accounts.models import Role
from spbe.core.actors import MaybeActor

from .models import Rka

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
