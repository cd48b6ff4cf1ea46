"""Forums score and rank the proposals waiting for them; each rank is kept on the proposal and its journey."""

from __future__ import annotations

import pytest

from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning.models import Decision, Proposal, Score
from spbe.planning.services import (
    planning_year_set,
    proposal_decide,
    proposal_score,
    proposal_submit,
    proposals_rank,
)

from .helpers import new_proposal, planners

pytestmark = pytest.mark.django_db


def _at_desa(world, title, village="x"):
    operator = world.operator_x if village == "x" else world.operator_y
    desa = world.desa_x if village == "x" else world.desa_y
    proposal = new_proposal(world, actor=operator, village=desa, title=title)
    proposal_submit(actor=operator, proposal=proposal)
    return proposal


def test_the_desa_forum_ranks_its_own_proposals_by_weighted_score(world):
    planner, _second = planners(world)
    planning_year_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        kecamatan_quota=None,
        weights={
            "urgency": "0.5",
            "beneficiaries": "0.2",
            "alignment": "0.1",
            "readiness": "0.1",
            "contribution": "0.1",
        },
    )
    road = _at_desa(world, "Jalan")
    well = _at_desa(world, "Sumur")
    drain = _at_desa(world, "Drainase")
    elsewhere = _at_desa(world, "Balai", village="y")
    proposal_score(actor=world.kades_x, proposal=road, scores={"urgency": 3, "beneficiaries": 5})  # 2.5
    proposal_score(actor=world.operator_x, proposal=well, scores={"urgency": 5})  # 2.5, submitted later
    proposal_score(actor=world.kades_x, proposal=drain, scores={"urgency": 5, "readiness": 2})  # 2.7
    ranked = proposals_rank(
        actor=world.kades_x, pemda=world.pemda_a, year=2028, stage="desa", village=world.desa_x
    )
    assert [(r.key, r.rank, str(r.total_decimal)) for r in ranked] == [
        (drain.public_id, 1, "2.7"),
        (road.public_id, 2, "2.5"),
        (well.public_id, 3, "2.5"),
    ]
    assert dict(Proposal.objects.values_list("title", "rank")) == {
        "Drainase": 1,
        "Jalan": 2,
        "Sumur": 3,
        "Balai": None,
    }
    journey = Decision.objects.filter(action="rank").values_list(
        "proposal__title", "stage", "outcome", "rank"
    )
    assert sorted(journey) == [
        ("Drainase", "desa", "desa", 1),
        ("Jalan", "desa", "desa", 2),
        ("Sumur", "desa", "desa", 3),
    ]
    entry = AuditEntry.objects.get(action="proposal.rank", object_id=str(drain.pk))
    assert entry.after == {"stage": "desa", "rank": 1, "total": "2.7"} and entry.before == {"rank": None}
    elsewhere.refresh_from_db()
    assert elsewhere.rank is None  # desa Y's proposal is not in desa X's ranking
    # The forum then forwards without typing the rank again: the decision keeps the rank it earned.
    decision = proposal_decide(actor=world.kades_x, proposal=road, outcome="forward")
    assert decision.rank == 2


def test_ranking_again_replaces_the_rank_and_keeps_the_earlier_one_in_the_journey(world):
    first = _at_desa(world, "Jalan")
    second = _at_desa(world, "Sumur")
    proposals_rank(actor=world.kades_x, pemda=world.pemda_a, year=2028, stage="desa", village=world.desa_x)
    assert Proposal.objects.get(pk=first.pk).rank == 1  # unscored: the earlier submission first
    proposal_score(actor=world.kades_x, proposal=second, scores={"urgency": 1})
    proposals_rank(actor=world.kades_x, pemda=world.pemda_a, year=2028, stage="desa", village=world.desa_x)
    assert Proposal.objects.get(pk=first.pk).rank == 2
    ranks = list(
        Decision.objects.filter(proposal=first, action="rank").order_by("pk").values_list("rank", flat=True)
    )
    assert ranks == [1, 2]


def test_the_kecamatan_forum_ranks_every_desa_of_its_kecamatan_and_no_other(world):
    proposals = []
    for title in ("Jalan", "Sumur"):
        proposal = _at_desa(world, title)
        proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
        proposals.append(proposal)
    other = _at_desa(world, "Balai", village="y")
    proposal_decide(actor=world.operator_y, proposal=other, outcome="forward")
    proposal_score(actor=world.camat_x, proposal=proposals[1], scores={"alignment": 4})
    kecamatan = world.desa_x.kecamatan
    with pytest.raises(PermissionDenied):
        proposals_rank(
            actor=world.camat_y, pemda=world.pemda_a, year=2028, stage="kecamatan", kecamatan=kecamatan
        )
    with pytest.raises(PermissionDenied):
        proposals_rank(
            actor=world.kades_x, pemda=world.pemda_a, year=2028, stage="kecamatan", kecamatan=kecamatan
        )
    assert not Decision.objects.filter(action="rank").exists()
    ranked = proposals_rank(
        actor=world.camat_x, pemda=world.pemda_a, year=2028, stage="kecamatan", kecamatan=kecamatan
    )
    assert [r.key for r in ranked] == [proposals[1].public_id, proposals[0].public_id]
    assert Proposal.objects.get(pk=other.pk).rank is None
    # The desa forum's scores stay with the desa stage; the kecamatan forum's are its own.
    assert list(Score.objects.values_list("stage", "criterion", "score")) == [("kecamatan", "alignment", 4)]


def test_scores_are_entered_only_by_the_forum_at_its_stage(world):
    proposal = _at_desa(world, "Jalan")
    for outsider in (world.camat_x, world.operator_y, world.officer_b):
        with pytest.raises(PermissionDenied):
            proposal_score(actor=outsider, proposal=proposal, scores={"urgency": 4})
    for bad in ({"urgency": 6}, {"urgency": 0}, {"popularity": 3}, {}):
        with pytest.raises(ValidationFailed):
            proposal_score(actor=world.kades_x, proposal=proposal, scores=bad)
    assert not Score.objects.exists()
    proposal_score(actor=world.kades_x, proposal=proposal, scores={"urgency": 4})
    proposal_score(actor=world.kades_x, proposal=proposal, scores={"urgency": 2, "readiness": 5})
    assert dict(Score.objects.values_list("criterion", "score")) == {"urgency": 2, "readiness": 5}
    entry = AuditEntry.objects.filter(action="proposal.score").order_by("-seq").first()
    assert entry is not None and entry.before == {"urgency": 4}
    assert entry.after == {"stage": "desa", "urgency": 2, "readiness": 5}
    # A score seen at the desa stage never lands once the proposal has moved on.
    stale = Proposal.objects.get(pk=proposal.pk)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    with pytest.raises(Conflict):
        proposal_score(actor=world.kades_x, proposal=stale, scores={"urgency": 5})
    assert Score.objects.filter(stage="desa", criterion="urgency").get().score == 2


def test_only_forum_stages_rank_in_their_own_scope(world):
    with pytest.raises(ValidationFailed):
        proposals_rank(
            actor=world.kades_x, pemda=world.pemda_a, year=2028, stage="agency", village=world.desa_x
        )
    with pytest.raises(ValidationFailed):
        proposals_rank(
            actor=world.kades_x,
            pemda=world.pemda_a,
            year=2028,
            stage="desa",
            kecamatan=world.desa_x.kecamatan,
        )
    with pytest.raises(ValidationFailed):
        proposals_rank(
            actor=world.camat_x, pemda=world.pemda_a, year=2028, stage="kecamatan", kecamatan=world.unit_a
        )
    with pytest.raises(PermissionDenied):
        proposals_rank(
            actor=world.operator_y, pemda=world.pemda_a, year=2028, stage="desa", village=world.desa_x
        )


def test_an_outsider_learns_nothing_about_a_decided_proposal_by_scoring_or_editing_it(world):
    from spbe.planning.services import proposal_edit

    proposal = _at_desa(world, "Jalan")
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="reject", note="Ganda")
    for outsider in (world.officer_b, world.operator_y, world.camat_y):
        with pytest.raises(PermissionDenied):
            proposal_score(actor=outsider, proposal=proposal, scores={"urgency": 3})
        with pytest.raises(PermissionDenied):
            proposal_edit(actor=outsider, proposal=proposal, changes={"title": "X"})
    # Whoever may see it is told why instead.
    with pytest.raises(Conflict):
        proposal_score(actor=world.kades_x, proposal=proposal, scores={"urgency": 3})


def test_a_decision_keeps_the_rank_committed_before_its_transaction_not_an_earlier_one(world, monkeypatch):
    """The inherited rank is read under the proposal's row lock, after any ranking that got there first.

    The forum re-ranks between the officer pressing "forward" and the decision's transaction: simulated by
    running the ranking as the decision's transaction begins (on PostgreSQL, the ranking holds the row lock
    and the decision waits for it).
    """
    from django.db import transaction as real_transaction

    from spbe.planning import services

    road = _at_desa(world, "Jalan")
    well = _at_desa(world, "Sumur")
    proposals_rank(actor=world.kades_x, pemda=world.pemda_a, year=2028, stage="desa", village=world.desa_x)
    assert Proposal.objects.get(pk=road.pk).rank == 1
    proposal_score(actor=world.kades_x, proposal=well, scores={"urgency": 5})
    armed = [True]

    class RankingFirst:
        def atomic(self, *args, **kwargs):
            if armed[0]:
                armed[0] = False
                proposals_rank(
                    actor=world.kades_x, pemda=world.pemda_a, year=2028, stage="desa", village=world.desa_x
                )
            return real_transaction.atomic(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(real_transaction, name)

    monkeypatch.setattr(services, "transaction", RankingFirst())
    decision = proposal_decide(actor=world.kades_x, proposal=road, outcome="forward")
    assert not armed[0]
    assert decision.rank == 2
    assert Decision.objects.get(pk=decision.pk).rank == 2
    entry = AuditEntry.objects.filter(action="proposal.forward_desa").get()
    assert entry.after["rank"] == 2
