"""Plans over the staff API (bearer token, scoped by :mod:`spbe.planning.access_plans`, 404 outside): the
plans a reader may see, and one plan's rows; an RKPD's rows carry the ids the decision API's ``plan_item``
takes when the Musrenbang kabupaten accepts a proposal."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from spbe.accounts.access import get_pemda_for_user
from spbe.accounts.api import TokenAuth
from spbe.accounts.models import User
from spbe.core.schema import Rupiah

from . import selectors_plans
from .access_plans import plan_for_user, plans_for_user
from .models_plans import Plan, PlanRow

router = Router(tags=["perencanaan"], auth=TokenAuth())


class PlanOut(Schema):
    id: int
    kind: str
    year: int
    period: str
    unit_code: str
    state: str
    content_hash: str


class PlanRowOut(Schema):
    id: int
    position: int
    row_kind: str
    code: str
    name: str
    parent_code: str
    unit_code: str
    location: str
    indicator: str
    measure: str
    baseline: Decimal | None
    targets: list[Decimal | None]
    ceilings: list[Rupiah]
    # Accepted proposals this row funds (RKPD sub-kegiatan only) and their amounts' sum.
    funded: list[str]
    funded_amount: Rupiah


class PlanDetailOut(PlanOut):
    vision: str
    rows: list[PlanRowOut]


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _plan(p: Plan) -> PlanOut:
    return PlanOut(
        id=p.pk,
        kind=p.kind,
        year=p.year,
        period=p.period_label,
        unit_code=p.unit.code if p.unit else "",
        state=p.version_state,
        content_hash=p.content_hash,
    )


@router.get("/pemda/{code}/plans", response=list[PlanOut], summary="Dokumen rencana (staf)")
def plan_list(request: HttpRequest, code: str) -> list[PlanOut]:
    user = _user(request)
    pemda = get_pemda_for_user(user, code)
    return [_plan(p) for p in plans_for_user(user, pemda).order_by("kind", "year", "unit__code", "number")]


@router.get(
    "/pemda/{code}/plans/{plan_id}", response=PlanDetailOut, summary="Isi satu dokumen rencana (staf)"
)
def plan_detail(request: HttpRequest, code: str, plan_id: int) -> PlanDetailOut:
    plan, _can = plan_for_user(_user(request), code, plan_id)
    funded = selectors_plans.funded_by_item(plan)

    def row(r: PlanRow) -> PlanRowOut:
        links = funded.get(r.pk, [])
        return PlanRowOut(
            id=r.pk,
            position=r.position,
            row_kind=r.row_kind,
            code=r.code,
            name=r.name,
            parent_code=r.parent_code,
            unit_code=r.unit.code if r.unit else "",
            location=r.location_id or "",
            indicator=r.indicator,
            measure=r.measure,
            baseline=r.baseline,
            targets=r.targets()[: len(plan.years)],
            ceilings=r.ceilings()[: len(plan.years)],
            funded=[f.public_id for f in links],
            funded_amount=sum((f.amount for f in links), Decimal("0.00")),
        )

    return PlanDetailOut(
        **_plan(plan).model_dump(), vision=plan.vision, rows=[row(r) for r in selectors_plans.rows_of(plan)]
    )
