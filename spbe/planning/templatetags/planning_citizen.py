"""``{% citizen_entries page as ids %}``: which proposals of a list page citizens entered (one query).

``{% citizen_forum_link pemda %}``: the desa forum's list of citizens' proposals, for those deciding there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from spbe.accounts.models import Pemda
from spbe.planning.models import Proposal, Stage
from spbe.planning.models_citizen import CitizenProposal

register = template.Library()


@register.simple_tag
def citizen_entries(proposals: Iterable[Proposal]) -> set[int]:
    ids = [p.pk for p in proposals]
    return set(CitizenProposal.objects.filter(proposal_id__in=ids).values_list("proposal_id", flat=True))


@register.inclusion_tag("planning/citizen/_forum_link.html", takes_context=True)
def citizen_forum_link(context: dict[str, Any], pemda: Pemda) -> dict[str, Any]:
    from spbe.planning.views_citizen import _forum_villages

    villages = _forum_villages(context["request"], pemda)
    waiting = (
        CitizenProposal.objects.filter(proposal__village__in=villages, proposal__state=Stage.DRAFT).count()
        if villages
        else 0
    )
    return {"pemda": pemda, "show": bool(villages), "waiting": waiting}
