"""The proposals of a pemda as map points: ``GET /api/v1/pemda/{code}/proposals.geojson``.

The same filters as the public list (``year``, ``kecamatan``, ``desa``, ``bidang``, ``status``) and the same
rule (drafts are not published); only proposals with a map point are features. Each feature carries what the
public list shows (id, title, year, place, bidang, stage), never the proposer, the problem text or a photo's
EXIF. One query, whatever the number of proposals: the columns are read as values, not model objects.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from spbe.core.http import public_answer

from . import selectors
from .models import Stage

router = Router(tags=["perencanaan"])
PUBLIC_MAX_AGE = 60
PLACEHOLDER = "__id__"  # a page URL is reversed once, then each id put in its place
# A pemda's five years of Musrenbang fit; beyond it the answer says it was cut (``truncated``).
MAX_FEATURES = 20_000
COLUMNS = (
    "public_id",
    "year",
    "title",
    "bidang",
    "state",
    "latitude",
    "longitude",
    "region_id",
    "region__name",
)


# The widget's marker classes: an outcome stands out from the proposals still on their way.
MARKERS = {Stage.ACCEPTED: "done", Stage.DEFERRED: "warn", Stage.REJECTED: "critical"}


class MapQuery(Schema):
    year: int | None = None
    kecamatan: str = ""
    desa: str = ""
    bidang: str = ""
    status: str = ""


def _feature(row: dict[str, Any], labels: dict[str, str], page: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": row["public_id"],
        # RFC 7946: longitude first, as JSON numbers; six decimals (about 10 cm) survive a double.
        "geometry": {"type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]},
        "properties": {
            "public_id": row["public_id"],
            "year": row["year"],
            "title": row["title"],
            "desa": {"code": row["region_id"], "name": row["region__name"]},
            "bidang": row["bidang"],
            "status": row["state"],
            "status_label": labels[row["state"]],
            "url": page.replace(PLACEHOLDER, row["public_id"]),
            # What the shared map widget ({% map %}) shows: popup title and lines, and the marker's colour.
            "name": row["title"],
            "lines": [row["public_id"], row["region__name"], labels[row["state"]]],
            "marker": MARKERS.get(row["state"], ""),
        },
    }


@router.get(
    "/pemda/{code}/proposals.geojson",
    summary="Titik usulan suatu pemda untuk peta (GeoJSON)",
    url_name="proposal_map",
    openapi_extra={
        "responses": {
            200: {"description": "GeoJSON FeatureCollection", "content": {"application/geo+json": {}}}
        }
    },
)
def proposal_map(request: HttpRequest, code: str, filters: Query[MapQuery]) -> HttpResponse:
    pemda = selectors.public_pemda(code)
    chosen = selectors.ProposalFilter(
        year=filters.year,
        kecamatan=filters.kecamatan.strip(),
        desa=filters.desa.strip(),
        bidang=filters.bidang.strip(),
        status=filters.status.strip(),
    )
    located = selectors.public_proposals(pemda, chosen).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    rows = list(located.order_by("-year", "number").values(*COLUMNS)[: MAX_FEATURES + 1])
    truncated = len(rows) > MAX_FEATURES
    labels = {value: str(label) for value, label in Stage.choices}
    page = reverse("planning:public-proposal", args=[PLACEHOLDER])
    collection = {
        "type": "FeatureCollection",
        # Foreign members (RFC 7946 section 6.1): how many points, and whether the list was cut.
        "count": min(len(rows), MAX_FEATURES),
        "truncated": truncated,
        "features": [_feature(row, labels, page) for row in rows[:MAX_FEATURES]],
    }
    if truncated:
        collection["note"] = _("Terlalu banyak titik; pilih tahun atau kecamatan untuk melihat semuanya.")
    body = json.dumps(collection, ensure_ascii=False).encode()
    return public_answer(request, body, max_age=PUBLIC_MAX_AGE, content_type="application/geo+json")
