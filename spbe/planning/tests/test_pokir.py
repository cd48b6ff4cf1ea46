"""The pokir chain at the services: member drafts and submits, the DPRD secretariat checks and passes on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning import selectors
from spbe.planning.access import proposal_for_user, proposals_for_user
from spbe.planning.models import Decision, Proposal, Stage
from spbe.planning.models_pokir import PokirDetail
from spbe.planning.pokir import (
    Recess,
    member_pokir,
    pokir_edit,
    pokir_forward,
    pokir_gaps,
    pokir_return,
    pokir_submit,
    pokirs_forward_many,
    secretariat_pokir,
)
from spbe.planning.services import proposal_decide, stage_window_set

from .helpers import planners
from .pokir_helpers import RECESS, dprd, new_pokir

pytestmark = pytest.mark.django_db


def _freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _actions(proposal: Proposal) -> list[tuple[str, str, str]]:
    return list(
        Decision.objects.filter(proposal=proposal)
        .order_by("decided_at", "pk")
        .values_list("stage", "action", "outcome")
    )


def test_a_pokir_goes_from_its_member_through_the_secretariat_to_the_musrenbang_kabupaten(world):
    people = dprd(world)
    first, second = planners(world)
    pokir = new_pokir(world, people.member)
    detail = PokirDetail.objects.get(proposal=pokir)
    assert (pokir.state, pokir.source, detail.member_id, detail.dapil, detail.attendees) == (
        Stage.DRAFT,
        "pokir",
        people.member.pk,
        "Banyuwangi 3",
        85,
    )
    assert AuditEntry.objects.filter(action="pokir.recess", object_id=str(pokir.pk)).exists()

    pokir_submit(actor=people.member, proposal=pokir)
    assert Proposal.objects.get(pk=pokir.pk).state == Stage.SECRETARIAT
    pokir_forward(actor=people.secretariat, proposal=pokir, note="Lengkap")
    assert Proposal.objects.get(pk=pokir.pk).state == Stage.AGENCY
    proposal_decide(actor=world.agency_operator_a, proposal=pokir, outcome="forward")
    proposal_decide(actor=first, proposal=pokir, outcome="forward")
    proposal_decide(actor=second, proposal=pokir, outcome="forward")
    assert Proposal.objects.get(pk=pokir.pk).state == Stage.ACCEPTED
    assert _actions(pokir) == [
        ("draft", "submit_pokir", "secretariat"),
        ("secretariat", "forward_secretariat", "agency"),
        ("agency", "forward_agency", "bappeda"),
        ("bappeda", "forward_bappeda", "kabupaten"),
        ("kabupaten", "accept_kabupaten", "accepted"),
    ]
    secretariat_decision = Decision.objects.get(proposal=pokir, action="forward_secretariat")
    assert (secretariat_decision.decided_by_id, secretariat_decision.note) == (
        people.secretariat.pk,
        "Lengkap",
    )


def test_the_secretariat_returns_an_incomplete_pokir_with_a_note_and_the_member_sends_it_again(world):
    people = dprd(world)
    pokir = new_pokir(world, people.member)
    pokir_submit(actor=people.member, proposal=pokir)
    with pytest.raises(ValidationFailed):
        pokir_return(actor=people.secretariat, proposal=pokir, note="  ")
    assert Proposal.objects.get(pk=pokir.pk).state == Stage.SECRETARIAT
    pokir_return(actor=people.secretariat, proposal=pokir, note="Lampirkan foto lokasi")
    assert Proposal.objects.get(pk=pokir.pk).state == Stage.DRAFT
    # Back with its member: corrected (fields and recess), then sent again.
    pokir = Proposal.objects.get(pk=pokir.pk)
    later = Recess(dapil="Banyuwangi 3", recess_date=date(2026, 10, 9), recess_place="Masjid Al-Ikhlas")
    pokir_edit(actor=people.member, proposal=pokir, changes={"beneficiaries": 320}, recess=later)
    detail = PokirDetail.objects.get(proposal=pokir)
    assert (detail.recess_date, detail.recess_place, detail.attendees) == (
        date(2026, 10, 9),
        "Masjid Al-Ikhlas",
        0,
    )
    assert Proposal.objects.get(pk=pokir.pk).beneficiaries == 320
    pokir_submit(actor=people.member, proposal=Proposal.objects.get(pk=pokir.pk))
    assert [a for _s, a, _o in _actions(pokir)] == ["submit_pokir", "return_secretariat", "submit_pokir"]
    assert Decision.objects.get(action="return_secretariat").note == "Lampirkan foto lokasi"


def test_a_member_neither_sees_nor_touches_another_members_pokir(world):
    people = dprd(world)
    pokir = new_pokir(world, people.member)
    other = people.other_member
    assert not proposals_for_user(other, world.pemda_a).filter(pk=pokir.pk).exists()
    assert list(member_pokir(other, world.pemda_a)) == []
    with pytest.raises(NotFound):
        proposal_for_user(other, world.pemda_a.code, pokir.public_id)
    with pytest.raises(NotFound):
        pokir_submit(actor=other, proposal=pokir)
    with pytest.raises(NotFound):
        pokir_edit(actor=other, proposal=pokir, changes={"title": "Diambil alih"})
    with pytest.raises(NotFound):
        pokir_edit(actor=other, proposal=pokir, recess=RECESS)
    assert (Proposal.objects.get(pk=pokir.pk).title, Proposal.objects.get(pk=pokir.pk).state) == (
        "Pembangunan drainase Dusun Krajan",
        Stage.DRAFT,
    )
    # Its own member and the secretariat see it; so does nobody else until the secretariat passes it on.
    assert list(member_pokir(people.member, world.pemda_a)) == [pokir]
    assert proposal_for_user(people.member, world.pemda_a.code, pokir.public_id)[0] == pokir
    assert list(secretariat_pokir(people.secretariat, world.pemda_a)) == [pokir]
    planner, _second = planners(world)
    for onlooker in (planner, world.agency_operator_a, world.tapd_a, world.auditor):
        assert not proposals_for_user(onlooker, world.pemda_a).filter(pk=pokir.pk).exists()
        with pytest.raises(NotFound):
            proposal_for_user(onlooker, world.pemda_a.code, pokir.public_id)
    pokir_submit(actor=people.member, proposal=pokir)
    assert not proposals_for_user(other, world.pemda_a).filter(pk=pokir.pk).exists()
    with pytest.raises(NotFound):
        selectors.public_proposal(pokir.public_id)
    pokir_forward(actor=people.secretariat, proposal=pokir)
    # Passed on: published, and every viewer of the pemda sees it like any proposal.
    assert selectors.public_proposal(pokir.public_id) == pokir
    assert proposal_for_user(other, world.pemda_a.code, pokir.public_id)[0] == pokir
    assert proposals_for_user(world.agency_operator_a, world.pemda_a).filter(pk=pokir.pk).exists()


def test_each_role_decides_only_at_its_own_stage(world):
    people = dprd(world)
    pokir = new_pokir(world, people.member)
    # Nobody decides on a draft; the secretariat does not submit for the member.
    with pytest.raises(Conflict):
        pokir_forward(actor=people.secretariat, proposal=pokir)
    with pytest.raises(PermissionDenied):
        pokir_submit(actor=people.secretariat, proposal=pokir)
    pokir_submit(actor=people.member, proposal=pokir)
    for wrong in (people.member, world.agency_operator_a, world.camat_x, world.tapd_a):
        with pytest.raises((PermissionDenied, NotFound)):
            pokir_forward(actor=wrong, proposal=pokir)
    with pytest.raises(NotFound):
        proposal_for_user(people.secretariat_b, world.pemda_a.code, pokir.public_id)
    # The secretariat checks completeness: it neither rejects nor defers a pokir.
    for outcome in ("reject", "defer"):
        with pytest.raises(ValidationFailed):
            proposal_decide(actor=people.secretariat, proposal=pokir, outcome=outcome, note="tidak")
    pokir_forward(actor=people.secretariat, proposal=pokir)
    pokir = Proposal.objects.get(pk=pokir.pk)
    # At the agency: the secretariat has no say any more, and "return" is no agency decision.
    with pytest.raises(PermissionDenied):
        proposal_decide(actor=people.secretariat, proposal=pokir, outcome="forward")
    with pytest.raises(ValidationFailed):
        proposal_decide(actor=world.agency_operator_a, proposal=pokir, outcome="return", note="x")
    assert Proposal.objects.get(pk=pokir.pk).state == Stage.AGENCY
    assert Decision.objects.filter(proposal=pokir).count() == 2


def test_two_secretariat_officers_deciding_at_once_one_gets_a_conflict(world):
    people = dprd(world)
    pokir = new_pokir(world, people.member)
    pokir_submit(actor=people.member, proposal=pokir)
    seen_by_first = Proposal.objects.get(pk=pokir.pk)
    seen_by_second = Proposal.objects.get(pk=pokir.pk)
    pokir_forward(actor=people.secretariat, proposal=seen_by_first)
    with pytest.raises(Conflict):
        pokir_return(actor=people.secretariat, proposal=seen_by_second, note="kurang foto")
    assert Proposal.objects.get(pk=pokir.pk).state == Stage.AGENCY
    assert _actions(pokir)[-1] == ("secretariat", "forward_secretariat", "agency")


def test_late_pokir_are_refused_and_the_secretariat_passes_them_on_within_the_deadline(world, monkeypatch):
    people = dprd(world)
    planner, _second = planners(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="pokir",
        opens_on=date(2027, 1, 1),
        closes_on=date(2027, 3, 15),
    )
    _freeze(monkeypatch, datetime(2027, 3, 15, 10, 0, tzinfo=UTC))
    on_time = new_pokir(world, people.member)
    pokir_submit(actor=people.member, proposal=on_time)
    draft = new_pokir(world, people.member)
    _freeze(monkeypatch, datetime(2027, 3, 15, 17, 0, tzinfo=UTC))  # 16 March, 00:00 WIB
    with pytest.raises(Conflict):
        new_pokir(world, people.member)
    with pytest.raises(Conflict):
        pokir_submit(actor=people.member, proposal=draft)
    # Without its own window the secretariat is held to the pokir deadline too...
    with pytest.raises(Conflict) as caught:
        pokir_forward(actor=people.secretariat, proposal=on_time)
    assert "15 Maret 2027" in caught.value.message
    assert Proposal.objects.get(pk=on_time.pk).state == Stage.SECRETARIAT
    # ... and Bappeda gives it a window of its own, before the Musrenbang kabupaten.
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="secretariat",
        opens_on=date(2027, 3, 1),
        closes_on=date(2027, 3, 31),
    )
    pokir_forward(actor=people.secretariat, proposal=on_time)
    assert Proposal.objects.get(pk=on_time.pk).state == Stage.AGENCY
    assert sorted(Proposal.objects.values_list("state", flat=True)) == [Stage.AGENCY, Stage.DRAFT]


def test_the_secretariat_forwards_many_pokir_at_once_all_or_nothing(world):
    people = dprd(world)
    pokir = [new_pokir(world, people.member, title=f"Drainase {n}") for n in range(3)]
    for p in pokir[:2]:
        pokir_submit(actor=people.member, proposal=p)
    waiting = list(secretariat_pokir(people.secretariat, world.pemda_a, state=Stage.SECRETARIAT))
    assert [p.pk for p in waiting] == [p.pk for p in pokir[:2]]
    # A draft among them: nothing moves.
    with pytest.raises(ValidationFailed):
        pokirs_forward_many(
            actor=people.secretariat, proposals=[*waiting, Proposal.objects.get(pk=pokir[2].pk)]
        )
    assert Proposal.objects.filter(state=Stage.AGENCY).count() == 0
    decisions = pokirs_forward_many(actor=people.secretariat, proposals=waiting, note="Berkas lengkap")
    assert [d.action for d in decisions] == ["forward_secretariat"] * 2
    assert sorted(Proposal.objects.values_list("state", flat=True)) == [
        Stage.AGENCY,
        Stage.AGENCY,
        Stage.DRAFT,
    ]
    with pytest.raises(NotFound):
        secretariat_pokir(people.member, world.pemda_a)


def test_a_recess_in_the_future_or_without_its_dapil_is_refused_and_nothing_is_written(world):
    people = dprd(world)
    with pytest.raises(ValidationFailed) as caught:
        new_pokir(world, people.member, recess=Recess("Banyuwangi 3", date(2099, 1, 1), "Balai"))
    assert caught.value.field == "recess_date"
    with pytest.raises(ValidationFailed) as caught:
        new_pokir(world, people.member, recess=Recess("  ", date(2026, 1, 1), "Balai"))
    assert caught.value.field == "dapil"
    assert not Proposal.objects.exists() and not PokirDetail.objects.exists()


def test_the_secretariat_sees_what_a_pokir_still_lacks(world):
    people = dprd(world)
    pokir = new_pokir(world, people.member, bidang="", beneficiaries=0, address="")
    pokir = Proposal.objects.get(pk=pokir.pk)
    gaps = pokir_gaps(pokir)
    assert len(gaps) == 4  # place, bidang, beneficiaries, photo
    assert "belum ada foto" in gaps
    assert pokir_gaps(Proposal.objects.get(pk=new_pokir(world, people.member).pk)) == ["belum ada foto"]
    assert Decimal(pokir.estimated_cost) == Decimal("175000000.25")
