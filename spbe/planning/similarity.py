"""How alike two proposal titles are, and how far apart two map points: pure functions, no database.

Titles are compared as sets of normalised tokens (:func:`title_tokens`): lower case without diacritics,
punctuation dropped, common abbreviations spelled out (``jln`` -> ``jalan``, ``rehab`` and ``perbaikan``
-> ``rehabilitasi``), Indonesian function words removed, numbers without leading zeros. Two tokens match
when equal, or when one (of at least 4 letters) begins the other (``drainase`` / ``drain``). The
similarity is the Dice coefficient of the matched tokens, ``2 * matched / (|a| + |b|)``, an exact
Fraction between 0 and 1. :data:`THRESHOLD` (3/5) is where a title counts as similar: "Rehab jalan dusun
Krajan" and "Perbaikan Jln. Dusun Krajan RT 02" score 4/5, "Pembangunan jalan" and "Pembangunan jembatan"
1/2 (not similar).
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction

THRESHOLD = Fraction(3, 5)
MIN_PREFIX = 4
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)

_SPLIT = re.compile(r"[^0-9a-z]+")
STOPWORDS = frozenset(
    {"dan", "di", "ke", "dari", "yang", "untuk", "dengan", "pada", "atau", "serta", "oleh", "dalam", "the"}
)
SYNONYMS = {
    "jl": "jalan",
    "jln": "jalan",
    "gg": "gang",
    "dsn": "dusun",
    "ds": "desa",
    "rehab": "rehabilitasi",
    "perbaikan": "rehabilitasi",
    "renovasi": "rehabilitasi",
    "pemb": "pembangunan",
    "pembuatan": "pembangunan",
    "peningk": "peningkatan",
}


def title_tokens(title: str) -> frozenset[str]:
    """The normalised tokens of a title (see the module docstring)."""
    if title.isascii():
        # Nothing to decompose: the duplicate check tokenises hundreds of stored titles a call.
        plain = title.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", title)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    tokens = set()
    for raw in _SPLIT.split(plain):
        if not raw or raw in STOPWORDS:
            continue
        if raw.isdigit():
            raw = raw.lstrip("0") or "0"
        tokens.add(SYNONYMS.get(raw, raw))
    return frozenset(tokens)


def _alike(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= MIN_PREFIX and not short.isdigit() and long.startswith(short)


def similarity(a: frozenset[str], b: frozenset[str]) -> Fraction:
    """Dice coefficient of two token sets, a token of ``a`` matching at most one of ``b``."""
    if not a or not b:
        return Fraction(0)
    # Exact matches first, so a prefix never takes the token an equal one needs.
    common = a & b
    matched = len(common)
    # Then each other token of ``a``, in alphabetical order, takes the first (alphabetical) token of ``b``
    # it is alike. Only tokens of at least MIN_PREFIX characters, not numbers, can be alike (``_alike``):
    # the rest are left out before the pairwise comparison, the check's largest cost.
    unmatched = sorted(t for t in b - common if len(t) >= MIN_PREFIX and not t.isdigit())
    if unmatched:
        for token in sorted(t for t in a - common if len(t) >= MIN_PREFIX and not t.isdigit()):
            # Both long enough and not numbers, and never equal (one is in ``b``, the other not): alike
            # is then one beginning the other.
            hit = next((u for u in unmatched if u.startswith(token) or token.startswith(u)), None)
            if hit is not None:
                unmatched.remove(hit)
                matched += 1
    return Fraction(2 * matched, len(a) + len(b))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine): plenty for "within a few hundred metres"."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """``(min_lat, max_lat, min_lon, max_lon)`` holding every point within ``radius_m`` of the point.

    Generous at the edges (the SQL pre-filter may let a few too many through; :func:`distance_m` decides).
    """
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.001
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, dlat / cos_lat)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
