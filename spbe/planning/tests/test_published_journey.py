"""A proposal's public journey is replayed from worker memory, and a decision shows at once."""

from __future__ import annotations

import json

import pytest

from spbe.core import published
from spbe.core.tests.test_published import call
from spbe.planning.services import proposal_decide, proposal_submit

from .helpers import new_proposal

pytestmark = pytest.mark.django_db


def test_the_journey_is_replayed_until_a_decision_changes_it(world, published_app):
    recorder, app = published_app
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    path = f"/api/v1/proposals/{proposal.public_id}"

    first = call(app, path)
    again = call(app, path)
    assert first[0] == again[0] == "200 OK"
    assert first[2] == again[2]
    assert recorder.calls == 1
    assert "public" in first[1]["Cache-Control"] and first[1]["ETag"]
    assert json.loads(first[2])["status"] == "desa"

    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward", rank=1, note="Prioritas")
    after = call(app, path)
    assert recorder.calls == 2
    body = json.loads(after[2])
    assert body["status"] == "kecamatan"
    assert [j["outcome"] for j in body["journey"]] == ["desa", "kecamatan"]
    assert after[1]["ETag"] != first[1]["ETag"]

    # Another year's or another pemda's changes leave this answer alone.
    published.bump_version("proposals:35.10:2027")
    published.bump_version("proposals:19.06:2028")
    call(app, path)
    assert recorder.calls == 2


def test_a_matching_etag_gets_a_304(world, client):
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    path = f"/api/v1/proposals/{proposal.public_id}"
    etag = client.get(path)["ETag"]
    response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
