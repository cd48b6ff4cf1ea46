"""HEAD is answered wherever GET is, and a NUL character is refused with 400 before it reaches a query.

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...): PostgreSQL text cannot hold NUL, so there
an unguarded NUL in a URL or a cookie became a 500.
"""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory

from conftest import PASSWORD
from spbe.core.middleware import HeadMiddleware

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/wilayah/",
        "/wilayah/35.10/",
        "/pemda/35.10/",
        "/masuk/",
        "/referensi/",
        "/api/v1/regions",
        "/api/v1/regions/35.10/children",
        "/api/v1/openapi.json",
    ],
)
def test_public_pages_and_the_api_answer_head_like_get(world, path):
    client = Client()
    get = client.get(path)
    head = client.head(path)
    assert get.status_code in {200, 302}
    assert head.status_code == get.status_code
    for header in ["Content-Type", "Content-Length", "Location"]:
        assert head.get(header) == get.get(header)


def test_head_keeps_the_get_headers_and_drops_the_body():
    seen = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.method)
        response = HttpResponse(b"hello")
        response["Content-Length"] = "5"
        return response

    request = RequestFactory().head("/")
    response = HeadMiddleware(view)(request)
    assert (seen, request.method) == (["GET"], "HEAD")
    assert (response.content, response["Content-Length"]) == (b"", "5")

    streamed = HeadMiddleware(lambda request: StreamingHttpResponse(iter([b"a", b"b"])))(
        RequestFactory().head("/")
    )
    assert b"".join(streamed.streaming_content) == b""


def test_head_is_still_refused_where_get_is():
    response = Client().head("/bahasa/en/x")
    assert response.status_code == 404
    response = Client().head("/operasi/wilayah/muat/")
    assert response.status_code == 405
    assert "HEAD" not in response["Allow"]


@pytest.mark.parametrize(
    "path",
    [
        "/wilayah/%00/",
        "/wilayah/35.10%00/",
        "/pemda/35%00/",
        "/app/35.10%00/",
        "/referensi/2025/nomenklatur/?q=%00",
        "/referensi/2025/nomenklatur/?kode=1%002",
        "/wilayah/?%00=1",
    ],
)
def test_a_nul_in_a_page_address_is_a_bad_request_page(regions, path):
    response = Client().get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/regions/%00",
        "/api/v1/regions/35.10%00/children",
        "/api/v1/regions?x=%00",
        "/api/v1/pemda/%00",
    ],
)
def test_a_nul_in_an_api_address_is_a_bad_request_problem(regions, path):
    response = Client().get(path, HTTP_AUTHORIZATION="Bearer spbe_x")
    assert (response.status_code, response["Content-Type"]) == (400, PROBLEM)
    assert response.json()["status"] == 400


def test_a_nul_in_a_cookie_is_a_bad_request(regions):
    client = Client()
    client.cookies["sessionid"] = "a" * 31 + "\x00"
    response = client.get("/wilayah/")
    assert response.status_code == 400
    assert "sessionid" not in response.cookies  # the bad session was never looked up, nor deleted


def test_a_nul_in_a_form_value_is_a_bad_request(world):
    client = Client()
    response = client.post("/masuk/", {"username": "officer_a\x00", "password": PASSWORD})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_nul_in_a_signed_in_users_address_is_a_bad_request(world):
    client = world.client_for(world.officer_a)
    response = client.get(f"/app/{world.pemda_a.code}/desa/%00/")
    assert response.status_code == 400


def test_ordinary_requests_pass(world):
    client = Client()
    assert client.get("/wilayah/?q=banyuwangi").status_code == 200
    assert client.get("/api/v1/regions/35.10").status_code == 200
