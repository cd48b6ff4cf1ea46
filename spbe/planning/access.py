"""Who may do what to a proposal, stage by stage; every role counts only at the proposal's own place.

A proposal's place (:meth:`Proposal.place`) is its desa, that desa's kecamatan office and the agency it
is routed to, so each stage's capability reaches exactly one circle of people: the desa forum is the
village operator or kades *of that desa*, the kecamatan forum the camat *of its kecamatan*, agency
verification the operator or head *of the suggested unit*, then Bappeda planners, then the Musrenbang
kabupaten (Bappeda or TAPD, never whoever decided at Bappeda: see ``bappeda_by`` in the workflow).
"""

from __future__ import annotations

from spbe.accounts.access import Can, Policy, object_for_user
from spbe.accounts.models import Role
from spbe.core.actors import MaybeActor

from .models import Proposal, Stage

VILLAGE = {Role.VILLAGE_OPERATOR, Role.KEPALA_DESA}
AGENCY = {Role.AGENCY_OPERATOR, Role.AGENCY_HEAD}

PROPOSAL = Policy(
    view={*VILLAGE, Role.CAMAT, *AGENCY, Role.BAPPEDA_PLANNER, Role.TAPD, Role.DPRD_MEMBER, Role.AUDITOR},
    # Entering a proposal, by source: a desa's Musrenbang, a DPRD member's pokir, an agency's Renja.
    propose_musrenbang=VILLAGE,
    propose_pokir={Role.DPRD_MEMBER},
    propose_renja=AGENCY,
    # Deciding at each stage (forward, reject, defer; accept at the Musrenbang kabupaten).
    decide_desa=VILLAGE,
    decide_kecamatan={Role.CAMAT},
    decide_agency=AGENCY,
    decide_bappeda={Role.BAPPEDA_PLANNER},
    decide_kabupaten={Role.BAPPEDA_PLANNER, Role.TAPD},
)

#: The capability that decides at each stage where a proposal waits for a decision.
STAGE_CAPABILITY: dict[str, str] = {
    Stage.DESA: "decide_desa",
    Stage.KECAMATAN: "decide_kecamatan",
    Stage.AGENCY: "decide_agency",
    Stage.BAPPEDA: "decide_bappeda",
    Stage.KABUPATEN: "decide_kabupaten",
}


def proposal_for_user(user: MaybeActor, pemda_code: str, public_id: str) -> tuple[Proposal, Can]:
    """A proposal with its proposer, for staff: NotFound outside the user's scope (as if it did not exist)."""
    queryset = Proposal.objects.select_related("village", "proposer", "suggested_unit")
    return object_for_user(user, queryset, PROPOSAL, pemda_code=pemda_code, public_id=public_id)
