"""Public reads of the tenants hosted on this platform: only active pemda, only what a citizen may see.

The region tree itself is read through ``spbe.regions.selectors``; this module adds what the platform
knows about a place (which pemda runs here, which desa has its government here). It writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from spbe.accounts.models import Pemda, VillageGovernment
from spbe.regions import selectors as regions
from spbe.regions.models import Region


def hosted_pemdas() -> QuerySet[Pemda]:
    return Pemda.objects.filter(is_active=True).select_related("region")


def get_hosted_pemda(code: str) -> Pemda | None:
    return hosted_pemdas().filter(code=code).first()


@dataclass
class VillagePage:
    """What the public desa/kelurahan page shows."""

    region: Region
    ancestors: list[Region]  # province, regency, district
    government: VillageGovernment | None  # the desa's government, when its pemda runs on this platform
    pemda: Pemda | None  # the hosted pemda the place belongs to, desa or kelurahan

    @property
    def district(self) -> Region | None:
        return self.ancestors[-1] if self.ancestors else None

    @property
    def regency(self) -> Region | None:
        return self.ancestors[-2] if len(self.ancestors) >= 2 else None

    @property
    def province(self) -> Region | None:
        return self.ancestors[0] if self.ancestors else None


def village_page(region: Region) -> VillagePage:
    """Gather the public facts about one desa or kelurahan (three small queries)."""
    ancestors = regions.ancestors(region)
    government = (
        VillageGovernment.objects.filter(region_id=region.code, pemda__is_active=True)
        .select_related("pemda", "kecamatan")
        .first()
    )
    regency_code = ".".join(region.code.split(".")[:2])
    pemda = government.pemda if government else get_hosted_pemda(regency_code)
    return VillagePage(region, ancestors, government, pemda)


def governed_codes(codes: list[str]) -> set[str]:
    """Which of these desa codes have their village government on this platform (one query)."""
    return set(
        VillageGovernment.objects.filter(region_id__in=codes, pemda__is_active=True).values_list(
            "region_id", flat=True
        )
    )
