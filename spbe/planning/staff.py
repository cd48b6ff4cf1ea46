"""The staff proposal list's reads, kept to what its page shows (issue 6: p95 <= 100 ms at 60,000 proposals).

The list page reads a few columns of fifty rows and the desa/kelurahan name; the exports keep reading every
column (:data:`spbe.planning.views.EXPORT_COLUMNS`). The caller has scoped and filtered the queryset through
:func:`spbe.planning.access.proposals_for_user` and :func:`spbe.planning.selectors.staff_proposals`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from spbe.accounts.access import scope_in
from spbe.accounts.models import Pemda
from spbe.core.actors import MaybeActor

from .access import PROPOSAL
from .models import Proposal

# What a row of planning/proposal_list.html shows (and its citizen badge reads: the pk).
LIST_FIELDS = (
    *("pk", "public_id", "year", "number", "title", "source", "state", "rank", "estimated_cost"),
    *("region_id", "region__name"),
)


def list_rows(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """``proposals`` reading only the columns a list row shows, joined to the desa/kelurahan name alone.

    The filtered queryset joins the kecamatan, its district and the suggested unit for the exports; a page
    of fifty rows needs none of them, and building five model instances a row was most of its read.
    """
    return proposals.select_related(None).select_related("region").only(*LIST_FIELDS)


def decides_at_desa_forum(user: MaybeActor, pemda: Pemda) -> bool:
    """Whether ``user`` holds a role that decides at a desa or kelurahan forum of ``pemda``.

    Only such a user can have citizens' proposals waiting at a forum of theirs: anyone else (a Bappeda
    planner, an agency, a camat) is answered without loading and checking the regency's every desa.
    """
    deciders = PROPOSAL.capabilities["decide_desa"]
    return any(grant.role in deciders for grant in scope_in(user, pemda).grants)
