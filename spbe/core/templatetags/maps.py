"""The one map widget of every page: ``{% load maps %}`` then ``{% map geojson_url label=... %}``.

It draws the features of a GeoJSON answer of ours (points and lines, e.g. the projects of a pemda or the
proposals of a filter) on the vendored Leaflet (``spbe/core/static/vendor/leaflet``) with tiles from
``SPBE_MAP_TILE_URL``. Each feature's ``properties`` may carry ``name`` (the popup's title), ``url`` (where
the title links), ``lines`` (more text lines) and ``marker`` (a CSS class suffix: ``critical``, ``done``,
``warn``); nothing else is shown, and the popup is built as text, never as HTML.

A map only adds to a page: the page lists the same items as text, and when scripts, tiles or the data
cannot load, the widget says so in words instead of leaving an empty box.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()

# The middle of Indonesia's land area at a zoom that shows a whole regency once features arrive.
DEFAULT_CENTER = "-2.5,118.0"
DEFAULT_ZOOM = 5


@register.inclusion_tag("core/map.html", takes_context=True)
def map(  # the tag's name is what templates write
    context: template.Context,
    geojson_url: str,
    *,
    label: str = "",
    center: str = DEFAULT_CENTER,
    zoom: int = DEFAULT_ZOOM,
    tall: bool = False,
) -> dict[str, Any]:
    return {
        # A published page is one answer for everyone (spbe.core.public_pages): no per-request nonce, so
        # the policy names none and only this site's script files run.
        "csp_nonce": "" if context.get("published_page") else context.get("csp_nonce", ""),
        "geojson_url": geojson_url,
        "label": label,
        "center": center,
        "zoom": zoom,
        "tall": tall,
        "tile_url": settings.SPBE_MAP_TILE_URL,
        "tile_attribution": settings.SPBE_MAP_TILE_ATTRIBUTION,
        "tile_max_zoom": settings.SPBE_MAP_TILE_MAX_ZOOM,
    }
