"""The public proposal lists (API and tracker page) are published per filter and changed by each write."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from spbe.core import published
from spbe.core.models import DataVersion
from spbe.core.tests.test_published import call
from spbe.planning.services import proposal_decide, proposal_edit, proposal_submit, proposals_rank

from .helpers import new_proposal
from .test_import import row, write_csv

pytestmark = pytest.mark.django_db

LIST = "/api/v1/pemda/35.10/proposals"
TRACKER = "/pemda/35.10/usulan/"


def submitted(world, **fields):
    proposal = new_proposal(world, **fields)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    return proposal


def ids(response):
    return [item["public_id"] for item in json.loads(response[2])["items"]]


def test_the_list_api_is_replayed_per_filter_until_a_decision(world, published_app):
    recorder, app = published_app
    first = submitted(world)
    by_kecamatan = call(app, LIST, QUERY_STRING="year=2028&kecamatan=35.10.02")
    assert by_kecamatan[0] == "200 OK"
    assert "public" in by_kecamatan[1]["Cache-Control"] and by_kecamatan[1]["ETag"]
    assert ids(by_kecamatan) == [first.public_id]
    # The same filter spelled otherwise is the same answer; another filter is another.
    assert call(app, LIST, QUERY_STRING="kecamatan=35.10.02&status=&year=2028") == by_kecamatan
    assert ids(call(app, LIST, QUERY_STRING="year=2027&kecamatan=35.10.02")) == []
    assert recorder.calls == 2

    proposal_decide(actor=world.kades_x, proposal=first, outcome="forward", rank=1)
    after = call(app, LIST, QUERY_STRING="year=2028&kecamatan=35.10.02")
    assert recorder.calls == 3
    assert json.loads(after[2])["items"][0]["status"] == "kecamatan"
    # Another pemda's change leaves this pemda's lists alone.
    published.bump_version("proposal-lists:19.06")
    call(app, LIST, QUERY_STRING="year=2028&kecamatan=35.10.02")
    assert recorder.calls == 3


def test_a_bad_filter_is_a_problem_answered_by_django_every_time(world, published_app):
    recorder, app = published_app
    for _ in range(2):
        status, headers, _body = call(app, LIST, QUERY_STRING="status=draft")
        assert status.startswith("400") or status.startswith("422")
        assert headers["Content-Type"] == "application/problem+json"
    assert recorder.calls == 2


def test_the_tracker_page_is_one_published_answer_per_filter(world, published_app):
    recorder, app = published_app
    first = submitted(world)
    status, headers, body = call(app, TRACKER, QUERY_STRING="year=2028&kecamatan=35.10.02")
    assert status == "200 OK"
    assert "public" in headers["Cache-Control"] and headers["ETag"]
    assert "Set-Cookie" not in headers
    # The same bytes for everyone: no per-request CSP nonce in the page, and so none in its policy.
    assert b"nonce=" not in body
    assert "nonce-" not in headers["Content-Security-Policy"]
    assert first.public_id.encode() in body
    assert call(app, TRACKER, QUERY_STRING="kecamatan=35.10.02&year=2028&desa=")[2] == body
    assert recorder.calls == 1

    second = submitted(world, title="Saluran drainase dusun Krajan")
    after = call(app, TRACKER, QUERY_STRING="year=2028&kecamatan=35.10.02")[2]
    assert recorder.calls == 2
    assert second.public_id.encode() in after


def test_a_signed_in_visitor_gets_the_tracker_page_as_usual(world):
    submitted(world)
    response = world.client_for(world.operator_x).get(TRACKER, {"year": 2028})
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def _lists_version():
    versions = DataVersion.objects.filter(name="proposal-lists:35.10").values_list("version", flat=True)
    return versions.first() or 0


def test_every_write_that_changes_a_public_list_bumps_the_pemdas_lists(world, tmp_path):
    draft = new_proposal(world)
    assert _lists_version() == 0  # a draft is not on any public list
    steps = {
        "submit": lambda: proposal_submit(actor=world.operator_x, proposal=draft),
        "decide": lambda: proposal_decide(actor=world.kades_x, proposal=draft, outcome="forward"),
        "edit": lambda: proposal_edit(
            actor=world.camat_x, proposal=draft, changes={"volume": Decimal("300")}
        ),
        "rank": lambda: proposals_rank(
            actor=world.camat_x,
            pemda=world.pemda_a,
            year=2028,
            stage="kecamatan",
            kecamatan=world.desa_x.kecamatan,
        ),
        "import": lambda: call_command(
            "import_proposals",
            str(write_csv(tmp_path / "usulan.csv", [row()])),
            pemda="35.10",
            year=2028,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        ),
    }
    for name, step in steps.items():
        before = _lists_version()
        step()
        draft.refresh_from_db()
        assert _lists_version() > before, name
