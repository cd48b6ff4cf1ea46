"""Kelurahan proposals: where a proposal comes from, a desa or a kelurahan, read the same way everywhere.

A kelurahan forum is held by the regency's kelurahan office (a ``PerangkatDaerah`` of kind ``kelurahan``,
see :mod:`spbe.accounts.kelurahan`), whose lurah or operator enters the proposals and decides at the
first forum, as a desa's operator or kades does for a desa. The camat then sees and forwards the desa and
kelurahan proposals of the kecamatan alike: both carry the kecamatan office in ``Proposal.kecamatan``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from spbe.accounts import access as accounts_access
from spbe.accounts.access import Place
from spbe.accounts.kelurahan import kecamatan_of_kelurahan
from spbe.accounts.models import KELURAHAN_ROLES, Pemda, PerangkatDaerah, VillageGovernment
from spbe.core.actors import MaybeActor, is_system
from spbe.core.errors import ValidationFailed

from .access import PROPOSAL
from .models import Proposal

# (desa/kelurahan code, name, kecamatan district code, kecamatan office name): one option of a place filter.
Place4 = tuple[str, str, str, str]


@dataclass(frozen=True)
class Origin:
    """The place a proposal comes from, with what the proposal copies of it."""

    pemda_id: str
    village: VillageGovernment | None
    kelurahan: PerangkatDaerah | None
    kecamatan: PerangkatDaerah
    region_id: str

    def apply(self, proposal: Proposal) -> Proposal:
        proposal.pemda_id = self.pemda_id
        proposal.village = self.village
        proposal.kelurahan = self.kelurahan
        proposal.kecamatan = self.kecamatan
        proposal.region_id = self.region_id
        return proposal


def origin_of(
    *, village: VillageGovernment | None = None, kelurahan: PerangkatDaerah | None = None
) -> Origin:
    """The origin of a proposal from ``village`` or ``kelurahan`` (exactly one), refusing anything else."""
    if (village is None) == (kelurahan is None):
        raise ValidationFailed(_("Usulan berasal dari satu desa atau satu kelurahan."), field="village")
    if village is not None:
        return Origin(village.pemda_id, village, None, village.kecamatan, village.region_id)
    assert kelurahan is not None
    if kelurahan.kind != PerangkatDaerah.Kind.KELURAHAN or kelurahan.kelurahan_id is None:
        raise ValidationFailed(
            _("%(name)s bukan kantor kelurahan.") % {"name": kelurahan.name}, field="kelurahan"
        )
    kecamatan = kecamatan_of_kelurahan([kelurahan]).get(kelurahan.pk)
    if kecamatan is None or kecamatan.pemda_id != kelurahan.pemda_id:
        raise ValidationFailed(
            _("Kecamatan %(name)s belum memiliki kantor kecamatan.") % {"name": kelurahan.name},
            field="kelurahan",
        )
    return Origin(kelurahan.pemda_id, None, kelurahan, kecamatan, kelurahan.kelurahan_id)


def kelurahan_places(
    pemda: Pemda, *, ids: set[int] | None = None, kecamatan_ids: set[int] | None = None
) -> list[Place4]:
    """``(kelurahan code, name, kecamatan code, kecamatan name)`` of the pemda's kelurahan offices.

    With ``ids`` or ``kecamatan_ids``, only those offices or those in those kecamatan offices (both may
    be given: either matches). Two queries: the offices with their regions, the kecamatan offices.
    """
    offices = PerangkatDaerah.objects.filter(pemda=pemda, kind=PerangkatDaerah.Kind.KELURAHAN).values_list(
        "pk", "kelurahan_id", "kelurahan__name", "kelurahan__parent_id"
    )
    kecamatan = {
        district: (pk, name)
        for pk, district, name in PerangkatDaerah.objects.filter(
            pemda=pemda, kind=PerangkatDaerah.Kind.KECAMATAN
        ).values_list("pk", "district_id", "name")
    }
    rows: list[Place4] = []
    for pk, code, name, district in offices:
        office = kecamatan.get(district or "")
        if office is None or not code or not district:
            continue
        if (ids is not None or kecamatan_ids is not None) and not (
            pk in (ids or set()) or office[0] in (kecamatan_ids or set())
        ):
            continue
        rows.append((code, name, district, office[1]))
    return rows


def staff_places(user: MaybeActor, pemda: Pemda) -> list[Place4]:
    """The desa and kelurahan whose proposals ``user`` may filter the staff list by, by name.

    Desa as :func:`spbe.accounts.access.villages_for_user` gives them; kelurahan by the same rule: every
    one for the pemda-wide roles that see every desa, a camat's own kecamatan's, a kelurahan officer's own.
    """
    # Tuples, not model instances: a regency has a few hundred desa and this runs on every list page.
    villages = accounts_access.villages_for_user(user, pemda).values_list(
        "region_id", "region__name", "kecamatan__district_id", "kecamatan__name"
    )
    places: list[Place4] = [(code, name, district or "", office) for code, name, district, office in villages]
    scope = accounts_access.scope_in(user, pemda)
    if scope.all_villages or accounts_access.is_operator(user) or is_system(user):
        places += kelurahan_places(pemda)
    else:
        own = {g.unit_id for g in scope.grants if g.role in KELURAHAN_ROLES and g.unit_id is not None}
        if own or scope.camat_unit_ids:
            places += kelurahan_places(pemda, ids=own, kecamatan_ids=scope.camat_unit_ids)
    return sorted(places, key=lambda p: (p[1], p[0]))


def proposing_kelurahan(user: MaybeActor, pemda: Pemda) -> list[PerangkatDaerah]:
    """The kelurahan offices where ``user`` may enter a Musrenbang proposal (a lurah or operator: own)."""
    scope = accounts_access.scope_in(user, pemda)
    own = {g.unit_id for g in scope.grants if g.role in KELURAHAN_ROLES and g.unit_id is not None}
    if not own:
        return []
    offices = list(
        PerangkatDaerah.objects.filter(pemda=pemda, pk__in=own, kind=PerangkatDaerah.Kind.KELURAHAN)
        .select_related("kelurahan")
        .order_by("kelurahan__name")
    )
    return [
        o for o in offices if "propose_musrenbang" in PROPOSAL.can(user, Place(pemda.code, kelurahan_id=o.pk))
    ]
