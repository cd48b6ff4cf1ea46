"""Monthly RFK (realisasi fisik dan keuangan) per sub-kegiatan, with domain guide 5's formulas exactly.

For a month ``m`` of year ``y`` (everything up to the month's last day):

- DPA amount: the sub-kegiatan's expenditure in the newest version adopted by then
  (:func:`spbe.budgeting.realisation.dpa_by_sub_kegiatan`);
- cash plan: the sum of its :class:`~spbe.budgeting.models.CashPlan` months 1..m in that same version;
- realised payments: net SP2D dated up to the month's end (:func:`~spbe.budgeting.realisation
  .spending_by_sub_kegiatan`);
- financial achievement % = payments / DPA x 100; target % = cash plan / DPA x 100 (both none without a
  DPA amount);
- deviation % = (target % - achievement %) / target % x 100, and 100 when there is no target (no DPA, or
  nothing planned yet);
- physical %: the sub-kegiatan's projects' latest verified progress by the month's end, weighted by
  contract value (equally when no project has a value); none when it has no project;
- value of physical progress (Rp) = physical % / 100 x DPA amount, per sub-kegiatan, rounded half up to
  the sen once; the agency's value is the sum of its rows, and its physical % that sum / DPA x 100;
- divergence: financial achievement more than ``SPBE_MONITORING_DIVERGENCE_POINTS`` percentage points (20
  by default) ahead of physical progress is "paid but not built", behind it "built but not paid".

Percentages are exact :class:`~fractions.Fraction` values until they are shown (2 decimals, half up).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.accounts.access import scope_in
from spbe.accounts.models import PEMDA_ROLES, Pemda, PerangkatDaerah
from spbe.budgeting.models import CashPlan
from spbe.budgeting.realisation import dpa_by_sub_kegiatan, newest_adopted, spending_by_sub_kegiatan
from spbe.core.actors import MaybeActor, is_system
from spbe.core.errors import NotFound, ValidationFailed
from spbe.core.money import from_sen
from spbe.core.money_sql import MoneySum
from spbe.reference.models import Nomenclature

from . import speed
from .access import PROJECT
from .models import ProgressReport, Project, ReportState
from .rules import two_decimals

HUNDRED = Fraction(100)
CENT = Decimal("0.01")
PAID_NOT_BUILT = "paid_not_built"
BUILT_NOT_PAID = "built_not_paid"
DIVERGENCE_LABELS = {
    PAID_NOT_BUILT: gettext_lazy("Dibayar, belum dibangun"),
    BUILT_NOT_PAID: gettext_lazy("Dibangun, belum dibayar"),
}


def percent_text(value: Fraction | None) -> str | None:
    """2 decimals, half up (the rule's own rounding); None stays None."""
    return None if value is None else two_decimals(value)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def check_period(year: int, month: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationFailed(_("Tahun harus antara 2000 dan 2100."), field="year")
    if not 1 <= month <= 12:
        raise ValidationFailed(_("Bulan harus 1 sampai 12."), field="month")


def financial_percent(paid: Decimal, dpa: Decimal) -> Fraction | None:
    """Financial achievement % = realised payments / DPA amount x 100; none without a DPA amount."""
    return Fraction(paid) / Fraction(dpa) * HUNDRED if dpa else None


def target_percent(cash_plan: Decimal, dpa: Decimal) -> Fraction | None:
    """Target % = cumulative cash plan / DPA amount x 100; none without a DPA amount."""
    return Fraction(cash_plan) / Fraction(dpa) * HUNDRED if dpa else None


def deviation_percent(target: Fraction | None, achievement: Fraction | None) -> Fraction:
    """(target % - achievement %) / target % x 100; 100 when there is no target."""
    if not target:
        return HUNDRED
    return (target - (achievement or Fraction(0))) / target * HUNDRED


def physical_value(physical: Fraction | None, dpa: Decimal) -> Decimal:
    """Value of physical progress (Rp) = physical % / 100 x budget, half up to the sen."""
    if physical is None:
        return Decimal("0.00")
    sen = physical / HUNDRED * Fraction(dpa) * 100
    # Half up, in integers: the exact value is never passed through a rounded Decimal division first.
    return from_sen(math.floor(sen + Fraction(1, 2)) if sen >= 0 else -math.floor(-sen + Fraction(1, 2)))


def divergence(physical: Fraction | None, financial: Fraction | None, threshold: Fraction) -> str:
    if physical is None or financial is None:
        return ""
    if financial - physical > threshold:
        return PAID_NOT_BUILT
    if physical - financial > threshold:
        return BUILT_NOT_PAID
    return ""


@dataclass(frozen=True)
class RfkRow:
    unit: PerangkatDaerah
    sub_kegiatan: str
    name: str
    dpa: Decimal
    cash_plan: Decimal
    paid: Decimal
    target: Fraction | None
    achievement: Fraction | None
    deviation: Fraction
    physical: Fraction | None
    physical_value: Decimal
    projects: int
    divergence: str

    @property
    def divergence_label(self) -> str:
        return str(DIVERGENCE_LABELS[self.divergence]) if self.divergence else ""


@dataclass(frozen=True)
class RfkTotal:
    unit: PerangkatDaerah | None
    dpa: Decimal
    cash_plan: Decimal
    paid: Decimal
    target: Fraction | None
    achievement: Fraction | None
    deviation: Fraction
    physical_value: Decimal
    physical: Fraction | None


@dataclass
class Rfk:
    pemda: Pemda
    year: int
    month: int
    until: dt.date
    threshold: Fraction
    rows: list[RfkRow] = field(default_factory=list)
    units: list[RfkTotal] = field(default_factory=list)
    total: RfkTotal | None = None

    @property
    def divergent(self) -> list[RfkRow]:
        return [r for r in self.rows if r.divergence]


def threshold() -> Fraction:
    return Fraction(str(settings.SPBE_MONITORING_DIVERGENCE_POINTS))


def _cash_plan(
    pemda: Pemda, year: int, month: int, until: dt.date, units: list[int]
) -> dict[tuple[int, str], Decimal]:
    version = newest_adopted(pemda, year, on=until)
    if version is None:
        return {}
    rows = (
        CashPlan.objects.filter(version=version, month__lte=month, unit_id__in=units)
        .values("unit_id", "sub_kegiatan")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    return {(r["unit_id"], r["sub_kegiatan"]): r["total"] for r in rows}


def _physical(
    pemda: Pemda, year: int, until: dt.date, units: list[int]
) -> dict[tuple[int, str], tuple[Fraction, int]]:
    """Per (unit, sub-kegiatan): the contract-value-weighted latest verified % by ``until``, and the count.

    Kept per version of the pemda's dashboard data (:mod:`spbe.monitoring.speed`), which every change to
    a verified report, a contract or a project bumps.
    """
    key = f"rfk-physical:{year}:{until.isoformat()}:{','.join(map(str, sorted(units)))}"
    return speed.kept(
        speed.DASHBOARD_DATA_SET.format(pemda=pemda.code),
        key,
        lambda: _physical_now(pemda, year, until, units),
    )


def _physical_now(
    pemda: Pemda, year: int, until: dt.date, units: list[int]
) -> dict[tuple[int, str], tuple[Fraction, int]]:
    # Each project keeps its latest verified report (speed.refresh_verified): when that is dated by
    # ``until`` it is also the latest by then. Only projects verified later (a past month's RFK) look for
    # their latest verified report by ``until`` among the reports.
    projects = list(
        Project.objects.filter(pemda=pemda, year=year, unit_id__in=units)
        .order_by()
        .values_list(
            "pk", "unit_id", "sub_kegiatan_code", "verified_percent", "verified_on", "contract__value"
        )
    )
    later = [pk for pk, _u, _c, _v, on, _w in projects if on is not None and on > until]
    earlier: dict[int, Decimal | None] = {}
    if later:
        latest = (
            ProgressReport.objects.filter(
                project=OuterRef("pk"), state=ReportState.VERIFIED, reported_on__lte=until
            )
            .order_by("-reported_on", "-pk")
            .values("percent")[:1]
        )
        for start in range(0, len(later), 500):
            earlier.update(
                Project.objects.filter(pk__in=later[start : start + 500])
                .annotate(verified=Subquery(latest))
                .values_list("pk", "verified")
            )
    grouped: dict[tuple[int, str], list[tuple[Fraction, Fraction]]] = defaultdict(list)
    for pk, unit_id, code, stored, on, value in projects:
        verified = earlier.get(pk) if on is not None and on > until else stored
        # SQLite hands a subquery's decimal back unscaled: every stored % has 2 places.
        percent = Fraction(Decimal(verified).quantize(CENT)) if verified is not None else Fraction(0)
        grouped[(unit_id, code)].append((percent, Fraction(value or 0)))
    result: dict[tuple[int, str], tuple[Fraction, int]] = {}
    for key, items in grouped.items():
        weight = sum((w for _p, w in items), Fraction(0))
        if weight:
            physical = sum((p * w for p, w in items), Fraction(0)) / weight
        else:
            physical = sum((p for p, _w in items), Fraction(0)) / len(items)
        result[key] = (physical, len(items))
    return result


def _names(year: int, codes: set[str]) -> dict[str, str]:
    return dict(Nomenclature.objects.filter(year=year, code__in=codes).values_list("code", "name"))


def _total(unit: PerangkatDaerah | None, rows: list[RfkRow]) -> RfkTotal:
    zero = Decimal("0.00")
    dpa = sum((r.dpa for r in rows), zero)
    cash = sum((r.cash_plan for r in rows), zero)
    paid = sum((r.paid for r in rows), zero)
    value = sum((r.physical_value for r in rows), zero)
    target = target_percent(cash, dpa)
    achievement = financial_percent(paid, dpa)
    return RfkTotal(
        unit=unit,
        dpa=dpa,
        cash_plan=cash,
        paid=paid,
        target=target,
        achievement=achievement,
        deviation=deviation_percent(target, achievement),
        physical_value=value,
        physical=Fraction(value) / Fraction(dpa) * HUNDRED if dpa else None,
    )


def rfk(pemda: Pemda, year: int, month: int, units: list[PerangkatDaerah]) -> Rfk:
    """The RFK of ``units`` for the month (rows sorted by unit code, then sub-kegiatan code)."""
    check_period(year, month)
    until = month_end(year, month)
    ids = [u.pk for u in units]
    by_id = {u.pk: u for u in units}
    dpa = {k: v for k, v in dpa_by_sub_kegiatan(pemda, year, on=until).items() if k[0] in by_id}
    paid = {k: v for k, v in spending_by_sub_kegiatan(pemda, year, until=until).items() if k[0] in by_id}
    cash = _cash_plan(pemda, year, month, until, ids)
    physical = _physical(pemda, year, until, ids)
    keys = sorted(set(dpa) | set(paid) | set(cash) | set(physical), key=lambda k: (by_id[k[0]].code, k[1]))
    names = _names(year, {k[1] for k in keys})
    limit = threshold()
    report = Rfk(pemda=pemda, year=year, month=month, until=until, threshold=limit)
    zero = Decimal("0.00")
    for key in keys:
        amount = dpa.get(key, zero)
        planned = cash.get(key, zero)
        spent = paid.get(key, zero)
        target = target_percent(planned, amount)
        achievement = financial_percent(spent, amount)
        phys, count = physical.get(key, (None, 0))
        report.rows.append(
            RfkRow(
                unit=by_id[key[0]],
                sub_kegiatan=key[1],
                name=names.get(key[1], ""),
                dpa=amount,
                cash_plan=planned,
                paid=spent,
                target=target,
                achievement=achievement,
                deviation=deviation_percent(target, achievement),
                physical=phys,
                physical_value=physical_value(phys, amount),
                projects=count,
                divergence=divergence(phys, achievement, limit),
            )
        )
    for unit in sorted(units, key=lambda u: u.code):
        mine = [r for r in report.rows if r.unit.pk == unit.pk]
        if mine:
            report.units.append(_total(unit, mine))
    report.total = _total(None, report.rows)
    return report


def rfk_units_for_user(user: MaybeActor, pemda: Pemda, unit_id: int | None = None) -> list[PerangkatDaerah]:
    """The agencies whose RFK and E.81 the user may read (PROJECT ``view``): every agency for Bappeda and
    the auditor, else their own; NotFound for anyone with no such role here, or for a unit outside it."""
    scope = scope_in(user, pemda)
    viewers = PROJECT.capabilities["view"]
    units: QuerySet[PerangkatDaerah] = PerangkatDaerah.objects.filter(pemda=pemda).exclude(
        kind=PerangkatDaerah.Kind.KECAMATAN
    )
    if not (is_system(user) or any(g.role in viewers and g.role in PEMDA_ROLES for g in scope.grants)):
        mine = {g.unit_id for g in scope.grants if g.role in viewers and g.unit_id is not None}
        if not mine:
            raise NotFound(_("Halaman tidak ditemukan."))
        units = units.filter(pk__in=mine)
    if unit_id is not None:
        units = units.filter(pk=unit_id)
        if not units.exists():
            raise NotFound(_("Perangkat daerah tidak ditemukan."))
    return list(units.order_by("code"))
