"""Pokir over the API, for a DPRD member's and the DPRD secretariat's own tools (bearer token).

``GET /api/v1/pemda/{code}/pokir`` lists the member's own pokir, or every pokir for the secretariat;
``POST`` there creates a draft (member); ``POST .../pokir/{public_id}/submit`` sends it to the secretariat;
``POST .../pokir/forward`` passes many on at once (secretariat, all or nothing). A single forward or
return goes through the proposals' decision route (``outcome`` ``forward`` or ``return``, with the stage
seen). Anyone else gets 404; a stage that moved, 409 (problem+json).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from spbe.accounts import access as accounts_access
from spbe.accounts.api import TokenAuth
from spbe.accounts.models import Role, User, VillageGovernment
from spbe.core.errors import Conflict, NotFound, ValidationFailed
from spbe.core.schema import Rupiah

from . import photos, pokir
from .access import proposal_for_user
from .models import Proposal, Stage

router = Router(tags=["perencanaan"], auth=TokenAuth())


class PokirOut(Schema):
    public_id: str
    year: int
    title: str
    status: str
    status_label: str
    desa_code: str
    desa: str
    suggested_unit: str | None
    estimated_cost: Rupiah
    dapil: str
    recess_date: dt.date
    recess_place: str
    attendees: int
    member: str
    gaps: list[str] | None = None


class PokirIn(Schema):
    year: int
    desa_code: str
    title: str
    problem: str
    volume: Decimal
    unit_of_measure: str
    estimated_cost: Rupiah
    suggested_unit: str  # the agency's organisation code
    dapil: str
    recess_date: dt.date
    recess_place: str
    attendees: int = 0
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    bidang: str = ""
    beneficiaries: int = 0
    community_contribution: Rupiah = Decimal("0.00")


class PokirQuery(Schema):
    status: str = ""


class SubmitIn(Schema):
    note: str = ""


class ForwardIn(Schema):
    """The public ids the secretariat checked; each must still wait at the secretariat (else 409)."""

    public_ids: list[str]
    note: str = ""


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _out(p: Proposal, *, gaps: bool = False) -> PokirOut:
    detail = p.pokir
    return PokirOut(
        public_id=p.public_id,
        year=p.year,
        title=p.title,
        status=p.state,
        status_label=str(Stage(p.state).label),
        desa_code=p.region_id,
        desa=p.region.name,
        suggested_unit=p.suggested_unit.code if p.suggested_unit else None,
        estimated_cost=p.estimated_cost,
        dapil=detail.dapil,
        recess_date=detail.recess_date,
        recess_place=detail.recess_place,
        attendees=detail.attendees,
        member=str(detail.member),
        gaps=pokir.pokir_gaps(p) if gaps else None,
    )


@router.get("/pemda/{code}/pokir", response=list[PokirOut], summary="Pokir anggota DPRD / sekretariat DPRD")
def pokir_list(request: HttpRequest, code: str, filters: Query[PokirQuery]) -> list[PokirOut]:
    user = _user(request)
    pemda = accounts_access.get_pemda_for_user(user, code)
    if filters.status and filters.status not in Stage.values:
        raise ValidationFailed(
            _("Status tidak dikenal: %(status)s.") % {"status": filters.status}, field="status"
        )
    roles = accounts_access.roles_in(user, pemda)
    if Role.DPRD_SECRETARIAT in roles:
        rows = pokir.secretariat_pokir(user, pemda, state=filters.status)
        return [_out(p, gaps=p.state == Stage.SECRETARIAT) for p in rows.select_related("pokir__member")]
    if Role.DPRD_MEMBER in roles:
        rows = pokir.member_pokir(user, pemda).select_related("pokir__member")
        if filters.status:
            rows = rows.filter(state=filters.status)
        return [_out(p) for p in rows]
    raise NotFound(_("Data tidak ditemukan."))


@router.post("/pemda/{code}/pokir", response={201: PokirOut}, summary="Memasukkan pokir (anggota DPRD)")
def pokir_create(request: HttpRequest, code: str, body: PokirIn) -> Status[PokirOut]:
    user = _user(request)
    pemda = accounts_access.get_pemda_for_user(user, code)
    # A DPRD member proposes for any desa of the pemda (propose_pokir is pemda-wide).
    village = VillageGovernment.objects.filter(pemda=pemda, region_id=body.desa_code).first()
    if village is None:
        raise ValidationFailed(
            _("Desa %(code)s tidak dikenal di pemda ini.") % {"code": body.desa_code}, field="desa_code"
        )
    unit = photos.suggestable_units(pemda).filter(code=body.suggested_unit).first()
    if unit is None:
        raise ValidationFailed(
            _("Perangkat daerah %(code)s tidak dikenal di pemda ini.") % {"code": body.suggested_unit},
            field="suggested_unit",
        )
    created = pokir.pokir_create(
        actor=user,
        village=village,
        year=body.year,
        recess=pokir.Recess(body.dapil, body.recess_date, body.recess_place, body.attendees),
        title=body.title,
        problem=body.problem,
        volume=body.volume,
        unit_of_measure=body.unit_of_measure,
        estimated_cost=body.estimated_cost,
        suggested_unit=unit,
        address=body.address,
        latitude=body.latitude,
        longitude=body.longitude,
        bidang=body.bidang,
        beneficiaries=body.beneficiaries,
        community_contribution=body.community_contribution,
    )
    return Status(201, _out(pokir.member_pokir(user, pemda).get(pk=created.pk)))


@router.post(
    "/pemda/{code}/pokir/{public_id}/submit", response=PokirOut, summary="Mengajukan pokir ke sekretariat"
)
def pokir_submit(request: HttpRequest, code: str, public_id: str, body: SubmitIn) -> PokirOut:
    user = _user(request)
    proposal, _can = proposal_for_user(user, code, public_id)
    pokir.pokir_submit(actor=user, proposal=proposal, note=body.note)
    pemda = accounts_access.get_pemda_for_user(user, code)
    return _out(pokir.member_pokir(user, pemda).get(pk=proposal.pk))


@router.post(
    "/pemda/{code}/pokir/forward", response=list[PokirOut], summary="Meneruskan banyak pokir (sekretariat)"
)
def pokir_forward_many(request: HttpRequest, code: str, body: ForwardIn) -> list[PokirOut]:
    user = _user(request)
    pemda = accounts_access.get_pemda_for_user(user, code)
    if not body.public_ids:
        raise ValidationFailed(_("Pilih paling sedikit satu pokir."), field="public_ids")
    visible = pokir.secretariat_pokir(user, pemda)
    chosen = list(visible.filter(public_id__in=body.public_ids))
    if len(chosen) != len(set(body.public_ids)):
        raise NotFound(_("Data tidak ditemukan."))
    moved = [p.public_id for p in chosen if p.state != Stage.SECRETARIAT]
    if moved:
        raise Conflict(
            _("Pokir ini tidak lagi menunggu verifikasi sekretariat: %(ids)s.")
            % {"ids": ", ".join(moved[:5])}
        )
    pokir.pokirs_forward_many(actor=user, proposals=chosen, note=body.note)
    return [_out(p) for p in visible.filter(pk__in=[p.pk for p in chosen])]
