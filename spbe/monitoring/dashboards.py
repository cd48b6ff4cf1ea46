"""Dashboards of e-monitoring (issue 9 point 7): planned vs actual and the lists that need attention.

One function, :func:`dashboard`, answers for any scope the caller's access allows (a unit's own projects,
or every unit's for Bappeda and the auditor) narrowed by year, unit and kecamatan: the regency-wide, the
per-agency and the per-kecamatan dashboard are the same question asked of a different set. It reads the
status each project keeps (planned %, actual %, deviation, critical flag, recomputed when a report arrives
and daily by ``spbe contracts_refresh``) with grouped queries, so its cost does not grow with reports or
photos, only with the number of groups: a fixed handful of queries whatever the number of projects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from spbe.core.money_sql import MoneySum

from . import speed
from .models import Project

LIST_LENGTH = 25
CENT = Decimal("0.01")


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """Projects of one group: how many, their contracts, the mean planned and actual %, how many critical."""

    key: str
    name: str
    projects: int
    contract_value: Decimal
    planned: Decimal | None  # mean of the projects' planned %, 2 places (None when no project has a plan)
    actual: Decimal | None
    behind: int  # projects with actual below plan
    critical: int

    @property
    def gap(self) -> Decimal | None:
        if self.planned is None or self.actual is None:
            return None
        return self.planned - self.actual


@dataclass(frozen=True)
class Dashboard:
    total: Figures
    by_unit: list[Figures]
    by_kecamatan: list[Figures]
    critical: list[Project]  # the critical contracts, furthest behind first
    behind: list[Project]  # the other projects furthest behind plan


def _figures(key: str, name: str, row: Mapping[str, Any]) -> Figures:
    return Figures(
        key=key,
        name=name,
        projects=int(row["n"]),
        contract_value=row["value"],
        planned=_percent(row["planned"]),
        actual=_percent(row["actual"]),
        behind=int(row["behind"]),
        critical=int(row["critical"]),
    )


_MEASURES = {
    "n": Count("pk"),
    "value": MoneySum("contract__value"),
    "planned": Avg("planned_percent"),
    "actual": Avg("actual_percent"),
    "behind": Count("pk", filter=Q(deviation__gt=0)),
    "critical": Count("pk", filter=Q(is_critical=True)),
}


def dashboard(projects: QuerySet[Project]) -> Dashboard:
    """The dashboard of ``projects`` (already scoped and filtered by the caller)."""
    base = projects.order_by()
    total = _figures("", "", base.aggregate(**_MEASURES))
    by_unit = [
        _figures(row["unit__code"], row["unit__name"], row)
        for row in base.values("unit__code", "unit__name").annotate(**_MEASURES).order_by("unit__name")
    ]
    by_kecamatan = [
        _figures(
            row["village__kecamatan__district_id"] or "", row["village__kecamatan__district__name"] or "", row
        )
        for row in base.values("village__kecamatan__district_id", "village__kecamatan__district__name")
        .annotate(**_MEASURES)
        .order_by("village__kecamatan__district__name")
    ]
    listed = projects.select_related("unit", "contract").order_by("-deviation", "name", "pk")
    critical = list(listed.filter(is_critical=True)[:LIST_LENGTH])
    behind = list(listed.filter(is_critical=False, deviation__gt=0)[:LIST_LENGTH])
    return Dashboard(total, by_unit, by_kecamatan, critical, behind)


def kept_dashboard(pemda_code: str, projects: QuerySet[Project]) -> Dashboard:
    """:func:`dashboard` of ``projects``, kept per version of the pemda's dashboard data
    (:mod:`spbe.monitoring.speed`): every status recomputation that moves a figure, every verified report,
    contract and project bumps it, so a kept answer is what :func:`dashboard` would answer now.

    Keyed by the query itself (its SQL and parameters), so each scope and filter has its own entry.
    """
    sql, params = projects.query.sql_with_params()
    key = f"dashboard:{sql}:{params!r}"
    return speed.kept(speed.DASHBOARD_DATA_SET.format(pemda=pemda_code), key, lambda: dashboard(projects))
