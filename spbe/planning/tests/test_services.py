"""Proposals: creation with a public id, the journey stage by stage, each role only at its own stage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conftest import TESTS
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning.models import Decision, Proposal, ProposalCounter, Proposer, Stage
from spbe.planning.services import ProposerData, allocate_numbers, proposal_decide, proposal_submit

from .helpers import PERSONAL, new_proposal, planners

pytestmark = pytest.mark.django_db


def test_a_new_proposal_gets_the_next_public_id_of_its_pemda_and_year(world):
    first = new_proposal(world)
    second = new_proposal(world)
    other_year = new_proposal(world, year=2029)
    assert [first.public_id, second.public_id] == ["35.10-2028-000001", "35.10-2028-000002"]
    assert other_year.public_id == "35.10-2029-000001"
    assert first.state == Stage.DRAFT
    assert ProposalCounter.objects.get(pemda=world.pemda_a, year=2028).last == 2
    proposer = Proposer.objects.get(proposal=first)
    assert (proposer.name, proposer.nik, proposer.email) == (PERSONAL.name, PERSONAL.nik, PERSONAL.email)
    entry = AuditEntry.objects.get(action="proposal.create", object_id=str(first.pk))
    assert entry.pemda_code == "35.10"
    # The trail keeps the public fields, never the proposer's identity.
    assert PERSONAL.nik not in str(entry.after) and PERSONAL.name not in str(entry.after)


def test_numbers_are_reserved_in_blocks_and_given_back_on_rollback(world):
    with transaction.atomic():
        assert allocate_numbers(world.pemda_a, 2028, 5) == 1
    try:
        with transaction.atomic():
            assert allocate_numbers(world.pemda_a, 2028, 3) == 6
            raise RuntimeError("import failed")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert allocate_numbers(world.pemda_a, 2028, 1) == 6


def test_the_public_id_is_unique_in_the_database(world):
    first = new_proposal(world)
    clone = Proposal.objects.get(pk=first.pk)
    clone.pk = None
    clone.number = 99
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"volume": Decimal("0")}, "volume"),
        ({"volume": Decimal("1.005")}, "volume"),
        ({"latitude": Decimal("-8.1234567"), "longitude": Decimal("114")}, "latitude"),
        ({"latitude": Decimal("-91"), "longitude": Decimal("114")}, "latitude"),
        ({"latitude": Decimal("-8"), "longitude": Decimal("181")}, "longitude"),
        ({"latitude": Decimal("-8"), "longitude": None}, "longitude"),
        ({"proposer": ProposerData(nik="35100123")}, "nik"),
        ({"proposer": ProposerData(nik="351001234567890X")}, "nik"),
        ({"estimated_cost": Decimal("-1")}, "estimated_cost"),
        ({"source": "aspirasi"}, "source"),
    ],
)
def test_an_invalid_proposal_is_refused_with_the_field_named(world, fields, field):
    with pytest.raises(ValidationFailed) as caught:
        new_proposal(world, **fields)
    assert caught.value.field == field
    assert not Proposal.objects.exists()


def test_a_unit_of_another_pemda_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        new_proposal(world, suggested_unit=world.unit_b)
    assert caught.value.field == "suggested_unit"
    assert not Proposal.objects.exists()


def test_only_the_desa_itself_enters_its_musrenbang_proposal(world):
    for outsider in (
        world.operator_y,
        world.camat_x,
        world.agency_operator_a,
        world.officer_b,
        world.platform,
    ):
        with pytest.raises(PermissionDenied):
            new_proposal(world, actor=outsider)
    with pytest.raises(PermissionDenied):
        new_proposal(world, actor=None)
    assert new_proposal(world, actor=world.kades_x).village == world.desa_x
    assert Proposal.objects.count() == 1


def test_a_renja_proposal_comes_from_the_agency_it_names(world):
    with pytest.raises(PermissionDenied):
        new_proposal(world, actor=world.agency_operator_a2, source="renja")
    proposal = new_proposal(
        world, actor=world.agency_operator_a2, source="renja", suggested_unit=world.unit_a2
    )
    proposal_submit(actor=world.agency_operator_a2, proposal=proposal)
    assert proposal.state == Stage.AGENCY


def _at(world, stage):
    """A proposal of desa X moved up to ``stage`` by the right officers."""
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    order = [
        (Stage.DESA, world.kades_x),
        (Stage.KECAMATAN, world.camat_x),
        (Stage.AGENCY, world.agency_head_a),
    ]
    for current, officer in order:
        if proposal.state == stage:
            return proposal
        assert proposal.state == current
        proposal_decide(actor=officer, proposal=proposal, outcome="forward", rank=1)
    return proposal


def test_the_full_journey_to_accepted_records_every_decision(world):
    first_planner, second_planner = planners(world)
    proposal = _at(world, Stage.BAPPEDA)
    proposal_decide(
        actor=first_planner,
        proposal=proposal,
        outcome="forward",
        recommended_volume=Decimal("300"),
        recommended_cost=Decimal("200000000"),
        note="Sesuai prioritas 2028",
    )
    assert proposal.state == Stage.KABUPATEN and proposal.bappeda_by == first_planner
    # Maker-checker: the planner who forwarded it does not also record the kabupaten forum's decision.
    with pytest.raises(PermissionDenied):
        proposal_decide(actor=first_planner, proposal=proposal, outcome="forward")
    decision = proposal_decide(actor=second_planner, proposal=proposal, outcome="forward", rank=7)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.rank) == (Stage.ACCEPTED, 7)
    assert decision.action == "accept_kabupaten"
    journey = list(Decision.objects.filter(proposal=proposal).values_list("stage", "outcome", "actor_label"))
    assert journey == [
        ("draft", "desa", "operator.x"),
        ("desa", "kecamatan", "kades.x"),
        ("kecamatan", "agency", "camat.x"),
        ("agency", "bappeda", "agency.head.a"),
        ("bappeda", "kabupaten", "planner.one"),
        ("kabupaten", "accepted", "planner.two"),
    ]
    bappeda = Decision.objects.get(proposal=proposal, stage="bappeda")
    assert (bappeda.recommended_volume, bappeda.recommended_cost) == (
        Decimal("300.00"),
        Decimal("200000000.00"),
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(proposal.pk), action__startswith="proposal.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-1] == "proposal.accept_kabupaten" and len(actions) == 7


@pytest.mark.parametrize(
    ("stage", "wrong"),
    [
        (Stage.DESA, ["camat_x", "operator_y", "agency_head_a", "tapd_a"]),
        (Stage.KECAMATAN, ["camat_y", "kades_x", "operator_x", "agency_head_a"]),
        (Stage.AGENCY, ["agency_operator_a2", "camat_x", "kades_x", "tapd_a"]),
    ],
)
def test_each_role_decides_only_at_its_own_stage_and_place(world, stage, wrong):
    proposal = _at(world, stage)
    decided = Decision.objects.count()
    for name in wrong:
        with pytest.raises(PermissionDenied):
            proposal_decide(actor=getattr(world, name), proposal=proposal, outcome="forward")
    proposal.refresh_from_db()
    assert proposal.state == stage
    assert Decision.objects.count() == decided


def test_a_rejection_needs_a_reason_and_ends_the_journey(world):
    proposal = _at(world, Stage.KECAMATAN)
    with pytest.raises(ValidationFailed):
        proposal_decide(actor=world.camat_x, proposal=proposal, outcome="reject", note="  ")
    assert Proposal.objects.get(pk=proposal.pk).state == Stage.KECAMATAN
    proposal_decide(actor=world.camat_x, proposal=proposal, outcome="reject", note="Di luar kewenangan")
    assert proposal.state == Stage.REJECTED
    with pytest.raises(Conflict):
        proposal_decide(actor=world.camat_x, proposal=proposal, outcome="forward")
    assert Decision.objects.get(proposal=proposal, outcome="rejected").note == "Di luar kewenangan"


def test_a_deferred_proposal_is_kept(world):
    proposal = _at(world, Stage.DESA)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="defer", note="Tahun depan")
    assert Proposal.objects.get(pk=proposal.pk).state == Stage.DEFERRED


def test_a_stale_decision_is_a_conflict_not_an_overwrite(world):
    proposal = _at(world, Stage.DESA)
    stale = Proposal.objects.get(pk=proposal.pk)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    with pytest.raises(Conflict):
        proposal_decide(actor=world.operator_x, proposal=stale, outcome="reject", note="Tidak perlu")
    assert Proposal.objects.get(pk=proposal.pk).state == Stage.KECAMATAN
    assert not Decision.objects.filter(outcome="rejected").exists()


def test_forwarding_to_verification_needs_an_agency(world):
    proposal = _at(world, Stage.KECAMATAN)
    Proposal.objects.filter(pk=proposal.pk).update(suggested_unit=None)
    proposal.refresh_from_db()
    with pytest.raises(ValidationFailed):
        proposal_decide(actor=world.camat_x, proposal=proposal, outcome="forward")


def test_a_system_actor_can_move_a_proposal(world):
    proposal = _at(world, Stage.DESA)
    decision = proposal_decide(actor=TESTS, proposal=proposal, outcome="forward")
    assert decision.decided_by is None and decision.actor_label == "sistem:tests"


def test_staff_see_a_proposal_only_from_its_own_circle(world):
    from spbe.core.errors import NotFound
    from spbe.planning.access import proposal_for_user

    proposal = _at(world, Stage.KECAMATAN)
    for outsider in (
        world.officer_b,
        world.operator_y,
        world.camat_y,
        world.agency_operator_a2,
        world.platform,
    ):
        with pytest.raises(NotFound):
            proposal_for_user(outsider, "35.10", proposal.public_id)
    found, can = proposal_for_user(world.camat_x, "35.10", proposal.public_id)
    assert found == proposal and can.decide_kecamatan and not can.decide_desa
    _found, can = proposal_for_user(world.agency_head_a, "35.10", proposal.public_id)
    assert can.decide_agency and not can.decide_kecamatan
    _found, can = proposal_for_user(world.kades_x, "35.10", proposal.public_id)
    assert can.decide_desa and can.propose_musrenbang and not can.decide_bappeda


def test_every_transition_has_a_readable_audit_label(world):
    from spbe.core import audit_labels
    from spbe.planning.workflow import PROPOSAL_FLOW

    actions = [f"proposal.{t.name}" for t in PROPOSAL_FLOW.transitions] + [
        "proposal.create",
        "proposal.import",
    ]
    unlabelled = [a for a in actions if audit_labels.action_label(a) == a]
    assert unlabelled == []
    proposal = new_proposal(world)
    assert audit_labels.describe("planning.proposal", [str(proposal.pk)]) == {
        str(proposal.pk): "35.10-2028-000001 Rehab jalan dusun Krajan"
    }


def test_a_decision_can_be_neither_changed_nor_deleted_and_keeps_its_proposal(world):
    from django.db import DatabaseError
    from django.db.models import ProtectedError

    proposal = _at(world, Stage.KECAMATAN)
    decision = Decision.objects.filter(proposal=proposal).last()
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(note="diubah")
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).delete()
    assert Decision.objects.get(pk=decision.pk).note == decision.note
    assert Decision.objects.filter(proposal=proposal).count() == 2
