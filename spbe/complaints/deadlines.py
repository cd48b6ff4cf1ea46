"""Stage deadlines of complaints: how many days each step may take, counted in the pemda's time zone.

A step due "3 days" after a complaint arrives on 10 March (in Banyuwangi's WIB) is due on 13 March and late
from the first minute of 14 March WIB, whatever the server's own time zone. A pemda without a
:class:`~spbe.complaints.models.ComplaintDeadlines` row uses :data:`DEFAULT_DAYS`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from spbe.accounts.models import Pemda

from .models import ComplaintDeadlines, State

#: Calendar days per waiting state: verification, routing, the agency's answer, closing after the answer.
DEFAULT_DAYS: dict[str, int] = {
    State.RECEIVED: 3,
    State.VERIFIED: 2,
    State.ROUTED: 10,
    State.ANSWERED: 7,
}
FIELD_OF: dict[str, str] = {
    State.RECEIVED: "verify_days",
    State.VERIFIED: "route_days",
    State.ROUTED: "answer_days",
    State.ANSWERED: "close_days",
}


def today_in(pemda: Pemda, now: dt.datetime | None = None) -> dt.date:
    """The date it is now where the pemda is."""
    return timezone.localdate(now or timezone.now(), ZoneInfo(pemda.time_zone))


def days_for(pemda: Pemda) -> dict[str, int]:
    """The pemda's days per waiting state (its own setting, else the defaults)."""
    row = ComplaintDeadlines.objects.filter(pemda=pemda).first()
    if row is None:
        return dict(DEFAULT_DAYS)
    return {state: getattr(row, field) for state, field in FIELD_OF.items()}


def due_on(pemda: Pemda, state: str, now: dt.datetime | None = None) -> dt.date | None:
    """The last day for the step ``state`` waits for, starting today; None for a final state."""
    days = days_for(pemda).get(state)
    if days is None:
        return None
    return today_in(pemda, now) + dt.timedelta(days=days)


def is_overdue(pemda: Pemda, due: dt.date | None, now: dt.datetime | None = None) -> bool:
    return due is not None and today_in(pemda, now) > due
