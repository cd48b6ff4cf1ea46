"""A progress report's check as a table of transitions (``spbe.core.workflow``).

Whoever submitted a report never verifies or returns it (``not_by``); a return needs a reason, which the
supervisor in the field reads before sending a corrected report (a new one: nothing is overwritten).
"""

from __future__ import annotations

from spbe.core.workflow import Transition, Workflow

from .models import ReportState

REPORT_FLOW = Workflow(
    "progress_report",
    [
        Transition(
            "verify",
            source={ReportState.SUBMITTED},
            target=ReportState.VERIFIED,
            capability="verify",
            stamp="verified_by",
            not_by="submitted_by",
        ),
        Transition(
            "return",
            source={ReportState.SUBMITTED},
            target=ReportState.RETURNED,
            capability="verify",
            stamp="verified_by",
            not_by="submitted_by",
            note_required=True,
        ),
    ],
)
