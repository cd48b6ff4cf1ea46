"""The one access mechanism: every staff view and API call fetches scoped objects through these helpers.

A user sees a pemda through an active membership in it; inside the pemda, a membership of a perangkat
daerah sees that unit, a camat sees the desa of the kecamatan, a village role sees its own desa, and the
pemda-wide roles see every desa. Anything outside the scope raises ``NotFound`` (404), exactly as if it did
not exist: an outsider never learns that another tenant's or village's object is there.
Platform operators (superusers) run the deployment and see every tenant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from spbe.core.errors import NotFound, PermissionDenied

from .models import (
    UNIT_ROLES,
    VILLAGE_WIDE_ROLES,
    Membership,
    Pemda,
    PerangkatDaerah,
    Role,
    User,
    VillageGovernment,
)

AnyUser = AbstractBaseUser | AnonymousUser


@dataclass
class PemdaScope:
    """What one user may see inside one pemda."""

    pemda_code: str
    roles: set[str] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)
    camat_unit_ids: set[int] = field(default_factory=set)
    village_ids: set[int] = field(default_factory=set)
    all_units: bool = False
    all_villages: bool = False


def _is_operator(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_superuser", False) and user.is_active)


def scopes_for(user: AnyUser) -> dict[str, PemdaScope]:
    """Return the user's scope per pemda code, computed once per user object (one query)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    cached: dict[str, PemdaScope] | None = getattr(user, "_spbe_scopes", None)
    if cached is not None:
        return cached
    scopes: dict[str, PemdaScope] = {}
    memberships = Membership.objects.filter(
        user_id=user.pk, is_active=True, pemda__is_active=True
    ).values_list("pemda_id", "role", "unit_id", "village_id")
    for pemda_code, role, unit_id, village_id in memberships:
        scope = scopes.setdefault(pemda_code, PemdaScope(pemda_code))
        scope.roles.add(role)
        if role in VILLAGE_WIDE_ROLES:
            scope.all_villages = True
        if role not in UNIT_ROLES and village_id is None:
            scope.all_units = True
        if unit_id is not None:
            scope.unit_ids.add(unit_id)
            if role == Role.CAMAT:
                scope.camat_unit_ids.add(unit_id)
        if village_id is not None:
            scope.village_ids.add(village_id)
    setattr(user, "_spbe_scopes", scopes)  # noqa: B010 (a per-request cache on the user object)
    return scopes


def scope_in(user: AnyUser, pemda: Pemda) -> PemdaScope:
    if _is_operator(user):
        return PemdaScope(pemda.code, roles=set(Role), all_units=True, all_villages=True)
    scope = scopes_for(user).get(pemda.code)
    if scope is None:
        raise NotFound(_("Pemda tidak ditemukan."))
    return scope


def pemdas_for_user(user: AnyUser) -> QuerySet[Pemda]:
    if _is_operator(user):
        return Pemda.objects.filter(is_active=True)
    return Pemda.objects.filter(code__in=list(scopes_for(user)), is_active=True)


def get_pemda_for_user(user: AnyUser, code: str) -> Pemda:
    """Return the pemda if the user has a membership in it (or runs the platform); else NotFound."""
    pemda = pemdas_for_user(user).select_related("region").filter(code=code).first()
    if pemda is None:
        raise NotFound(_("Pemda tidak ditemukan."))
    return pemda


def roles_in(user: AnyUser, pemda: Pemda) -> set[str]:
    return scope_in(user, pemda).roles


def require_role(user: AnyUser, pemda: Pemda, roles: Iterable[str]) -> None:
    """Raise PermissionDenied unless the user holds one of ``roles`` in ``pemda``."""
    wanted = set(roles)
    if not roles_in(user, pemda) & wanted:
        names = ", ".join(sorted(str(Role(r).label) for r in wanted))
        raise PermissionDenied(_("Tindakan ini memerlukan peran: %(roles)s.") % {"roles": names})


def units_for_user(user: AnyUser, pemda: Pemda) -> QuerySet[PerangkatDaerah]:
    scope = scope_in(user, pemda)
    units = PerangkatDaerah.objects.filter(pemda=pemda)
    if scope.all_units:
        return units
    return units.filter(pk__in=scope.unit_ids)


def get_unit_for_user(user: AnyUser, pemda: Pemda, unit_id: int) -> PerangkatDaerah:
    unit = units_for_user(user, pemda).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("Perangkat daerah tidak ditemukan."))
    return unit


def villages_for_user(user: AnyUser, pemda: Pemda) -> QuerySet[VillageGovernment]:
    scope = scope_in(user, pemda)
    villages = VillageGovernment.objects.filter(pemda=pemda)
    if scope.all_villages:
        return villages
    return villages.filter(Q(pk__in=scope.village_ids) | Q(kecamatan_id__in=scope.camat_unit_ids))


def get_village_for_user(user: AnyUser, pemda: Pemda, code: str) -> VillageGovernment:
    village = (
        villages_for_user(user, pemda).select_related("region", "kecamatan").filter(region_id=code).first()
    )
    if village is None:
        raise NotFound(_("Desa tidak ditemukan."))
    return village


def users_for_user(user: AnyUser, pemda: Pemda) -> QuerySet[User]:
    """Staff of the pemda, visible to its admin and auditors."""
    require_role(user, pemda, {Role.PEMDA_ADMIN, Role.AUDITOR})
    return User.objects.filter(memberships__pemda=pemda).distinct()
