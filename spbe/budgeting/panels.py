"""The e-budgeting panel of a pemda's dashboard: what each role has to do in the newest budget version.

The TAPD (and every pemda-wide reader) sees the newest version and how many RKA wait at each state, the
submitted ones being its work; an agency role sees its own agencies' RKA in that version: state, spending
against the agency ceiling and the lines the TAPD returned. A few queries whatever the size of the budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from spbe.accounts.access import Place, scope_in
from spbe.accounts.models import Pemda
from spbe.core.actors import MaybeActor

from . import selectors_pages
from .access import BUDGET
from .models import BudgetVersion, RkaState


@dataclass(frozen=True)
class Panel:
    version: BudgetVersion | None
    wide: bool
    states: dict[str, int] = field(default_factory=dict)
    agencies: list[selectors_pages.AgencyRow] = field(default_factory=list)

    @property
    def waiting_for_tapd(self) -> int:
        return self.states.get(RkaState.SUBMITTED, 0)


def budget_panel(user: MaybeActor, pemda: Pemda) -> Panel | None:
    """The panel's figures, or None for a user who reads nothing of the pemda's budget."""
    wide = BUDGET.can(user, Place.of_pemda(pemda)).view
    units = (
        set()
        if wide
        else {
            u for u in scope_in(user, pemda).unit_ids if BUDGET.can(user, Place(pemda.code, unit_id=u)).view
        }
    )
    if not wide and not units:
        return None
    version = selectors_pages.versions_of(pemda).first()
    if version is None:
        return Panel(None, wide)
    if wide:
        counts = version.rkas.values("state").annotate(n=Count("pk")).order_by()
        return Panel(version, True, states={row["state"]: row["n"] for row in counts})
    return Panel(version, False, agencies=selectors_pages.version_agencies(version, unit_ids=units))
