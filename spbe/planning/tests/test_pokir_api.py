"""Pokir over the API: the member's and the secretariat's routes, outsiders 404, moved stages 409."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from spbe.accounts.services import api_token_create
from spbe.planning.models import Decision, Proposal, Stage
from spbe.planning.pokir import pokir_submit

from .pokir_helpers import dprd, new_pokir

pytestmark = pytest.mark.django_db
A = "35.10"


def _bearer(user) -> dict[str, str]:
    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(user, url, body):
    return Client().post(url, json.dumps(body), content_type="application/json", **_bearer(user))


BODY = {
    "year": 2028,
    "desa_code": "",
    "title": "Lampu jalan Dusun Sumberan",
    "problem": "Jalan gelap malam hari",
    "volume": "12",
    "unit_of_measure": "titik",
    "estimated_cost": "84000000.00",
    "suggested_unit": "",
    "dapil": "Banyuwangi 3",
    "recess_date": "2026-10-02",
    "recess_place": "Balai Desa",
    "attendees": 60,
}


def test_a_member_enters_and_submits_a_pokir_and_the_secretariat_forwards_it(world):
    people = dprd(world)
    body = {
        **BODY,
        "desa_code": world.desa_x.region_id,
        "suggested_unit": world.unit_a.code,
        "address": "Dusun Sumberan",
        "beneficiaries": 240,
    }
    created = _post(people.member, f"/api/v1/pemda/{A}/pokir", body)
    assert created.status_code == 201, created.content
    answer = created.json()
    assert (answer["status"], answer["dapil"], answer["estimated_cost"]) == (
        "draft",
        "Banyuwangi 3",
        "84000000.00",
    )
    public_id = answer["public_id"]
    submitted = _post(people.member, f"/api/v1/pemda/{A}/pokir/{public_id}/submit", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == "secretariat"
    listed = Client().get(f"/api/v1/pemda/{A}/pokir?status=secretariat", **_bearer(people.secretariat))
    assert [p["public_id"] for p in listed.json()] == [public_id]
    assert listed.json()[0]["gaps"] == ["bidang belum diisi", "belum ada foto"]
    # A single decision goes through the proposals' decision route, with the stage the officer saw.
    decision_url = f"/api/v1/pemda/{A}/proposals/{public_id}/decisions"
    returned = _post(
        people.secretariat, decision_url, {"stage": "secretariat", "outcome": "return", "note": "Foto"}
    )
    assert returned.status_code == 201 and returned.json()["outcome"] == "draft"
    assert Proposal.objects.get(public_id=public_id).state == Stage.DRAFT


def test_outsiders_get_404_wrong_roles_403_and_a_moved_stage_409(world):
    people = dprd(world)
    pokir = new_pokir(world, people.member)
    url = f"/api/v1/pemda/{A}/proposals/{pokir.public_id}/decisions"
    # Unpublished: another member, Bappeda's onlookers and another pemda's secretariat see nothing.
    for outsider in (people.other_member, world.agency_operator_a, people.secretariat_b, world.officer_b):
        response = _post(outsider, url, {"stage": "draft", "outcome": "forward"})
        assert response.status_code == 404, outsider
        assert response["Content-Type"] == "application/problem+json"
        assert _post(outsider, f"/api/v1/pemda/{A}/pokir/{pokir.public_id}/submit", {}).status_code == 404
    assert Client().get(f"/api/v1/pemda/{A}/pokir", **_bearer(world.agency_operator_a)).status_code == 404
    assert Client().get(f"/api/v1/pemda/{A}/pokir", **_bearer(people.other_member)).json() == []
    pokir_submit(actor=people.member, proposal=pokir)
    # The member cannot decide for the secretariat; a stale stage is a conflict.
    assert _post(people.member, url, {"stage": "secretariat", "outcome": "forward"}).status_code == 403
    stale = _post(people.secretariat, url, {"stage": "draft", "outcome": "forward"})
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    # The secretariat neither rejects nor defers: 422 with the reason, nothing moves.
    refused = _post(people.secretariat, url, {"stage": "secretariat", "outcome": "reject", "note": "x"})
    assert refused.status_code in (400, 422) and refused["Content-Type"] == "application/problem+json"
    assert _post(people.secretariat, url, {"stage": "secretariat", "outcome": "forward"}).status_code == 201
    # At the agency the secretariat has no say.
    assert _post(people.secretariat, url, {"stage": "agency", "outcome": "forward"}).status_code == 403
    assert list(Decision.objects.filter(proposal=pokir).values_list("action", flat=True)) == [
        "submit_pokir",
        "forward_secretariat",
    ]


def test_the_secretariat_forwards_a_batch_and_a_moved_one_is_a_409_for_all(world):
    people = dprd(world)
    pokir = [new_pokir(world, people.member, title=f"Drainase {n}") for n in range(3)]
    for p in pokir:
        pokir_submit(actor=people.member, proposal=p)
    url = f"/api/v1/pemda/{A}/pokir/forward"
    ids = [p.public_id for p in pokir]
    assert _post(people.member, url, {"public_ids": ids}).status_code == 404
    assert _post(people.secretariat_b, url, {"public_ids": ids}).status_code == 404
    forwarded = _post(people.secretariat, url, {"public_ids": ids[:2], "note": "Lengkap"})
    assert forwarded.status_code == 200 and [p["status"] for p in forwarded.json()] == ["agency", "agency"]
    again = _post(people.secretariat, url, {"public_ids": ids})
    assert again.status_code == 409
    assert Proposal.objects.get(pk=pokir[2].pk).state == Stage.SECRETARIAT
