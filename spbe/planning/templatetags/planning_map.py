"""``{% proposal_map pemda %}``: the public tracker's map, drawn from the GeoJSON of the tracker's own filter.

The filter the visitor chose (``year``, ``kecamatan``, ``desa``, ``bidang``, ``status``) is passed on to
``/api/v1/pemda/{code}/proposals.geojson`` unchanged, so the map always shows the list's proposals (those
with a map point), through the shared ``{% map %}`` widget of :mod:`spbe.core.templatetags.maps`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.urls import reverse

from spbe.accounts.models import Pemda

register = template.Library()
FILTERS = ("year", "kecamatan", "desa", "bidang", "status")


@register.inclusion_tag("planning/map/_tracker_map.html", takes_context=True)
def proposal_map(context: template.Context, pemda: Pemda) -> dict[str, Any]:
    chosen = QueryDict(mutable=True)
    for name in FILTERS:
        value = context["request"].GET.get(name, "").strip()
        if value:
            chosen[name] = value
    url = reverse("api-v1:proposal_map", args=[pemda.code])
    query = chosen.urlencode()
    return {
        "csp_nonce": context.get("csp_nonce", ""),
        "published_page": bool(context.get("published_page")),
        "map_url": f"{url}?{query}" if query else url,
    }
