"""Public region API: provinces, one region, and a region's children. Read-only, cacheable, open to all."""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from spbe.core.errors import NotFound
from spbe.core.http import public_answer, strong_etag
from spbe.core.middleware import language_neutral
from spbe.core.published import current_version

from . import selectors

router = Router(tags=["wilayah"])

# Regions change only when a new official list is loaded, which bumps this data set's version.
DATA_SET = "regions"
CACHE_SECONDS = 3600
# URLs whose 200 responses are the same for everyone until the next load (see spbe.core.published).
PUBLISHED_ROUTES = [(r"/api/v1/regions(?:/[0-9.]+(?:/children)?)?", DATA_SET)]


class RegionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    district_count: int
    desa_count: int
    kelurahan_count: int


def _cached_json(request: HttpRequest, key: str, build: Any) -> HttpResponse:
    """Serve a JSON body built once per data version, with a strong ETag so clients revalidate cheaply."""
    cache_key = f"regions:{current_version(DATA_SET)}:{key}"
    entry = cache.get(cache_key)
    if entry is None:
        body = json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode()
        entry = (body, strong_etag(body))
        cache.set(cache_key, entry, CACHE_SECONDS)
    body, etag = entry
    response = public_answer(request, body, max_age=CACHE_SECONDS, etag=etag)
    # Codes, names and counts read the same in every language: no Content-Language, no Vary: Cookie.
    return language_neutral(response)


def _region_or_404(code: str) -> Any:
    region = selectors.get_region(code)
    if region is None:
        raise NotFound(_("Wilayah dengan kode %(code)s tidak ada.") % {"code": code})
    return region


@router.get("/regions", response=list[RegionOut], summary="Daftar provinsi")
def list_provinces(request: HttpRequest) -> HttpResponse:
    return _cached_json(
        request, "provinces", lambda: [selectors.region_data(r) for r in selectors.provinces()]
    )


@router.get("/regions/{code}", response=RegionOut, summary="Satu wilayah")
def get_region(request: HttpRequest, code: str) -> HttpResponse:
    return _cached_json(request, f"one:{code}", lambda: selectors.region_data(_region_or_404(code)))


@router.get("/regions/{code}/children", response=list[RegionOut], summary="Wilayah di bawahnya")
def list_children(request: HttpRequest, code: str) -> HttpResponse:
    def build() -> list[dict[str, Any]]:
        region = _region_or_404(code)
        return [selectors.region_data(r) for r in selectors.children(region)]

    return _cached_json(request, f"children:{code}", build)
