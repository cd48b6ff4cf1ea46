"""``{% citizen_entries page as ids %}``: which proposals of a list page citizens entered (one query).

``{% citizen_forum_link pemda %}``: the first forum's list of citizens' proposals, for those deciding at a
desa or kelurahan forum.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from spbe.accounts.models import Pemda
from spbe.planning import citizen
from spbe.planning.models import Proposal, Stage
from spbe.planning.models_citizen import CitizenProposal

register = template.Library()


@register.simple_tag
def citizen_entries(proposals: Iterable[Proposal]) -> set[int]:
    ids = [p.pk for p in proposals]
    return set(CitizenProposal.objects.filter(proposal_id__in=ids).values_list("proposal_id", flat=True))


@register.inclusion_tag("planning/citizen/_forum_link.html", takes_context=True)
def citizen_forum_link(context: dict[str, Any], pemda: Pemda) -> dict[str, Any]:
    places = citizen.forum_places(context["request"].user, pemda)
    waiting = (
        Proposal.objects.filter(
            citizen.at_places(places), state=Stage.DRAFT, citizen_entry__isnull=False
        ).count()
        if places
        else 0
    )
    return {"pemda": pemda, "show": bool(places), "waiting": waiting}
