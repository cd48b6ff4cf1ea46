"""A forum decides many proposals at once: every single-decision check, all or nothing."""

from __future__ import annotations

import pytest

from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning.models import Decision, Proposal, Stage
from spbe.planning.services import (
    planning_year_set,
    proposal_decide,
    proposal_submit,
    proposals_decide_many,
    proposals_rank,
)

from .helpers import new_proposal, planners
from .test_quota import _at_kecamatan

pytestmark = pytest.mark.django_db


def _loaded(proposals):
    return list(
        Proposal.objects.select_related("village").filter(pk__in=[p.pk for p in proposals]).order_by("pk")
    )


def test_a_kecamatan_forwards_its_ranked_list_in_one_decision(world):
    proposals = [_at_kecamatan(world) for _ in range(3)]
    proposals_rank(
        actor=world.camat_x,
        pemda=world.pemda_a,
        year=2028,
        stage=Stage.KECAMATAN,
        kecamatan=world.desa_x.kecamatan,
    )
    ranked = dict(
        Decision.objects.filter(action="rank", stage=Stage.KECAMATAN).values_list("proposal_id", "rank")
    )

    decisions = proposals_decide_many(
        actor=world.camat_x,
        proposals=_loaded(proposals),
        outcome="forward",
        note="Hasil musrenbang kecamatan",
    )

    assert len(decisions) == 3
    assert set(Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("state", flat=True)) == {
        Stage.AGENCY
    }
    stored = Decision.objects.filter(action="forward_kecamatan").values_list("proposal_id", "rank", "note")
    assert {(pk, rank) for pk, rank, _note in stored} == set(ranked.items())
    assert {note for *_rest, note in stored} == {"Hasil musrenbang kecamatan"}
    # At the next forum the proposals carry no rank until that forum ranks them.
    assert set(Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list("rank", flat=True)) == {
        None
    }
    assert AuditEntry.objects.filter(action="proposal.forward_kecamatan").count() == 3


def test_one_proposal_outside_the_camats_kecamatan_stops_the_whole_batch(world):
    mine, other = _at_kecamatan(world), _at_kecamatan(world, "y")
    with pytest.raises(PermissionDenied):
        proposals_decide_many(
            actor=world.camat_x, proposals=_loaded([mine, other]), outcome="reject", note="x"
        )
    assert set(Proposal.objects.values_list("state", flat=True)) == {Stage.KECAMATAN}
    assert not Decision.objects.filter(stage=Stage.KECAMATAN).exists()


def test_the_batch_must_fit_the_kecamatan_quota(world):
    planner, _second = planners(world)
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=2)
    proposals = [_at_kecamatan(world) for _ in range(3)]
    proposal_decide(actor=world.camat_x, proposal=proposals[0], outcome="forward")
    with pytest.raises(Conflict, match="1 dari 2 usulan sudah diteruskan, 2 diminta"):
        proposals_decide_many(actor=world.camat_x, proposals=_loaded(proposals[1:]), outcome="forward")
    assert Decision.objects.filter(action="forward_kecamatan").count() == 1
    proposals_decide_many(actor=world.camat_x, proposals=_loaded(proposals[2:]), outcome="forward")
    assert Decision.objects.filter(action="forward_kecamatan").count() == 2


def test_a_stale_page_moves_nothing_and_a_rejection_needs_its_reason(world):
    proposals = [_at_kecamatan(world) for _ in range(2)]
    page = _loaded(proposals)
    proposal_decide(actor=world.camat_x, proposal=_loaded(proposals)[1], outcome="defer")
    with pytest.raises(ValidationFailed):
        proposals_decide_many(actor=world.camat_x, proposals=page, outcome="reject", note="  ")
    with pytest.raises(Conflict, match="tidak ada yang diproses"):
        proposals_decide_many(actor=world.camat_x, proposals=page, outcome="forward")
    assert list(Proposal.objects.order_by("pk").values_list("state", flat=True)) == [
        Stage.KECAMATAN,
        Stage.DEFERRED,
    ]


def test_proposals_of_different_stages_are_not_decided_together(world):
    at_kecamatan = _at_kecamatan(world)
    at_desa = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=at_desa)
    with pytest.raises(ValidationFailed):
        proposals_decide_many(
            actor=world.camat_x, proposals=_loaded([at_kecamatan, at_desa]), outcome="forward"
        )


def test_a_batch_keeps_the_ranks_committed_before_its_transaction(world, monkeypatch):
    """As for one decision: the ranks are read under the rows' locks, after a ranking that got there first."""
    from django.db import transaction as real_transaction

    from spbe.planning import services
    from spbe.planning.services import proposal_score

    road, well = _at_kecamatan(world), _at_kecamatan(world)
    kecamatan = world.desa_x.kecamatan
    proposals_rank(
        actor=world.camat_x, pemda=world.pemda_a, year=2028, stage="kecamatan", kecamatan=kecamatan
    )
    assert Proposal.objects.get(pk=road.pk).rank == 1
    proposal_score(actor=world.camat_x, proposal=well, scores={"urgency": 5})
    armed = [True]

    class RankingFirst:
        def atomic(self, *args, **kwargs):
            if armed[0]:
                armed[0] = False
                proposals_rank(
                    actor=world.camat_x,
                    pemda=world.pemda_a,
                    year=2028,
                    stage="kecamatan",
                    kecamatan=kecamatan,
                )
            return real_transaction.atomic(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(real_transaction, name)

    monkeypatch.setattr(services, "transaction", RankingFirst())
    decisions = proposals_decide_many(actor=world.camat_x, proposals=_loaded([road, well]), outcome="forward")
    assert not armed[0]
    assert {d.proposal_id: d.rank for d in decisions} == {road.pk: 2, well.pk: 1}
    stored = dict(Decision.objects.filter(action="forward_kecamatan").values_list("proposal_id", "rank"))
    assert stored == {road.pk: 2, well.pk: 1}


def test_followers_hear_of_a_batch_decision_after_commit(world, django_capture_on_commit_callbacks, settings):
    from django.core import mail

    from spbe.planning.models import Follower

    settings.SPBE_PUBLIC_URL = "http://testserver"
    road, well = _at_kecamatan(world), _at_kecamatan(world)
    for proposal, address in ((road, "a@contoh.id"), (well, "b@contoh.id")):
        Follower.objects.create(
            pemda=world.pemda_a, proposal=proposal, email=address, confirmed_at=proposal.created_at
        )
    with django_capture_on_commit_callbacks(execute=True):
        proposals_decide_many(actor=world.camat_x, proposals=_loaded([road, well]), outcome="forward")
    assert sorted(m.to[0] for m in mail.outbox) == ["a@contoh.id", "b@contoh.id"]


def test_decisions_on_proposals_nobody_follows_queue_no_task(world, django_capture_on_commit_callbacks):
    from spbe.planning.models import Follower

    followed, alone = _at_kecamatan(world), _at_kecamatan(world)
    Follower.objects.create(
        pemda=world.pemda_a, proposal=followed, email="a@contoh.id", confirmed_at=followed.created_at
    )
    Follower.objects.create(pemda=world.pemda_a, proposal=alone, email="b@contoh.id")  # never confirmed
    from spbe.core import published

    def notices(callbacks):
        # Besides notices, a decision only asks the published answers to be re-read after commit.
        return [c for c in callbacks if getattr(c, "__self__", None) is not published.versions]

    with django_capture_on_commit_callbacks() as callbacks:
        proposals_decide_many(actor=world.camat_x, proposals=_loaded([alone]), outcome="defer")
    assert notices(callbacks) == []
    with django_capture_on_commit_callbacks() as callbacks:
        proposals_decide_many(actor=world.camat_x, proposals=_loaded([followed]), outcome="defer")
    assert len(notices(callbacks)) == 1
