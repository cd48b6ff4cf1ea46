"""Point 5: stages and conditions; a stage is refused while a condition fails, released when all hold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from conftest import TESTS
from spbe.accounts.models import VillageGovernment
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.villages.models import StageRelease
from spbe.villages.reports import activity_completion_set, report_move, report_submit
from spbe.villages.stages import (
    StageSpec,
    stage_plan_set,
    stage_release,
    stage_release_eligible,
    stage_status,
)
from spbe.villages.tests.stage_helpers import YEAR, adopted_apbdes, dana_desa, dpmd_of, realise

pytestmark = pytest.mark.django_db
D = Decimal
PLAN = [
    StageSpec("40"),
    StageSpec("40", min_absorption="50", requires_activities_done=True),
    StageSpec("20", min_absorption="75", requires_activities_done=True),
]


def plan(world: Any) -> list[Any]:
    return stage_plan_set(actor=dpmd_of(world), pemda=world.pemda_a, year=YEAR, kind="DD", stages=PLAN)


def codes_blocking(stage: Any, village: Any) -> list[str]:
    (entry,) = stage_status(stage, [village])
    return [b.code for b in entry.blockers]


def test_shares_must_add_up_to_exactly_100_and_stage_1_has_no_previous(world: Any) -> None:
    dpmd = dpmd_of(world)
    with pytest.raises(ValidationFailed, match="100"):
        stage_plan_set(
            actor=dpmd,
            pemda=world.pemda_a,
            year=YEAR,
            kind="DD",
            stages=[StageSpec("40"), StageSpec("59.99")],
        )
    with pytest.raises(ValidationFailed):
        stage_plan_set(
            actor=dpmd,
            pemda=world.pemda_a,
            year=YEAR,
            kind="DD",
            stages=[StageSpec("100", min_absorption="50")],
        )
    with pytest.raises(PermissionDenied):
        stage_plan_set(actor=world.operator_x, pemda=world.pemda_a, year=YEAR, kind="DD", stages=PLAN)
    stages = plan(world)
    assert [(s.number, s.share, s.min_absorption) for s in stages] == [
        (1, D("40.00"), None),
        (2, D("40.00"), D("50.00")),
        (3, D("20.00"), D("75.00")),
    ]
    assert AuditEntry.objects.filter(action="disbursement_stage.plan").count() == 1


def test_a_stage_is_refused_while_a_condition_fails_and_released_exactly_when_all_hold(
    world: Any, reference_year: int
) -> None:
    dpmd = dpmd_of(world)
    dana_desa(world)  # 1,000,000,001 per desa: 40/40/20 cannot be even
    one, two, three = plan(world)
    x = world.desa_x

    # Stage 1 waits for the APBDes.
    assert codes_blocking(one, x) == ["apbdes"]
    with pytest.raises(ValidationFailed, match="APBDes"):
        stage_release(actor=dpmd, stage=one, village=x)
    assert not StageRelease.objects.exists()
    adopted_apbdes(world, x, D("1000000001"))
    with pytest.raises(PermissionDenied):
        stage_release(actor=world.operator_x, stage=one, village=x)
    first = stage_release(actor=dpmd, stage=one, village=x)
    assert first.amount == D("400000001.00")  # the odd rupiah goes to the first stage (largest remainder)
    entry = AuditEntry.objects.get(action="disbursement_stage.release")
    after: Any = entry.after
    assert after["evidence"]["apbdes_adopted"] is True and after["amount"] == "400000001.00"
    with pytest.raises(Conflict):
        stage_release(actor=dpmd, stage=one, village=x)

    # Stage 2: no report yet; then a report that is not received; then absorption too low.
    assert codes_blocking(two, x) == ["report"]
    realise(x, 150_000_000, activity="02.03.01")
    report = report_submit(actor=world.operator_x, village=x, year=YEAR, period="stage", stage=one)
    assert report.absorption == D("37.49")  # 150,000,000 / 400,000,001, rounded down
    assert report.activities == ["02.03.01"]
    assert codes_blocking(two, x) == ["report", "activities"]
    report_move(actor=world.camat_x, report=report, action="camat_receive")
    report_move(actor=dpmd, report=report, action="receive")
    assert codes_blocking(two, x) == ["absorption", "activities"]
    with pytest.raises(ValidationFailed, match="Serapan"):
        stage_release(actor=dpmd, stage=two, village=x)

    # The desa spends more and reports again (after the regency returns the report), and finishes the work.
    report_move(actor=dpmd, report=report, action="return", note="Serapan belum memenuhi syarat")
    realise(x, 60_000_000, activity="02.03.02")
    report = report_submit(actor=world.operator_x, village=x, year=YEAR, period="stage", stage=one)
    report_move(actor=world.camat_x, report=report, action="camat_receive")
    report_move(actor=dpmd, report=report, action="receive")
    assert report.absorption == D("52.49")
    assert codes_blocking(two, x) == ["activities"]
    activity_completion_set(
        actor=world.operator_x, village=x, year=YEAR, activity_code="02.03.01", completed=True
    )
    assert codes_blocking(two, x) == ["activities"]  # 02.03.02 still open
    activity_completion_set(
        actor=world.operator_x, village=x, year=YEAR, activity_code="02.03.02", completed=True
    )
    assert codes_blocking(two, x) == []
    second = stage_release(actor=dpmd, stage=two, village=x)
    assert second.amount == D("400000000.00")

    # The last stage: its report, absorption 75%, every stage adds up to the allocation exactly.
    realise(x, 400_000_000, activity="02.03.02")
    report = report_submit(actor=world.operator_x, village=x, year=YEAR, period="stage", stage=two)
    report_move(actor=world.camat_x, report=report, action="camat_receive")
    report_move(actor=dpmd, report=report, action="receive")
    third = stage_release(actor=dpmd, stage=three, village=x)
    assert first.amount + second.amount + third.amount == D("1000000001.00")


def test_batch_release_releases_only_the_eligible_desa(world: Any, reference_year: int) -> None:
    dpmd = dpmd_of(world)
    dana_desa(world)
    one, _two, _three = plan(world)
    adopted_apbdes(world, world.desa_x, D("1000000001"))
    result = stage_release_eligible(actor=dpmd, stage=one)
    villages = VillageGovernment.objects.filter(pemda=world.pemda_a).count()
    assert [r.village_id for r in result.released] == [world.desa_x.pk]
    assert result.blocked == villages - 1 and result.total == D("400000001.00")
    assert StageRelease.objects.count() == 1
    assert AuditEntry.objects.filter(action="disbursement_stage.release").count() == 1
    # Nothing left to release: a second batch writes nothing.
    assert stage_release_eligible(actor=dpmd, stage=one).released == []


def test_the_plan_is_fixed_once_a_stage_is_released(world: Any, reference_year: int) -> None:
    dana_desa(world)
    one, *_rest = plan(world)
    adopted_apbdes(world, world.desa_x, D("1000000001"))
    stage_release(actor=TESTS, stage=one, village=world.desa_x)
    with pytest.raises(Conflict):
        plan(world)
