"""The kecamatan quota: a kecamatan forum forwards at most the year's quota; the count cannot race."""

from __future__ import annotations

import pytest
from django.test import override_settings

from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning.models import Decision, KecamatanYear, PlanningYear, Stage
from spbe.planning.services import kecamatan_quota, planning_year_set, proposal_decide, proposal_submit

from .helpers import new_proposal, planners

pytestmark = pytest.mark.django_db


def _at_kecamatan(world, village="x", year=2028):
    desa, operator, kades = (
        (world.desa_x, world.operator_x, world.kades_x)
        if village == "x"
        else (world.desa_y, world.operator_y, world.operator_y)
    )
    proposal = new_proposal(world, actor=operator, village=desa, year=year)
    proposal_submit(actor=operator, proposal=proposal)
    proposal_decide(actor=kades, proposal=proposal, outcome="forward")
    return proposal


def test_forwarding_beyond_the_quota_is_refused_with_the_numbers(world):
    planner, _second = planners(world)
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=2)
    proposals = [_at_kecamatan(world) for _ in range(3)]
    for proposal in proposals[:2]:
        proposal_decide(actor=world.camat_x, proposal=proposal, outcome="forward")
    with pytest.raises(Conflict) as caught:
        proposal_decide(actor=world.camat_x, proposal=proposals[2], outcome="forward")
    assert "2 dari 2" in caught.value.message and "2028" in caught.value.message
    proposals[2].refresh_from_db()
    assert proposals[2].state == Stage.KECAMATAN
    assert Decision.objects.filter(action="forward_kecamatan").count() == 2
    # Rejecting or deferring is always possible: the quota limits what goes up, not what is decided.
    proposal_decide(actor=world.camat_x, proposal=proposals[2], outcome="defer")
    assert proposals[2].state == Stage.DEFERRED
    assert KecamatanYear.objects.filter(kecamatan=world.desa_x.kecamatan, year=2028).count() == 1


def test_the_quota_counts_per_kecamatan_and_per_year(world):
    planner, _second = planners(world)
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=1)
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2029, kecamatan_quota=1)
    proposal_decide(actor=world.camat_x, proposal=_at_kecamatan(world), outcome="forward")
    # Another kecamatan has its own quota, and so has another year: neither counts 2028's forward.
    proposal_decide(actor=world.camat_y, proposal=_at_kecamatan(world, "y"), outcome="forward")
    proposal_decide(actor=world.camat_x, proposal=_at_kecamatan(world, year=2029), outcome="forward")
    assert Decision.objects.filter(action="forward_kecamatan").count() == 3


def test_the_deployment_default_applies_when_the_pemda_set_none(world):
    proposals = [_at_kecamatan(world) for _ in range(2)]
    with override_settings(SPBE_PLANNING_KECAMATAN_QUOTA=1):
        assert kecamatan_quota(world.pemda_a, 2028) == 1
        proposal_decide(actor=world.camat_x, proposal=proposals[0], outcome="forward")
        with pytest.raises(Conflict):
            proposal_decide(actor=world.camat_x, proposal=proposals[1], outcome="forward")
    # 0 (the default) means no limit.
    assert kecamatan_quota(world.pemda_a, 2028) is None
    proposal_decide(actor=world.camat_x, proposal=proposals[1], outcome="forward")
    assert proposals[1].state == Stage.AGENCY


def test_a_camat_of_another_kecamatan_learns_nothing_about_the_quota(world):
    planner, _second = planners(world)
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=1)
    proposal_decide(actor=world.camat_x, proposal=_at_kecamatan(world), outcome="forward")
    waiting = _at_kecamatan(world)
    with pytest.raises(PermissionDenied):
        proposal_decide(actor=world.camat_y, proposal=waiting, outcome="forward")


def test_only_a_planner_sets_the_quota_and_it_is_audited(world):
    planner, _second = planners(world)
    for outsider in (world.camat_x, world.tapd_a, world.officer_b):
        with pytest.raises(PermissionDenied):
            planning_year_set(actor=outsider, pemda=world.pemda_a, year=2028, kecamatan_quota=5)
    with pytest.raises(ValidationFailed):
        planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=0)
    assert not PlanningYear.objects.exists()
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=5)
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=7)
    assert PlanningYear.objects.get(pemda=world.pemda_a, year=2028).kecamatan_quota == 7
    last = AuditEntry.objects.filter(action="planning.year_set").order_by("-seq").first()
    assert last is not None
    assert (last.before["kecamatan_quota"], last.after["kecamatan_quota"]) == (5, 7)


def test_setting_only_the_weights_keeps_the_quota_and_only_the_quota_keeps_the_weights(world):
    planner, _second = planners(world)
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=4)
    weights = {"urgency": "0.6", "beneficiaries": "0.1", "alignment": "0.1", "readiness": "0.1"}
    planning_year_set(
        actor=planner, pemda=world.pemda_a, year=2028, weights={**weights, "contribution": "0.1"}
    )
    row = PlanningYear.objects.get(pemda=world.pemda_a, year=2028)
    assert row.kecamatan_quota == 4
    assert str(row.weight_urgency) == "0.6000"
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=9)
    row.refresh_from_db()
    assert (row.kecamatan_quota, str(row.weight_urgency)) == (9, "0.6000")
    # None still means "back to the deployment's default", said on purpose.
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=None)
    row.refresh_from_db()
    assert row.kecamatan_quota is None
    with pytest.raises(ValidationFailed):
        planning_year_set(actor=planner, pemda=world.pemda_a, year=2028)
    assert AuditEntry.objects.filter(action="planning.year_set").count() == 4
