"""The language switch is a plain GET link: it keeps the page, never leaves the site, needs no token."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from conftest import make_user

pytestmark = pytest.mark.django_db


def test_switching_sets_the_cookie_and_returns_to_the_same_page_with_its_query(regions):
    client = Client()
    response = client.get("/bahasa/en/", {"next": "/wilayah/?q=jawa"})
    assert (response.status_code, response["Location"]) == (302, "/wilayah/?q=jawa")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "no-cache" in response["Cache-Control"]  # a redirect that sets a cookie is never cached
    page = client.get("/wilayah/").content.decode()
    assert '<html lang="en">' in page


def test_choosing_indonesian_drops_the_cookie_so_cached_pages_apply_again(regions):
    client = Client()
    client.get("/bahasa/en/", {"next": "/wilayah/"})
    response = client.get("/bahasa/id/", {"next": "/wilayah/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert (cookie.value, cookie["max-age"]) == ("", 0)
    assert '<html lang="id">' in client.get("/wilayah/").content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/wilayah/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "wilayah/",
        "",
        "/" + "a" * 3000,
    ],
)
def test_next_outside_this_site_goes_home(db, target):
    response = Client().get("/bahasa/en/", {"next": target})
    assert (response.status_code, response["Location"]) == (302, "/")


def test_an_unknown_language_or_a_post_is_refused(db):
    assert Client().get("/bahasa/xx/", {"next": "/"}).status_code == 404
    assert Client().post("/bahasa/en/", {"next": "/"}).status_code == 405


def test_every_page_links_the_switch_to_itself_without_a_form_or_token(regions):
    page = Client().get("/wilayah/", {"q": "a b"}).content.decode()
    assert 'href="/bahasa/en/?next=/wilayah/%3Fq%3Da%2Bb"' in page
    assert 'href="/bahasa/id/?next=/wilayah/%3Fq%3Da%2Bb"' in page
    assert "csrfmiddlewaretoken" not in page
    assert "lang-switch" in page


def test_a_user_who_must_change_the_password_may_still_switch_language(world):
    user = make_user("baru", world.pemda_a)
    user.must_change_password = True
    user.save()
    client = Client()
    client.force_login(user)
    response = client.get("/bahasa/en/", {"next": "/app/"})
    assert (response.status_code, response["Location"]) == (302, "/app/")
    assert client.get("/wilayah/").status_code == 302  # everything else still asks for a new password
