from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_hosted_pemda(world):
    page = Client().get("/").content.decode()
    assert "Pemerintah Kabupaten Banyuwangi" in page
    assert "/pemda/35.10/" in page


def test_the_pemda_page_shows_districts_with_counts(world):
    response = Client().get("/pemda/35.10/")
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("Pesanggaran", "Bangorejo", "Purwoharjo"):
        assert name in page
    assert "/pemda/35.10/kecamatan/35.10.02/" in page


def test_the_district_page_lists_desa_and_kelurahan(world):
    page = Client().get("/pemda/35.10/kecamatan/35.10.02/").content.decode()
    assert "Sukorejo" in page


@pytest.mark.parametrize("url", ["/pemda/35.09/", "/pemda/35.10/kecamatan/19.06.01/", "/wilayah/99/"])
def test_unknown_or_unhosted_places_are_404(world, url):
    assert Client().get(url).status_code == 404


def test_the_region_pages_walk_the_tree(regions):
    client = Client()
    assert "Jawa Timur" in client.get("/wilayah/").content.decode()
    page = client.get("/wilayah/35.79.01/").content.decode()
    assert "Kota Batu" in page  # breadcrumb
    assert "Temas" in page and "kelurahan" in page


def test_pages_carry_a_strict_content_security_policy(regions):
    response = Client().get("/wilayah/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "http" not in response.content.decode().split("<body>")[0].replace("http-equiv", "")


def test_english_is_one_click_away(regions):
    client = Client()
    assert "Wilayah Indonesia" in client.get("/wilayah/").content.decode()
    page = client.get("/wilayah/").content.decode()
    # A plain link back to this page, so it works without JavaScript and carries no per-request token.
    assert 'href="/bahasa/en/?next=/wilayah/"' in page
    assert "csrfmiddlewaretoken" not in page
    response = client.get("/bahasa/en/?next=/wilayah/")
    assert (response.status_code, response["Location"]) == (302, "/wilayah/")
    page = client.get("/wilayah/").content.decode()
    assert '<html lang="en">' in page
    assert "Regions of Indonesia" in page


def test_unknown_addresses_answer_in_the_right_format(regions, settings):
    settings.DEBUG = False
    client = Client()
    api = client.get("/api/v1/tidak-ada")
    assert (api.status_code, api["Content-Type"]) == (404, "application/problem+json")
    assert api.json()["status"] == 404
    page = client.get("/tidak-ada/")
    assert page.status_code == 404
    assert "Halaman tidak ditemukan." in page.content.decode()
