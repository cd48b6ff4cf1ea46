"""The one access mechanism: every staff view, API call and service asks here who may see and do what.

A role is held *at a place*: a pemda-wide role (Bappeda, TAPD, DPRD, DPMD, auditor, admin) anywhere in its
pemda; an agency role (operator, head) in its own perangkat daerah; a camat in the kecamatan office and the
desa of that kecamatan; a village role in its own desa. A :class:`Grant` keeps (role, unit, desa) together,
so "the head of *this* agency" and "the kades of *this* desa" can be asked, and nothing else passes.

Two questions, answered together (the healthchecks ``(object, rw)`` idea grown to named capabilities):

* may this user see the object at all? If not, ``NotFound`` (404), exactly as if it did not exist;
* what may the user do to it? A :class:`Policy` per kind of object names its capabilities and the roles
  that give each; ``policy.can(user, place)`` answers with a :class:`Can`. Views and the API ask ``can``
  to show buttons; the service asks again, and its answer is the one that counts.

Platform operators (superusers) run the deployment: they see every tenant and manage the platform, but
hold no role in a pemda (an operator is not a kades or a TAPD member). A :class:`SystemActor` (commands,
jobs) holds every capability: whoever runs commands on the server already controls the deployment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from spbe.core.actors import MaybeActor, SystemActor, is_person, is_platform_operator, is_system
from spbe.core.errors import NotFound, PermissionDenied

from .models import (
    KELURAHAN_ROLES,
    PEMDA_ROLES,
    VILLAGE_ROLES,
    VILLAGE_WIDE_ROLES,
    Membership,
    Pemda,
    PerangkatDaerah,
    Role,
    User,
    VillageGovernment,
)

AnyUser = AbstractBaseUser | AnonymousUser | SystemActor


@dataclass(frozen=True)
class Place:
    """Where an object lives inside a pemda: the unit that owns it and/or the desa (with its kecamatan)."""

    pemda_code: str
    unit_id: int | None = None
    village_id: int | None = None
    kecamatan_id: int | None = (
        None  # the kecamatan office of ``village_id`` (or of the kelurahan), for the camat
    )
    kelurahan_id: int | None = None  # the kelurahan office (a unit of kind kelurahan) the object belongs to

    @classmethod
    def of_pemda(cls, pemda: Pemda | str) -> Place:
        return cls(pemda if isinstance(pemda, str) else pemda.code)

    @classmethod
    def of_unit(cls, unit: PerangkatDaerah) -> Place:
        return cls(unit.pemda_id, unit_id=unit.pk)

    @classmethod
    def of_village(cls, village: VillageGovernment) -> Place:
        return cls(village.pemda_id, village_id=village.pk, kecamatan_id=village.kecamatan_id)


@dataclass(frozen=True)
class Grant:
    """One active membership: a role held in a pemda, at one unit, or at one desa."""

    role: str
    unit_id: int | None = None
    village_id: int | None = None

    def covers(self, place: Place) -> bool:
        """Whether this grant's role counts at ``place`` (already known to be in the same pemda)."""
        if self.role in PEMDA_ROLES:
            return True
        if self.role in VILLAGE_ROLES:
            return self.village_id is not None and self.village_id == place.village_id
        if self.role == Role.CAMAT:
            return self.unit_id is not None and self.unit_id in (place.unit_id, place.kecamatan_id)
        if self.role in KELURAHAN_ROLES:
            return self.unit_id is not None and self.unit_id in (place.unit_id, place.kelurahan_id)
        return self.unit_id is not None and self.unit_id == place.unit_id


@dataclass
class PemdaScope:
    """What one user holds inside one pemda: the grants, and the units and desa they can see."""

    pemda_code: str
    grants: set[Grant] = field(default_factory=set)

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def roles_at(self, place: Place) -> set[str]:
        if place.pemda_code != self.pemda_code:
            return set()
        return {g.role for g in self.grants if g.covers(place)}

    @property
    def all_units(self) -> bool:
        return any(g.role in PEMDA_ROLES for g in self.grants)

    @property
    def all_villages(self) -> bool:
        return any(g.role in VILLAGE_WIDE_ROLES for g in self.grants)

    @property
    def unit_ids(self) -> set[int]:
        return {g.unit_id for g in self.grants if g.unit_id is not None}

    @property
    def camat_unit_ids(self) -> set[int]:
        return {g.unit_id for g in self.grants if g.role == Role.CAMAT and g.unit_id is not None}

    @property
    def village_ids(self) -> set[int]:
        return {g.village_id for g in self.grants if g.village_id is not None}


def is_operator(user: MaybeActor) -> bool:
    """A platform operator: runs the deployment and sees every tenant, but holds no role in one."""
    return is_platform_operator(user)


def scopes_for(user: MaybeActor) -> dict[str, PemdaScope]:
    """Return the user's grants per pemda code, computed once per user object (one query)."""
    if not is_person(user):
        return {}
    cached: dict[str, PemdaScope] | None = getattr(user, "_spbe_scopes", None)
    if cached is not None:
        return cached
    scopes: dict[str, PemdaScope] = {}
    memberships = Membership.objects.filter(
        user_id=user.pk, is_active=True, pemda__is_active=True
    ).values_list("pemda_id", "role", "unit_id", "village_id")
    for pemda_code, role, unit_id, village_id in memberships:
        scopes.setdefault(pemda_code, PemdaScope(pemda_code)).grants.add(Grant(role, unit_id, village_id))
    setattr(user, "_spbe_scopes", scopes)  # noqa: B010 (a per-request cache on the user object)
    return scopes


def forget_scopes(user: MaybeActor) -> None:
    """Drop the cached grants (after a membership change in the same request)."""
    if user is not None and hasattr(user, "_spbe_scopes"):
        delattr(user, "_spbe_scopes")


def scope_in(user: MaybeActor, pemda: Pemda | str) -> PemdaScope:
    """The user's grants in ``pemda``; NotFound if the user has none there and is not an operator."""
    code = pemda if isinstance(pemda, str) else pemda.code
    scope = scopes_for(user).get(code)
    if scope is not None:
        return scope
    if is_operator(user) or is_system(user):
        return PemdaScope(code)
    raise NotFound(_("Pemda tidak ditemukan."))


def roles_at(user: MaybeActor, place: Place) -> set[str]:
    """The roles the user holds that count at ``place``."""
    scope = scopes_for(user).get(place.pemda_code)
    return scope.roles_at(place) if scope is not None else set()


@dataclass(frozen=True)
class Can:
    """What one actor may do to one object: ``can.submit``, ``"verify" in can``, ``can.require("edit")``."""

    granted: frozenset[str]
    known: frozenset[str]

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self.known:
            raise AttributeError(f"no capability named {name!r}")
        return name in self.granted

    def __contains__(self, name: object) -> bool:
        return name in self.granted

    def require(self, name: str) -> None:
        """Raise PermissionDenied unless ``name`` is granted."""
        if name not in self.known:
            raise ValueError(f"no capability named {name!r}")
        if name not in self.granted:
            raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini di sini."))


class Policy:
    """The capabilities on one kind of object and the roles that give each, counted at the object's place.

    ``operator`` names the capabilities a platform operator has (none by default): the operator runs the
    deployment and is never a member of a pemda's workflow.

        RKA = Policy(
            view={Role.TAPD, Role.BAPPEDA_PLANNER, Role.AUDITOR, Role.AGENCY_OPERATOR, Role.AGENCY_HEAD},
            edit={Role.AGENCY_OPERATOR},
            submit={Role.AGENCY_HEAD},
            verify={Role.TAPD},
        )
    """

    def __init__(self, *, operator: Iterable[str] = (), **capabilities: Iterable[str]) -> None:
        self.capabilities: Mapping[str, frozenset[str]] = {
            name: frozenset(str(r) for r in roles) for name, roles in capabilities.items()
        }
        unknown = {r for roles in self.capabilities.values() for r in roles} - set(Role.values)
        if unknown:
            raise ValueError(f"unknown roles in policy: {sorted(unknown)}")
        self.operator = frozenset(operator)
        self.known = frozenset(self.capabilities)
        if not self.operator <= self.known:
            raise ValueError(f"operator capabilities not in policy: {sorted(self.operator - self.known)}")

    def can(self, user: MaybeActor, place: Place) -> Can:
        if is_system(user):
            return Can(self.known, self.known)
        granted = set(self.operator) if is_operator(user) else set()
        roles = roles_at(user, place)
        granted.update(name for name, wanted in self.capabilities.items() if roles & wanted)
        return Can(frozenset(granted), self.known)

    def require(self, user: MaybeActor, place: Place, capability: str) -> Can:
        """The service's check: refuse anyone without ``capability`` at ``place``; return the full answer."""
        can = self.can(user, place)
        can.require(capability)
        return can


# --- the organisation itself --------------------------------------------------------------------------

#: The pemda as an object: who manages its staff and organisation, who reads its audit trail.
PEMDA = Policy(
    operator={"view", "grant_admin"},
    view=set(Role),
    manage_staff={Role.PEMDA_ADMIN},
    manage_units={Role.PEMDA_ADMIN},
    grant_admin={Role.PEMDA_ADMIN},
    read_audit={Role.PEMDA_ADMIN, Role.AUDITOR},
    view_staff={Role.PEMDA_ADMIN, Role.AUDITOR},
)


def pemdas_for_user(user: MaybeActor) -> QuerySet[Pemda]:
    if is_operator(user) or is_system(user):
        return Pemda.objects.filter(is_active=True)
    return Pemda.objects.filter(code__in=list(scopes_for(user)), is_active=True)


def get_pemda_for_user(user: MaybeActor, code: str) -> Pemda:
    """Return the pemda if the user has a membership in it (or runs the platform); else NotFound."""
    pemda = pemdas_for_user(user).select_related("region").filter(code=code).first()
    if pemda is None:
        raise NotFound(_("Pemda tidak ditemukan."))
    return pemda


def roles_in(user: MaybeActor, pemda: Pemda) -> set[str]:
    """Every role the user holds anywhere in ``pemda`` (for dashboards; decisions use a Policy)."""
    return scope_in(user, pemda).roles


def units_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[PerangkatDaerah]:
    scope = scope_in(user, pemda)
    units = PerangkatDaerah.objects.filter(pemda=pemda)
    if scope.all_units or is_operator(user) or is_system(user):
        return units
    return units.filter(pk__in=scope.unit_ids)


def get_unit_for_user(user: MaybeActor, pemda: Pemda, unit_id: int) -> PerangkatDaerah:
    unit = units_for_user(user, pemda).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("Perangkat daerah tidak ditemukan."))
    return unit


def villages_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[VillageGovernment]:
    scope = scope_in(user, pemda)
    villages = VillageGovernment.objects.filter(pemda=pemda)
    if scope.all_villages or is_operator(user) or is_system(user):
        return villages
    return villages.filter(Q(pk__in=scope.village_ids) | Q(kecamatan_id__in=scope.camat_unit_ids))


def get_village_for_user(user: MaybeActor, pemda: Pemda, code: str) -> VillageGovernment:
    village = (
        villages_for_user(user, pemda).select_related("region", "kecamatan").filter(region_id=code).first()
    )
    if village is None:
        raise NotFound(_("Desa tidak ditemukan."))
    return village


def users_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[User]:
    """Staff of the pemda, visible to its admin and auditors."""
    PEMDA.require(user, Place.of_pemda(pemda), "view_staff")
    return User.objects.filter(memberships__pemda=pemda).distinct()


# --- objects of the modules ---------------------------------------------------------------------------


def object_for_user[T: Model](
    user: MaybeActor, queryset: QuerySet[T], policy: Policy, *, pemda_code: str, **lookup: object
) -> tuple[T, Can]:
    """Fetch one tenant-owned object for ``user`` and say what the user may do to it.

    NotFound (404) when it does not exist, belongs to another pemda, or the user may not ``view`` it
    where it lives (when the policy has a ``view`` capability): the three are never told apart.

        rka, can = object_for_user(request.user, Rka.objects.all(), RKA, pemda_code=code, pk=pk)
        if can.submit: ...
    """
    # A membership is only counted in an active pemda (scopes_for), so a member's pemda needs no query of
    # its own: the hottest requests (a detail row, an APBDes line) skip one query and its compile.
    pemda: Pemda | str = (
        pemda_code if pemda_code in scopes_for(user) else get_pemda_for_user(user, pemda_code)
    )
    obj = queryset.filter(pemda=pemda, **lookup).first()
    if obj is None:
        raise NotFound(_("Data tidak ditemukan."))
    can = policy.can(user, obj.place())  # type: ignore[attr-defined]
    if "view" in policy.known and not can.view:
        raise NotFound(_("Data tidak ditemukan."))
    return obj, can
