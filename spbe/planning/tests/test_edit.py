"""Editing a proposal: by whoever holds it at its stage, while that stage is open, never once decided."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning.models import Proposal, Stage
from spbe.planning.services import proposal_decide, proposal_edit, proposal_submit, stage_window_set

from .helpers import new_proposal, planners

pytestmark = pytest.mark.django_db


def _at_kecamatan(world, **fields):
    proposal = new_proposal(world, **fields)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    return proposal


def test_the_kecamatan_forum_routes_a_proposal_to_an_agency_and_then_forwards_it(world):
    proposal = _at_kecamatan(world, suggested_unit=None)
    with pytest.raises(ValidationFailed):
        proposal_decide(actor=world.camat_x, proposal=proposal, outcome="forward")
    proposal_edit(
        actor=world.camat_x,
        proposal=proposal,
        changes={"suggested_unit": world.unit_a, "volume": Decimal("300"), "title": "  Rehab   jalan  "},
    )
    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.suggested_unit_id, stored.volume, stored.title) == (
        world.unit_a.pk,
        Decimal("300.00"),
        "Rehab jalan",
    )
    entry = AuditEntry.objects.get(action="proposal.edit", object_id=str(proposal.pk))
    assert entry.before == {"suggested_unit": None, "title": "Rehab jalan dusun Krajan", "volume": "350.00"}
    assert entry.after == {"suggested_unit": world.unit_a.pk, "title": "Rehab jalan", "volume": "300.00"}
    proposal_decide(actor=world.camat_x, proposal=proposal, outcome="forward")
    assert proposal.state == Stage.AGENCY


def test_only_the_forum_at_the_stage_edits(world):
    proposal = _at_kecamatan(world)
    for outsider in (world.kades_x, world.operator_x, world.camat_y, world.agency_head_a, world.officer_b):
        with pytest.raises(PermissionDenied):
            proposal_edit(actor=outsider, proposal=proposal, changes={"title": "Diubah"})
    assert Proposal.objects.get(pk=proposal.pk).title == "Rehab jalan dusun Krajan"


def test_a_closed_stage_is_not_edited(world, monkeypatch):
    planner, _second = planners(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="kecamatan",
        opens_on=date(2027, 2, 1),
        closes_on=date(2027, 2, 28),
    )
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 2, 10, 3, 0, tzinfo=UTC))
    proposal = _at_kecamatan(world)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 3, 2, 3, 0, tzinfo=UTC))
    with pytest.raises(Conflict) as caught:
        proposal_edit(actor=world.camat_x, proposal=proposal, changes={"title": "Terlambat"})
    assert "28 Februari 2027" in caught.value.message
    assert Proposal.objects.get(pk=proposal.pk).title == "Rehab jalan dusun Krajan"


def test_a_decided_proposal_and_unknown_or_bad_fields_are_refused(world):
    proposal = _at_kecamatan(world)
    for changes in ({"state": "accepted"}, {"public_id": "x"}, {"volume": Decimal("0")}, {"title": " "}):
        with pytest.raises(ValidationFailed):
            proposal_edit(actor=world.camat_x, proposal=proposal, changes=changes)
    proposal_decide(actor=world.camat_x, proposal=proposal, outcome="reject", note="Bukan prioritas")
    with pytest.raises(Conflict):
        proposal_edit(actor=world.camat_x, proposal=proposal, changes={"title": "Lagi"})
    assert not AuditEntry.objects.filter(action="proposal.edit").exists()


def test_an_edit_from_a_stale_page_is_refused(world):
    proposal = new_proposal(world)
    stale = Proposal.objects.get(pk=proposal.pk)
    proposal_edit(actor=world.operator_x, proposal=proposal, changes={"title": "Pertama"})
    with pytest.raises(Conflict):
        proposal_edit(actor=world.operator_x, proposal=stale, changes={"title": "Kedua"})
    assert Proposal.objects.get(pk=proposal.pk).title == "Pertama"


def test_the_agency_cannot_strand_a_proposal_by_clearing_its_own_unit(world):
    proposal = _at_kecamatan(world, suggested_unit=world.unit_a)
    proposal_decide(actor=world.camat_x, proposal=proposal, outcome="forward")
    with pytest.raises(ValidationFailed, match="perangkat daerah"):
        proposal_edit(actor=world.agency_head_a, proposal=proposal, changes={"suggested_unit": None})
    assert Proposal.objects.get(pk=proposal.pk).suggested_unit_id == world.unit_a.pk
