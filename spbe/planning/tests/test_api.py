"""Public tracking: a proposal's journey and a pemda's list, open to all, never showing the proposer."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.test import Client

from spbe.planning.models import Proposal
from spbe.planning.services import proposal_decide, proposal_submit

from .helpers import PERSONAL, new_proposal

pytestmark = pytest.mark.django_db


def _journeyed(world):
    """A proposal of desa X rejected at the kecamatan forum after ranking 3rd at the desa forum."""
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward", rank=3, note="Prioritas dusun")
    proposal_decide(actor=world.camat_x, proposal=proposal, outcome="reject", note="Sudah didanai APBDes")
    return proposal


def test_a_citizen_follows_the_journey_of_a_proposal(world):
    proposal = _journeyed(world)
    response = Client().get(f"/api/v1/proposals/{proposal.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["public_id"] == "35.10-2028-000001"
    assert (body["status"], body["estimated_cost"], body["community_contribution"]) == (
        "rejected",
        "250000000.50",
        "5000000.00",
    )
    assert body["desa"] == {"code": world.desa_x.code, "name": world.desa_x.region.name}
    assert body["kecamatan"]["code"] == "35.10.02"
    assert body["suggested_unit"]["code"] == world.unit_a.code
    journey = [(j["stage"], j["outcome"], j["reason"], j["rank"]) for j in body["journey"]]
    assert journey == [
        ("draft", "desa", "", None),
        ("desa", "kecamatan", "Prioritas dusun", 3),
        ("kecamatan", "rejected", "Sudah didanai APBDes", None),
    ]
    assert all(j["date"] for j in body["journey"])


def test_an_unknown_or_draft_proposal_is_a_404_problem(world):
    draft = new_proposal(world)
    for public_id in (draft.public_id, "35.10-2028-999999"):
        response = Client().get(f"/api/v1/proposals/{public_id}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_the_public_list_filters_and_pages(world, monkeypatch):
    rejected = _journeyed(world)
    in_y = new_proposal(world, actor=world.operator_y, village=world.desa_y, bidang="1.01")
    proposal_submit(actor=world.operator_y, proposal=in_y)
    new_proposal(world)  # a draft: not published
    client = Client()
    url = f"/api/v1/pemda/{world.pemda_a.code}/proposals"

    def ids(**query):
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        return [item["public_id"] for item in response.json()["items"]]

    assert ids() == [rejected.public_id, in_y.public_id]
    assert ids(year=2028, status="rejected") == [rejected.public_id]
    assert ids(kecamatan="35.10.03") == [in_y.public_id]
    assert ids(desa=world.desa_x.code) == [rejected.public_id]
    assert ids(bidang="1.01") == [in_y.public_id]
    assert ids(year=2027) == []
    monkeypatch.setattr("spbe.planning.api.PAGE_SIZE", 1)
    second = client.get(url, {"page": 2}).json()
    assert (second["count"], second["pages"], [i["public_id"] for i in second["items"]]) == (
        2,
        2,
        [in_y.public_id],
    )
    for bad in ({"status": "draft"}, {"status": "x"}, {"page": 0}, {"year": "dua"}):
        response = client.get(url, bad)
        assert response.status_code == 422, bad
        assert response["Content-Type"] == "application/problem+json"
    response = client.get("/api/v1/pemda/99.99/proposals")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


PERSONAL_WORDS = ("proposer", "pengusul", "nik", "phone", "telepon", "email")


def test_no_personal_field_appears_in_any_public_response(world):
    proposal = _journeyed(world)
    draft = new_proposal(world)
    client = Client()
    responses = [
        client.get(f"/api/v1/proposals/{proposal.public_id}"),
        client.get(f"/api/v1/proposals/{draft.public_id}"),
        client.get(f"/api/v1/pemda/{world.pemda_a.code}/proposals"),
        client.get(f"/api/v1/pemda/{world.pemda_a.code}/proposals", {"status": "rejected"}),
    ]
    assert [r.status_code for r in responses] == [200, 404, 200, 200]
    for response in responses:
        text = response.content.decode()
        for value in (PERSONAL.name, PERSONAL.nik, PERSONAL.phone, PERSONAL.email, "Siti"):
            assert value not in text
    # Nor does any public page: walk the tracker and every proposal page it links to.
    seen: set[str] = set()
    queue = [
        f"/pemda/{world.pemda_a.code}/usulan/",
        f"/pemda/{world.pemda_a.code}/usulan/?status=rejected&desa={world.desa_x.code}",
        f"/usulan/{draft.public_id}/",
    ]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        page = client.get(url)
        assert page.status_code in (200, 404), url
        text = page.content.decode()
        for value in (PERSONAL.name, PERSONAL.nik, PERSONAL.phone, PERSONAL.email, "Siti"):
            assert value not in text, url
        queue += [
            link.replace("&amp;", "&")
            for link in re.findall(r'href="([^"]+)"', text)
            if link.startswith(("/usulan/", f"/pemda/{world.pemda_a.code}/usulan/"))
        ]
    assert f"/usulan/{proposal.public_id}/" in seen
    # Nor does the published schema name a field for them.
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("ProposalOut", "ProposalSummaryOut", "DecisionOut", "ProposalPageOut"):
        fields = {field.lower() for field in schema[name]["properties"]}
        assert not {f for f in fields for word in PERSONAL_WORDS if word in f}, name


def test_money_is_a_decimal_string_and_coordinates_are_exact(world):
    proposal = _journeyed(world)
    body = json.loads(Client().get(f"/api/v1/proposals/{proposal.public_id}").content)
    assert isinstance(body["estimated_cost"], str)
    assert Decimal(str(body["latitude"])) == Decimal("-8.512345")
    assert Proposal.objects.get(pk=proposal.pk).estimated_cost == Decimal(body["estimated_cost"])


# --- officers deciding through the API ----------------------------------------------------------------


def _bearer(user) -> dict[str, str]:
    from spbe.accounts.services import api_token_create

    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _post(user, proposal, **body):
    url = f"/api/v1/pemda/35.10/proposals/{proposal.public_id}/decisions"
    return Client().post(url, json.dumps(body), content_type="application/json", **_bearer(user))


def _post_json(url, body, user):
    return Client().post(url, json.dumps(body), content_type="application/json", **_bearer(user))


def test_an_officer_decides_at_their_stage_through_the_api(world):
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    response = _post(
        world.kades_x, proposal, stage="desa", outcome="forward", rank=2, recommended_cost="1.500.000"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["outcome"], response.json()["decided_by"]) == ("kecamatan", "kades.x")
    assert response.json()["recommended_cost"] == "1500000.00"
    proposal.refresh_from_db()
    # The desa forum's rank stays with its decision; the kecamatan forum has not ranked it yet.
    assert (proposal.state, proposal.rank) == ("kecamatan", None)
    listed = Client().get(
        f"/api/v1/pemda/35.10/proposals/{proposal.public_id}/decisions", **_bearer(world.camat_x)
    )
    assert [d["outcome"] for d in listed.json()] == ["desa", "kecamatan"]
    assert [d["rank"] for d in listed.json()] == [None, 2]


def test_the_api_answers_wrong_stage_stale_and_outsider_attempts_with_problems(world):
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    cases = [
        (world.camat_x, {"stage": "desa", "outcome": "forward"}, 403),  # not the camat's stage
        (world.kades_x, {"stage": "kecamatan", "outcome": "forward"}, 409),  # saw another stage
        (world.kades_x, {"stage": "desa", "outcome": "reject"}, 422),  # a rejection needs its reason
        (world.kades_x, {"stage": "desa", "outcome": "forward", "recommended_cost": 1.5}, 422),  # a float
        (world.officer_b, {"stage": "desa", "outcome": "forward"}, 404),  # another pemda
        (world.operator_y, {"stage": "desa", "outcome": "forward"}, 404),  # another desa
    ]
    for user, body, status in cases:
        response = _post(user, proposal, **body)
        assert response.status_code == status, (user, body, response.content)
        assert response["Content-Type"] == "application/problem+json"
    proposal.refresh_from_db()
    assert proposal.state == "desa"
    assert proposal.decisions.count() == 1


def test_the_camat_ranks_the_kecamatan_and_its_camat_and_planners_read_it_in_rank_order(world):
    from spbe.planning.services import proposal_score

    from .helpers import planners

    proposals = []
    for title in ("Jalan", "Sumur", "Drainase"):
        proposal = new_proposal(world, title=title)
        proposal_submit(actor=world.operator_x, proposal=proposal)
        proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
        proposals.append(proposal)
    proposal_score(actor=world.camat_x, proposal=proposals[2], scores={"urgency": 5, "readiness": 4})
    proposal_score(actor=world.camat_x, proposal=proposals[1], scores={"urgency": 2})
    kecamatan = world.desa_x.kecamatan
    base = f"/api/v1/pemda/35.10/kecamatan/{kecamatan.district_id}/ranking"
    planner, _second = planners(world)
    # Only the camat of this kecamatan ranks; a planner may look but not rank, another camat sees nothing.
    for user, status in ((world.camat_y, 404), (planner, 403), (world.officer_b, 404)):
        refused = _post_json(base, {"year": 2028}, user)
        assert refused.status_code == status, user
        assert refused["Content-Type"] == "application/problem+json"
    assert not Proposal.objects.filter(rank__isnull=False).exists()
    ranked = _post_json(base, {"year": 2028}, world.camat_x)
    assert ranked.status_code == 200
    assert [r["title"] for r in ranked.json()] == ["Drainase", "Sumur", "Jalan"]
    url = base + "?year=2028"
    for user in (world.camat_x, planner):
        response = Client().get(url, **_bearer(user))
        assert response.status_code == 200
        body = response.json()
        assert [(r["rank"], r["title"]) for r in body] == [(1, "Drainase"), (2, "Sumur"), (3, "Jalan")]
        assert body[0]["scores"] == {"urgency": 5, "readiness": 4}
        assert body[0]["desa"]["code"] == world.desa_x.code
        assert PERSONAL.nik not in response.content.decode()
    for outsider in (world.camat_y, world.kades_x, world.agency_head_a):
        assert Client().get(url, **_bearer(outsider)).status_code == 404
    other_year = Client().get(url.replace("2028", "2029"), **_bearer(world.camat_x))
    assert other_year.json() == []
    # The citizen's journey shows the rank earned at the kecamatan forum.
    journey = Client().get(f"/api/v1/proposals/{proposals[2].public_id}").json()["journey"]
    assert [(j["action"], j["stage"], j["rank"]) for j in journey][-1] == ("rank", "kecamatan", 1)
