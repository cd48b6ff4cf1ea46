"""E-planning pages: the staff list (scope, filters, export) and detail, and the public tracker."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from spbe.planning.models import Decision, DuplicateMark, Proposal
from spbe.planning.services import proposal_decide, proposal_submit

from .helpers import PERSONAL, new_proposal, planners

pytestmark = pytest.mark.django_db
A = "35.10"


def _submitted(world, village="x", **fields):
    operator = world.operator_x if village == "x" else world.operator_y
    desa = world.desa_x if village == "x" else world.desa_y
    proposal = new_proposal(world, actor=operator, village=desa, **fields)
    proposal_submit(actor=operator, proposal=proposal)
    return proposal


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_staff_list_shows_each_officer_their_scope_only(world):
    x = _submitted(world, title="Jalan X")
    y = _submitted(world, village="y", title="Sumur Y", suggested_unit=world.unit_a2)
    planner, _second = planners(world)
    cases = [
        (world.operator_x, {x.public_id}),
        (world.camat_y, {y.public_id}),
        (world.agency_operator_a, {x.public_id}),
        (world.agency_operator_a2, {y.public_id}),
        (planner, {x.public_id, y.public_id}),
        (world.officer_a, set()),  # a pemda admin runs the organisation, not the plan
    ]
    for user, expected in cases:
        response = world.client_for(user).get(f"/app/{A}/usulan/")
        assert response.status_code == 200, user
        shown = {p.public_id for p in response.context["page"]}
        assert shown == expected, user.username
    assert world.client_for(world.officer_b).get(f"/app/{A}/usulan/").status_code == 404


def test_the_staff_list_filters_pages_and_refuses_an_unknown_choice(world):
    planner, _second = planners(world)
    road = _submitted(world, title="Jalan")
    _submitted(world, village="y", title="Sumur", year=2029)
    client = world.client_for(planner)
    response = client.get(f"/app/{A}/usulan/", {"year": 2028, "desa": world.desa_x.code, "status": "desa"})
    assert [p.public_id for p in response.context["page"]] == [road.public_id]
    response = client.get(f"/app/{A}/usulan/", {"source": "pokir"})
    assert list(response.context["page"]) == []
    response = client.get(f"/app/{A}/usulan/", {"status": "terbang"})
    assert response.context["form"].errors and list(response.context["page"]) == []


def test_the_export_has_the_whole_filter_in_csv_and_xlsx(world):
    planner, _second = planners(world)
    road = _submitted(world, title="=cmd|' /C calc'!A0")
    _submitted(world, village="y", title="Sumur")
    client = world.client_for(planner)
    response = client.get(f"/app/{A}/usulan/", {"desa": world.desa_x.code, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="usulan-35.10.csv"'
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Nomor usulan", "Tahun", "Sumber", "Judul"]
    assert len(rows) == 2
    assert rows[1][0] == road.public_id and rows[1][3] == "'=cmd|' /C calc'!A0"
    assert rows[1][11] == "250000000.50"
    response = client.get(f"/app/{A}/usulan/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(_body(response))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    costs = {row[0]: row[11] for row in values[1:]}
    assert costs[road.public_id] == 250000000.5
    assert sheet["L2"].number_format == "#,##0.00"
    # No personal field leaves through an export either.
    assert PERSONAL.name not in _body(client.get(f"/app/{A}/usulan/", {"format": "csv"})).decode()
    assert client.get(f"/app/{A}/usulan/", {"format": "pdf"}).status_code == 422


def test_the_forum_decides_from_the_detail_page(world):
    proposal = _submitted(world)
    url = f"/app/{A}/usulan/{proposal.public_id}/"
    page = world.client_for(world.kades_x).get(url)
    assert page.status_code == 200 and page.context["may_decide"]
    assert PERSONAL.name in page.content.decode()  # staff see who proposed it
    assert not world.client_for(world.camat_x).get(url).context["may_decide"]
    # A rejection without a reason: the service's message, on the form, nothing written.
    refused = world.client_for(world.kades_x).post(url, {"stage": "desa", "outcome": "reject", "note": ""})
    assert refused.status_code == 400
    assert refused.context["form"].non_field_errors() or refused.context["form"].errors
    assert Proposal.objects.get(pk=proposal.pk).state == "desa"
    done = world.client_for(world.kades_x).post(
        url,
        {"stage": "desa", "outcome": "forward", "note": "Prioritas", "recommended_cost": "Rp 1.500.000,50"},
    )
    assert done.status_code == 302
    decision = Decision.objects.get(proposal=proposal, action="forward_desa")
    assert (decision.note, decision.recommended_cost, decision.decided_by) == (
        "Prioritas",
        Decimal("1500000.50"),
        world.kades_x,
    )


def test_a_decision_from_a_stale_page_gets_the_conflict_message(world):
    proposal = _submitted(world)
    url = f"/app/{A}/usulan/{proposal.public_id}/"
    proposal_decide(actor=world.operator_x, proposal=proposal, outcome="forward")
    stale = world.client_for(world.kades_x).post(url, {"stage": "desa", "outcome": "reject", "note": "x"})
    assert stale.status_code == 400
    assert "sudah berpindah tahap" in stale.content.decode()
    assert Decision.objects.filter(proposal=proposal).count() == 2  # submit, forward: nothing more


def test_the_detail_page_shows_candidates_and_records_a_verdict(world):
    old = _submitted(world, year=2026, title="Perbaikan Jln. Krajan")
    new = _submitted(world, title="Rehab jalan Krajan")
    url = f"/app/{A}/usulan/{new.public_id}/"
    page = world.client_for(world.kades_x).get(url)
    assert [c.proposal.public_id for c in page.context["candidates"]] == [old.public_id]
    assert old.public_id in page.content.decode()
    # The camat sees the candidates but does not judge at the desa stage.
    refused = world.client_for(world.camat_x).post(
        url, {"action": "duplicate", "candidate": old.public_id, "verdict": "linked"}
    )
    assert refused.status_code == 302 and not DuplicateMark.objects.exists()
    done = world.client_for(world.kades_x).post(
        url, {"action": "duplicate", "candidate": old.public_id, "verdict": "linked"}
    )
    assert done.status_code == 302
    assert DuplicateMark.objects.get().verdict == "linked"
    assert "Duplikat dari" in world.client_for(world.kades_x).get(url).content.decode()


def test_the_public_tracker_filters_like_the_api_and_each_proposal_has_its_page(world):
    road = _submitted(world, title="Jalan desa X")
    _submitted(world, village="y", title="Sumur desa Y")
    draft = new_proposal(world, title="Draf rahasia")
    client = Client()
    listing = client.get(f"/pemda/{A}/usulan/", {"desa": world.desa_x.code})
    assert listing.status_code == 200
    assert [p.public_id for p in listing.context["page"]] == [road.public_id]
    everything = client.get(f"/pemda/{A}/usulan/").content.decode()
    assert "Sumur desa Y" in everything and "Draf rahasia" not in everything
    assert list(client.get(f"/pemda/{A}/usulan/", {"status": "draft"}).context["page"]) == []
    page = client.get(f"/usulan/{road.public_id}/")
    assert page.status_code == 200
    assert "Jalan desa X" in page.content.decode() and "Musrenbang desa" in page.content.decode()
    assert client.get(f"/usulan/{draft.public_id}/").status_code == 404
    assert client.get("/pemda/99.99/usulan/").status_code == 404
