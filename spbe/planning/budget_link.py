"""E-planning's one window onto the adopted APBD: the amount the newest adopted budget gives the RKPD
sub-kegiatan that funds an accepted proposal, for the proposal's public journey.

Imports e-budgeting lazily: e-budgeting builds on e-planning (its models point at plan rows), so the
dependency at import time runs one way only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from spbe.core.published import bump_version

from .models_plans import PlanRow
from .services import PUBLISHED_DATA_SET


@dataclass(frozen=True)
class AdoptedBudget:
    """What the newest adopted APBD version of the item's year gives the item."""

    year: int
    version: int
    label: str
    amount: Decimal


def adopted_budget(item: PlanRow) -> AdoptedBudget | None:
    """None until the item's year has an adopted APBD."""
    from spbe.budgeting.realisation import newest_adopted
    from spbe.budgeting.rkpd_link import adopted_amount

    year = item.plan.year
    version = newest_adopted(item.pemda_id, year)
    if version is None:
        return None
    return AdoptedBudget(year, version.number, version.label, adopted_amount(item, version))


def apbd_adopted(pemda_code: str, year: int) -> None:
    """Call in the transaction that adopts an APBD version: the journeys of the year's proposals show its
    amounts, so their published answers are replaced."""
    bump_version(PUBLISHED_DATA_SET.format(pemda=pemda_code, year=year))
