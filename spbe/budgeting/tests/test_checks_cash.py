"""Balance and mandatory-spending checks with the lines behind them, per-year thresholds, cash plan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spbe.budgeting.imports import budget_import
from spbe.budgeting.models import BudgetRules, BudgetVersion, CashPlan, Rka, RkaLine
from spbe.budgeting.selectors import CauseLine, Check, checks
from spbe.budgeting.services import (
    cash_plan_set,
    line_review,
    rka_submit,
    rka_verify,
    rules_set,
    version_adopt,
)
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed

from .conftest import UNIT_A, UNIT_A2, YEAR, row, write_csv
from .helpers import ROAD, SYSTEM

PERSONNEL, ATK, JALAN = "5.1.01.01.01.0001", "5.1.02.01.01.0024", "5.2.04.01.01.0001"
ROWS = [
    row(UNIT_A, "1.03.01.2.02.0001", PERSONNEL, "1", "300"),
    row(UNIT_A, ROAD, JALAN, "1", "400"),
    row(UNIT_A, "1.03.02.2.01.0002", ATK, "1", "100"),
    row(UNIT_A2, "1.01.02.2.01.0001", ATK, "1", "200"),
    row(UNIT_A2, "1.01.01.2.02.0001", PERSONNEL, "1", "100"),
    row(UNIT_A, "", "4.1.01.09.01.0001", "1", "1000"),
    row(UNIT_A2, "", "6.1.01.01.01.0001", "1", "150"),
    row(UNIT_A2, "", "6.2.02.01.01.0001", "1", "50"),
]


@pytest.fixture
def version(world, ref2028, tmp_path) -> BudgetVersion:
    budget_import(actor=SYSTEM, pemda=world.pemda_a, year=YEAR, path=write_csv(tmp_path / "a.csv", ROWS))
    return BudgetVersion.objects.get(pemda=world.pemda_a, year=YEAR)


def by_name(version: BudgetVersion) -> dict[str, Check]:
    return {check.name: check for check in checks(version)}


def test_checks_with_the_domain_defaults_and_the_lines_behind_them(version):
    found = by_name(version)
    # Spending 1.100, revenue 1.000: a deficit of 100 covered by net financing 150 - 50; SiLPA 0.
    assert found["silpa"].ok and found["silpa"].amount == 0
    assert found["defisit_tertutup"].ok and found["defisit_tertutup"].amount == Decimal("-100.00")
    personnel = found["belanja_pegawai"]
    assert (personnel.ok, personnel.percent, personnel.threshold) == (False, Decimal("36.36"), Decimal("30"))
    assert personnel.lines == (
        CauseLine(UNIT_A, "1.03.01.2.02.0001", PERSONNEL, Decimal("300.00")),
        CauseLine(UNIT_A2, "1.01.01.2.02.0001", PERSONNEL, Decimal("100.00")),
    )
    infra = found["belanja_infrastruktur"]
    assert (infra.ok, infra.amount, infra.base, infra.percent) == (
        False,
        Decimal("400.00"),
        Decimal("1100.00"),
        Decimal("36.36"),
    )
    assert [line.account for line in infra.lines] == [JALAN]
    education = found["fungsi_pendidikan"]
    assert (education.ok, education.amount, education.percent) == (True, Decimal("300.00"), Decimal("27.27"))


def test_thresholds_are_set_per_year(version, world):
    rules_set(
        actor=world.tapd_a,
        pemda=world.pemda_a,
        year=YEAR - 1,
        personnel_max="50",
        infrastructure_min="0",
        education_min="0",
    )
    assert not by_name(version)["belanja_pegawai"].ok  # another year's rules do not apply
    rules_set(
        actor=world.tapd_a,
        pemda=world.pemda_a,
        year=YEAR,
        personnel_max="36,37",
        infrastructure_min="36.36",
        education_min="27.28",
    )
    found = by_name(version)
    assert found["belanja_pegawai"].ok and found["belanja_infrastruktur"].ok
    assert not found["fungsi_pendidikan"].ok  # 27,27...% < 27,28%
    with pytest.raises(ValidationFailed):
        rules_set(
            actor=world.tapd_a,
            pemda=world.pemda_a,
            year=YEAR,
            personnel_max="101",
            infrastructure_min="1",
            education_min="1",
        )
    with pytest.raises(PermissionDenied):
        rules_set(
            actor=world.agency_head_a,
            pemda=world.pemda_a,
            year=YEAR,
            personnel_max="1",
            infrastructure_min="1",
            education_min="1",
        )
    assert BudgetRules.objects.get(pemda=world.pemda_a, year=YEAR).personnel_max == Decimal("36.37")


def test_an_unbalanced_budget_fails_the_balance_checks(world, ref2028, tmp_path):
    budget_import(actor=SYSTEM, pemda=world.pemda_a, year=YEAR, path=write_csv(tmp_path / "b.csv", ROWS[:6]))
    found = by_name(BudgetVersion.objects.get(pemda=world.pemda_a, year=YEAR))
    assert not found["silpa"].ok and found["silpa"].amount == Decimal("-100.00")
    assert not found["defisit_tertutup"].ok


def _adopt(version: BudgetVersion) -> None:
    for rka in Rka.objects.filter(version=version):
        rka_submit(actor=SYSTEM, rka=rka)
        for line in RkaLine.objects.filter(rka=rka):
            line_review(actor=SYSTEM, line=line, accept=True)
        rka_verify(actor=SYSTEM, rka=rka)
    version_adopt(actor=SYSTEM, version=version)


def test_cash_plan_months_always_sum_to_the_amount(world, ref2028, tmp_path):
    rows = [row(UNIT_A, ROAD, JALAN, "1", "1000000.07")]
    budget_import(actor=SYSTEM, pemda=world.pemda_a, year=YEAR, path=write_csv(tmp_path / "c.csv", rows))
    version = BudgetVersion.objects.get(pemda=world.pemda_a, year=YEAR)
    with pytest.raises(Conflict, match="ditetapkan"):
        cash_plan_set(actor=SYSTEM, version=version, unit=world.unit_a, sub_kegiatan=ROAD)
    _adopt(version)
    with pytest.raises(PermissionDenied):
        cash_plan_set(actor=world.agency_operator_a2, version=version, unit=world.unit_a, sub_kegiatan=ROAD)
    cash_plan_set(actor=world.agency_operator_a, version=version, unit=world.unit_a, sub_kegiatan=ROAD)
    months = list(CashPlan.objects.filter(version=version).order_by("month").values_list("amount", flat=True))
    # 100.000.007 sen over 12: eleven months of 8.333.334 sen and one of 8.333.333.
    assert months == [Decimal("83333.34")] * 11 + [Decimal("83333.33")]
    assert sum(months) == Decimal("1000000.07")

    cash_plan_set(actor=SYSTEM, version=version, unit=world.unit_a, sub_kegiatan=ROAD, weights={6: 1, 12: 2})
    plan = dict(CashPlan.objects.filter(version=version).values_list("month", "amount"))
    assert sum(plan.values()) == Decimal("1000000.07") and len(plan) == 12
    assert (plan[6], plan[12]) == (Decimal("333333.36"), Decimal("666666.71"))
    assert all(plan[m] == 0 for m in plan if m not in (6, 12))

    wrong = dict.fromkeys(range(1, 13), "83333.34")
    with pytest.raises(ValidationFailed, match="selisih"):
        cash_plan_set(actor=SYSTEM, version=version, unit=world.unit_a, sub_kegiatan=ROAD, months=wrong)
    assert sum(CashPlan.objects.filter(version=version).values_list("amount", flat=True)) == Decimal(
        "1000000.07"
    )
    exact = wrong | {12: "83333.33"}
    cash_plan_set(actor=SYSTEM, version=version, unit=world.unit_a, sub_kegiatan=ROAD, months=exact)
    assert CashPlan.objects.get(version=version, month=12).amount == Decimal("83333.33")
