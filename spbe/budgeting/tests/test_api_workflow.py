"""Workflow moves over the API: submit, review a line, accept pending, return and verify an RKA, adopt and
revise a version; 404 outside scope, 409 for a wrong or stale state, the submitter never approves."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.budgeting.models import BudgetVersion, Review, RkaLine, RkaState
from spbe.core.models import AuditEntry

from .conftest import UNIT_A, UNIT_A2
from .helpers import SYSTEM, add, draft, line, rka
from .test_api import bearer


@pytest.fixture
def budget(world, ref2028):
    version = draft(world.pemda_a)
    rka_a, rka_a2 = rka(version, world.unit_a), rka(version, world.unit_a2)
    road = line(rka_a)
    add(road, "1000.25", actor=world.agency_operator_a)
    add(line(rka_a2, sub="1.01.02.2.01.0001"), "300")
    return version, rka_a, rka_a2, road


def post(client, url: str, body: dict[str, str], user) -> tuple[int, dict[str, object]]:
    response = client.post(url, json.dumps(body), content_type="application/json", **bearer(user))
    return response.status_code, response.json()


def rka_path(world, version, unit: str, move: str) -> str:
    return f"/api/v1/pemda/{world.pemda_a.code}/budget/versions/{version.pk}/rka/{unit}/{move}"


def test_the_whole_flow_over_the_api(client, world, budget):
    version, _rka_a, rka_a2, road = budget
    status, body = post(
        client, rka_path(world, version, UNIT_A, "submit"), {"status": "draft"}, world.agency_head_a
    )
    assert status == 200 and body["status"] == "submitted" and body["diajukan_oleh"] == "agency.head.a"
    # The same move again, from a client that still saw the draft: 409, nothing changes.
    status, body = post(
        client, rka_path(world, version, UNIT_A, "submit"), {"status": "draft"}, world.agency_head_a
    )
    assert status == 409 and body["status"] == 409

    review = f"/api/v1/pemda/{world.pemda_a.code}/budget/lines/{road.pk}/review"
    status, body = post(client, review, {"keputusan": "returned", "catatan": ""}, world.tapd_a)
    assert status == 422 and body["field"] == "note"
    status, body = post(client, review, {"keputusan": "accepted", "jumlah": "999.00"}, world.tapd_a)
    assert status == 409
    road.refresh_from_db()
    assert road.review == Review.PENDING
    status, body = post(
        client,
        review,
        {"keputusan": "returned", "catatan": "Harga di atas SSH", "jumlah": "1000.25"},
        world.tapd_a,
    )
    assert (
        status == 200
        and body["verifikasi"] == "returned"
        and body["catatan_verifikasi"] == "Harga di atas SSH"
    )
    status, body = post(
        client, rka_path(world, version, UNIT_A, "verify"), {"status": "submitted"}, world.tapd_a
    )
    assert status == 409
    status, body = post(
        client, rka_path(world, version, UNIT_A, "return"), {"status": "submitted"}, world.tapd_a
    )
    assert status == 422
    status, body = post(
        client,
        rka_path(world, version, UNIT_A, "return"),
        {"status": "submitted", "catatan": "Perbaiki"},
        world.tapd_a,
    )
    assert status == 200 and body["status"] == "returned" and body["baris_dikembalikan"] == 1

    # Edited and submitted again; TAPD accepts everything pending and verifies.
    add(road, "10", actor=world.agency_operator_a)
    post(client, rka_path(world, version, UNIT_A, "submit"), {"status": "returned"}, world.agency_head_a)
    status, body = post(
        client, rka_path(world, version, UNIT_A, "accept-pending"), {"status": "submitted"}, world.tapd_a
    )
    assert status == 200 and body["diterima"] == 1 and body["baris_menunggu"] == 0
    status, body = post(
        client, rka_path(world, version, UNIT_A, "verify"), {"status": "submitted"}, world.tapd_a
    )
    assert status == 200 and body["status"] == "verified" and body["diverifikasi_oleh"] == "tapd.a"

    adopt = f"/api/v1/pemda/{world.pemda_a.code}/budget/versions/{version.pk}/adopt"
    status, body = post(client, adopt, {"status": "draf"}, world.tapd_a)
    assert status == 409 and "belum terverifikasi" in body["detail"]  # unit A2 still a draft
    post(
        client, rka_path(world, version, UNIT_A2, "submit"), {"status": "draft"}, world.tapd_a
    )  # no head role
    rka_a2.refresh_from_db()
    assert rka_a2.state == RkaState.DRAFT
    from spbe.budgeting import services

    services.rka_submit(actor=SYSTEM, rka=rka_a2)
    post(client, rka_path(world, version, UNIT_A2, "accept-pending"), {"status": "submitted"}, world.tapd_a)
    post(client, rka_path(world, version, UNIT_A2, "verify"), {"status": "submitted"}, world.tapd_a)
    status, body = post(client, adopt, {"status": "draf"}, world.tapd_a)
    assert status == 200 and body["status"] == "ditetapkan" and len(body["sidik_isi"]) == 64
    status, body = post(client, adopt, {"status": "draf"}, world.tapd_a)
    assert status == 409

    revise = f"/api/v1/pemda/{world.pemda_a.code}/budget/versions/{version.pk}/revise"
    status, body = post(client, revise, {"status": "draf"}, world.tapd_a)
    assert status == 409
    status, body = post(
        client, revise, {"status": "ditetapkan", "jenis": "pergeseran", "nama": "Pergeseran I"}, world.tapd_a
    )
    assert status == 201 and body["jenis"] == "pergeseran" and body["status"] == "draf" and body["nomor"] == 2
    copy = BudgetVersion.objects.get(pk=body["id"])
    assert copy.lines.get(unit=world.unit_a).amount == Decimal("1010.25")
    assert AuditEntry.objects.filter(action="budget.version_revise", actor=world.tapd_a).exists()


def test_outsiders_get_problem_404_and_the_submitter_never_approves(client, world, budget):
    version, rka_a, _rka_a2, road = budget
    # Another pemda, or another agency's operator: 404 as problem+json, nothing moves.
    for outsider in (world.officer_b, world.agency_operator_a2):
        response = client.post(
            rka_path(world, version, UNIT_A, "submit"),
            json.dumps({"status": "draft"}),
            content_type="application/json",
            **bearer(outsider),
        )
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/problem+json")
    review = f"/api/v1/pemda/{world.pemda_a.code}/budget/lines/{road.pk}/review"
    assert post(client, review, {"keputusan": "accepted"}, world.agency_operator_a2)[0] == 404
    adopt = f"/api/v1/pemda/{world.pemda_a.code}/budget/versions/{version.pk}/adopt"
    assert post(client, adopt, {"status": "draf"}, world.agency_operator_a)[0] == 404
    rka_a.refresh_from_db()
    assert rka_a.state == RkaState.DRAFT
    # The agency's operator sees the RKA but may not submit it.
    assert (
        post(
            client, rka_path(world, version, UNIT_A, "submit"), {"status": "draft"}, world.agency_operator_a
        )[0]
        == 403
    )

    both = grant(make_user("kepala.tapd", world.pemda_a), world.pemda_a, Role.AGENCY_HEAD, unit=world.unit_a)
    grant(both, world.pemda_a, Role.TAPD)
    assert post(client, rka_path(world, version, UNIT_A, "submit"), {"status": "draft"}, both)[0] == 200
    assert post(client, review, {"keputusan": "accepted"}, both)[0] == 403
    assert (
        post(client, rka_path(world, version, UNIT_A, "accept-pending"), {"status": "submitted"}, both)[0]
        == 403
    )
    assert (
        post(
            client, rka_path(world, version, UNIT_A, "return"), {"status": "submitted", "catatan": "x"}, both
        )[0]
        == 403
    )
    assert RkaLine.objects.filter(rka=rka_a, review=Review.PENDING).count() == 1
    rka_a.refresh_from_db()
    assert rka_a.state == RkaState.SUBMITTED
