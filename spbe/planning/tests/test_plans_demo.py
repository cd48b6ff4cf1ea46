"""The demo plans: the RPJMD 2026-2030, Renstra of a few agencies, and the RKPD 2028 funding every accepted
proposal of the demo season, built through the imports and safe to seed twice."""

from __future__ import annotations

import pytest

from spbe.accounts.demo import SEED, seed_banyuwangi
from spbe.accounts.models import Pemda
from spbe.planning import demo, demo_plans
from spbe.planning.models import Proposal, Stage
from spbe.planning.models_plans import Plan, PlanFunding, PlanKind, PlanRow

pytestmark = pytest.mark.django_db


def test_the_demo_builds_the_rkpd_from_the_accepted_proposals(regions, monkeypatch):
    monkeypatch.setattr(demo, "PER_DESA", 2)
    monkeypatch.setattr(demo, "HISTORY", ())
    monkeypatch.setattr(demo, "POKIR", 6)
    monkeypatch.setattr(demo, "QUOTA", 5)
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    summary = demo.seed(pemda, actor=SEED)
    assert "RKPD 2028" in summary

    rpjmd = Plan.objects.get(pemda=pemda, kind=PlanKind.RPJMD)
    assert (rpjmd.year, rpjmd.is_frozen, rpjmd.vision) == (2026, True, demo_plans.VISION)
    assert PlanRow.objects.filter(plan=rpjmd, row_kind="program").exists()
    renstra = Plan.objects.filter(pemda=pemda, kind=PlanKind.RENSTRA)
    assert renstra.count() == len(demo_plans.RENSTRA_UNITS) and all(p.parent == rpjmd for p in renstra)
    rkpd = Plan.objects.get(pemda=pemda, kind=PlanKind.RKPD, year=2028)
    assert rkpd.is_frozen
    accepted = Proposal.objects.filter(pemda=pemda, year=2028, state=Stage.ACCEPTED)
    assert accepted.exists()
    # Every accepted proposal is funded by an item of its own agency, within the item's ceiling.
    assert PlanFunding.objects.filter(item__plan=rkpd).count() == accepted.count()
    for link in PlanFunding.objects.select_related("proposal", "item"):
        assert link.item.unit_id == link.proposal.suggested_unit_id
        assert link.item.location_id == link.proposal.village.kecamatan.district_id
    for item in PlanRow.objects.filter(plan=rkpd):
        assert sum(f.amount for f in item.fundings.all()) <= item.ceiling_1
    renja = Plan.objects.filter(pemda=pemda, kind=PlanKind.RENJA, year=2028)
    assert renja.count() == len({r.unit_id for r in PlanRow.objects.filter(plan=rkpd)})

    counts = (Plan.objects.count(), PlanRow.objects.count(), PlanFunding.objects.count())
    assert "rencana: sudah ada" in demo.seed(pemda, actor=SEED)
    assert (Plan.objects.count(), PlanRow.objects.count(), PlanFunding.objects.count()) == counts
