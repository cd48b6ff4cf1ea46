"""The journey of a complaint as a table of transitions (``spbe.core.workflow``).

received -> verified -> routed -> answered -> closed; rejected (a reason required) from received or
verified; an agency that is not the right one returns a routed complaint to verification (a reason
required), and the complaint officer routes it again.
"""

from __future__ import annotations

from spbe.core.workflow import Transition, Workflow

from .models import State

COMPLAINT_FLOW = Workflow(
    "complaint",
    [
        Transition("verify", source={State.RECEIVED}, target=State.VERIFIED, capability="verify"),
        Transition(
            "reject",
            source={State.RECEIVED, State.VERIFIED},
            target=State.REJECTED,
            capability="verify",
            note_required=True,
        ),
        Transition("route", source={State.VERIFIED}, target=State.ROUTED, capability="route"),
        Transition(
            "return", source={State.ROUTED}, target=State.VERIFIED, capability="answer", note_required=True
        ),
        Transition(
            "answer", source={State.ROUTED}, target=State.ANSWERED, capability="answer", note_required=True
        ),
        Transition("close", source={State.ANSWERED}, target=State.CLOSED, capability="close"),
    ],
)
