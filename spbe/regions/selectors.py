"""Public reads of the region tree, shaped for the API and the public pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Length

from spbe.core.text import fold_search

from .models import Region

# Enough to find a place by name without turning the search into a listing of the country.
SEARCH_LIMIT = 25
_CODE = re.compile(r"\d{1,2}(\.\d{1,4}){0,3}\.?")


# Typographic quotes as they appear in the official list (Regapu\u2019u) and as people type them (Regapu'u).
def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")


def get_region(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def children(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=region).order_by("code")


def ancestors(region: Region) -> list[Region]:
    """The chain from the province down to the region's parent (codes are prefixes of each other)."""
    codes = _ancestor_codes(region.code)
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def region_data(region: Region) -> dict[str, Any]:
    """The public representation of a region: code, name, level, parent code and counts below it."""
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "kind": region.kind,
        "parent_code": region.parent_id,
        "district_count": region.district_count,
        "desa_count": region.desa_count,
        "kelurahan_count": region.kelurahan_count,
    }


def normalize_search(text: str) -> str:
    """A region search as the names are written: folded (no diacritics, straight quotes), at most 80
    characters; the official list is plain ASCII, and the database's ``icontains`` handles the case."""
    return fold_search(text)[:80]


@dataclass
class RegionHit:
    """A search result with the chain above it (province first), so two Sukorejo can be told apart."""

    region: Region
    ancestors: list[Region] = field(default_factory=list)


@dataclass
class RegionSearch:
    query: str
    hits: list[RegionHit]
    more: bool  # more regions matched than are shown
    too_short: bool = False  # a single letter would match most of the country


def search(text: str, limit: int = SEARCH_LIMIT) -> RegionSearch:
    """Find regions by code prefix (``35.10``) or by a part of the name, higher levels first."""
    query = normalize_search(text)
    if len(query) < 2 and not query.isdigit():
        return RegionSearch(query, [], more=False, too_short=True)
    if _CODE.fullmatch(query):
        condition, within_level = Q(code__startswith=query.rstrip(".")), "code"
    else:
        condition, within_level = Q(name__icontains=query), "name"
        if "'" in query:
            condition |= Q(name__icontains=query.replace("'", "\u2019"))
    # A province before its regencies before their districts and villages (the code's length is the
    # level); within a level in code order for a code search, by name for a name search.
    found = list(Region.objects.filter(condition).order_by(Length("code"), within_level, "code")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    chains = {r.code: _ancestor_codes(r.code) for r in found}
    above = {r.code: r for r in Region.objects.filter(code__in={c for cs in chains.values() for c in cs})}
    hits = [RegionHit(r, [above[c] for c in chains[r.code] if c in above]) for r in found]
    return RegionSearch(query, hits, more)


def _ancestor_codes(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def region_count() -> int:
    """How many regions of all levels are loaded (the operator's check that a load is complete)."""
    return Region.objects.count()
