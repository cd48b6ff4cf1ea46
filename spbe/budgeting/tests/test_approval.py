"""The approval flow: operator drafts, head submits, TAPD verifies line by line, adoption freezes; a revision
starts as a copy and versions compare line by line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.budgeting import services
from spbe.budgeting.access import rka_for_user
from spbe.budgeting.models import BudgetVersion, Review, Rka, RkaDetail, RkaLine
from spbe.budgeting.selectors import version_diff
from spbe.budgeting.services import (
    DETAIL_SPEC,
    DetailInput,
    detail_change,
    line_review,
    rka_return,
    rka_submit,
    rka_verify,
    version_adopt,
    version_revise,
)
from spbe.core import audit_labels, versions
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry

from .helpers import ROAD_2, add, draft, line, rka


@pytest.fixture
def drafted(world, ref2028):
    """Unit A's RKA drafted by its operator: two lines with one detail row each."""
    version = draft(world.pemda_a)
    rka_a = rka(version, world.unit_a)
    first, second = line(rka_a), line(rka_a, sub=ROAD_2)
    add(first, "1000", actor=world.agency_operator_a)
    add(second, "250.50", actor=world.agency_operator_a)
    return version, rka_a, first, second


def test_operator_drafts_head_submits_tapd_returns_then_verifies_and_adoption_freezes(world, drafted):
    version, rka_a, first, second = drafted
    with pytest.raises(PermissionDenied):
        rka_submit(actor=world.agency_operator_a, rka=rka_a)
    rka_submit(actor=world.agency_head_a, rka=rka_a)
    assert rka_a.state == "submitted" and rka_a.submitted_by == world.agency_head_a
    with pytest.raises(Conflict, match="Diajukan"):
        add(first, "1", actor=world.agency_operator_a)

    with pytest.raises(ValidationFailed):
        line_review(actor=world.tapd_a, line=first, accept=False, note="  ")
    line_review(actor=world.tapd_a, line=first, accept=True)
    line_review(actor=world.tapd_a, line=second, accept=False, note="Harga beton di atas SSH")
    with pytest.raises(Conflict, match="1 baris"):
        rka_verify(actor=world.tapd_a, rka=rka_a)
    with pytest.raises(ValidationFailed):
        rka_return(actor=world.tapd_a, rka=rka_a, note="")
    rka_return(actor=world.tapd_a, rka=rka_a, note="Perbaiki baris beton")
    second.refresh_from_db()
    assert (rka_a.state, second.review, second.review_note) == (
        "returned",
        "returned",
        "Harga beton di atas SSH",
    )

    detail = RkaDetail.objects.get(line=second)
    detail_change(
        actor=world.agency_operator_a,
        detail=detail,
        change=DetailInput("Beton", [("1", "m3")], Decimal("200")),
    )
    rka_submit(actor=world.agency_head_a, rka=rka_a)
    for each in RkaLine.objects.filter(rka=rka_a):
        line_review(actor=world.tapd_a, line=each, accept=True)
    rka_verify(actor=world.tapd_a, rka=rka_a)
    assert rka_a.state == "verified" and rka_a.verified_by == world.tapd_a

    with pytest.raises(PermissionDenied):
        version_adopt(actor=world.agency_head_a, version=version)
    version_adopt(actor=world.tapd_a, version=version)
    assert version.is_adopted and len(version.content_hash) == 64
    assert versions.verify_frozen(version, DETAIL_SPEC)
    with pytest.raises(Conflict, match="ditetapkan"):
        add(first, "1")
    assert AuditEntry.objects.filter(action="budget.version_adopt", object_id=str(version.pk)).count() == 1
    # Every step is in the pemda's trail, each with a name people can read.
    recorded = set(AuditEntry.objects.filter(pemda_code="35.10").values_list("action", flat=True))
    assert {"rka.submit", "rka.return", "rka.verify", "rka.line_review", "rka.detail_change"} <= recorded
    assert all(audit_labels.action_label(a) != a for a in recorded if a.startswith(("rka.", "budget.")))


def test_the_submitter_cannot_verify_even_holding_a_tapd_role(world, drafted):
    _version, rka_a, first, _second = drafted
    both = grant(
        grant(make_user("kepala.tapd", world.pemda_a), world.pemda_a, Role.AGENCY_HEAD, unit=world.unit_a),
        world.pemda_a,
        Role.TAPD,
    )
    rka_submit(actor=both, rka=rka_a)
    with pytest.raises(PermissionDenied, match="empat mata"):
        line_review(actor=both, line=first, accept=True)
    for each in RkaLine.objects.filter(rka=rka_a):
        line_review(actor=world.tapd_a, line=each, accept=True)
    with pytest.raises(PermissionDenied, match="empat mata"):
        rka_verify(actor=both, rka=rka_a)
    with pytest.raises(PermissionDenied, match="empat mata"):
        rka_return(actor=both, rka=rka_a, note="x")
    assert Rka.objects.get(pk=rka_a.pk).state == "submitted"


def test_wrong_state_moves_are_refused(world, drafted):
    version, rka_a, first, _second = drafted
    with pytest.raises(Conflict):
        rka_verify(actor=world.tapd_a, rka=rka_a)
    with pytest.raises(Conflict):
        line_review(actor=world.tapd_a, line=first, accept=True)
    with pytest.raises(Conflict, match="belum terverifikasi"):
        version_adopt(actor=world.tapd_a, version=version)
    rka_submit(actor=world.agency_head_a, rka=rka_a)
    stale = Rka.objects.get(pk=rka_a.pk)
    stale.state = "draft"  # what a second tab still shows
    with pytest.raises(Conflict, match="pengguna lain"):
        rka_submit(actor=world.agency_head_a, rka=stale)
    with pytest.raises(Conflict):
        rka_submit(actor=world.agency_head_a, rka=Rka.objects.get(pk=rka_a.pk))
    assert Rka.objects.get(pk=rka_a.pk).state == "submitted"
    assert RkaLine.objects.get(pk=first.pk).review == Review.PENDING


def test_rka_is_found_only_within_scope(world, drafted):
    _version, rka_a, _first, _second = drafted
    _obj, can = rka_for_user(world.agency_operator_a, "35.10", rka_a.pk)
    assert can.edit and not can.submit and not can.verify
    _obj, can = rka_for_user(world.tapd_a, "35.10", rka_a.pk)
    assert can.verify and not can.edit
    for outsider in (world.agency_operator_a2, world.officer_b, world.operator_x, world.camat_x):
        with pytest.raises(NotFound):
            rka_for_user(outsider, "35.10", rka_a.pk)
    with pytest.raises(NotFound):
        rka_for_user(world.officer_b, "19.06", rka_a.pk)


def _adopt(world, version, rka_a):
    rka_submit(actor=world.agency_head_a, rka=rka_a)
    for each in RkaLine.objects.filter(rka=rka_a):
        line_review(actor=world.tapd_a, line=each, accept=True)
    rka_verify(actor=world.tapd_a, rka=rka_a)
    version_adopt(actor=world.tapd_a, version=version)


def test_a_revision_starts_as_a_copy_and_the_diff_names_what_changed(world, drafted):
    version, rka_a, _first, second = drafted
    with pytest.raises(Conflict, match="ditetapkan"):
        version_revise(actor=world.tapd_a, version=version, kind="perubahan")
    _adopt(world, version, rka_a)
    with pytest.raises(ValidationFailed):
        version_revise(actor=world.tapd_a, version=version, kind="murni")
    with pytest.raises(PermissionDenied):
        version_revise(actor=world.agency_head_a, version=version, kind="perubahan")
    revision = version_revise(actor=world.tapd_a, version=version, kind="perubahan")
    assert (revision.number, revision.version_state, revision.based_on_id) == (2, "draft", version.pk)
    assert RkaDetail.objects.filter(line__version=revision).count() == 2
    new_rka = Rka.objects.get(version=revision)
    assert new_rka.state == "draft"
    copied = RkaLine.objects.get(version=revision, sub_kegiatan=second.sub_kegiatan)
    add(copied, "49.50", actor=world.agency_operator_a)
    line(new_rka, account="5.1.02.01.01.0024", sub="1.03.01.2.02.0001")
    with pytest.raises(Conflict, match="draf"):
        version_revise(actor=world.tapd_a, version=version, kind="perubahan")

    diff = version_diff(version, revision)
    assert [c.key[2] for c in diff.added] == ["5.1.02.01.01.0024"]
    assert [(c.key[1], c.fields, c.before["amount"], c.after["amount"]) for c in diff.changed] == [
        (ROAD_2, ("amount",), Decimal("250.50"), Decimal("300.00"))
    ]
    assert not diff.removed
    assert (diff.total_before, diff.total_after) == (Decimal("1250.50"), Decimal("1300.00"))
    # The adopted version is untouched, and still matches its hash.
    assert RkaLine.objects.get(pk=second.pk).amount == Decimal("250.50")
    assert versions.verify_frozen(BudgetVersion.objects.get(pk=version.pk), DETAIL_SPEC)
    assert services.LINE_SPEC.rows(revision)
