"""The way of a draft APBDes to adoption (Permendagri 20/2018 art. 31-37), as one transition table.

The Kades and the BPD agree on the draft (kesepakatan bersama), the Kades sends it to the camat, who
evaluates it line by line (``LineNote``) and either returns it for correction or closes the evaluation;
then the Kades adopts it, which freezes the version (``services.apbdes_adopt``). Lines change only in
the draft stage.
"""

from __future__ import annotations

from spbe.core.workflow import Transition, Workflow

APBDES_FLOW = Workflow(
    "apbdes",
    [
        Transition("agree", source={"draft"}, target="agreed", capability="agree"),
        Transition("submit", source={"agreed"}, target="evaluation", capability="adopt"),
        Transition(
            "return", source={"evaluation"}, target="draft", capability="evaluate", note_required=True
        ),
        Transition("approve", source={"evaluation"}, target="evaluated", capability="evaluate"),
        Transition("adopt", source={"evaluated"}, target="adopted", capability="adopt"),
        # An evaluated draft whose adoption is refused (unbalanced, over the 70:30 rule or the BLT cap)
        # would otherwise be stuck: the Kades reopens it, with the reason, and it goes the whole way again.
        Transition("reopen", source={"evaluated"}, target="draft", capability="adopt", note_required=True),
    ],
    state_field="stage",
)
