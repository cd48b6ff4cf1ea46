"""The critical-contract rule (kontrak kritis, domain.md section 5): pure, exact and database-free.

At a date (``tanggal``) a contract has:

1. ``rencana``: the planned cumulative %, by linear interpolation along its S-curve, which starts at 0% on
   ``mulai`` and stays at its last point's value after that point;
2. ``realisasi``: the latest reported cumulative % at or before the date (0 when nothing was reported);
3. ``deviasi`` = rencana - realisasi (positive: behind plan);
4. ``periode`` I while rencana <= 70, else II;
5. ``proyeksi_selesai``: at the pace of the last 30 days (realisasi now minus realisasi 30 days earlier,
   per day), the date the work reaches 100%, rounded up to a whole day; none when realisasi is 100 (done)
   or when the pace is not positive (it never finishes: treated as past the year end);
6. ``kritis``: in period I, deviasi > 10; in period II, deviasi > 5, or 0 < deviasi < 5 with the projected
   finish after 31 December of the contract's year (or no projection).

Every value is a :class:`~fractions.Fraction`, so no rounding ever decides a boundary (deviasi exactly 10
in period I is not critical; 10.0000001 is). Only the printed strings are rounded, half up to 2 decimals.
Deviasi exactly 5 in period II is not critical either: the regulation's wording (> 5, and < 5 with a late
finish) leaves that single value out, and this contract follows it to the letter.

The database, the JSON command and the services all build a :class:`ContractInput` and call :func:`status`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

HUNDRED = Fraction(100)
PERIOD_ONE_MAX = Fraction(70)  # planned progress up to and including 70% is period I
PERIOD_ONE_SLACK = Fraction(10)
PERIOD_TWO_SLACK = Fraction(5)
PACE_DAYS = 30

Point = tuple[dt.date, Fraction]


@dataclass(frozen=True)
class ContractInput:
    """One contract as the rule sees it; ``plan`` and ``reports`` in date order.

    ``plan`` is cumulative (never decreasing) and every point before or on ``mulai`` is 0
    (:func:`check_plan`). ``reports`` may go down (a correction is a new, lower report); on one date the
    last report listed counts.
    """

    key: str
    tahun: int
    mulai: dt.date
    plan: tuple[Point, ...]
    reports: tuple[Point, ...]
    tanggal: dt.date


@dataclass(frozen=True)
class Status:
    key: str
    rencana: Fraction
    realisasi: Fraction
    deviasi: Fraction
    periode: str
    proyeksi_selesai: dt.date | None
    kritis: bool

    def as_json(self) -> dict[str, object]:
        """The output object of ``spbe contract_status --json`` (percentages as 2-decimal strings)."""
        return {
            "id": self.key,
            "rencana": two_decimals(self.rencana),
            "realisasi": two_decimals(self.realisasi),
            "deviasi": two_decimals(self.deviasi),
            "periode": self.periode,
            "proyeksi_selesai": self.proyeksi_selesai.isoformat() if self.proyeksi_selesai else None,
            "kritis": self.kritis,
        }


class PlanError(ValueError):
    """A plan the rule cannot read: what is wrong, and at which point (0-based index into the input)."""

    def __init__(self, message: str, index: int, *, on_date: bool = False) -> None:
        super().__init__(message)
        self.index = index
        # Whether the point's date (rather than its value) is at fault, for imports naming a column.
        self.on_date = on_date


def two_decimals(value: Fraction) -> str:
    """``value`` with 2 decimals, ties away from zero (Decimal's ROUND_HALF_UP); never ``-0.00``."""
    # floor(|n|/d x 100 + 1/2) in integers (d > 0): the same value as with Fractions, without building any.
    numerator, denominator = value.numerator, value.denominator
    rounded = (200 * abs(numerator) + denominator) // (2 * denominator)
    sign = "-" if numerator < 0 and rounded else ""
    return f"{sign}{rounded // 100}.{rounded % 100:02d}"


def check_plan(mulai: dt.date, plan: Sequence[Point]) -> None:
    """Refuse a plan that is not an S-curve starting at 0% on ``mulai``.

    ``plan`` must be in date order with no date twice (the caller sorts). Raises :class:`PlanError`
    naming the first offending point: a value that goes down, or a value above 0 on or before ``mulai``.
    """
    previous: Point | None = None
    for index, (day, value) in enumerate(plan):
        if previous is not None and day == previous[0]:
            raise PlanError(
                _("tanggal %(day)s tercantum dua kali") % {"day": day.isoformat()}, index, on_date=True
            )
        if day <= mulai and value != 0:
            raise PlanError(
                _("rencana pada atau sebelum tanggal mulai %(day)s harus 0%%") % {"day": mulai.isoformat()},
                index,
            )
        if previous is not None and value < previous[1]:
            raise PlanError(_("rencana tidak kumulatif: lebih kecil dari titik sebelumnya"), index)
        previous = (day, value)


def planned_at(mulai: dt.date, plan: Sequence[Point], day: dt.date) -> Fraction:
    """The planned cumulative % on ``day``: 0 up to ``mulai``, linear between points, flat after the last."""
    # The curve's points: (mulai, 0) then the plan after mulai (points on or before it are 0 by check_plan).
    curve: list[Point] = [(mulai, Fraction(0)), *(p for p in plan if p[0] > mulai)]
    if day <= mulai:
        return Fraction(0)
    for (d0, v0), (d1, v1) in itertools.pairwise(curve):
        if day <= d1:
            return v0 + (v1 - v0) * Fraction((day - d0).days, (d1 - d0).days)
    return curve[-1][1]


def reported_at(reports: Sequence[Point], day: dt.date) -> Fraction:
    """The latest report at or before ``day`` (the last one listed on that date); 0 when there is none."""
    position = bisect.bisect_right([d for d, _v in reports], day)
    return reports[position - 1][1] if position else Fraction(0)


def projected_finish(tanggal: dt.date, now: Fraction, before: Fraction) -> dt.date | None:
    """When the work reaches 100% at the pace from ``before`` (30 days ago) to ``now``; None if never.

    None too when that day lies beyond the calendar (year 9999): a pace so slow is past any year end.
    """
    if now >= HUNDRED:
        return None
    rate = (now - before) / PACE_DAYS
    if rate <= 0:
        return None
    days = math.ceil((HUNDRED - now) / rate)
    if days > (dt.date.max - tanggal).days:
        return None
    return tanggal + dt.timedelta(days=days)


def is_critical(periode: str, deviasi: Fraction, finish: dt.date | None, tahun: int) -> bool:
    if periode == "I":
        return deviasi > PERIOD_ONE_SLACK
    if deviasi > PERIOD_TWO_SLACK:
        return True
    # Behind plan means unfinished (rencana <= 100), so no projection here means a pace that is not
    # positive: the work does not finish this year.
    return 0 < deviasi < PERIOD_TWO_SLACK and (finish is None or finish > dt.date(tahun, 12, 31))


def status(contract: ContractInput) -> Status:
    """Apply the rule to ``contract`` at its ``tanggal``."""
    rencana = planned_at(contract.mulai, contract.plan, contract.tanggal)
    realisasi = reported_at(contract.reports, contract.tanggal)
    before = reported_at(contract.reports, contract.tanggal - dt.timedelta(days=PACE_DAYS))
    deviasi = rencana - realisasi
    periode = "I" if rencana <= PERIOD_ONE_MAX else "II"
    finish = projected_finish(contract.tanggal, realisasi, before)
    return Status(
        key=contract.key,
        rencana=rencana,
        realisasi=realisasi,
        deviasi=deviasi,
        periode=periode,
        proyeksi_selesai=finish,
        kritis=is_critical(periode, deviasi, finish, contract.tahun),
    )
