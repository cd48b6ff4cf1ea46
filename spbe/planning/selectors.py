"""Public reads of e-planning: what any citizen may see of a proposal (never who proposed it).

Drafts are the proposer's unfinished work and are not published; everything from the desa forum on is,
including rejections and deferrals, so nothing can be dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.core.errors import NotFound, ValidationFailed

from . import similarity
from .kelurahan import kelurahan_places
from .models import UNPUBLISHED_STAGES, Decision, DuplicateMark, Proposal, Score, Source, Stage

# Only the columns a public answer shows: the proposer's identity lives in another table and is never joined.
PUBLIC_RELATED = ("region", "kecamatan__district", "suggested_unit")


@dataclass(frozen=True)
class ProposalFilter:
    year: int | None = None
    kecamatan: str = ""
    desa: str = ""
    bidang: str = ""
    status: str = ""


def published_proposals() -> QuerySet[Proposal]:
    return (
        Proposal.objects.exclude(state__in=UNPUBLISHED_STAGES)
        .filter(pemda__is_active=True)
        .select_related(*PUBLIC_RELATED)
    )


def public_proposal(public_id: str) -> Proposal:
    proposal = published_proposals().filter(public_id=public_id).first()
    if proposal is None:
        raise NotFound(_("Usulan %(id)s tidak ditemukan.") % {"id": public_id})
    return proposal


def public_journey(proposal: Proposal) -> list[Decision]:
    """Every decision on the proposal, oldest first."""
    return list(Decision.objects.filter(proposal=proposal).order_by("decided_at", "pk"))


def public_pemda(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code, is_active=True).first()
    if pemda is None:
        raise NotFound(_("Pemda tidak ditemukan."))
    return pemda


def public_proposals(pemda: Pemda, chosen: ProposalFilter) -> QuerySet[Proposal]:
    """The pemda's published proposals, filtered, in public id order."""
    if chosen.status and (chosen.status not in Stage.values or chosen.status in UNPUBLISHED_STAGES):
        raise ValidationFailed(
            _("Status tidak dikenal: %(status)s.") % {"status": chosen.status}, field="status"
        )
    if chosen.kecamatan or chosen.desa:
        # The place is the pemda's own (see _at_place), so the pemda needs no second test here: given
        # one, SQLite would walk the whole year through the (pemda, year) index instead of the place's.
        proposals = _at_place(published_proposals(), chosen, pemda)
    else:
        proposals = published_proposals().filter(pemda=pemda)
    if chosen.year is not None:
        proposals = proposals.filter(year=chosen.year)
    if chosen.bidang:
        proposals = proposals.filter(bidang=chosen.bidang)
    if chosen.status:
        proposals = proposals.filter(state=chosen.status)
    return proposals.order_by("year", "number")


def _at_place(
    proposals: QuerySet[Proposal], chosen: ProposalFilter, pemda: Pemda | None
) -> QuerySet[Proposal]:
    """Narrow to the chosen kecamatan and desa/kelurahan by the denormalised columns, never by a join.

    ``desa`` is a region code, of a desa or of a kelurahan alike (``Proposal.region``: index
    ``proposal_region_year``); ``kecamatan`` is the district's code, turned here into its kecamatan office
    (one small query) so the list reads ``kecamatan_id = ?`` from ``proposal_kecamatan_year``. With
    ``pemda``, a place of another pemda matches nothing.
    """
    if chosen.kecamatan:
        offices = PerangkatDaerah.objects.filter(
            kind=PerangkatDaerah.Kind.KECAMATAN, district_id=chosen.kecamatan
        )
        if pemda is not None:
            offices = offices.filter(pemda=pemda)
        office = offices.values_list("pk", flat=True).first()
        proposals = proposals.filter(kecamatan_id=office) if office is not None else proposals.none()
    if chosen.desa:
        if pemda is not None and not chosen.desa.startswith(f"{pemda.code}."):
            return proposals.none()
        proposals = proposals.filter(region_id=chosen.desa)
    return proposals


# --- staff reads (the caller has checked the scope through spbe.planning.access) ---------------------


def kecamatan_ranking(kecamatan: PerangkatDaerah, year: int) -> list[Proposal]:
    """The proposals waiting at a kecamatan forum, in the order of its last ranking (unranked last)."""
    return list(
        Proposal.objects.filter(kecamatan=kecamatan, year=year, state=Stage.KECAMATAN)
        .select_related("region")
        .order_by(F("rank").asc(nulls_last=True), "number")
    )


def stage_scores(proposals: list[Proposal], stage: str) -> dict[int, dict[str, int]]:
    """Each proposal's scores at ``stage``, by criterion."""
    found: dict[int, dict[str, int]] = {p.pk: {} for p in proposals}
    rows = Score.objects.filter(proposal__in=proposals, stage=stage).values_list(
        "proposal_id", "criterion", "score"
    )
    for proposal_id, criterion, score in rows:
        found[proposal_id][criterion] = score
    return found


# --- the duplicate check --------------------------------------------------------------------------------

DUPLICATE_YEARS = 5


@dataclass(frozen=True)
class DuplicateCandidate:
    """A proposal that may be the same as the one checked, with why it was offered and what became of it."""

    proposal: Proposal
    similarity: Fraction
    same_desa: bool
    distance_m: int | None
    mark: DuplicateMark | None

    @property
    def similarity_percent(self) -> int:
        return int(self.similarity * 100)


def duplicate_candidates(proposal: Proposal, *, radius_m: int | None = None) -> list[DuplicateCandidate]:
    """Published proposals (accepted ones included) that may repeat ``proposal``, most similar first.

    The same pemda, ``proposal.year`` and the :data:`DUPLICATE_YEARS` years before it, at the same desa or
    kelurahan (``region``) or (when both have a map point) within ``radius_m`` metres
    (``SPBE_PLANNING_DUPLICATE_DISTANCE_M``), with a title at least
    :data:`spbe.planning.similarity.THRESHOLD` similar. Four queries whatever the number of rows, each
    answered by an index (see :func:`_nearby`): the rows of the same place, the rows in the bounding box
    of the circle, then the candidates themselves and the officer's verdicts on them.
    """
    if radius_m is None:
        radius_m = settings.SPBE_PLANNING_DUPLICATE_DISTANCE_M
    origin = None
    if proposal.latitude is not None and proposal.longitude is not None and radius_m > 0:
        origin = (float(proposal.latitude), float(proposal.longitude))
    wanted = similarity.title_tokens(proposal.title)
    scored: dict[int, tuple[Fraction, bool, int | None]] = {}
    for pk, region_id, title, latitude, longitude in _nearby(proposal, origin, radius_m):
        if pk in scored:
            continue  # both at the same place and inside the box: one row, met twice
        same_desa = region_id == proposal.region_id  # the same desa or the same kelurahan
        distance = None
        if origin is not None and latitude is not None and longitude is not None:
            metres = similarity.distance_m(*origin, float(latitude), float(longitude))
            distance = round(metres)
            if not same_desa and metres > radius_m:
                continue
        elif not same_desa:
            continue
        score = similarity.similarity(wanted, similarity.title_tokens(title))
        if score >= similarity.THRESHOLD:
            scored[pk] = (score, same_desa, distance)
    candidates = (
        Proposal.objects.filter(pk__in=list(scored))
        .select_related("region")
        .only(*DUPLICATE_FIELDS)
        .order_by()
        if scored
        else []
    )
    found = sorted(candidates, key=lambda p: (-scored[p.pk][0], -p.year, p.number))
    marks = (
        {
            m.candidate_id: m
            for m in DuplicateMark.objects.filter(proposal=proposal, candidate__in=list(scored))
        }
        if scored
        else {}
    )
    return [DuplicateCandidate(p, *scored[p.pk], marks.get(p.pk)) for p in found]


# What the duplicate check shows of a candidate (planning/proposal_detail.html and the staff API).
DUPLICATE_FIELDS = (
    *("pk", "pemda_id", "public_id", "year", "number", "title", "state", "latitude", "longitude"),
    *("region_id", "region__name"),
)
NearbyRow = tuple[int, str, str, Decimal | None, Decimal | None]


def _nearby(proposal: Proposal, origin: tuple[float, float] | None, radius_m: int) -> list[NearbyRow]:
    """``(pk, region, title, lat, lon)`` of the published proposals of the checked years at the same place
    or inside the bounding box of the circle around ``origin``: the rows the check compares, as tuples.

    Two queries rather than one with ``OR``: given ``place OR box`` beside the pemda and the years, SQLite
    walked every proposal of the six years through the (pemda, year, number) index, 60,000 rows at
    10,000 a year. Apart, the place reads ``proposal_region_year`` (region, year) and the box
    ``proposal_pemda_lat_lon`` (pemda, latitude, longitude): a few hundred rows.
    """
    years = {"year__gte": proposal.year - DUPLICATE_YEARS, "year__lte": proposal.year}
    published = Proposal.objects.exclude(pk=proposal.pk).exclude(state__in=UNPUBLISHED_STAGES).order_by()
    columns = ("pk", "region_id", "title", "latitude", "longitude")
    # The place without the pemda, which SQLite would otherwise walk by: a desa or kelurahan lies in one
    # pemda, and the pemda is checked on each row all the same.
    rows: list[NearbyRow] = [
        (pk, region, title, lat, lon)
        for pemda, pk, region, title, lat, lon in published.filter(
            region_id=proposal.region_id, **years
        ).values_list("pemda_id", *columns)
        if pemda == proposal.pemda_id
    ]
    if origin is not None:
        min_lat, max_lat, min_lon, max_lon = similarity.bounding_box(*origin, radius_m)
        # The years are tested here, not in SQL: beside a year range SQLite chose the (pemda, year)
        # index over the box's; the box holds every year's few points, the years then drop the oldest.
        box = published.filter(
            pemda_id=proposal.pemda_id,
            latitude__gte=_coordinate(min_lat),
            latitude__lte=_coordinate(max_lat),
            longitude__gte=_coordinate(min_lon),
            longitude__lte=_coordinate(max_lon),
        ).values_list("year", *columns)
        first = proposal.year - DUPLICATE_YEARS
        rows += [
            (pk, region, t, lat, lon)
            for year, pk, region, t, lat, lon in box
            if first <= year <= proposal.year
        ]
    return rows


def _coordinate(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def duplicate_candidate(proposal: Proposal, candidate_id: str) -> Proposal:
    """The proposal ``candidate_id`` of the same pemda, to judge as a duplicate (ValidationFailed if none).

    Staff only: the caller has checked that the user sees ``proposal``; the service checks the rest.
    """
    found = Proposal.objects.filter(pemda_id=proposal.pemda_id, public_id=candidate_id).first()
    if found is None:
        raise ValidationFailed(
            _("Usulan %(id)s tidak ditemukan di pemda ini.") % {"id": candidate_id}, field="candidate"
        )
    return found


def duplicate_mark_of(proposal: Proposal, candidate: Proposal) -> DuplicateMark | None:
    return DuplicateMark.objects.filter(proposal=proposal, candidate=candidate).first()


@dataclass(frozen=True)
class StaffFilter(ProposalFilter):
    source: str = ""


def staff_proposals(visible: QuerySet[Proposal], chosen: StaffFilter) -> QuerySet[Proposal]:
    """``visible`` (from ``access.proposals_for_user``) filtered as the officer chose, newest year first.

    Drafts included: staff see their own unfinished work. Unknown status or source values are refused.
    """
    if chosen.status and chosen.status not in Stage.values:
        raise ValidationFailed(
            _("Status tidak dikenal: %(status)s.") % {"status": chosen.status}, field="status"
        )
    if chosen.source and chosen.source not in Source.values:
        raise ValidationFailed(
            _("Sumber tidak dikenal: %(source)s.") % {"source": chosen.source}, field="source"
        )
    proposals = visible.select_related(*PUBLIC_RELATED)
    if chosen.year is not None:
        proposals = proposals.filter(year=chosen.year)
    proposals = _at_place(proposals, chosen, None)
    if chosen.bidang:
        proposals = proposals.filter(bidang=chosen.bidang)
    if chosen.status:
        proposals = proposals.filter(state=chosen.status)
    if chosen.source:
        proposals = proposals.filter(source=chosen.source)
    return proposals.order_by("-year", "number")


def public_places(pemda: Pemda) -> list[tuple[str, str, str, str]]:
    """``(code, name, kecamatan code, kecamatan name)`` of every desa and kelurahan of the pemda, by name."""
    rows = VillageGovernment.objects.filter(pemda=pemda).values_list(
        "region_id", "region__name", "kecamatan__district_id", "kecamatan__name"
    )
    places = [(code, name, k_code or "", k_name) for code, name, k_code, k_name in rows]
    return sorted(places + kelurahan_places(pemda), key=lambda p: (p[1], p[0]))
