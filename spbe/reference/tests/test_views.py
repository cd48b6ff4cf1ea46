from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2027(reference_year):
    """The session's test database already holds the bundled lists of the default year, 2027."""
    assert reference_year == 2027
    return reference_year


def test_it_opens_on_the_default_year(year_2027):
    response = Client().get("/referensi/")
    assert response["Location"] == "/referensi/2027/nomenklatur/"


def test_it_walks_the_nomenclature_tree_down_to_a_sub_kegiatan(year_2027):
    client = Client()
    top = client.get("/referensi/2027/nomenklatur/").content.decode()
    assert "?kode=1" in top
    page = client.get("/referensi/2027/nomenklatur/?kode=1.02.02.2.01").content.decode()
    assert "1.02.02.2.01.0001" in page
    leaf = client.get("/referensi/2027/nomenklatur/?kode=1.02.02.2.01.0001").content.decode()
    assert "Indikator" in leaf
    assert "?kode=1.02.02" in leaf  # the trail back up


def test_it_accepts_the_padded_account_width(year_2027):
    page = Client().get("/referensi/2027/rekening/?kode=5.1.02.01.001").content.decode()
    assert "5.1.02.01.01.0024" in page
    assert "Alat Tulis Kantor" in page


def test_it_searches_by_name(year_2027):
    page = Client().get("/referensi/2027/rekening/", {"q": "Alat Tulis Kantor"}).content.decode()
    assert "5.1.02.01.01.0024" in page


@pytest.mark.parametrize(
    "url",
    [
        "/referensi/2027/tidak-ada/",
        "/referensi/2027/nomenklatur/?kode=9.99",
        "/referensi/2027/rekening/?kode=x",
    ],
)
def test_unknown_lists_and_codes_are_404(year_2027, url):
    assert Client().get(url).status_code == 404


def test_funding_sources_are_listed_by_scope(year_2027):
    page = Client().get("/referensi/2027/sumber_dana/").content.decode()
    assert "DDS" in page and "DAU" in page
