"""Point 5 demo: staged disbursements with desa blocked for each kind of condition, reports of most desa."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from conftest import TESTS
from spbe.accounts.models import VillageGovernment
from spbe.villages.demo import seed
from spbe.villages.demo_stages import draft_codes
from spbe.villages.models import ApbdesLine, RealisationReport, StageRelease, TransferAllocation
from spbe.villages.stages import stage_status, stages_of

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_desa_blocked_for_every_kind_of_condition(world: Any, reference_year: int) -> None:
    summary = seed(world.pemda_a, actor=TESTS, year=reference_year)
    assert "pencairan" in summary
    villages = list(VillageGovernment.objects.filter(pemda=world.pemda_a).order_by("region_id"))
    stages = {(s.kind, s.number): s for s in stages_of(world.pemda_a, reference_year)}
    blockers: Counter[str] = Counter()
    for stage in stages.values():
        for entry in stage_status(stage, villages):
            blockers.update(b.code for b in entry.blockers if b.code != "previous")
    assert {"apbdes", "report", "activities", "absorption"} <= set(blockers)

    # The drafts got their transfer revenue from the adopted allocation (the point-1 service).
    for code in draft_codes([v.region_id for v in villages]):
        village = next(v for v in villages if v.region_id == code)
        dd = TransferAllocation.objects.get(
            scenario__adopted=True, scenario__kind="DD", village=village
        ).jumlah
        line = ApbdesLine.objects.filter(apbdes__village=village, account_code__startswith="4.2.1").aggregate(
            s=Sum("amount")
        )["s"]
        assert line == dd
    # Releases never exceed a desa's allocation, and those with every stage add up to it exactly.
    released = (
        StageRelease.objects.filter(stage__kind="DD").values("village_id").annotate(total=Sum("amount"))
    )
    allocation = dict(
        TransferAllocation.objects.filter(scenario__adopted=True, scenario__kind="DD").values_list(
            "village_id", "jumlah"
        )
    )
    full = set(StageRelease.objects.filter(stage=stages[("DD", 3)]).values_list("village_id", flat=True))
    assert full
    for row in released:
        assert row["total"] <= allocation[row["village_id"]]
        if row["village_id"] in full:
            assert row["total"] == allocation[row["village_id"]]
    reports = Counter(RealisationReport.objects.filter(period="semester1").values_list("state", flat=True))
    assert reports["received"] > len(villages) // 2 and sum(reports.values()) < len(villages)
    assert Decimal(0) < sum((r.amount for r in StageRelease.objects.all()), Decimal(0))
    # Safe to run again.
    count = StageRelease.objects.count()
    seed(world.pemda_a, actor=TESTS, year=reference_year)
    assert StageRelease.objects.count() == count
