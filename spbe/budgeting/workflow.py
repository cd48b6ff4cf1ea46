"""The RKA's approval flow: the agency head submits, the TAPD returns (with a reason) or verifies.

Whoever submitted cannot return or verify that submission (``not_by``), even if they also hold a TAPD
role. A returned RKA goes back to the operator, who edits it and the head submits again.
"""

from __future__ import annotations

from spbe.core.workflow import Transition, Workflow

from .models import RkaState

RKA_FLOW = Workflow(
    "rka",
    [
        Transition(
            "submit",
            source={RkaState.DRAFT, RkaState.RETURNED},
            target=RkaState.SUBMITTED,
            capability="submit",
            stamp="submitted_by",
        ),
        Transition(
            "return",
            source={RkaState.SUBMITTED},
            target=RkaState.RETURNED,
            capability="verify",
            note_required=True,
            not_by="submitted_by",
        ),
        Transition(
            "verify",
            source={RkaState.SUBMITTED},
            target=RkaState.VERIFIED,
            capability="verify",
            not_by="submitted_by",
            stamp="verified_by",
        ),
    ],
)
