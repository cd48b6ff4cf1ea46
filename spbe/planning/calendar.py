"""The stage calendar: whether a stage of a pemda's planning year is open today, in the pemda's own time zone.

A stage with no :class:`~spbe.planning.models.StageWindow` is open: a pemda that has not set a calendar
(yet) keeps working as before, and a Bappeda officer closes a stage by giving it dates, not by forgetting
one. A window is open from the first minute of ``opens_on`` to the last minute of ``closes_on``, both read
in ``Pemda.time_zone`` (a forum in Jayapura closes at midnight WIT, two hours before one in Banyuwangi).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core.errors import Conflict

from .models import StageWindow, WindowStage


def today_in(pemda: Pemda) -> date:
    """Today's date where the pemda is."""
    return timezone.localdate(timezone.now(), ZoneInfo(pemda.time_zone))


def window_for(pemda: Pemda, year: int, stage: str) -> StageWindow | None:
    return StageWindow.objects.filter(pemda=pemda, year=year, stage=stage).first()


def is_open(pemda: Pemda, year: int, stage: str) -> bool:
    window = window_for(pemda, year, stage)
    return window is None or window.opens_on <= today_in(pemda) <= window.closes_on


def require_open(pemda: Pemda, year: int, stage: str, *, early: bool = False) -> None:
    """Conflict naming the stage and its dates when the stage's window is not open today.

    ``early=True`` lets through what arrives before the opening (a desa's proposals are gathered before
    its forum meets) and refuses only what comes after the closing.
    """
    window = window_for(pemda, year, stage)
    if window is None and stage == WindowStage.SECRETARIAT:
        # Without its own window the secretariat passes pokir on within the pokir deadline (domain.md 3.1).
        window, stage, early = window_for(pemda, year, WindowStage.POKIR), WindowStage.POKIR, True
    if window is None:
        return
    today = today_in(pemda)
    if (early or window.opens_on <= today) and today <= window.closes_on:
        return
    values = {
        "stage": WindowStage(stage).label,
        "year": year,
        "opens": formats.date_format(window.opens_on, "j F Y"),
        "closes": formats.date_format(window.closes_on, "j F Y"),
    }
    if today < window.opens_on:
        message = _("Tahap %(stage)s tahun %(year)s belum dibuka: jadwalnya %(opens)s sampai %(closes)s.")
    else:
        message = _("Tahap %(stage)s tahun %(year)s sudah ditutup: jadwalnya %(opens)s sampai %(closes)s.")
    raise Conflict(message % values)
