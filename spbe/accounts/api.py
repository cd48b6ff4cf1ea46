"""Staff API over the organisation: every call is scoped through ``spbe.accounts.access``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import HttpBearer

from . import access
from .models import User
from .services import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer spbe_...``: a token created with ``spbe create_api_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["organisasi"], auth=TokenAuth())


class MembershipOut(Schema):
    pemda_code: str
    role: str
    unit_id: int | None
    village_code: str | None


class MeOut(Schema):
    username: str
    full_name: str
    memberships: list[MembershipOut]


class PemdaOut(Schema):
    code: str
    name: str
    time_zone: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    district_code: str | None


class VillageOut(Schema):
    code: str
    name: str
    kecamatan_id: int


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.get("/me", response=MeOut, summary="Akun pemilik token")
def me(request: HttpRequest) -> MeOut:
    user = _user(request)
    memberships = [
        MembershipOut(
            pemda_code=m.pemda_id,
            role=m.role,
            unit_id=m.unit_id,
            village_code=m.village.region_id if m.village else None,
        )
        for m in user.memberships.filter(is_active=True).select_related("village")
    ]
    return MeOut(username=user.username, full_name=user.full_name, memberships=memberships)


@router.get("/pemda", response=list[PemdaOut], summary="Pemda yang dapat diakses")
def list_pemda(request: HttpRequest) -> list[PemdaOut]:
    return [
        PemdaOut(code=p.code, name=p.name, time_zone=p.time_zone)
        for p in access.pemdas_for_user(_user(request))
    ]


@router.get("/pemda/{code}/units", response=list[UnitOut], summary="Perangkat daerah dalam cakupan")
def list_units(request: HttpRequest, code: str) -> list[UnitOut]:
    user = _user(request)
    pemda = access.get_pemda_for_user(user, code)
    return [
        UnitOut(
            id=u.pk,
            code=u.code,
            name=u.name,
            short_name=u.short_name,
            kind=u.kind,
            district_code=u.district_id,
        )
        for u in access.units_for_user(user, pemda)
    ]


@router.get("/pemda/{code}/villages", response=list[VillageOut], summary="Desa dalam cakupan")
def list_villages(request: HttpRequest, code: str) -> list[VillageOut]:
    user = _user(request)
    pemda = access.get_pemda_for_user(user, code)
    return [
        VillageOut(code=v.region_id, name=v.name, kecamatan_id=v.kecamatan_id)
        for v in access.villages_for_user(user, pemda)
    ]


@router.get("/pemda/{code}/villages/{village_code}", response=VillageOut, summary="Satu desa")
def get_village(request: HttpRequest, code: str, village_code: str) -> VillageOut:
    user = _user(request)
    pemda = access.get_pemda_for_user(user, code)
    v = access.get_village_for_user(user, pemda, village_code)
    return VillageOut(code=v.region_id, name=v.name, kecamatan_id=v.kecamatan_id)
