"""Recounting a budget version from its detail rows: every line total and every ceiling, exactly.

Line amounts are kept up to date by the services (a line is the exact sum of its detail rows, changed in
the same transaction as the row), so pages and checks read them without summing 50,000 rows. This is the
other side of that bargain: a recount from the rows themselves, for TAPD before adoption, for an auditor,
and for the benchmark of "recomputing every total" (issue 7). It reads three queries (detail rows summed per
line by the database, the lines, the ceilings) and compares in Python with exact decimals; it never writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from spbe.core.money_sql import MoneySum

from . import calc
from .models import BudgetVersion, Ceiling, RkaDetail, RkaLine

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineMismatch:
    line_id: int
    unit_code: str
    sub_kegiatan: str
    account: str
    stored: Decimal
    from_details: Decimal


@dataclass(frozen=True)
class CeilingUse:
    unit_code: str
    code: str  # "" for the agency's whole ceiling
    amount: Decimal
    used: Decimal

    @property
    def breached(self) -> bool:
        return self.used > self.amount


@dataclass(frozen=True)
class Recount:
    lines: int
    details: int
    total: Decimal  # every line's detail rows summed, revenue, spending and financing together
    mismatches: tuple[LineMismatch, ...]
    ceilings: tuple[CeilingUse, ...]

    @property
    def breaches(self) -> tuple[CeilingUse, ...]:
        return tuple(c for c in self.ceilings if c.breached)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.breaches


def recount(version: BudgetVersion) -> Recount:
    """Sum every detail row into its line and every expenditure line into the ceilings above it."""
    from_details: dict[int, Decimal] = {}
    details = 0
    for line_id, amount, count in _detail_sums(version):
        from_details[line_id] = amount
        details += count
    mismatches: list[LineMismatch] = []
    # (unit id, sub-kegiatan) -> expenditure by the recount, the sum the ceilings are held against.
    spending: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    lines = 0
    total = ZERO
    rows = RkaLine.objects.filter(version=version).values_list(
        "pk", "unit_id", "unit__code", "sub_kegiatan", "account", "amount"
    )
    for pk, unit_id, unit_code, sub, account, stored in rows.iterator(chunk_size=5_000):
        lines += 1
        counted = from_details.get(pk, ZERO)
        total += counted
        if counted != stored:
            mismatches.append(LineMismatch(pk, unit_code, sub, account, stored, counted))
        if account.startswith(calc.EXPENDITURE):
            spending[unit_id][sub] += counted
    ceilings = []
    for unit_id, unit_code, code, amount in (
        Ceiling.objects.filter(version=version)
        .order_by("unit__code", "code")
        .values_list("unit_id", "unit__code", "code", "amount")
    ):
        under = spending.get(unit_id, {})
        used = sum(
            (value for sub, value in under.items() if not code or sub == code or sub.startswith(f"{code}.")),
            ZERO,
        )
        ceilings.append(CeilingUse(unit_code, code, amount, used))
    return Recount(lines, details, total, tuple(mismatches), tuple(ceilings))


def _detail_sums(version: BudgetVersion) -> list[tuple[int, Decimal, int]]:
    # Summed by the database from the detail rows themselves (integer sen, exact), one row per line: a
    # computation independent of the line totals the services keep, without carrying 50,000 rows into
    # Python (the recount must take under a second at that size).
    return list(
        RkaDetail.objects.filter(line__version=version)
        .order_by()
        .values("line_id")
        .annotate(total=MoneySum("amount"), count=Count("pk"))
        .values_list("line_id", "total", "count")
    )
