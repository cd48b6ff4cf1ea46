"""Error pages a newcomer meets with debug off: the product's own, in Indonesian, with a way on."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from spbe.portal import selectors

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_products_404_page(regions, settings):
    settings.DEBUG = False
    response = Client().get("/tidak-ada/sama-sekali/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="id">' in page
    assert '<h1 id="error-title">Tidak ditemukan</h1>' in page
    assert "Alamat <code>/tidak-ada/sama-sekali/</code> tidak ada" in page
    assert '<a href="/">Beranda OpenSPBE</a>' in page
    assert 'action="/wilayah/cari/"' in page
    assert "URLconf" not in page


def test_a_signed_in_user_is_offered_their_dashboard(world, settings):
    settings.DEBUG = False
    page = world.client_for(world.officer_a).get("/tidak-ada/").content.decode()
    assert '<a href="/app/">Dasbor Anda</a>' in page


def test_a_crash_shows_the_products_500_page(regions, settings, monkeypatch):
    settings.DEBUG = False

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "hosted_pemdas", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Kesalahan server</h1>" in page
    assert "<link rel=stylesheet href='/static/spbe/app.css'>" in page
    assert "<a href='/'>Beranda OpenSPBE</a>" in page
    assert "action='/wilayah/cari/'" in page
    assert "boom" not in page


@pytest.mark.parametrize(("https", "secure"), [("0", False), ("1", True), (None, True)])
def test_cookies_are_secure_unless_the_demo_says_it_runs_on_plain_http(https, secure):
    env = {**os.environ, "SPBE_DEBUG": "0", "SPBE_SECRET_KEY": "test-key"}
    env.pop("SPBE_HTTPS", None)
    if https is not None:
        env["SPBE_HTTPS"] = https
    code = "import config.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(secure), str(secure)]


def test_the_api_docs_fit_a_phone_and_lead_back(db):
    page = Client().get("/api/v1/docs").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<a class="spbe-docs-back" href="/">&larr; Kembali ke OpenSPBE</a>' in page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/spbe/docs.css" in page


def test_the_operations_page_speaks_to_people_not_to_a_shell(django_user_model, regions):
    operator = django_user_model.objects.create_superuser("root", password="a-long-password-1")
    client = Client()
    client.force_login(operator)
    page = client.get("/operasi/").content.decode()
    assert "db_worker" not in page
    assert "proses pekerja latar belakang" in page


def test_a_form_without_its_token_gets_the_products_page_in_indonesian(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/masuk/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "token keamanan" in body and "Muat ulang halaman" in body
    assert "CSRF verification failed" not in body


def test_a_refused_host_gets_the_products_400(db, settings):
    from django.test import Client

    settings.DEBUG = False
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in response.content.decode()
    api = Client().get("/api/v1/regions", HTTP_HOST="evil.example")
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"
