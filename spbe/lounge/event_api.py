"""Event services for maps: a GeoJSON FeatureCollection of a pemda's upcoming events. No token needed."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja import Router

from spbe.core.http import public_answer

from . import events, speed

router = Router(tags=["layanan"])


@router.get(
    "/pemda/{code}/events",
    summary="Layanan jemput bola yang akan datang (GeoJSON)",
    url_name="event_map",
    openapi_extra={
        "responses": {
            200: {"description": "GeoJSON FeatureCollection", "content": {"application/geo+json": {}}}
        }
    },
)
def event_map(request: HttpRequest, code: str) -> HttpResponse:
    pemda = events.public_pemda(code)
    collection = events.geojson(pemda, events.upcoming(pemda))
    body = json.dumps(collection, ensure_ascii=False).encode()
    # The same for everyone until an event changes (published: see lounge/speed.py).
    return public_answer(request, body, max_age=speed.PAGE_MAX_AGE, content_type="application/geo+json")
