"""Who reads and records realisation: the treasury (BPKAD, the TAPD role) records SP2D and STS for the whole
pemda; pemda-wide budget readers read every agency's realisation and LRA; an agency's operator and head read
their own agency's only (another agency is 404, as is everything to outsiders)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from spbe.accounts.access import Can, Place, get_pemda_for_user, object_for_user, scope_in
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.actors import MaybeActor
from spbe.core.errors import NotFound

from .models_realisation import Sp2d, Sts
from .realisation import REALISATION


def realisation_scope(
    user: MaybeActor, pemda_code: str, unit_code: str | None = None
) -> tuple[Pemda, PerangkatDaerah | None, Can]:
    """The pemda, the agency the user reads (``None``: the whole pemda) and what the user may do there.

    A pemda-wide reader may narrow to any agency by ``unit_code``; an agency role reads one of its own
    agencies (the first, or ``unit_code``), never the whole pemda. NotFound for everyone else."""
    pemda = get_pemda_for_user(user, pemda_code)
    can = REALISATION.can(user, Place.of_pemda(pemda))
    if can.view:
        if not unit_code:
            return pemda, None, can
        unit = PerangkatDaerah.objects.filter(pemda=pemda, code=unit_code).first()
        if unit is None:
            raise NotFound(_("Perangkat daerah tidak ditemukan."))
        return pemda, unit, can
    own = PerangkatDaerah.objects.filter(pemda=pemda, pk__in=scope_in(user, pemda).unit_ids).order_by("code")
    for unit in own:
        if unit_code and unit.code != unit_code:
            continue
        unit_can = REALISATION.can(user, Place.of_unit(unit))
        if unit_can.view:
            return pemda, unit, unit_can
    raise NotFound(_("Data tidak ditemukan."))


def sp2d_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[Sp2d, Can]:
    return object_for_user(
        user, Sp2d.objects.select_related("unit", "pemda"), REALISATION, pemda_code=pemda_code, pk=pk
    )


def sts_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[Sts, Can]:
    return object_for_user(
        user, Sts.objects.select_related("unit", "pemda"), REALISATION, pemda_code=pemda_code, pk=pk
    )
