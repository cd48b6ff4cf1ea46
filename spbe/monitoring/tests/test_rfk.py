"""Monthly RFK per sub-kegiatan: domain guide 5's formulas exactly, on the DPA, cash plan and SP2D of
e-budgeting and the verified progress of the sub-kegiatan's projects; divergence flagged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from spbe.budgeting.services import cash_plan_set
from spbe.budgeting.tests.conftest import ref2028  # noqa: F401  (the 2028 reference fixture)
from spbe.budgeting.tests.helpers import ROAD, ROAD_2, SYSTEM
from spbe.budgeting.tests.realisation_fixtures import EDU, adopted_2028, pay
from spbe.core.errors import NotFound
from spbe.monitoring import rfk, services
from spbe.monitoring.rules import two_decimals

from .helpers import SITE

pytestmark = pytest.mark.django_db
TODAY_2028 = dt.date(2028, 6, 30)


def test_the_formulas_of_domain_guide_5():
    assert rfk.financial_percent(Decimal("250000.00"), Decimal("1000000.00")) == 25
    assert rfk.target_percent(Decimal("1.00"), Decimal("3.00")) == Fraction(100, 3)
    assert rfk.financial_percent(Decimal("5.00"), Decimal("0.00")) is None
    assert rfk.deviation_percent(Fraction(40), Fraction(30)) == 25
    assert rfk.deviation_percent(None, Fraction(30)) == 100  # no target (no DPA)
    assert rfk.deviation_percent(Fraction(0), Fraction(0)) == 100  # nothing planned yet
    assert rfk.deviation_percent(Fraction(40), Fraction(50)) == -25  # ahead of plan
    assert rfk.physical_value(Fraction(30), Decimal("1000000.50")) == Decimal("300000.15")
    assert rfk.physical_value(Fraction(1, 3), Decimal("0.03")) == Decimal("0.00")
    assert rfk.physical_value(Fraction(50), Decimal("0.01")) == Decimal("0.01")  # 0.005 half up
    assert rfk.physical_value(None, Decimal("100.00")) == Decimal("0.00")
    limit = Fraction(20)
    assert rfk.divergence(Fraction(10), Fraction(30), limit) == ""  # exactly 20 points: not flagged
    assert rfk.divergence(Fraction(10), Fraction(3001, 100), limit) == rfk.PAID_NOT_BUILT
    assert rfk.divergence(Fraction(5001, 100), Fraction(30), limit) == rfk.BUILT_NOT_PAID
    assert rfk.divergence(None, Fraction(30), limit) == ""


@pytest.fixture
def budget_2028(world, tmp_path, ref2028, monkeypatch):  # noqa: F811
    monkeypatch.setattr(services, "pemda_today", lambda pemda: TODAY_2028)
    version = adopted_2028(world, tmp_path)
    months = dict.fromkeys(range(1, 13), "0")
    months.update({2: "100000", 3: "200000.50", 4: "300000", 5: "400000"})
    cash_plan_set(actor=SYSTEM, version=version, unit=world.unit_a, sub_kegiatan=ROAD, months=months)
    pay(world, "SP2D-0001", "250000", day=dt.date(2028, 3, 1))
    pay(
        world,
        "SP2D-0002",
        "50000",
        day=dt.date(2028, 2, 1),
        sub=EDU,
        unit=world.unit_a2,
        account="5.1.02.01.01.0024",
    )
    return version


def _road_project(world, monitors, percent, *, value="800000000"):
    project = services.project_create(
        actor=world.agency_operator_a,
        unit=world.unit_a,
        year=2028,
        sub_kegiatan_code=ROAD,
        name="Jalan Rogojampi",
        location_kind="point",
        points=[SITE],
    )
    services.contract_create(
        actor=world.agency_operator_a,
        project=project,
        method="penyedia",
        number=f"028/PU/{project.pk}",
        vendor_name="CV Jaya",
        value=value,
        signed_on=dt.date(2028, 2, 1),
        starts_on=dt.date(2028, 2, 5),
        ends_on=dt.date(2028, 10, 31),
        ocid=f"ocds-abc123-2028-{project.pk}",
    )
    report = services.report_submit(
        actor=monitors.supervisor, project=project, reported_on=dt.date(2028, 3, 20), percent=percent
    )
    services.report_verify(actor=world.agency_head_a, report=report)
    return project


def test_the_rfk_of_an_agency_for_march(world, monitors, budget_2028):
    _road_project(world, monitors, "30")
    _road_project(world, monitors, "0", value="200000000")  # weighted by contract value: 30 x 0.8 = 24%
    report = rfk.rfk(world.pemda_a, 2028, 3, rfk.rfk_units_for_user(world.agency_operator_a, world.pemda_a))
    road = next(r for r in report.rows if r.sub_kegiatan == ROAD)
    assert (road.dpa, road.cash_plan, road.paid) == (
        Decimal("1000000.50"),
        Decimal("300000.50"),
        Decimal("250000.00"),
    )
    assert road.target == Fraction("300000.50") / Fraction("1000000.50") * 100
    assert road.achievement == Fraction(250000) / Fraction("1000000.50") * 100
    assert road.deviation == Fraction("50000.50") / Fraction("300000.50") * 100
    assert two_decimals(road.deviation) == "16.67"
    assert road.physical == 24 and road.projects == 2
    assert road.physical_value == Decimal("240000.12")  # 24% of 1,000,000.50 = 240,000.12, half up
    assert road.divergence == ""
    other = next(r for r in report.rows if r.sub_kegiatan == ROAD_2)
    assert (other.target, other.achievement, other.deviation, other.physical) == (0, 0, 100, None)
    # Unit A's officer sees unit A only: unit A2's education payments are not in their RFK.
    assert {r.unit.pk for r in report.rows} == {world.unit_a.pk}
    assert report.total is not None and report.total.paid == Decimal("250000.00")
    # February: nothing paid yet against 100,000 planned.
    february = rfk.rfk(world.pemda_a, 2028, 2, [world.unit_a])
    road_feb = next(r for r in february.rows if r.sub_kegiatan == ROAD)
    assert (road_feb.paid, road_feb.deviation) == (Decimal("0.00"), 100)


def test_divergence_threshold_is_a_setting(world, monitors, budget_2028, settings):
    _road_project(world, monitors, "30")
    settings.SPBE_MONITORING_DIVERGENCE_POINTS = Decimal("4")
    road = next(r for r in rfk.rfk(world.pemda_a, 2028, 3, [world.unit_a]).rows if r.sub_kegiatan == ROAD)
    assert road.divergence == rfk.BUILT_NOT_PAID  # built 30%, paid 24.99999%
    pay(world, "SP2D-0003", "500000", day=dt.date(2028, 3, 30))
    road = next(r for r in rfk.rfk(world.pemda_a, 2028, 3, [world.unit_a]).rows if r.sub_kegiatan == ROAD)
    assert road.divergence == rfk.PAID_NOT_BUILT  # paid 74.99996%, built 30%


def test_who_reads_which_agencies(world, monitors):
    assert [u.pk for u in rfk.rfk_units_for_user(world.agency_operator_a, world.pemda_a)] == [world.unit_a.pk]
    everyone = {u.pk for u in rfk.rfk_units_for_user(monitors.planner, world.pemda_a)}
    assert {world.unit_a.pk, world.unit_a2.pk} <= everyone
    with pytest.raises(NotFound):
        rfk.rfk_units_for_user(world.agency_operator_a, world.pemda_a, world.unit_a2.pk)
    for outsider in (world.officer_b, world.kades_x, world.camat_x, world.tapd_a):
        with pytest.raises(NotFound):
            rfk.rfk_units_for_user(outsider, world.pemda_a)
