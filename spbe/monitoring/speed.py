"""What keeps e-monitoring's regency-scale reads cheap: stored figures and answers kept per data version.

- Each project keeps its latest verified report's % and date (``Project.verified_percent``/``verified_on``),
  set by :func:`refresh_verified` in the transaction of every service that verifies or returns a report
  (one at a time or in batches): the public map, the public list and the RFK read plain columns instead of
  looking for the latest verified report of every project.
- The map's GeoJSON body is built from one query of plain columns and kept, serialised with its ETag, per
  version of the pemda's map data set (:data:`~spbe.monitoring.services.MAP_DATA_SET`, bumped by every
  service that changes what the map shows), per filter and language.
- The dashboard's figures (the grouped status figures and the RFK's physical progress) are kept per
  version of the pemda's dashboard data set (:data:`DASHBOARD_DATA_SET`), bumped by everything that bumps
  the map and by every status recomputation that moves a project's figures.

Versions are read from the database on every request (one primary-key read), never from a per-process
memo, so an answer kept here is never older than the data its version names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.core.http import strong_etag
from spbe.core.models import DataVersion
from spbe.core.published import bump_version

from .models import LocationKind, ProgressReport, Project, ReportState

# Everything a pemda's dashboards read of its projects: statuses, verified progress, contracts.
DASHBOARD_DATA_SET = "monitoring-dashboard:{pemda}"
MAP_DATA_SET = "monitoring-map:{pemda}"
# A kept answer expires anyway after a day: a version that is never bumped again does not pin memory.
CACHE_SECONDS = 86_400
CENT = Decimal("0.01")


def version_of(name: str) -> int:
    """The data set's version as committed now (0 before its first change): one primary-key read."""
    return DataVersion.objects.filter(name=name).values_list("version", flat=True).first() or 0


def dashboard_changed(pemda_code: str) -> None:
    """Call in the transaction of any change to what a pemda's dashboards show (a status, a verified %)."""
    bump_version(DASHBOARD_DATA_SET.format(pemda=pemda_code))


def kept[T](data_set: str, key: str, build: Callable[[], T]) -> T:
    """``build()``'s answer, kept per version of ``data_set`` (read before building, so never newer data
    under an older version's key than a concurrent change allows: at worst newer data under the old key,
    which the next version replaces)."""
    # Hashed: filters come from the query string, and cache keys must stay short and plain.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"{data_set}:v{version_of(data_set)}:{digest}"
    found = cache.get(cache_key)
    if found is None:
        found = (build(),)
        cache.set(cache_key, found, CACHE_SECONDS)
    return found[0]  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------ verified progress


def refresh_verified(project_ids: Sequence[int]) -> None:
    """Store each project's latest verified report (% and date; None before any) on the project row.

    One UPDATE with two correlated subqueries on the (project, state, reported_on) index, inside the
    caller's transaction: the latest verified report is the last by date and, on one date, by filing order,
    as the rule reads reports.
    """
    if not project_ids:
        return
    latest = ProgressReport.objects.filter(project=OuterRef("pk"), state=ReportState.VERIFIED).order_by(
        "-reported_on", "-pk"
    )
    ids = sorted(set(project_ids))
    for start in range(0, len(ids), 500):
        Project.objects.filter(pk__in=ids[start : start + 500]).update(
            verified_percent=Subquery(latest.values("percent")[:1]),
            verified_on=Subquery(latest.values("reported_on")[:1]),
        )


# ------------------------------------------------------------------------------------------ the map


def _owner_names(pemda: Pemda) -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    units = {
        pk: (code, name)
        for pk, code, name in PerangkatDaerah.objects.filter(pemda=pemda).values_list("pk", "code", "name")
    }
    villages = dict(VillageGovernment.objects.filter(pemda=pemda).values_list("pk", "region__name"))
    return units, villages


def _marker(critical: bool, verified: Decimal | None) -> str:
    if critical:
        return "critical"
    if verified is not None and verified >= 100:
        return "done"
    return "default"


def _position(value: str) -> float:
    # RFC 7946 positions are JSON numbers; six decimals (about 10 cm) survive a double exactly enough.
    return round(float(value), 6)


def map_features(
    pemda: Pemda, *, year: int | None, unit: str, kecamatan: str, list_url: str
) -> list[dict[str, Any]]:
    """The pemda's projects as map features, from one query of plain columns (and two of names).

    Only what a project's public page shows: name, year, owner, contract value, verified % and the
    critical flag; never a photo, a problem or a person.
    """
    units, villages = _owner_names(pemda)
    rows = Project.objects.filter(pemda=pemda)
    if year is not None:
        rows = rows.filter(year=year)
    if unit:
        rows = rows.filter(unit__code=unit)
    if kecamatan:
        rows = rows.filter(village__kecamatan__district_id=kecamatan)
    desa = _("Desa %(name)s")
    features = []
    for pk, name, year_, unit_id, village_id, kind, coordinates, value, verified, critical in rows.order_by(
        "year", "name", "pk"
    ).values_list(
        "pk",
        "name",
        "year",
        "unit_id",
        "village_id",
        "location_kind",
        "coordinates",
        "contract__value",
        "verified_percent",
        "is_critical",
    ):
        positions = [[_position(lon), _position(lat)] for lon, lat in coordinates]
        owner = units.get(unit_id) if unit_id is not None else None
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "Point", "coordinates": positions[0]}
                if kind == LocationKind.POINT
                else {"type": "LineString", "coordinates": positions},
                "properties": {
                    "name": name,
                    "year": year_,
                    "unit": {"code": owner[0], "name": owner[1]} if owner else None,
                    # Money as a decimal string, exact like everywhere else in the API.
                    "contract_value": str(value) if value is not None else None,
                    "verified_percent": str(verified.quantize(CENT)) if verified is not None else None,
                    "critical": critical,
                    # What the map widget (spbe/core/static/spbe/map.js) shows in a popup and colours.
                    "url": f"{list_url}{pk}/",
                    "lines": [
                        owner[1] if owner else desa % {"name": villages.get(village_id or 0, "")},
                        str(year_),
                    ],
                    "marker": _marker(critical, verified),
                },
            }
        )
    return features


def map_body(
    pemda: Pemda, *, year: int | None, unit: str, kecamatan: str, list_url: str
) -> tuple[bytes, str]:
    """The GeoJSON body and its strong ETag, kept per map version, filter and language."""

    def build() -> tuple[bytes, str]:
        features = map_features(pemda, year=year, unit=unit, kecamatan=kecamatan, list_url=list_url)
        body = json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
        ).encode()
        return body, strong_etag(body)

    key = f"geojson:{translation.get_language()}:{year or ''}:{unit}:{kecamatan}"
    return kept(MAP_DATA_SET.format(pemda=pemda.code), key, build)
