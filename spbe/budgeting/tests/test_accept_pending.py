"""TAPD accepts every pending line of a submitted RKA in one batch, under the same rules as one by one."""

from __future__ import annotations

import pytest

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.budgeting.models import Review
from spbe.budgeting.services import line_review, rka_accept_pending, rka_submit, rka_verify
from spbe.core.errors import Conflict, PermissionDenied
from spbe.core.models import AuditEntry

from .helpers import ROAD_2, add, draft, line, rka


@pytest.fixture
def three_lines(world, ref2028):
    version = draft(world.pemda_a)
    rka_a = rka(version, world.unit_a)
    lines = [line(rka_a), line(rka_a, sub=ROAD_2), line(rka_a, account="5.1.02.01.01.0024")]
    for each in lines:
        add(each, "1000", actor=world.agency_operator_a)
    return rka_a, lines


def test_accepting_pending_lines_keeps_returned_ones_and_audits_each_line(world, three_lines):
    rka_a, (first, second, third) = three_lines
    with pytest.raises(Conflict):
        rka_accept_pending(actor=world.tapd_a, rka=rka_a)  # a draft is not under review
    rka_submit(actor=world.agency_head_a, rka=rka_a)
    line_review(actor=world.tapd_a, line=second, accept=False, note="Volume tidak wajar")

    assert rka_accept_pending(actor=world.tapd_a, rka=rka_a) == 2

    for each in (first, second, third):
        each.refresh_from_db()
    assert (first.review, second.review, third.review) == (Review.ACCEPTED, Review.RETURNED, Review.ACCEPTED)
    assert second.review_note == "Volume tidak wajar"
    entries = AuditEntry.objects.filter(action="rka.line_review", actor=world.tapd_a)
    assert sorted(int(e.object_id) for e in entries) == sorted([first.pk, second.pk, third.pk])
    with pytest.raises(Conflict, match="1 baris"):
        rka_verify(actor=world.tapd_a, rka=rka_a)


def test_the_submitter_and_the_agency_cannot_accept_lines(world, three_lines):
    rka_a, _lines = three_lines
    both = grant(
        grant(make_user("kepala.tapd", world.pemda_a), world.pemda_a, Role.AGENCY_HEAD, unit=world.unit_a),
        world.pemda_a,
        Role.TAPD,
    )
    rka_submit(actor=both, rka=rka_a)
    with pytest.raises(PermissionDenied, match="empat mata"):
        rka_accept_pending(actor=both, rka=rka_a)
    with pytest.raises(PermissionDenied):
        rka_accept_pending(actor=world.agency_operator_a, rka=rka_a)
    assert {each.review for each in rka_a.lines.all()} == {Review.PENDING}


def test_after_accepting_all_the_tapd_verifies(world, three_lines):
    rka_a, _lines = three_lines
    rka_submit(actor=world.agency_head_a, rka=rka_a)
    rka_accept_pending(actor=world.tapd_a, rka=rka_a)
    rka_verify(actor=world.tapd_a, rka=rka_a)
    rka_a.refresh_from_db()
    assert rka_a.state == "verified" and rka_a.verified_by == world.tapd_a
