"""The stage calendar: each stage decides only inside its window, read in the pemda's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning import calendar
from spbe.planning.models import Decision, Proposal, Score, Stage, StageWindow
from spbe.planning.services import proposal_decide, proposal_score, proposal_submit, stage_window_set

from .helpers import new_proposal, planners

pytestmark = pytest.mark.django_db


def _freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _at_desa(world):
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    return proposal


def test_a_planner_sets_a_window_and_moves_it_with_the_trail_showing_both(world):
    planner, _second = planners(world)
    window = stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="kecamatan",
        opens_on=date(2027, 2, 1),
        closes_on=date(2027, 2, 28),
    )
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="kecamatan",
        opens_on=date(2027, 2, 1),
        closes_on=date(2027, 3, 7),
    )
    window.refresh_from_db()
    assert window.closes_on == date(2027, 3, 7)
    assert StageWindow.objects.count() == 1
    entries = list(AuditEntry.objects.filter(action="planning.window_set").order_by("seq"))
    assert len(entries) == 2 and entries[0].before is None
    assert entries[1].before == {"opens_on": "2027-02-01", "closes_on": "2027-02-28"}
    assert entries[1].after["closes_on"] == "2027-03-07"


@pytest.mark.parametrize("who", ["camat_x", "tapd_a", "operator_x", "officer_b", None])
def test_only_a_bappeda_planner_of_the_pemda_sets_the_calendar(world, who):
    with pytest.raises(PermissionDenied):
        stage_window_set(
            actor=getattr(world, who) if who else None,
            pemda=world.pemda_a,
            year=2028,
            stage="desa",
            opens_on=date(2027, 1, 1),
            closes_on=date(2027, 1, 31),
        )
    assert not StageWindow.objects.exists()


def test_a_window_closing_before_it_opens_is_refused(world):
    planner, _second = planners(world)
    with pytest.raises(ValidationFailed) as caught:
        stage_window_set(
            actor=planner,
            pemda=world.pemda_a,
            year=2028,
            stage="desa",
            opens_on=date(2027, 1, 31),
            closes_on=date(2027, 1, 1),
        )
    assert caught.value.field == "closes_on"
    assert not StageWindow.objects.exists()


def test_with_no_window_a_stage_is_open(world):
    proposal = _at_desa(world)
    assert calendar.is_open(world.pemda_a, 2028, "desa")
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    assert proposal.state == Stage.KECAMATAN


@pytest.mark.parametrize(
    ("moment", "word"),
    [
        # 2027-01-31 23:30 in Banyuwangi (WIB, UTC+7) is still before the opening day.
        (datetime(2027, 1, 31, 16, 30, tzinfo=UTC), "belum dibuka"),
        # 2027-03-01 00:30 WIB is already after the closing day, though it is still 28 Feb in UTC.
        (datetime(2027, 2, 28, 17, 30, tzinfo=UTC), "sudah ditutup"),
    ],
)
def test_a_decision_outside_the_window_is_refused_naming_the_dates(world, monkeypatch, moment, word):
    planner, _second = planners(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="desa",
        opens_on=date(2027, 2, 1),
        closes_on=date(2027, 2, 28),
    )
    proposal = _at_desa(world)
    decided = Decision.objects.count()
    _freeze(monkeypatch, moment)
    with pytest.raises(Conflict) as caught:
        proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    assert word in caught.value.message
    assert "1 Februari 2027" in caught.value.message and "28 Februari 2027" in caught.value.message
    assert Proposal.objects.get(pk=proposal.pk).state == Stage.DESA
    assert Decision.objects.count() == decided
    # Scoring is editing the proposal at its stage: refused as well.
    with pytest.raises(Conflict):
        proposal_score(actor=world.kades_x, proposal=proposal, scores={"urgency": 5})
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    "moment",
    [datetime(2027, 1, 31, 17, 0, tzinfo=UTC), datetime(2027, 2, 28, 16, 59, tzinfo=UTC)],
)
def test_the_first_and_last_minutes_of_the_window_in_the_pemda_are_open(world, monkeypatch, moment):
    planner, _second = planners(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="desa",
        opens_on=date(2027, 2, 1),
        closes_on=date(2027, 2, 28),
    )
    proposal = _at_desa(world)
    _freeze(monkeypatch, moment)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    assert Proposal.objects.get(pk=proposal.pk).state == Stage.KECAMATAN


def test_the_window_is_read_in_the_pemdas_own_time_zone(world, monkeypatch):
    # 2027-02-28 15:30 UTC is 22:30 WIB (still open in Banyuwangi) but 00:30 WIT on 1 March (closed in
    # Papua): the same instant, two answers.
    moment = datetime(2027, 2, 28, 15, 30, tzinfo=UTC)
    _freeze(monkeypatch, moment)
    StageWindow.objects.create(
        pemda=world.pemda_a, year=2028, stage="desa", opens_on=date(2027, 2, 1), closes_on=date(2027, 2, 28)
    )
    assert calendar.is_open(world.pemda_a, 2028, "desa")
    world.pemda_a.time_zone = "Asia/Jayapura"
    assert not calendar.is_open(world.pemda_a, 2028, "desa")


def _dprd(world):
    return grant(make_user("dprd.a", world.pemda_a), world.pemda_a, Role.DPRD_MEMBER)


def test_pokir_entered_after_their_deadline_are_refused(world, monkeypatch):
    planner, _second = planners(world)
    member = _dprd(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="pokir",
        opens_on=date(2027, 1, 1),
        closes_on=date(2027, 3, 15),
    )
    _freeze(monkeypatch, datetime(2027, 3, 15, 10, 0, tzinfo=UTC))
    on_time = new_proposal(world, actor=member, source="pokir")
    _freeze(monkeypatch, datetime(2027, 3, 15, 17, 0, tzinfo=UTC))  # 16 March, 00:00 WIB
    with pytest.raises(Conflict) as caught:
        new_proposal(world, actor=member, source="pokir")
    assert "15 Maret 2027" in caught.value.message
    # A pokir drafted on time cannot be sent on after the deadline either.
    with pytest.raises(Conflict):
        proposal_submit(actor=member, proposal=on_time)
    assert list(Proposal.objects.values_list("pk", "state")) == [(on_time.pk, Stage.DRAFT)]
    # The pokir deadline does not touch Musrenbang proposals.
    assert new_proposal(world).source == "musrenbang"


def test_a_forum_does_not_rank_once_its_stage_is_closed(world):
    from spbe.planning.services import proposals_rank

    planner, _second = planners(world)
    proposal = _at_desa(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="desa",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 2, 1),
    )
    with pytest.raises(Conflict):
        proposals_rank(
            actor=world.kades_x, pemda=world.pemda_a, year=2028, stage="desa", village=world.desa_x
        )
    assert Proposal.objects.get(pk=proposal.pk).rank is None
    assert not Decision.objects.filter(action="rank").exists()


def test_a_desa_proposal_is_sent_to_its_forum_before_it_meets_but_not_after_it_closed(world, monkeypatch):
    planner, _second = planners(world)
    stage_window_set(
        actor=planner,
        pemda=world.pemda_a,
        year=2028,
        stage="desa",
        opens_on=date(2027, 1, 10),
        closes_on=date(2027, 1, 31),
    )
    _freeze(monkeypatch, datetime(2027, 1, 5, 3, 0, tzinfo=UTC))
    early = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=early)
    assert early.state == Stage.DESA
    _freeze(monkeypatch, datetime(2027, 2, 1, 3, 0, tzinfo=UTC))
    late = new_proposal(world)
    with pytest.raises(Conflict) as caught:
        proposal_submit(actor=world.operator_x, proposal=late)
    assert "sudah ditutup" in caught.value.message
    assert Proposal.objects.get(pk=late.pk).state == Stage.DRAFT
