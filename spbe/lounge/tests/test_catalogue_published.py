"""The catalogue pages are published answers: one body for every anonymous visitor, per language, until
the next import."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import make_user
from spbe.core import published

from .helpers import EDU, SERVICE_HEADER, service_row, write_csv

pytestmark = pytest.mark.django_db


def _import(tmp_path, *rows):
    path = write_csv(tmp_path / "layanan.csv", [SERVICE_HEADER, *rows])
    call_command("import_services", "--pemda", "35.10", str(path), stdout=StringIO())


@pytest.fixture
def catalogue(world, tmp_path):
    _import(tmp_path, service_row("DUK-01", "Pencatatan Akta Kelahiran", EDU))
    return world


@pytest.fixture
def served(catalogue, published_app):
    """The catalogue behind the published layer, as config.wsgi serves it."""
    return published_app


def get(app, path, **extra):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **extra,
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    result = app(environ, start_response)
    body = b"".join(result).decode()
    getattr(result, "close", lambda: None)()
    return seen["status"], seen["headers"], body


def test_an_anonymous_visitor_gets_one_cacheable_body_without_nonce_or_token(catalogue):
    first, second = Client().get("/pemda/35.10/layanan/"), Client().get("/pemda/35.10/layanan/")
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first["Vary"]
    assert "Set-Cookie" not in first.headers
    page = first.content.decode()
    assert "nonce=" not in page and "csrfmiddlewaretoken" not in page
    assert "nonce-" not in first["Content-Security-Policy"]  # no nonce: only this site's script files
    assert "Pencatatan Akta Kelahiran" in page
    again = Client().get("/pemda/35.10/layanan/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_signed_in_user_gets_a_private_page_with_the_nonce(catalogue):
    client = Client()
    client.force_login(make_user("pengguna", catalogue.pemda_a))
    response = client.get("/pemda/35.10/layanan/")
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")
    assert "ETag" not in response.headers
    assert f'nonce="{response.context["csp_nonce"]}"' in response.content.decode()


def test_the_published_layer_replays_the_page_per_language_and_forgets_it_on_import(served, tmp_path):
    recorder, app = served
    status, headers, indonesian = get(app, "/pemda/35.10/layanan/")
    assert status == "200 OK" and '<html lang="id">' in indonesian
    assert get(app, "/pemda/35.10/layanan/")[2] == indonesian
    assert get(app, "/pemda/35.10/layanan/DUK-01/")[0] == "200 OK"
    assert get(app, "/pemda/35.10/layanan/DUK-01/")[0] == "200 OK"
    assert recorder.calls == 2  # the list and the service page, each built once
    # The English cookie is never answered with the kept Indonesian copy.
    _s, english_headers, english = get(app, "/pemda/35.10/layanan/", HTTP_COOKIE="django_language=en")
    assert '<html lang="en">' in english
    assert english_headers["Content-Language"] == "en"
    assert english_headers["ETag"] != headers["ETag"]
    # A revalidation with the kept ETag is answered 304 (Django's own answer, then replayed).
    assert get(app, "/pemda/35.10/layanan/", HTTP_IF_NONE_MATCH=headers["ETag"])[0] == "304 Not Modified"
    calls = recorder.calls
    # A new import changes the catalogue: the next visitor sees it at once.
    _import(
        tmp_path,
        service_row("DUK-01", "Pencatatan Akta Kelahiran", EDU),
        service_row("DUK-09", "Surat Baru", EDU),
    )
    published.versions.forget()
    assert "Surat Baru" in get(app, "/pemda/35.10/layanan/")[2]
    assert recorder.calls == calls + 1


def test_a_search_is_answered_by_django_every_time(served):
    recorder, app = served
    get(app, "/pemda/35.10/layanan/", QUERY_STRING="q=akta")
    get(app, "/pemda/35.10/layanan/", QUERY_STRING="q=akta")
    assert recorder.calls == 2
