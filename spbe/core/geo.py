"""Positions on the earth: a latitude/longitude pair kept as exact decimals, and distances between them.

Coordinates are stored and compared as :class:`~decimal.Decimal` with 6 places (about 10 cm), the same as
the modules' ``DecimalField(max_digits=9, decimal_places=6)`` columns. A distance needs trigonometry, so
:func:`distance_m` computes in binary floating point: its error (far below a millimetre over a regency) is
irrelevant to "farther than 500 m", and the result is handed back as whole metres.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

COORDINATE_PLACES = Decimal("0.000001")
EARTH_RADIUS_M = 6_371_008.8  # the IUGG mean radius


@dataclass(frozen=True)
class GeoPoint:
    """A WGS 84 position in decimal degrees: south and west are negative."""

    latitude: Decimal
    longitude: Decimal

    def __post_init__(self) -> None:
        if not (self.latitude.is_finite() and Decimal(-90) <= self.latitude <= Decimal(90)):
            raise ValueError(f"latitude out of range: {self.latitude}")
        if not (self.longitude.is_finite() and Decimal(-180) <= self.longitude <= Decimal(180)):
            raise ValueError(f"longitude out of range: {self.longitude}")

    @classmethod
    def rounded(cls, latitude: Decimal, longitude: Decimal) -> GeoPoint:
        """A point with both coordinates rounded half up to 6 places."""
        return cls(
            latitude.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP),
            longitude.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP),
        )


def distance_m(a: GeoPoint, b: GeoPoint) -> int:
    """The great-circle distance from ``a`` to ``b`` in whole metres (haversine, rounded half up)."""
    lat1, lat2 = math.radians(float(a.latitude)), math.radians(float(b.latitude))
    dlat = lat2 - lat1
    dlon = math.radians(float(b.longitude) - float(a.longitude))
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    metres = 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
    return int(Decimal(repr(metres)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def distance_to_path_m(point: GeoPoint, path: list[GeoPoint]) -> int:
    """The distance from ``point`` to the nearest vertex or segment of ``path`` (a road, a canal), in metres.

    Segments are short next to the earth, so each is measured in a local flat projection around ``point``
    (equirectangular); the vertex distances are exact haversine.
    """
    if not path:
        raise ValueError("a path needs at least one point")
    best = min(distance_m(point, vertex) for vertex in path)
    lat0 = math.radians(float(point.latitude))

    def local(p: GeoPoint) -> tuple[float, float]:
        x = math.radians(float(p.longitude) - float(point.longitude)) * math.cos(lat0) * EARTH_RADIUS_M
        y = math.radians(float(p.latitude) - float(point.latitude)) * EARTH_RADIUS_M
        return x, y

    for start, end in itertools.pairwise(path):
        (x1, y1), (x2, y2) = local(start), local(end)
        length2 = (x2 - x1) ** 2 + (y2 - y1) ** 2
        if length2 == 0:
            continue
        t = max(0.0, min(1.0, -(x1 * (x2 - x1) + y1 * (y2 - y1)) / length2))
        px, py = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
        metres = math.hypot(px, py)
        best = min(best, int(Decimal(repr(metres)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return best
