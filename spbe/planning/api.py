"""Proposals over the API: public tracking for anyone, and decisions for officers with a token.

The public schemas list every field they publish; the proposer's identity (name, NIK, phone, e-mail) is
not one of them and never will be (a test reads every public response for it). The staff routes live under
``/api/v1/pemda/{code}/proposals/{public_id}/`` and answer 404 outside the officer's scope.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from spbe.accounts.api import TokenAuth
from spbe.accounts.models import PerangkatDaerah, User
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.http import public_answer
from spbe.core.published import Route
from spbe.core.schema import Rupiah

from . import budget_link, plans_funding, selectors, selectors_plans
from .access import kecamatan_for_user, proposal_for_user
from .models import Decision, Proposal, Stage
from .models_plans import PlanFunding
from .services import PUBLISHED_DATA_SET, PUBLISHED_LISTS, duplicate_mark, proposal_decide, proposals_rank

router = Router(tags=["perencanaan"])
# Officers decide with a bearer token, inside their own scope (spbe.planning.access).
staff_router = Router(tags=["perencanaan"], auth=TokenAuth())
PAGE_SIZE = 50
# A proposal's journey changes only through the services, which bump its pemda's data set for the year
# and the pemda's lists (services.published_changed); the published layer (spbe.core.published) replays
# answers until then. The lists (this API's and the tracker page) are kept per filter: their query string.
PUBLISHED_ROUTES = [
    Route(r"/api/v1/proposals/(?P<pemda>\d\d\.\d\d)-(?P<year>\d{4})-\d+", PUBLISHED_DATA_SET),
    Route(r"/api/v1/pemda/(?P<pemda>\d\d\.\d\d)/proposals", PUBLISHED_LISTS, query=True),
    Route(r"/pemda/(?P<pemda>\d\d\.\d\d)/usulan/", PUBLISHED_LISTS, query=True),
]
# Browsers and proxies may keep an answer this long; the published layer itself follows every change.
PUBLIC_MAX_AGE = 60


class PlaceOut(Schema):
    code: str
    name: str


class DecisionOut(Schema):
    stage: str
    # ``rank`` for a forum's ranking (the stage does not change), else the transition (``forward_desa``...).
    action: str
    stage_label: str
    outcome: str
    outcome_label: str
    reason: str
    date: dt.datetime
    rank: int | None
    recommended_volume: Decimal | None
    recommended_cost: Rupiah | None


class ProposalSummaryOut(Schema):
    public_id: str
    year: int
    source: str
    title: str
    desa: PlaceOut
    kecamatan: PlaceOut | None
    bidang: str
    status: str
    status_label: str
    rank: int | None
    estimated_cost: Rupiah


class AdoptedBudgetOut(Schema):
    """What the newest adopted APBD of the year gives the sub-kegiatan (the whole item, not the proposal)."""

    version: int
    label: str
    amount: Rupiah


class PlanItemOut(Schema):
    """The RKPD sub-kegiatan that funds an accepted proposal, and the amount accepted."""

    id: int
    year: int
    sub_kegiatan_code: str
    sub_kegiatan_name: str
    agency: PlaceOut
    amount: Rupiah
    # Once the year's APBD is adopted: its amount for this sub-kegiatan (None before).
    apbd: AdoptedBudgetOut | None = None


class ProposalOut(ProposalSummaryOut):
    problem: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    suggested_unit: PlaceOut | None
    volume: Decimal
    unit_of_measure: str
    beneficiaries: int
    community_contribution: Rupiah
    journey: list[DecisionOut]
    # Once accepted and linked: the RKPD item that funds it (None before).
    plan_item: PlanItemOut | None = None


class ProposalPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[ProposalSummaryOut]


class ProposalQuery(Schema):
    year: int | None = None
    kecamatan: str = ""
    desa: str = ""
    bidang: str = ""
    status: str = ""
    page: int = 1


def _summary(p: Proposal) -> dict[str, Any]:
    district = p.kecamatan.district
    return {
        "public_id": p.public_id,
        "year": p.year,
        "source": p.source,
        "title": p.title,
        "desa": PlaceOut(code=p.region_id, name=p.region.name),
        "kecamatan": PlaceOut(code=district.code, name=district.name) if district else None,
        "bidang": p.bidang,
        "status": p.state,
        "status_label": str(Stage(p.state).label),
        "rank": p.rank,
        "estimated_cost": p.estimated_cost,
    }


# What a list row shows, read as tuples (the same values _summary reads from a model instance).
SUMMARY_COLUMNS = (
    *("public_id", "year", "source", "title", "region_id", "region__name", "kecamatan__district_id"),
    *("kecamatan__district__name", "bidang", "state", "rank", "estimated_cost"),
)


def _summaries(proposals: QuerySet[Proposal]) -> list[ProposalSummaryOut]:
    """A list page's rows, built without model instances and without re-validating our own values.

    Measured on 10,000 proposals a year: building the fifty rows' model instances (with their desa,
    kecamatan office and district) and validating each row through ninja's schema were about two thirds
    of a filtered list request. The values are the database's, typed by the model's own converters
    (money as Decimal), so ``model_construct`` serialises exactly what the validated schema would.
    """
    labels = {value: str(label) for value, label in Stage.choices}
    items = []
    for row in proposals.values_list(*SUMMARY_COLUMNS):
        public_id, year, source, title, desa_code, desa_name, district, district_name = row[:8]
        bidang, state, rank, estimated_cost = row[8:]
        items.append(
            ProposalSummaryOut.model_construct(
                public_id=public_id,
                year=year,
                source=source,
                title=title,
                desa=PlaceOut.model_construct(code=desa_code, name=desa_name),
                kecamatan=PlaceOut.model_construct(code=district, name=district_name) if district else None,
                bidang=bidang,
                status=state,
                status_label=labels.get(state, state),
                rank=rank,
                estimated_cost=estimated_cost,
            )
        )
    return items


def _decision(d: Decision) -> DecisionOut:
    return DecisionOut(
        stage=d.stage,
        action=d.action,
        stage_label=str(Stage(d.stage).label),
        outcome=d.outcome,
        outcome_label=str(Stage(d.outcome).label),
        reason=d.note,
        date=d.decided_at,
        rank=d.rank,
        recommended_volume=d.recommended_volume,
        recommended_cost=d.recommended_cost,
    )


def _plan_item(funding: PlanFunding | None) -> PlanItemOut | None:
    if funding is None:
        return None
    item, unit = funding.item, funding.item.unit
    adopted = budget_link.adopted_budget(item)
    return PlanItemOut(
        id=item.pk,
        year=item.plan.year,
        sub_kegiatan_code=item.code,
        sub_kegiatan_name=item.name,
        agency=PlaceOut(code=unit.code, name=unit.name) if unit else PlaceOut(code="", name=""),
        amount=funding.amount,
        apbd=AdoptedBudgetOut(version=adopted.version, label=adopted.label, amount=adopted.amount)
        if adopted is not None
        else None,
    )


@router.get("/proposals/{public_id}", response=ProposalOut, summary="Perjalanan satu usulan")
def proposal_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    p = selectors.public_proposal(public_id)
    unit = p.suggested_unit
    answer = ProposalOut(
        **_summary(p),
        problem=p.problem,
        address=p.address,
        latitude=p.latitude,
        longitude=p.longitude,
        suggested_unit=PlaceOut(code=unit.code, name=unit.name) if unit else None,
        volume=p.volume,
        unit_of_measure=p.unit_of_measure,
        beneficiaries=p.beneficiaries,
        community_contribution=p.community_contribution,
        journey=[_decision(d) for d in selectors.public_journey(p)],
        plan_item=_plan_item(selectors_plans.funding_of(p)),
    )
    # The same for everyone until the pemda's proposals of that year change (see PUBLISHED_ROUTES): with a
    # strong ETag and "public", the published layer replays it without running Django again.
    body = answer.model_dump_json().encode()
    return public_answer(request, body, max_age=PUBLIC_MAX_AGE)


@router.get("/pemda/{code}/proposals", response=ProposalPageOut, summary="Daftar usulan publik suatu pemda")
def proposal_list(request: HttpRequest, code: str, filters: Query[ProposalQuery]) -> HttpResponse:
    pemda = selectors.public_pemda(code)
    if filters.page < 1:
        raise ValidationFailed(_("Halaman dimulai dari 1."), field="page")
    chosen = selectors.ProposalFilter(
        year=filters.year,
        kecamatan=filters.kecamatan.strip(),
        desa=filters.desa.strip(),
        bidang=filters.bidang.strip(),
        status=filters.status.strip(),
    )
    proposals = selectors.public_proposals(pemda, chosen)
    count = proposals.count()
    start = (filters.page - 1) * PAGE_SIZE
    answer = ProposalPageOut.model_construct(
        count=count,
        page=filters.page,
        pages=max(1, -(-count // PAGE_SIZE)),
        page_size=PAGE_SIZE,
        items=_summaries(proposals[start : start + PAGE_SIZE]),
    )
    # Published per filter (see PUBLISHED_ROUTES): every write that changes what a list shows bumps the
    # pemda's lists, so the same query is answered from worker memory until then.
    return public_answer(request, answer.model_dump_json().encode(), max_age=PUBLIC_MAX_AGE)


# --- officers ----------------------------------------------------------------------------------------


class StaffDecisionOut(DecisionOut):
    decided_by: str


class DecisionIn(Schema):
    """``stage`` is the stage the officer saw: if the proposal has moved on since, 409 and nothing changes."""

    stage: str
    outcome: str
    note: str = ""
    recommended_volume: Decimal | None = None
    recommended_cost: Rupiah | None = None
    rank: int | None = None
    # Accepting at the Musrenbang kabupaten: the RKPD sub-kegiatan row (its id, as listed by
    # /pemda/{code}/plans/rkpd/{year}/items) and the amount accepted (default: the recommended cost).
    plan_item: int | None = None
    accepted_amount: Rupiah | None = None


def _staff_decision(d: Decision) -> StaffDecisionOut:
    return StaffDecisionOut(**_decision(d).model_dump(), decided_by=d.actor_label)


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@staff_router.get(
    "/pemda/{code}/proposals/{public_id}/decisions",
    response=list[StaffDecisionOut],
    summary="Keputusan atas satu usulan (staf)",
)
def decision_list(request: HttpRequest, code: str, public_id: str) -> list[StaffDecisionOut]:
    proposal, _can = proposal_for_user(_user(request), code, public_id)
    return [_staff_decision(d) for d in selectors.public_journey(proposal)]


@staff_router.post(
    "/pemda/{code}/proposals/{public_id}/decisions",
    response={201: StaffDecisionOut},
    summary="Memutuskan usulan pada tahapnya",
)
def decision_create(
    request: HttpRequest, code: str, public_id: str, body: DecisionIn
) -> Status[StaffDecisionOut]:
    user = _user(request)
    proposal, _can = proposal_for_user(user, code, public_id)
    if body.stage != proposal.state:
        raise Conflict(
            _("Usulan ini sudah berpindah tahap (sekarang: %(stage)s). Muat ulang sebelum memutuskan.")
            % {"stage": Stage(proposal.state).label}
        )
    item = plans_funding.rkpd_item_for(proposal, body.plan_item) if body.plan_item is not None else None
    decision = proposal_decide(
        actor=user,
        proposal=proposal,
        outcome=body.outcome,
        note=body.note,
        recommended_volume=body.recommended_volume,
        recommended_cost=body.recommended_cost,
        rank=body.rank,
        plan_item=item,
        accepted_amount=body.accepted_amount,
    )
    return Status(201, _staff_decision(decision))


class RankedOut(Schema):
    rank: int | None
    public_id: str
    title: str
    desa: PlaceOut
    estimated_cost: Rupiah
    scores: dict[str, int]


class RankingQuery(Schema):
    year: int


@staff_router.get(
    "/pemda/{code}/kecamatan/{kecamatan_code}/ranking",
    response=list[RankedOut],
    summary="Peringkat usulan di musrenbang kecamatan (staf)",
)
def kecamatan_ranking(
    request: HttpRequest, code: str, kecamatan_code: str, filters: Query[RankingQuery]
) -> list[RankedOut]:
    kecamatan, _can = kecamatan_for_user(_user(request), code, kecamatan_code)
    return _ranking(kecamatan, filters.year)


class RankingIn(Schema):
    year: int


@staff_router.post(
    "/pemda/{code}/kecamatan/{kecamatan_code}/ranking",
    response=list[RankedOut],
    summary="Menyusun peringkat usulan di musrenbang kecamatan (camat)",
)
def kecamatan_rank(request: HttpRequest, code: str, kecamatan_code: str, body: RankingIn) -> list[RankedOut]:
    """Rank the proposals waiting at the kecamatan forum by the year's weights and the forum's scores."""
    user = _user(request)
    kecamatan, _can = kecamatan_for_user(user, code, kecamatan_code)
    proposals_rank(
        actor=user, pemda=kecamatan.pemda, year=body.year, stage=Stage.KECAMATAN, kecamatan=kecamatan
    )
    return _ranking(kecamatan, body.year)


def _ranking(kecamatan: PerangkatDaerah, year: int) -> list[RankedOut]:
    proposals = selectors.kecamatan_ranking(kecamatan, year)
    scores = selectors.stage_scores(proposals, Stage.KECAMATAN)
    return [
        RankedOut(
            rank=p.rank,
            public_id=p.public_id,
            title=p.title,
            desa=PlaceOut(code=p.region_id, name=p.region.name),
            estimated_cost=p.estimated_cost,
            scores=scores[p.pk],
        )
        for p in proposals
    ]


class DuplicateOut(Schema):
    public_id: str
    year: int
    title: str
    desa: PlaceOut
    status: str
    status_label: str
    # Dice coefficient of the normalised title tokens (spbe.planning.similarity), 0..1, two decimals.
    similarity: Decimal
    same_desa: bool
    distance_m: int | None
    verdict: str
    note: str


class DuplicateIn(Schema):
    candidate: str
    verdict: str
    note: str = ""


def _duplicate(c: selectors.DuplicateCandidate) -> DuplicateOut:
    p = c.proposal
    return DuplicateOut(
        public_id=p.public_id,
        year=p.year,
        title=p.title,
        desa=PlaceOut(code=p.region_id, name=p.region.name),
        status=p.state,
        status_label=str(Stage(p.state).label),
        similarity=(Decimal(c.similarity.numerator) / c.similarity.denominator).quantize(Decimal("0.01")),
        same_desa=c.same_desa,
        distance_m=c.distance_m,
        verdict=c.mark.verdict if c.mark else "",
        note=c.mark.note if c.mark else "",
    )


@staff_router.get(
    "/pemda/{code}/proposals/{public_id}/duplicates",
    response=list[DuplicateOut],
    summary="Calon duplikat suatu usulan (staf)",
)
def duplicate_list(request: HttpRequest, code: str, public_id: str) -> list[DuplicateOut]:
    """Proposals of the last five years at the same desa or nearby with a similar title, and the verdicts."""
    proposal, _can = proposal_for_user(_user(request), code, public_id)
    return [_duplicate(c) for c in selectors.duplicate_candidates(proposal)]


@staff_router.post(
    "/pemda/{code}/proposals/{public_id}/duplicates",
    response=DuplicateOut,
    summary="Menandai calon duplikat: duplikat dari (linked) atau bukan (dismissed)",
)
def duplicate_judge(request: HttpRequest, code: str, public_id: str, body: DuplicateIn) -> DuplicateOut:
    user = _user(request)
    proposal, _can = proposal_for_user(user, code, public_id)
    candidate = selectors.duplicate_candidate(proposal, body.candidate.strip())
    duplicate_mark(actor=user, proposal=proposal, candidate=candidate, verdict=body.verdict, note=body.note)
    for found in selectors.duplicate_candidates(proposal):
        if found.proposal.pk == candidate.pk:
            return _duplicate(found)
    # Linked by hand although the check did not offer it (a title changed since, a farther place).
    mark = selectors.duplicate_mark_of(proposal, candidate)
    return _duplicate(selectors.DuplicateCandidate(candidate, Fraction(0), False, None, mark))
