"""The recount from detail rows finds a line total or a ceiling that does not hold, and nothing else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spbe.budgeting.imports import budget_import
from spbe.budgeting.integrity import CeilingUse, recount
from spbe.budgeting.models import BudgetVersion, Ceiling, RkaLine
from spbe.budgeting.services import ceiling_set, version_create

from .conftest import UNIT_A, UNIT_A2, YEAR, row, write_csv
from .helpers import ROAD, SYSTEM

JALAN, ATK = "5.2.04.01.01.0001", "5.1.02.01.01.0024"
ROWS = [
    row(UNIT_A, ROAD, JALAN, "2", "400.25"),
    row(UNIT_A, ROAD, JALAN, "1", "99.50"),
    row(UNIT_A, "1.03.02.2.01.0002", ATK, "3", "100"),
    row(UNIT_A2, "1.01.02.2.01.0001", ATK, "1", "200"),
    row(UNIT_A, "", "4.1.01.09.01.0001", "1", "1000"),
]


@pytest.fixture
def version(world, ref2028, tmp_path) -> BudgetVersion:
    draft = version_create(actor=SYSTEM, pemda=world.pemda_a, year=YEAR)
    ceiling_set(actor=SYSTEM, version=draft, unit=world.unit_a, code="", amount=Decimal("1300"))
    ceiling_set(actor=SYSTEM, version=draft, unit=world.unit_a, code="1.03.02.2.01", amount=Decimal("1200"))
    budget_import(
        actor=SYSTEM, pemda=world.pemda_a, year=YEAR, path=write_csv(tmp_path / "a.csv", ROWS), replace=True
    )
    return BudgetVersion.objects.get(pemda=world.pemda_a, year=YEAR)


def test_a_budget_kept_by_the_services_recounts_exactly(version, world):
    result = recount(version)
    assert result.ok
    assert (result.lines, result.details) == (4, 5)
    assert result.total == Decimal("2400.00")  # 800.50 + 99.50 + 300 + 200 + 1000
    assert result.ceilings == (
        CeilingUse(UNIT_A, "", Decimal("1300.00"), Decimal("1200.00")),
        CeilingUse(UNIT_A, "1.03.02.2.01", Decimal("1200.00"), Decimal("1200.00")),  # exactly full: holds
    )


def test_a_line_total_out_of_step_with_its_rows_is_found(version):
    road = RkaLine.objects.get(version=version, sub_kegiatan=ROAD)
    RkaLine.objects.filter(pk=road.pk).update(amount=Decimal("900.01"))  # behind the services' back
    result = recount(version)
    assert not result.ok
    (mismatch,) = result.mismatches
    assert (mismatch.line_id, mismatch.stored, mismatch.from_details) == (
        road.pk,
        Decimal("900.01"),
        Decimal("900.00"),
    )


def test_a_ceiling_below_what_its_lines_hold_is_a_breach(version, world):
    Ceiling.objects.filter(version=version, unit=world.unit_a, code="1.03.02.2.01").update(
        amount=Decimal("1199.99")
    )
    (breach,) = recount(version).breaches
    assert (breach.code, breach.used, breach.amount) == (
        "1.03.02.2.01",
        Decimal("1200.00"),
        Decimal("1199.99"),
    )
