from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_it_lists_provinces(regions):
    response = Client().get("/api/v1/regions")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [r["code"] for r in response.json()] == ["19", "35"]
    assert response.json()[1]["name"] == "Jawa Timur"


def test_it_shows_one_region_with_counts(regions):
    body = Client().get("/api/v1/regions/35.10").json()
    assert body == {
        "code": "35.10",
        "name": "Kabupaten Banyuwangi",
        "level": "regency",
        "kind": "kabupaten",
        "parent_code": "35",
        "district_count": 3,
        "desa_count": 20,
        "kelurahan_count": 0,
    }


def test_it_lists_children(regions):
    body = Client().get("/api/v1/regions/35.79.01/children").json()
    assert len(body) == 8
    assert {r["kind"] for r in body} == {"desa", "kelurahan"}
    assert all(r["parent_code"] == "35.79.01" for r in body)


def test_it_answers_problem_json_for_an_unknown_code(regions):
    response = Client().get("/api/v1/regions/99.99")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert "99.99" in body["detail"]


def test_it_revalidates_with_an_etag(regions):
    client = Client()
    first = client.get("/api/v1/regions/35.10")
    etag = first["ETag"]
    assert etag.startswith('"')
    second = client.get("/api/v1/regions/35.10", HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 304
    assert second["ETag"] == etag


def test_it_publishes_openapi_and_offline_docs():
    client = Client()
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/regions/{code}/children" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
