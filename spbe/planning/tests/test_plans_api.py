"""Plans over the staff API, and the Musrenbang kabupaten's decision form naming the RKPD item."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from spbe.planning.models import Stage
from spbe.planning.models_plans import PlanFunding
from spbe.planning.plans import plan_import

from .plans_helpers import SUB_ROAD, YEAR, YEAR_HEADER, at_kabupaten, import_rkpd, item, planners, write_csv

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict[str, str]:
    from spbe.accounts.services import api_token_create

    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_readers_list_plans_and_read_rows_with_the_ids_a_decision_names(world, tmp_path):
    planner, _other = planners(world)
    rkpd = import_rkpd(world, tmp_path, planner)
    path = write_csv(tmp_path / "renja.csv", YEAR_HEADER, [["", SUB_ROAD, "", "Pompa", "1", "unit", "10"]])
    renja = plan_import(
        path,
        actor=world.agency_operator_a,
        pemda_code="35.10",
        kind="renja",
        year=YEAR,
        unit_code=world.unit_a.code,
    ).plan
    client = Client()
    listed = client.get("/api/v1/pemda/35.10/plans", **_bearer(world.auditor)).json()
    assert [(p["kind"], p["unit_code"]) for p in listed] == [("renja", world.unit_a.code), ("rkpd", "")]
    detail = client.get(f"/api/v1/pemda/35.10/plans/{rkpd.pk}", **_bearer(world.tapd_a)).json()
    road = next(r for r in detail["rows"] if r["code"] == SUB_ROAD)
    assert road["id"] == item(rkpd, SUB_ROAD).pk and road["ceilings"] == ["1500000000.50"]
    assert road["location"] == world.desa_x.region_id and road["funded"] == []
    # Agency A2 reads the RKPD, not agency A's Renja; a desa operator reads no plan at all.
    a2 = _bearer(world.agency_operator_a2)
    assert client.get(f"/api/v1/pemda/35.10/plans/{rkpd.pk}", **a2).status_code == 200
    refused = client.get(f"/api/v1/pemda/35.10/plans/{renja.pk}", **a2)
    assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/pemda/35.10/plans", **_bearer(world.operator_x)).status_code == 404


def test_the_kabupaten_forum_names_the_item_on_the_proposal_page(world, tmp_path):
    first, second = planners(world)
    plan = import_rkpd(world, tmp_path, first)
    road = item(plan, SUB_ROAD)
    proposal = at_kabupaten(world, first)
    client = world.client_for(second)
    url = f"/app/35.10/usulan/{proposal.public_id}/"
    page = client.get(url).content.decode()
    assert 'name="plan_item"' in page and SUB_ROAD in page
    missing = client.post(url, {"stage": "kabupaten", "outcome": "forward"})
    assert missing.status_code == 400 and "Pilih sub kegiatan RKPD 2027" in missing.content.decode()
    done = client.post(
        url,
        {
            "stage": "kabupaten",
            "outcome": "forward",
            "plan_item": road.pk,
            "accepted_amount": "Rp 12.500.000",
        },
    )
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Stage.ACCEPTED
    assert PlanFunding.objects.get(proposal=proposal).amount == Decimal("12500000")
    # A stage other than the kabupaten forum has no such field at all.
    assert 'name="plan_item"' not in world.client_for(world.kades_x).get(url).content.decode()
