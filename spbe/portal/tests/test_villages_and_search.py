"""The public path goes down to each desa and kelurahan, and any place can be found by name or code."""

from __future__ import annotations

import pytest
from django.test import Client

from spbe.regions import selectors
from spbe.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_hosted_desa_has_its_own_public_page(world):
    response = Client().get("/wilayah/35.10.02.2001/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Desa Sukorejo</h1>" in page
    assert "35.10.02.2001" in page
    # Breadcrumbs and facts link up the tree: kecamatan, kabupaten, province.
    for code, name in (("35.10.02", "Bangorejo"), ("35.10", "Kabupaten Banyuwangi"), ("35", "Jawa Timur")):
        assert f'<a href="/wilayah/{code}/">{name}</a>' in page
    assert "Pemerintah desa Pemerintah Desa Sukorejo terdaftar di OpenSPBE" in page
    assert 'href="/pemda/35.10/"' in page


def test_a_kelurahan_page_says_it_has_no_village_budget(regions):
    page = Client().get("/wilayah/35.79.01.1001/").content.decode()
    assert "<h1>Kelurahan Temas</h1>" in page
    assert "tidak memiliki APBDes sendiri" in page
    assert "Kecamatan Batu terdiri atas 4 desa dan 4 kelurahan." in page


def test_a_desa_whose_pemda_is_not_hosted_says_so(regions):
    page = Client().get("/wilayah/35.09.01.2001/").content.decode()
    assert "<h1>Desa Padomasan</h1>" in page
    assert "belum terdaftar di OpenSPBE" in page


def test_every_desa_and_kelurahan_in_a_district_is_a_link(world):
    tree = Client().get("/wilayah/35.79.01/").content.decode()
    for code in ("35.79.01.1001", "35.79.01.2008"):
        assert f'href="/wilayah/{code}/"' in tree
    portal = Client().get("/pemda/35.10/kecamatan/35.10.02/").content.decode()
    assert '<a href="/wilayah/35.10.02.2001/">Sukorejo</a>' in portal
    assert "pemerintah desa terdaftar" in portal


@pytest.mark.parametrize("query", ["sukorejo", "SUKOREJO", "Sukoréjo", "  suko  "])
def test_search_ignores_case_diacritics_and_spaces(regions, query):
    response = Client().get("/wilayah/cari/", {"q": query})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/wilayah/35.10.02.2001/">Sukorejo</a>' in page
    # Each hit says where it is, so two places with one name can be told apart.
    assert "Bangorejo, Kabupaten Banyuwangi, Jawa Timur" in page


def test_search_by_name_lists_higher_levels_first_then_by_name(regions):
    # "Bangorejo" is a kecamatan and a desa in it; "Pesanggaran" likewise, and "Pesanggrahan" a desa in Batu.
    assert [h.region.code for h in selectors.search("bangorejo").hits] == ["35.10.02", "35.10.02.2004"]
    assert [h.region.name for h in selectors.search("pesangg").hits] == [
        "Pesanggaran",
        "Pesanggaran",
        "Pesanggrahan",
    ]


def test_search_by_code_lists_the_region_before_what_is_below_it(regions):
    result = selectors.search("35.10.02")
    codes = [h.region.code for h in result.hits]
    assert codes[0] == "35.10.02"
    assert codes[1:] == [f"35.10.02.200{n}" for n in range(1, 8)]
    assert all(c.startswith("35.10.02") for c in codes)


def test_search_results_are_limited_and_say_there_are_more(regions):
    result = selectors.search("35", limit=3)
    assert [h.region.code for h in result.hits] == ["35", "35.09", "35.10"]
    assert result.more
    assert not selectors.search("Temas", limit=3).more


def test_a_typed_apostrophe_finds_the_typographic_one(regions):
    Region.objects.create(
        code="35.79.01.2099", name="Regapu\u2019u", level="village", kind="desa", parent_id="35.79.01"
    )
    assert selectors.normalize_search("Regapu\u2019u") == "regapu'u"
    assert [h.region.code for h in selectors.search("regapu'u").hits] == ["35.79.01.2099"]


def test_search_refuses_a_single_letter_and_explains_a_miss(regions):
    short = Client().get("/wilayah/cari/", {"q": "a"}).content.decode()
    assert "Ketik sedikitnya dua huruf" in short
    assert "<tbody>" not in short
    miss = Client().get("/wilayah/cari/", {"q": "Atlantis"}).content.decode()
    assert "Tidak ada wilayah dengan nama atau kode" in miss


@pytest.mark.parametrize("url", ["/", "/wilayah/", "/wilayah/35/", "/pemda/35.10/"])
def test_public_pages_offer_the_region_search(world, url):
    page = Client().get(url).content.decode()
    assert 'action="/wilayah/cari/"' in page
    assert 'name="q"' in page


def test_counts_use_indonesian_thousands_separators(regions):
    Region.objects.filter(code="35").update(desa_count=7724, kelurahan_count=777)
    page = Client().get("/wilayah/").content.decode()
    assert "7.724" in page
    assert "7724" not in page


def test_empty_platform_pages_speak_to_people_not_to_a_shell(db):
    # Each test database starts with the small region list; this test is about a platform without one.
    Region.objects.all()._raw_delete(Region.objects.db)
    home = Client().get("/").content.decode()
    regions_page = Client().get("/wilayah/").content.decode()
    for page in (home, regions_page):
        assert "spbe " not in page.replace("spbe/", "")
    assert "Belum ada pemda yang dilayani platform ini" in home
    assert "Data wilayah belum dimuat" in regions_page


def test_the_pemda_page_links_every_public_module_and_each_link_opens(world, client):
    page = client.get("/pemda/35.10/").content.decode()
    links = ("/pemda/35.10/usulan/", "/pemda/35.10/proyek/", "/pemda/35.10/layanan/", "/pemda/35.10/ikm/")
    for link in links:
        assert f'href="{link}"' in page
        assert client.get(link, follow=True).status_code == 200
