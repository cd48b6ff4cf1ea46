"""The map widget: vendored Leaflet served by us, tiles from the setting, the CSP open to that origin only."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.test import override_settings

from config.settings import map_tile_origin


def render(source: str, **context: object) -> str:
    return Template("{% load maps %}" + source).render(Context({"csp_nonce": "n0nce", **context}))


def test_the_widget_loads_our_own_copy_of_leaflet_with_the_nonce():
    html = render(
        '{% map url label="Peta" %}', url="/api/v1/pemda/35.10/projects.geojson?year=2027&unit=1.03"
    )
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer nonce="n0nce">' in html
    assert '<script src="/static/spbe/map.js" defer nonce="n0nce">' in html
    assert 'href="/static/vendor/leaflet/leaflet.css"' in html
    # The data address is escaped as an attribute, never pasted raw into markup.
    assert 'data-geojson="/api/v1/pemda/35.10/projects.geojson?year=2027&amp;unit=1.03"' in html
    assert 'aria-label="Peta"' in html
    # Every file the page names exists among the static files, with its licence beside it.
    for name in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/LICENSE",
        "vendor/leaflet/images/marker-icon.png",
        "spbe/map.js",
    ):
        assert finders.find(name), name


def test_a_hostile_label_or_address_stays_text():
    html = render("{% map url label=label %}", url='x" onload="alert(1)', label="<b>peta</b>")
    assert 'onload="alert' not in html
    assert "<b>peta</b>" not in html


@override_settings(SPBE_MAP_TILE_URL="", SPBE_MAP_TILE_ATTRIBUTION="")
def test_no_tile_source_means_no_tile_layer():
    assert 'data-tiles=""' in render('{% map "/x.geojson" %}')


def test_the_policy_lets_in_images_from_the_tile_server_and_nothing_else(client, db):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert img.split() == ["img-src", "'self'", "data:", "https://tile.openstreetmap.org"]
    assert "tile.openstreetmap.org" not in policy.replace(img, "")


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ["https://tile.openstreetmap.org"]),
        ("https://{s}.tile.example.id/{z}/{x}/{y}.png", ["https://*.tile.example.id"]),
        (
            "http://peta.banyuwangikab.go.id:8080/tiles/{z}/{x}/{y}.png",
            ["http://peta.banyuwangikab.go.id:8080"],
        ),
        ("", []),
        ("tiles/{z}/{x}/{y}.png", []),
    ],
)
def test_the_tile_origin_is_read_from_the_setting(url, origin):
    assert map_tile_origin(url) == origin
