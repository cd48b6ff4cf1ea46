"""``GET /api/v1/pemda/{code}/proposals.geojson``: published, located proposals with the list's filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from spbe.planning.services import proposal_decide, proposal_submit

from .helpers import PERSONAL, new_proposal

pytestmark = pytest.mark.django_db
URL = "/api/v1/pemda/35.10/proposals.geojson"


def _submitted(world, operator=None, **fields):
    operator = operator or world.operator_x
    proposal = new_proposal(world, actor=operator, **fields)
    proposal_submit(actor=operator, proposal=proposal)
    return proposal


def test_published_located_proposals_are_points_with_public_fields_only(world):
    road = _submitted(world, title="Jalan Krajan", bidang="1.03")
    well = _submitted(
        world,
        operator=world.operator_y,
        village=world.desa_y,
        title="Sumur Y",
        latitude=Decimal("-8.3"),
        longitude=Decimal("114.25"),
    )
    _submitted(world, title="Tanpa titik", latitude=None, longitude=None)
    new_proposal(world, title="Draf")  # not published
    response = Client().get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert (data["type"], data["count"], data["truncated"]) == ("FeatureCollection", 2, False)
    by_id = {f["id"]: f for f in data["features"]}
    assert set(by_id) == {road.public_id, well.public_id}
    feature = by_id[road.public_id]
    assert feature["geometry"] == {"type": "Point", "coordinates": [114.123456, -8.512345]}
    assert feature["properties"] == {
        "public_id": road.public_id,
        "year": 2028,
        "title": "Jalan Krajan",
        "desa": {"code": world.desa_x.code, "name": world.desa_x.region.name},
        "bidang": "1.03",
        "status": "desa",
        "status_label": "Musrenbang desa",
        "url": f"/usulan/{road.public_id}/",
        "name": "Jalan Krajan",
        "lines": [road.public_id, world.desa_x.region.name, "Musrenbang desa"],
        "marker": "",
    }
    text = response.content.decode()
    for secret in (PERSONAL.name, PERSONAL.nik, PERSONAL.phone, PERSONAL.email, "Jalan rusak saat hujan"):
        assert secret not in text


def test_the_list_filters_apply_to_the_map(world):
    road = _submitted(world, title="Jalan", bidang="1.03")
    well = _submitted(world, operator=world.operator_y, village=world.desa_y, title="Sumur", bidang="1.01")
    later = _submitted(world, title="Jembatan", year=2029)
    proposal_decide(actor=world.kades_x, proposal=road, outcome="forward")
    client = Client()

    def ids(**query):
        return {f["id"] for f in client.get(URL, query).json()["features"]}

    assert ids() == {road.public_id, well.public_id, later.public_id}
    assert ids(year=2028) == {road.public_id, well.public_id}
    assert ids(desa=world.desa_y.code) == {well.public_id}
    assert ids(kecamatan=world.desa_x.kecamatan.district_id) == {road.public_id, later.public_id}
    assert ids(bidang="1.01") == {well.public_id}
    assert ids(status="kecamatan") == {road.public_id}
    bad = client.get(URL, {"status": "draft"})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/pemda/99.99/proposals.geojson").status_code == 404


def test_the_query_count_does_not_grow_with_the_points(world, django_assert_max_num_queries):
    for number in range(12):
        _submitted(world, title=f"Usulan {number}")
    with django_assert_max_num_queries(3):
        response = Client().get(URL)
    assert len(response.json()["features"]) == 12


def test_an_unchanged_map_answers_not_modified(world):
    _submitted(world)
    client = Client()
    first = client.get(URL)
    again = client.get(URL, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_the_tracker_draws_the_map_of_its_own_filter(world):
    _submitted(world)
    page = Client().get(
        "/pemda/35.10/usulan/", {"year": 2028, "status": "desa", "page": 2, "desa": world.desa_x.code}
    )
    assert page.status_code == 200
    text = page.content.decode()
    expected = f"/api/v1/pemda/35.10/proposals.geojson?year=2028&amp;desa={world.desa_x.code}&amp;status=desa"
    assert f'data-geojson="{expected}"' in text
    assert "vendor/leaflet/leaflet.js" in text
    plain = Client().get("/pemda/35.10/usulan/").content.decode()
    assert 'data-geojson="/api/v1/pemda/35.10/proposals.geojson"' in plain
