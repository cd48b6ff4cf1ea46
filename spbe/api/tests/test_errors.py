"""Every error the API answers is a problem document, whoever noticed it: ninja, Django or a middleware."""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory

from spbe.api.urls import api
from spbe.core import views
from spbe.core.errors import (
    Conflict,
    ImportFailed,
    NotFound,
    PermissionDenied,
    RowError,
    SpbeError,
    ValidationFailed,
)
from spbe.core.money import MoneyError, parse_rupiah

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/tidak-ada", "/api/v1/regions/35.10/tidak-ada", "/api/v1/"])
def test_an_unknown_api_address_is_a_problem_with_debug_on_or_off(settings, path, debug):
    settings.DEBUG = debug
    response = Client().get(path)
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    body = response.json()
    assert (body["status"], body["title"], body["instance"]) == (404, "not-found", path)
    assert "/api/v1/docs" in body["detail"]


def test_an_unknown_api_address_is_a_problem_in_the_users_language(settings):
    settings.DEBUG = True
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/tidak-ada")
    assert (response.status_code, response["Content-Language"]) == (404, "en")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_method_the_api_does_not_offer_is_a_problem_with_allow(regions, method):
    response = getattr(Client(), method)("/api/v1/regions/35.10")
    assert (response.status_code, response["Content-Type"]) == (405, PROBLEM)
    assert response["Allow"] == "GET, HEAD"
    body = response.json()
    assert (body["status"], body["title"]) == (405, "method-not-allowed")
    assert method.upper() in body["detail"]


def test_head_on_the_api_answers_like_get(regions):
    client = Client()
    get = client.get("/api/v1/regions/35.10")
    head = client.head("/api/v1/regions/35.10")
    assert head.status_code == 200
    for header in ["Content-Type", "Content-Length", "ETag", "Cache-Control"]:
        assert head[header] == get[header]
    assert head.content == b""


def test_head_on_the_staff_api_still_asks_for_a_token():
    response = Client().head("/api/v1/me")
    assert (response.status_code, response["WWW-Authenticate"]) == (401, "Bearer")


def _error(cls: type[SpbeError] | type[MoneyError]) -> SpbeError | MoneyError:
    if cls is ImportFailed:
        return ImportFailed("Berkas tidak dapat dimuat.", [RowError(row=2, message="kosong")])
    if cls is MoneyError:
        try:
            parse_rupiah("12,345.678.9", field="pagu")
        except MoneyError as error:
            return error
        raise AssertionError("parse_rupiah accepted a malformed amount")
    return cls("Pesan untuk pengguna.", field="nama")


@pytest.mark.parametrize(
    ("cls", "status", "code"),
    [
        (SpbeError, 400, "error"),
        (ValidationFailed, 422, "validation"),
        (ImportFailed, 422, "validation"),
        (PermissionDenied, 403, "forbidden"),
        (NotFound, 404, "not-found"),
        (Conflict, 409, "conflict"),
        (MoneyError, 422, "validation"),
    ],
)
def test_every_product_error_maps_to_a_problem(cls, status, code):
    error = _error(cls)
    response = api.on_exception(RequestFactory().get("/api/v1/x"), error)
    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    body = json.loads(response.content)
    assert (body["status"], body["title"], body["code"]) == (status, code, code)
    assert body["detail"] == error.message
    if cls is not ImportFailed:
        assert body["field"] == ("pagu" if cls is MoneyError else "nama")


def test_a_server_error_under_the_api_is_a_problem():
    response = views.server_error(RequestFactory().get("/api/v1/regions"))
    assert (response.status_code, response["Content-Type"]) == (500, PROBLEM)
    assert b'"status": 500' in response.content


def test_a_server_error_elsewhere_is_the_products_page():
    response = views.server_error(RequestFactory().get("/wilayah/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
