"""``{% plan_funding proposal %}``: the RKPD item that funds an accepted proposal, in its journey."""

from __future__ import annotations

from typing import Any

from django import template

from spbe.planning import selectors_plans
from spbe.planning.models import Proposal, Stage

register = template.Library()


@register.inclusion_tag("planning/plans/_plan_item.html")
def plan_funding(proposal: Proposal) -> dict[str, Any]:
    funding = selectors_plans.funding_of(proposal) if proposal.state == Stage.ACCEPTED else None
    return {"funding": funding}
