"""The S-curve of a project drawn on the server: planned vs verified progress as SVG polyline points.

No script and no chart library: a public page must show the curve to any browser, printed or offline.
Dates run along x from the contract's start to the later of its end and the last point; percent up y.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 600
HEIGHT = 240
MARGIN = 30

Point = tuple[dt.date, Decimal]


@dataclass(frozen=True)
class Curve:
    planned: str  # SVG ``points`` attribute of the planned line
    actual: str  # the verified progress as a step line
    width: int = WIDTH
    height: int = HEIGHT
    margin: int = MARGIN

    @property
    def bottom(self) -> int:
        return self.height - self.margin

    @property
    def right(self) -> int:
        return self.width - self.margin


def _xy(start: dt.date, days: int, day: dt.date, percent: Decimal) -> str:
    x = MARGIN + (WIDTH - 2 * MARGIN) * (day - start).days / days
    y = HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * float(percent) / 100
    return f"{x:.1f},{y:.1f}"


def draw(start: dt.date, end: dt.date, plan: Sequence[Point], actual: Sequence[Point]) -> Curve:
    """Both lines on one scale; the plan starts at 0% on ``start``, the actual line steps at each report."""
    last = max([end, *(d for d, _v in plan), *(d for d, _v in actual)])
    days = max((last - start).days, 1)
    planned = [(start, Decimal(0)), *(p for p in plan if p[0] > start)]
    steps: list[Point] = [(start, Decimal(0))]
    for day, value in actual:
        day = max(day, start)
        # A step: the previous value holds until the report's date, then jumps to it.
        steps += [(day, steps[-1][1]), (day, value)]
    return Curve(
        planned=" ".join(_xy(start, days, d, v) for d, v in planned),
        actual=" ".join(_xy(start, days, d, v) for d, v in steps),
    )
