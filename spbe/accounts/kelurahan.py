"""Kelurahan offices: the regency's own offices in each kelurahan, under the camat (UU 23/2014, PP 17/2018).

A kelurahan is not a village government (it has no budget of its own and no elected head): it is a unit of
the pemda, a :class:`PerangkatDaerah` of kind ``kelurahan`` linked to its region, where a lurah and a
kelurahan operator hold their roles. Its kecamatan office is the office of the kelurahan region's parent
district. Offices follow the region list, as kecamatan offices do: :func:`kelurahan_offices_ensure` adds
the missing ones (a kelurahan added to the region list later gets its office the next time it runs).
"""

from __future__ import annotations

from django.db import transaction

from spbe.core import audit
from spbe.core.actors import MaybeActor, require_actor
from spbe.regions.models import Region

from .access import PEMDA, Place
from .models import Pemda, PerangkatDaerah


def kelurahan_office_code(kelurahan_code: str) -> str:
    """Organisation code of a kelurahan office: a sub-unit of its kecamatan office (``...01.1001``)."""
    _province, _regency, district, number = kelurahan_code.split(".")
    return f"7.01.0.00.0.00.{district}.{number}"


def kelurahan_offices(pemda: Pemda | str) -> dict[str, PerangkatDaerah]:
    """The pemda's kelurahan offices by kelurahan region code (one query)."""
    code = pemda if isinstance(pemda, str) else pemda.code
    return {
        u.kelurahan_id: u
        for u in PerangkatDaerah.objects.filter(pemda_id=code, kind=PerangkatDaerah.Kind.KELURAHAN)
        if u.kelurahan_id is not None
    }


def kecamatan_of_kelurahan(offices: list[PerangkatDaerah]) -> dict[int, PerangkatDaerah]:
    """Each kelurahan office's kecamatan office, by the kelurahan office's id (one query)."""
    parents = dict(
        Region.objects.filter(code__in=[o.kelurahan_id for o in offices]).values_list("code", "parent_id")
    )
    kecamatan = {
        u.district_id: u
        for u in PerangkatDaerah.objects.filter(
            kind=PerangkatDaerah.Kind.KECAMATAN, district_id__in=set(parents.values())
        )
    }
    found: dict[int, PerangkatDaerah] = {}
    for office in offices:
        district = parents.get(office.kelurahan_id or "")
        if district in kecamatan:
            found[office.pk] = kecamatan[district]
    return found


def kelurahan_offices_ensure(*, actor: MaybeActor, pemda: Pemda) -> list[PerangkatDaerah]:
    """Add an office for every kelurahan of ``pemda`` that has none (audited); return the ones added.

    Allowed to whoever manages the pemda's units (its admin) and to commands. Needs the kecamatan offices
    (``spbe create_pemda``) to exist first; a kelurahan whose kecamatan has no office is skipped.
    """
    vetted = require_actor(actor)
    PEMDA.require(vetted, Place.of_pemda(pemda), "manage_units")
    with transaction.atomic():
        return kelurahan_offices_add(actor=vetted, pemda=pemda)


def kelurahan_offices_add(*, actor: MaybeActor, pemda: Pemda) -> list[PerangkatDaerah]:
    """The work of :func:`kelurahan_offices_ensure` for a caller that has checked who may (``pemda_create``)
    and opened the transaction."""
    vetted = require_actor(actor)
    existing = set(kelurahan_offices(pemda))
    districts = set(
        PerangkatDaerah.objects.filter(pemda=pemda, kind=PerangkatDaerah.Kind.KECAMATAN).values_list(
            "district_id", flat=True
        )
    )
    added = PerangkatDaerah.objects.bulk_create(
        PerangkatDaerah(
            pemda=pemda,
            code=kelurahan_office_code(region.code),
            name=f"Kelurahan {region.name}",
            short_name=f"Kel. {region.name}"[:40],
            kind=PerangkatDaerah.Kind.KELURAHAN,
            kelurahan=region,
        )
        for region in Region.objects.filter(
            level=Region.Level.VILLAGE, kind=Region.Kind.KELURAHAN, parent__parent_id=pemda.code
        ).order_by("code")
        if region.code not in existing and region.parent_id in districts
    )
    if added:
        audit.record_many(
            actor=vetted,
            changes=[
                audit.Change("unit.create", obj, pemda_code=pemda.code, after=audit.snapshot(obj))
                for obj in added
            ],
        )
    return added
