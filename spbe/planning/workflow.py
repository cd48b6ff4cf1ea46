"""The journey of a proposal as a table of transitions (``spbe.core.workflow``).

Each forum stage has three ways out: ``forward_<stage>`` to the next stage (``accept_kabupaten`` at the
last), ``reject_<stage>`` (a reason is required) and ``defer_<stage>`` (kept for next year). Each needs
that stage's capability from :data:`spbe.planning.access.PROPOSAL`, so a role decides only at its own
stage: a camat cannot act on a proposal still at the desa forum, whatever their scope.
"""

from __future__ import annotations

from spbe.core.workflow import Transition, Workflow

from .access import STAGE_CAPABILITY
from .models import Stage

# The forum stages in order, each with the stage a forwarded proposal goes to.
NEXT_STAGE: dict[str, str] = {
    Stage.DESA: Stage.KECAMATAN,
    Stage.KECAMATAN: Stage.AGENCY,
    Stage.AGENCY: Stage.BAPPEDA,
    Stage.BAPPEDA: Stage.KABUPATEN,
    Stage.KABUPATEN: Stage.ACCEPTED,
}
OUTCOMES = ("forward", "reject", "defer", "return")


def transition_name(outcome: str, stage: str) -> str:
    """``forward`` at the last stage is the acceptance into the plan."""
    if outcome == "forward" and stage == Stage.KABUPATEN:
        return "accept_kabupaten"
    return f"{outcome}_{stage}"


def _stage_transitions(stage: str) -> list[Transition]:
    capability = STAGE_CAPABILITY[stage]
    # Maker-checker across the last two stages: the Bappeda planner who forwarded a proposal does not also
    # record the Musrenbang kabupaten's decision on it.
    stamp = "bappeda_by" if stage == Stage.BAPPEDA else None
    not_by = "bappeda_by" if stage == Stage.KABUPATEN else None
    return [
        Transition(
            transition_name("forward", stage),
            source={stage},
            target=NEXT_STAGE[stage],
            capability=capability,
            stamp=stamp,
            not_by=not_by,
        ),
        Transition(
            f"reject_{stage}",
            source={stage},
            target=Stage.REJECTED,
            capability=capability,
            note_required=True,
            not_by=not_by,
        ),
        Transition(
            f"defer_{stage}", source={stage}, target=Stage.DEFERRED, capability=capability, not_by=not_by
        ),
    ]


PROPOSAL_FLOW = Workflow(
    "proposal",
    [
        # Submitting: a desa's own proposal (or a citizen's, taken in by the desa) goes to its forum; Renja
        # goes straight to the agency.
        Transition("submit", source={Stage.DRAFT}, target=Stage.DESA, capability="propose_musrenbang"),
        # A DPRD member's pokir first passes the DPRD secretariat, which forwards it (to the agency it names,
        # through Bappeda) or returns it to its member with a note (spbe.planning.pokir).
        Transition(
            "submit_pokir", source={Stage.DRAFT}, target=Stage.SECRETARIAT, capability="propose_pokir"
        ),
        Transition(
            "forward_secretariat",
            source={Stage.SECRETARIAT},
            target=Stage.AGENCY,
            capability="decide_secretariat",
        ),
        Transition(
            "return_secretariat",
            source={Stage.SECRETARIAT},
            target=Stage.DRAFT,
            capability="decide_secretariat",
            note_required=True,
        ),
        # A desa forum declines a citizen's proposal it will not take in: public, with its reason.
        Transition(
            "decline_citizen",
            source={Stage.DRAFT},
            target=Stage.REJECTED,
            capability="decide_desa",
            note_required=True,
        ),
        Transition("submit_renja", source={Stage.DRAFT}, target=Stage.AGENCY, capability="propose_renja"),
        *(t for stage in NEXT_STAGE for t in _stage_transitions(stage)),
    ],
)
