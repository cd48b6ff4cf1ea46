"""Public reads of the region tree, shaped for the API and the public pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Region


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")


def get_region(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def children(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=region).order_by("code")


def ancestors(region: Region) -> list[Region]:
    """The chain from the province down to the region's parent (codes are prefixes of each other)."""
    parts = region.code.split(".")
    codes = [".".join(parts[:n]) for n in range(1, len(parts))]
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
