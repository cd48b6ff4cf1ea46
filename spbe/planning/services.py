"""Every write of e-planning: create, submit, decide, import. Each in one transaction with its audit entry.

A decision moves the proposal through :data:`~spbe.planning.workflow.PROPOSAL_FLOW` (capability at the
proposal's place, the state the officer saw, maker-checker) and appends a :class:`Decision` in the same
transaction, so the public journey and the audit trail can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.core import audit
from spbe.core.actors import Actor, MaybeActor, actor_identity, is_person, require_actor
from spbe.core.bulk import update_rows
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.published import bump_version
from spbe.core.text import InvalidText, clean_name
from spbe.core.workflow import update_unchanged

from . import access_pokir, calendar, plans_funding
from .access import PLANNING, PROPOSAL, STAGE_CAPABILITY
from .kelurahan import origin_of
from .models import (
    FINAL_STAGES,
    UNPUBLISHED_STAGES,
    WEIGHT_FIELDS,
    Criterion,
    Decision,
    DuplicateMark,
    Follower,
    KecamatanYear,
    PlanningYear,
    Proposal,
    ProposalCounter,
    Proposer,
    Score,
    Source,
    Stage,
    StageWindow,
    Verdict,
    WindowStage,
)
from .models_plans import PlanRow
from .ranking import Entry, Ranked, check_score, parse_weights, rank
from .selectors import DUPLICATE_YEARS
from .tasks import notify_followers_task
from .workflow import OUTCOMES, PROPOSAL_FLOW, transition_name

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_VOLUME = Decimal("1e12")  # DecimalField(max_digits=14, decimal_places=2)
COORDINATE_PLACES = Decimal("0.000001")  # about 10 cm
RANK_ACTION = "rank"
RANK_ACTION_AUDIT = "proposal.rank"
SUBMIT_TRANSITION = {Source.MUSRENBANG: "submit", Source.POKIR: "submit_pokir", Source.RENJA: "submit_renja"}


class Unset:
    """The type of :data:`UNSET`: an argument not given, where None means something (the default quota)."""


UNSET = Unset()


@dataclass(frozen=True)
class ProposerData:
    """The proposer's identity as typed: personal data, stored apart and never published."""

    name: str = ""
    nik: str = ""
    phone: str = ""
    email: str = ""


# The public answers about a pemda's proposals of one year, replayed by spbe.core.published until changed.
PUBLISHED_DATA_SET = "proposals:{pemda}:{year}"
# The pemda's public lists (API and tracker page), per filter: a list may span every year.
PUBLISHED_LISTS = "proposal-lists:{pemda}"


def published_changed(pemda_code: str, year: int) -> None:
    """Call in the transaction of any change to what the public sees of a published proposal (its
    journey, or a list it is in: a new published proposal too)."""
    bump_version(PUBLISHED_DATA_SET.format(pemda=pemda_code, year=year))
    bump_version(PUBLISHED_LISTS.format(pemda=pemda_code))


def public_id(pemda_code: str, year: int, number: int) -> str:
    """``35.10-2028-000123``: what a citizen quotes, fixed at creation."""
    return f"{pemda_code}-{year}-{number:06d}"


def allocate_numbers(pemda: Pemda, year: int, count: int) -> int:
    """Reserve ``count`` consecutive numbers for ``pemda`` and ``year``; return the first.

    Call inside the creating transaction: the counter row stays locked until it commits, so two writers
    (a form and an import) never hand out the same number, and a rolled-back import gives its numbers back.
    """
    ProposalCounter.objects.get_or_create(pemda=pemda, year=year)
    counter = ProposalCounter.objects.select_for_update().get(pemda=pemda, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


_TEXT_FIELDS: dict[str | None, tuple[tuple[str, str, int], ...]] = {}


def text_fields() -> tuple[tuple[str, str, int], ...]:
    """The text fields :func:`proposal_problems` checks: ``(field, label, maximum length)``."""
    return _text_fields()


def _text_fields() -> tuple[tuple[str, str, int], ...]:
    """The checked text fields with their labels in the active language, translated once per language:
    an import checks ten thousand rows, and three ``gettext`` calls a row were a tenth of its time."""
    language = get_language()
    fields = _TEXT_FIELDS.get(language)
    if fields is None:
        fields = _TEXT_FIELDS[language] = (
            ("title", _("judul"), 200),
            ("problem", _("masalah"), 5000),
            ("unit_of_measure", _("satuan"), 40),
        )
    return fields


# ``Source.values`` builds a new list on every read; the import asks once a row.
SOURCE_VALUES = frozenset(Source.values)


def proposal_problems(
    proposal: Proposal,
    proposer: ProposerData | None,
    *,
    text_fields: tuple[tuple[str, str, int], ...] | None = None,
) -> list[tuple[str, str]]:
    """Every rule a new proposal breaks, as ``(field, message)``; shared by the form path and the import.

    Cleans the text fields in place (NFC, single spaces). ``text_fields`` is what :func:`text_fields`
    answered, for a caller checking many rows in one language (looking the language up cost the import
    a third of a millisecond a row).
    """
    problems: list[tuple[str, str]] = []
    if proposal.source not in SOURCE_VALUES:
        problems.append(("source", _("sumber harus salah satu dari: musrenbang, pokir, renja")))
    for name, label, max_length in text_fields or _text_fields():
        try:
            setattr(proposal, name, clean_name(getattr(proposal, name), label=label, max_length=max_length))
        except InvalidText as error:
            problems.append((name, error.message))
    if not MIN_YEAR <= proposal.year <= MAX_YEAR:
        problems.append(
            ("year", _("tahun harus antara %(min)d dan %(max)d") % {"min": MIN_YEAR, "max": MAX_YEAR})
        )
    volume = proposal.volume
    if volume is None or volume <= 0:
        problems.append(("volume", _("volume harus lebih dari nol")))
    elif volume != volume.quantize(Decimal("0.01")) or volume >= MAX_VOLUME:
        problems.append(("volume", _("paling banyak 2 angka di belakang koma dan 12 angka di depannya")))
    if proposal.estimated_cost < 0:
        problems.append(("estimated_cost", _("perkiraan biaya tidak boleh negatif")))
    if proposal.community_contribution < 0:
        problems.append(("community_contribution", _("swadaya tidak boleh negatif")))
    if proposal.beneficiaries < 0:
        problems.append(("beneficiaries", _("penerima manfaat tidak boleh negatif")))
    lat, lon = proposal.latitude, proposal.longitude
    if (lat is None) != (lon is None):
        problems.append(("latitude" if lat is None else "longitude", _("isi lintang dan bujur bersama-sama")))
    for name, value in (("latitude", lat), ("longitude", lon)):
        if value is not None and value != value.quantize(COORDINATE_PLACES):
            problems.append((name, _("koordinat paling banyak 6 angka di belakang koma")))
    if lat is not None and not Decimal(-90) <= lat <= Decimal(90):
        problems.append(("latitude", _("lintang harus antara -90 dan 90")))
    if lon is not None and not Decimal(-180) <= lon <= Decimal(180):
        problems.append(("longitude", _("bujur harus antara -180 dan 180")))
    unit = proposal.suggested_unit
    if unit is not None and unit.pemda_id != proposal.pemda_id:
        problems.append(("suggested_unit", _("perangkat daerah bukan bagian dari pemda ini")))
    if proposer is not None:
        if proposer.nik and not (
            len(proposer.nik) == 16 and proposer.nik.isascii() and proposer.nik.isdigit()
        ):
            problems.append(("nik", _("NIK harus 16 angka")))
        if proposer.email:
            try:
                validate_email(proposer.email)
            except ValidationError:
                problems.append(("email", _("alamat e-mail tidak sah")))
        if len(proposer.name) > 150:
            problems.append(("name", _("nama lebih dari 150 karakter")))
        if len(proposer.phone) > 30:
            problems.append(("phone", _("nomor telepon lebih dari 30 karakter")))
    return problems


PROPOSER_FIELDS = ("name", "nik", "phone", "email")


def require_valid(proposal: Proposal, proposer: ProposerData | None) -> None:
    """ValidationFailed naming the first problem of a new proposal (the form shows one at a time)."""
    problems = proposal_problems(proposal, proposer)
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, field=field)


def proposal_insert(proposal: Proposal, pemda: Pemda, proposer: ProposerData | None) -> Proposal:
    """Give a new, checked proposal its number and public id and save it with its proposer's row.

    Call inside the creating service's transaction, which records the audit entry: the number is
    reserved under the pemda-year counter's lock, so it is rolled back with everything else.
    """
    proposal.number = allocate_numbers(pemda, proposal.year, 1)
    proposal.public_id = public_id(pemda.code, proposal.year, proposal.number)
    proposal.save()
    proposer_row(proposal, proposer).save()
    return proposal


def proposer_values(data: ProposerData | None) -> tuple[str, str, str, str]:
    """The stored proposer fields (:data:`PROPOSER_FIELDS`), cleaned as the form and the import store them."""
    data = data or ProposerData()
    return (" ".join(data.name.split()), data.nik, data.phone.strip(), data.email.strip())


def proposer_row(proposal: Proposal, data: ProposerData | None) -> Proposer:
    return Proposer(proposal=proposal, **dict(zip(PROPOSER_FIELDS, proposer_values(data), strict=True)))


def public_snapshot(proposal: Proposal) -> dict[str, Any]:
    """What the audit trail keeps of a new proposal: its public fields, never the proposer's identity."""
    return {
        "public_id": proposal.public_id,
        "year": proposal.year,
        "source": proposal.source,
        "title": proposal.title,
        "village": proposal.village_id,
        "kelurahan": proposal.kelurahan_id,
        "suggested_unit": proposal.suggested_unit_id,
        "volume": proposal.volume,
        "estimated_cost": proposal.estimated_cost,
        "state": proposal.state,
    }


def proposal_create(
    *,
    actor: MaybeActor,
    village: VillageGovernment | None = None,
    kelurahan: PerangkatDaerah | None = None,
    year: int,
    source: str,
    title: str,
    problem: str,
    volume: Decimal,
    unit_of_measure: str,
    estimated_cost: Decimal,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    bidang: str = "",
    suggested_unit: PerangkatDaerah | None = None,
    beneficiaries: int = 0,
    community_contribution: Decimal = Decimal("0.00"),
    proposer: ProposerData | None = None,
) -> Proposal:
    """Enter a draft proposal at ``village`` or ``kelurahan`` (exactly one; who may depends on ``source``).

    It gets its public id now, from the same pemda counter whichever kind of place it comes from.
    """
    origin = origin_of(village=village, kelurahan=kelurahan)
    pemda = Pemda.objects.get(code=origin.pemda_id)
    proposal = Proposal(
        year=year,
        source=source,
        title=title,
        problem=problem,
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        bidang=bidang.strip(),
        suggested_unit=suggested_unit,
        volume=volume,
        unit_of_measure=unit_of_measure,
        estimated_cost=estimated_cost,
        beneficiaries=beneficiaries,
        community_contribution=community_contribution,
        state=Stage.DRAFT,
    )
    origin.apply(proposal)
    if source not in Source.values:
        raise ValidationFailed(_("Sumber usulan tidak dikenal."), field="source")
    PROPOSAL.require(actor, proposal.place(), f"propose_{source}")
    if source == Source.POKIR:
        # Pokir have their own deadline before the Musrenbang kabupaten (domain.md 3.1).
        calendar.require_open(pemda, year, WindowStage.POKIR)
    require_valid(proposal, proposer)
    with transaction.atomic():
        proposal_insert(proposal, pemda, proposer)
        audit.record(
            actor=actor,
            action="proposal.create",
            obj=proposal,
            pemda_code=proposal.pemda_id,
            after=public_snapshot(proposal),
        )
    return proposal


def decision_row(
    proposal: Proposal,
    *,
    actor: Actor,
    stage: str,
    action: str,
    outcome: str,
    note: str,
    at: Any,
    recommended_volume: Decimal | None = None,
    recommended_cost: Decimal | None = None,
    rank: int | None = None,
) -> Decision:
    return Decision(
        pemda_id=proposal.pemda_id,
        proposal=proposal,
        stage=stage,
        action=action,
        outcome=outcome,
        note=note,
        decided_by_id=actor.pk if is_person(actor) else None,
        actor_label=actor_identity(actor)[1],
        decided_at=at,
        recommended_volume=recommended_volume,
        recommended_cost=recommended_cost,
        rank=rank,
    )


def proposal_submit(*, actor: MaybeActor, proposal: Proposal, note: str = "") -> Decision:
    """Send a draft on: a Musrenbang proposal to its desa forum, pokir and Renja to the suggested agency."""
    vetted = require_actor(actor)
    access_pokir.require_own_draft(vetted, proposal)
    name = SUBMIT_TRANSITION[Source(proposal.source)]
    if proposal.source != Source.MUSRENBANG and proposal.suggested_unit_id is None:
        raise ValidationFailed(
            _("Usulan pokir dan Renja harus menyebut perangkat daerah yang memverifikasinya."),
            field="suggested_unit",
        )
    if proposal.source == Source.POKIR:
        calendar.require_open(proposal.pemda, proposal.year, WindowStage.POKIR)
    elif proposal.source == Source.MUSRENBANG:
        # Once the desa forum has closed, a proposal sent to it would wait for a decision that cannot come.
        calendar.require_open(proposal.pemda, proposal.year, WindowStage.DESA, early=True)
    return _move(vetted, proposal, name, note=note)


def proposal_decide(
    *,
    actor: MaybeActor,
    proposal: Proposal,
    outcome: str,
    note: str = "",
    recommended_volume: Decimal | None = None,
    recommended_cost: Decimal | None = None,
    rank: int | None = None,
    plan_item: PlanRow | None = None,
    accepted_amount: Decimal | None = None,
) -> Decision:
    """Decide on ``proposal`` at the stage it is in: ``forward`` (accept at the last), ``reject``, ``defer``.

    ``proposal`` carries the stage the officer saw; if another officer decided first, Conflict. A stage
    whose window (:mod:`spbe.planning.calendar`) is not open today is refused with Conflict naming its
    dates; forwarding from the kecamatan forum beyond the year's quota is refused too. Without ``rank``,
    the decision keeps the rank the forum's last ranking gave the proposal at this stage.

    Accepting at the Musrenbang kabupaten links the proposal to ``plan_item`` (a sub-kegiatan of the
    year's RKPD) for ``accepted_amount`` (default: the recommended cost, else the estimate); once the
    year's RKPD exists an acceptance must name its item (:mod:`spbe.planning.plans_funding`).
    """
    vetted = require_actor(actor)
    if outcome not in OUTCOMES:
        raise ValidationFailed(_("Keputusan tidak dikenal."), field="outcome")
    stage = proposal.state
    if stage == Stage.DRAFT or stage in FINAL_STAGES:
        # Workflow.apply would say the same; naming the stage helps the officer more than the action.
        raise Conflict(
            _("Usulan ini tidak sedang menunggu keputusan (tahap: %(stage)s).")
            % {"stage": Stage(stage).label}
        )
    # Who may decide here is asked before anything else, so an onlooker learns nothing about windows or
    # quotas from the refusal.
    PROPOSAL.require(vetted, proposal.place(), STAGE_CAPABILITY[stage])
    require_outcome_at(outcome, stage)
    if recommended_volume is not None and recommended_volume <= 0:
        raise ValidationFailed(_("Volume rekomendasi harus lebih dari nol."), field="recommended_volume")
    if recommended_cost is not None and recommended_cost < 0:
        raise ValidationFailed(_("Biaya rekomendasi tidak boleh negatif."), field="recommended_cost")
    if rank is not None and rank < 1:
        raise ValidationFailed(_("Peringkat dimulai dari 1."), field="rank")
    if outcome == "forward" and stage == Stage.KECAMATAN and proposal.suggested_unit_id is None:
        raise ValidationFailed(
            _("Tentukan perangkat daerah yang memverifikasi sebelum meneruskan usulan."),
            field="suggested_unit",
        )
    funding = _funding_asked(proposal, outcome, plan_item, accepted_amount, recommended_cost)
    calendar.require_open(proposal.pemda, proposal.year, stage)
    return _move(
        vetted,
        proposal,
        transition_name(outcome, stage),
        note=note,
        recommended_volume=recommended_volume,
        recommended_cost=recommended_cost,
        rank=rank,
        inherit_rank=rank is None,
        funding=funding,
    )


def require_outcome_at(outcome: str, stage: str) -> None:
    """Refuse an outcome the stage does not have: only the DPRD secretariat returns (and neither rejects
    nor defers: it checks completeness, the agency and Bappeda judge the pokir itself)."""
    if transition_name(outcome, stage) not in PROPOSAL_FLOW.by_name:
        raise ValidationFailed(
            _("Keputusan '%(outcome)s' tidak tersedia pada tahap %(stage)s.")
            % {"outcome": outcome, "stage": Stage(stage).label},
            field="outcome",
        )


def _funding_asked(
    proposal: Proposal,
    outcome: str,
    item: PlanRow | None,
    amount: Decimal | None,
    recommended_cost: Decimal | None,
) -> tuple[PlanRow, Decimal] | None:
    """The RKPD item and amount an acceptance links the proposal to; refused anywhere but at acceptance."""
    accepting = outcome == "forward" and proposal.state == Stage.KABUPATEN
    if not accepting:
        if item is not None or amount is not None:
            raise ValidationFailed(
                _("Butir RKPD hanya disebut saat usulan diterima di Musrenbang kabupaten."), field="plan_item"
            )
        return None
    if item is None:
        if amount is not None or plans_funding.rkpd_exists(proposal.pemda_id, proposal.year):
            raise ValidationFailed(
                _("Pilih sub kegiatan RKPD %(year)d yang mendanai usulan ini.") % {"year": proposal.year},
                field="plan_item",
            )
        return None
    if amount is None:
        amount = recommended_cost if recommended_cost is not None else proposal.estimated_cost
    plans_funding.check_item(proposal, item, amount)
    return item, amount


def _move(
    actor: Actor,
    proposal: Proposal,
    name: str,
    *,
    note: str,
    recommended_volume: Decimal | None = None,
    recommended_cost: Decimal | None = None,
    rank: int | None = None,
    inherit_rank: bool = False,
    funding: tuple[PlanRow, Decimal] | None = None,
) -> Decision:
    seen = proposal.state
    can = PROPOSAL.can(actor, proposal.place())
    extra: dict[str, Any] = {}
    if recommended_volume is not None:
        extra["recommended_volume"] = recommended_volume
    if recommended_cost is not None:
        extra["recommended_cost"] = recommended_cost
    with transaction.atomic():
        # The row lock orders this decision after any ranking of the forum in progress (proposals_rank
        # locks the same rows): the rank read below is the one the forum committed last, never one that a
        # ranking committing between the read and the move has replaced.
        # No ordering: the model's default ordering joins the pemda, and FOR UPDATE would lock that row too,
        # making every decision in the pemda wait for every other.
        list(Proposal.objects.select_for_update().filter(pk=proposal.pk).order_by().values_list("pk"))
        if inherit_rank:
            ranked = Decision.objects.filter(proposal=proposal, stage=seen, action=RANK_ACTION).last()
            rank = ranked.rank if ranked is not None else None
        if rank is not None:
            extra["rank"] = rank
        if name == "forward_kecamatan" and can.decide_kecamatan:
            require_quota(proposal)
        if funding is not None:
            plans_funding.lock_and_check_ceilings([funding])
        transition = PROPOSAL_FLOW.apply(
            proposal,
            name,
            actor=actor,
            can=can,
            note=note,
            # A rank belongs to the forum that gave it (kept on the decision): at the next forum the
            # proposal has none until that forum ranks it; a final outcome keeps its last rank.
            updates={"rank": rank if PROPOSAL_FLOW.by_name[name].target in FINAL_STAGES else None},
            audit_extra=extra,
        )
        decision = decision_row(
            proposal,
            actor=actor,
            stage=seen,
            action=transition.name,
            outcome=transition.target,
            note=note.strip(),
            at=timezone.now(),
            recommended_volume=recommended_volume,
            recommended_cost=recommended_cost,
            rank=rank,
        )
        decision.save()
        if funding is not None:
            item, amount = funding
            link = plans_funding.funding_row(actor, proposal, item, amount, decision)
            link.save()
            audit.record(
                actor=actor,
                action="proposal.fund",
                obj=proposal,
                pemda_code=proposal.pemda_id,
                after=plans_funding.funding_audit(link, item),
            )
        _notify_followers_after_commit([decision])
        published_changed(proposal.pemda_id, proposal.year)
    return decision


def year_settings(pemda: Pemda, year: int) -> PlanningYear:
    """The pemda's settings for ``year``; unsaved defaults when Bappeda has set none."""
    found = PlanningYear.objects.filter(pemda=pemda, year=year).first()
    return found if found is not None else PlanningYear(pemda=pemda, year=year)


def kecamatan_quota(pemda: Pemda, year: int) -> int | None:
    """How many proposals each kecamatan forum may forward in ``year``; None for no limit."""
    quota = year_settings(pemda, year).kecamatan_quota
    if quota is None:
        quota = settings.SPBE_PLANNING_KECAMATAN_QUOTA or None
    return quota


def require_quota(proposal: Proposal) -> None:
    """Conflict when the proposal's kecamatan has forwarded its quota for the year already.

    Runs inside the forwarding transaction. It locks the kecamatan's :class:`KecamatanYear` row first and
    only then counts the ``forward_kecamatan`` decisions: a second camat forwarding at the same moment
    waits on the lock until the first commits, and (READ COMMITTED takes a new snapshot per statement)
    then counts the first one's decision too. So the quota can never be overrun by a race, and the count
    cannot drift because it is never stored: it is read from the decisions that nobody can delete.
    """
    quota = kecamatan_quota(proposal.pemda, proposal.year)
    if quota is None:
        return
    kecamatan = proposal.kecamatan
    KecamatanYear.objects.get_or_create(pemda=proposal.pemda, kecamatan=kecamatan, year=proposal.year)
    KecamatanYear.objects.select_for_update().get(kecamatan=kecamatan, year=proposal.year)
    used = Decision.objects.filter(
        action="forward_kecamatan", proposal__year=proposal.year, proposal__kecamatan=kecamatan
    ).count()
    if used >= quota:
        raise Conflict(
            _(
                "Kuota %(kecamatan)s tahun %(year)d sudah habis: %(used)d dari %(quota)d usulan sudah "
                "diteruskan."
            )
            % {"kecamatan": kecamatan.name, "year": proposal.year, "used": used, "quota": quota}
        )


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("tahun harus antara %(min)d dan %(max)d") % {"min": MIN_YEAR, "max": MAX_YEAR}, field="year"
        )


def stage_window_set(
    *, actor: MaybeActor, pemda: Pemda, year: int, stage: str, opens_on: date, closes_on: date
) -> StageWindow:
    """Set (or move) when ``stage`` of ``year`` is open in ``pemda``: a Bappeda planner's calendar."""
    PLANNING.require(actor, Place.of_pemda(pemda), "configure")
    _check_year(year)
    if stage not in WindowStage.values:
        raise ValidationFailed(_("Tahap tidak dikenal."), field="stage")
    if closes_on < opens_on:
        raise ValidationFailed(_("Tanggal tutup tidak boleh sebelum tanggal buka."), field="closes_on")
    with transaction.atomic():
        window = StageWindow.objects.select_for_update().filter(pemda=pemda, year=year, stage=stage).first()
        before = None if window is None else {"opens_on": window.opens_on, "closes_on": window.closes_on}
        if window is None:
            window = StageWindow(pemda=pemda, year=year, stage=stage)
        window.opens_on, window.closes_on = opens_on, closes_on
        window.save()
        audit.record(
            actor=actor,
            action="planning.window_set",
            obj=window,
            pemda_code=pemda.code,
            before=before,
            after={"year": year, "stage": stage, "opens_on": opens_on, "closes_on": closes_on},
        )
    return window


def planning_year_set(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    year: int,
    kecamatan_quota: int | Unset | None = UNSET,
    weights: dict[str, str | Decimal] | None = None,
) -> PlanningYear:
    """Set the year's kecamatan quota (None: the deployment's default) and/or ranking weights (sum exactly 1).

    What is not given is kept: setting the weights leaves the quota as it was, and the other way round.
    """
    PLANNING.require(actor, Place.of_pemda(pemda), "configure")
    _check_year(year)
    if isinstance(kecamatan_quota, Unset) and weights is None:
        raise ValidationFailed(_("Isi kuota kecamatan atau bobot peringkat."), field="kecamatan_quota")
    if isinstance(kecamatan_quota, int) and (isinstance(kecamatan_quota, bool) or kecamatan_quota < 1):
        raise ValidationFailed(_("Kuota kecamatan paling sedikit 1."), field="kecamatan_quota")
    parsed = parse_weights(weights) if weights is not None else None
    with transaction.atomic():
        row = PlanningYear.objects.select_for_update().filter(pemda=pemda, year=year).first()
        if row is None:
            row = PlanningYear(pemda=pemda, year=year)
        before = _year_snapshot(row) if row.pk else None
        if not isinstance(kecamatan_quota, Unset):
            row.kecamatan_quota = kecamatan_quota
        if parsed is not None:
            for criterion, field in WEIGHT_FIELDS.items():
                setattr(row, field, parsed[criterion])
        row.save()
        audit.record(
            actor=actor,
            action="planning.year_set",
            obj=row,
            pemda_code=pemda.code,
            before=before,
            after=_year_snapshot(row),
        )
    return row


def _year_snapshot(row: PlanningYear) -> dict[str, Any]:
    return {
        "year": row.year,
        "kecamatan_quota": row.kecamatan_quota,
        **{field: str(getattr(row, field)) for field in WEIGHT_FIELDS.values()},
    }


def year_weights(pemda: Pemda, year: int) -> dict[str, Decimal]:
    row = year_settings(pemda, year)
    return {criterion: Decimal(getattr(row, field)) for criterion, field in WEIGHT_FIELDS.items()}


def proposal_score(*, actor: MaybeActor, proposal: Proposal, scores: dict[str, int]) -> list[Score]:
    """The forum at the proposal's stage scores it (1 to 5 per criterion); a later score replaces one.

    Only the forum deciding at that stage may, and only while the stage is open: scoring is editing the
    proposal at its stage, and a closed stage is not edited.
    """
    # Someone who cannot see the proposal learns nothing about its stage.
    PROPOSAL.require(actor, proposal.place(), "view")
    stage = proposal.state
    if stage not in STAGE_CAPABILITY:
        raise Conflict(
            _("Usulan ini tidak sedang menunggu keputusan (tahap: %(stage)s).")
            % {"stage": Stage(stage).label}
        )
    PROPOSAL.require(actor, proposal.place(), STAGE_CAPABILITY[stage])
    if not scores:
        raise ValidationFailed(_("Isi paling sedikit satu nilai."), field="scores")
    for criterion, score in scores.items():
        check_score(criterion, score)
    calendar.require_open(proposal.pemda, proposal.year, stage)
    with transaction.atomic():
        # The stage the scorer saw must still be the proposal's: a score never lands on the next forum.
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != stage:
            raise Conflict(_("Usulan ini sudah berpindah tahap; muat ulang halaman."))
        existing = {s.criterion: s for s in Score.objects.filter(proposal=proposal, stage=stage)}
        before = {c: s.score for c, s in existing.items()}
        rows = []
        for criterion in Criterion.values:
            if criterion not in scores:
                continue
            row = existing.get(criterion) or Score(
                pemda_id=proposal.pemda_id, proposal=proposal, stage=stage, criterion=criterion, score=0
            )
            row.score = scores[criterion]
            row.save()
            rows.append(row)
        audit.record(
            actor=actor,
            action="proposal.score",
            obj=proposal,
            pemda_code=proposal.pemda_id,
            before=before or None,
            after={"stage": stage, **before, **{c: scores[c] for c in scores}},
        )
    return rows


def proposals_rank(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    year: int,
    stage: str,
    village: VillageGovernment | None = None,
    kecamatan: PerangkatDaerah | None = None,
    kelurahan: PerangkatDaerah | None = None,
) -> list[Ranked]:
    """Rank the proposals waiting at a forum and record each one's rank at that stage.

    A desa forum ranks its own desa's proposals (``village``), a kelurahan forum its kelurahan's
    (``kelurahan``, the kelurahan office), a kecamatan forum those of every desa and kelurahan of its
    kecamatan (``kecamatan``, the kecamatan office). Each proposal gets ``rank`` set, a ``rank`` row in its
    public journey (Decision, stage = outcome = the stage) and an audit entry, all in one transaction.
    Ranking again replaces the current rank and adds new rows: the journey keeps every ranking.
    """
    vetted = require_actor(actor)
    if stage == Stage.DESA and village is not None and kecamatan is None and kelurahan is None:
        if village.pemda_id != pemda.code:
            raise ValidationFailed(_("Desa bukan bagian dari pemda ini."), field="village")
        place = Place.of_village(village)
        scope = Proposal.objects.filter(village=village)
    elif stage == Stage.DESA and kelurahan is not None and village is None and kecamatan is None:
        if kelurahan.pemda_id != pemda.code or kelurahan.kind != PerangkatDaerah.Kind.KELURAHAN:
            raise ValidationFailed(_("Kelurahan bukan bagian dari pemda ini."), field="kelurahan")
        origin = origin_of(kelurahan=kelurahan)
        place = Place(pemda.code, kecamatan_id=origin.kecamatan.pk, kelurahan_id=kelurahan.pk)
        scope = Proposal.objects.filter(kelurahan=kelurahan)
    elif stage == Stage.KECAMATAN and kecamatan is not None and village is None and kelurahan is None:
        if kecamatan.pemda_id != pemda.code or kecamatan.kind != PerangkatDaerah.Kind.KECAMATAN:
            raise ValidationFailed(_("Kecamatan bukan bagian dari pemda ini."), field="kecamatan")
        place = Place(pemda.code, unit_id=kecamatan.pk)
        scope = Proposal.objects.filter(kecamatan=kecamatan)
    else:
        raise ValidationFailed(
            _(
                "Peringkat disusun oleh musrenbang desa/kelurahan (untuk satu desa atau kelurahan) atau "
                "musrenbang kecamatan (untuk satu kecamatan)."
            ),
            field="stage",
        )
    PROPOSAL.require(vetted, place, STAGE_CAPABILITY[stage])
    calendar.require_open(pemda, year, stage)
    weights = year_weights(pemda, year)
    with transaction.atomic():
        proposals = list(
            scope.filter(pemda=pemda, year=year, state=stage).select_for_update(of=("self",)).order_by("pk")
        )
        scores: dict[int, dict[str, int]] = {p.pk: {} for p in proposals}
        for proposal_id, criterion, score in Score.objects.filter(
            proposal__in=proposals, stage=stage
        ).values_list("proposal_id", "criterion", "score"):
            scores[proposal_id][criterion] = score
        submitted: dict[int, Any] = {}
        for proposal_id, at in Decision.objects.filter(
            proposal__in=proposals, action__in=[*SUBMIT_TRANSITION.values(), "import"]
        ).values_list("proposal_id", "decided_at"):
            submitted[proposal_id] = min(at, submitted.get(proposal_id, at))
        by_key = {p.public_id: p for p in proposals}
        ranked = rank(
            (Entry(p.public_id, submitted.get(p.pk, p.created_at), scores[p.pk]) for p in proposals),
            weights,
        )
        now = timezone.now()
        changes, decisions = [], []
        for result in ranked:
            proposal = by_key[result.key]
            changes.append(
                audit.Change(
                    RANK_ACTION_AUDIT,
                    obj=proposal,
                    pemda_code=pemda.code,
                    before={"rank": proposal.rank},
                    after={"stage": stage, "rank": result.rank, "total": str(result.total_decimal)},
                )
            )
            proposal.rank = result.rank
            decisions.append(
                decision_row(
                    proposal,
                    actor=vetted,
                    stage=stage,
                    action=RANK_ACTION,
                    outcome=stage,
                    note="",
                    at=now,
                    rank=result.rank,
                )
            )
        update_rows(Proposal, ["rank"], {p.pk: [p.rank] for p in proposals})
        Decision.objects.bulk_create(decisions)
        if changes:
            audit.record_many(actor=vetted, changes=changes)
            published_changed(pemda.code, year)
    return ranked


EDITABLE_FIELDS = frozenset(
    {
        "title",
        "problem",
        "address",
        "latitude",
        "longitude",
        "bidang",
        "suggested_unit",
        "volume",
        "unit_of_measure",
        "estimated_cost",
        "beneficiaries",
        "community_contribution",
    }
)


def proposal_edit(*, actor: MaybeActor, proposal: Proposal, changes: dict[str, Any]) -> Proposal:
    """Correct a proposal where it is: its proposer while a draft, then the forum deciding at its stage.

    A closed stage (its window passed or not yet open) is not edited, nor is a decided proposal (accepted,
    rejected, deferred: the journey is what happened). ``proposal`` carries what the editor saw: if it
    moved or was edited since, Conflict. The trail keeps the changed fields before and after.
    """
    vetted = require_actor(actor)
    PROPOSAL.require(vetted, proposal.place(), "view")
    stage = proposal.state
    if stage in FINAL_STAGES:
        raise Conflict(
            _("Usulan yang sudah diputuskan (%(stage)s) tidak dapat diubah.") % {"stage": Stage(stage).label}
        )
    capability = f"propose_{proposal.source}" if stage == Stage.DRAFT else STAGE_CAPABILITY[stage]
    PROPOSAL.require(vetted, proposal.place(), capability)
    if stage == Stage.DRAFT:
        access_pokir.require_own_draft(vetted, proposal)
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Kolom ini tidak dapat diubah: %(names)s.") % {"names": ", ".join(unknown)}, field=unknown[0]
        )
    if stage == Stage.DRAFT:
        if proposal.source == Source.POKIR:
            calendar.require_open(proposal.pemda, proposal.year, WindowStage.POKIR)
    else:
        calendar.require_open(proposal.pemda, proposal.year, stage)
    needs_unit = (
        stage in (Stage.AGENCY, Stage.BAPPEDA, Stage.KABUPATEN) or proposal.source != Source.MUSRENBANG
    )
    if "suggested_unit" in changes and changes["suggested_unit"] is None and needs_unit:
        # Without its agency the proposal would wait at verification with nobody able to decide it.
        raise ValidationFailed(
            _("Usulan pada tahap ini harus tetap menyebut perangkat daerah yang memverifikasinya."),
            field="suggested_unit",
        )
    edited = Proposal.objects.select_related("village", "kelurahan", "suggested_unit").get(pk=proposal.pk)
    for name, value in changes.items():
        setattr(edited, name, value)
    if isinstance(edited.address, str):
        edited.address = edited.address.strip()
    if isinstance(edited.bidang, str):
        edited.bidang = edited.bidang.strip()
    problems = proposal_problems(edited, None)
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, field=field)
    names = sorted(changes)
    values = {name: getattr(edited, name) for name in names}
    # As the columns keep them, so the trail shows 300.00 whether 300 or 300.00 was typed.
    for name, places in (
        ("volume", Decimal("0.01")),
        ("latitude", COORDINATE_PLACES),
        ("longitude", COORDINATE_PLACES),
    ):
        if values.get(name) is not None:
            values[name] = values[name].quantize(places)
    before = {name: _audit_value(proposal, name) for name in names}
    with transaction.atomic():
        update_unchanged(
            proposal,
            check={"state": stage, "updated_at": proposal.updated_at},
            values={**values, "updated_at": timezone.now()},
        )
        audit.record(
            actor=vetted,
            action="proposal.edit",
            obj=proposal,
            pemda_code=proposal.pemda_id,
            before=before,
            after={name: _audit_value(proposal, name) for name in names},
        )
        published_changed(proposal.pemda_id, proposal.year)
    return proposal


def _audit_value(proposal: Proposal, name: str) -> Any:
    return proposal.suggested_unit_id if name == "suggested_unit" else getattr(proposal, name)


def duplicate_mark(
    *, actor: MaybeActor, proposal: Proposal, candidate: Proposal, verdict: str, note: str = ""
) -> DuplicateMark:
    """Record the officer's verdict on ``candidate``: ``linked`` (duplikat dari) or ``dismissed``.

    A second verdict on the same pair replaces the first; the trail keeps both.

    Whoever decides at the proposal's stage judges it (its proposer while a draft), while the stage is
    open; ``candidate`` must be a published proposal of the same pemda from the years the check looks at.
    """
    vetted = require_actor(actor)
    PROPOSAL.require(vetted, proposal.place(), "view")
    stage = proposal.state
    if stage in FINAL_STAGES:
        raise Conflict(
            _("Usulan yang sudah diputuskan (%(stage)s) tidak dapat diubah.") % {"stage": Stage(stage).label}
        )
    capability = f"propose_{proposal.source}" if stage == Stage.DRAFT else STAGE_CAPABILITY[stage]
    PROPOSAL.require(vetted, proposal.place(), capability)
    if verdict not in Verdict.values:
        raise ValidationFailed(_("Putusan harus 'linked' atau 'dismissed'."), field="verdict")
    if (
        candidate.pk == proposal.pk
        or candidate.pemda_id != proposal.pemda_id
        or candidate.state in UNPUBLISHED_STAGES
        or not proposal.year - DUPLICATE_YEARS <= candidate.year <= proposal.year
    ):
        raise ValidationFailed(
            _("Usulan %(id)s tidak dapat dibandingkan dengan usulan ini.") % {"id": candidate.public_id},
            field="candidate",
        )
    if stage != Stage.DRAFT:
        calendar.require_open(proposal.pemda, proposal.year, stage)
    with transaction.atomic():
        # Lock the proposal: a verdict is recorded at the stage it was given, never on a moved proposal.
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != stage:
            raise Conflict(_("Usulan ini sudah berpindah tahap; muat ulang halaman."))
        mark = DuplicateMark.objects.filter(proposal=proposal, candidate=candidate).first()
        before = None if mark is None else {"verdict": mark.verdict, "note": mark.note}
        if mark is None:
            mark = DuplicateMark(pemda_id=proposal.pemda_id, proposal=proposal, candidate=candidate)
        mark.verdict = verdict
        mark.note = note.strip()
        mark.decided_by_id = vetted.pk if is_person(vetted) else None
        mark.actor_label = actor_identity(vetted)[1]
        mark.decided_at = timezone.now()
        mark.save()
        audit.record(
            actor=vetted,
            action=f"proposal.duplicate_{'link' if verdict == Verdict.LINKED else 'dismiss'}",
            obj=proposal,
            pemda_code=proposal.pemda_id,
            before=before,
            after={"candidate": candidate.public_id, "verdict": verdict, "note": mark.note, "stage": stage},
        )
    return mark


def proposals_decide_many(
    *, actor: MaybeActor, proposals: list[Proposal], outcome: str, note: str = ""
) -> list[Decision]:
    """One forum decision on many proposals at once (a kecamatan forwarding its ranked list, an agency
    rejecting what is already funded): every check of :func:`proposal_decide` for each, all or nothing.

    The proposals come from one pemda, year and stage, with their ``village`` loaded (as the staff lists
    load them). Each keeps the rank the forum's last ranking gave it, on its decision.
    """
    vetted = require_actor(actor)
    if outcome not in OUTCOMES:
        raise ValidationFailed(_("Keputusan tidak dikenal."), field="outcome")
    if not proposals:
        return []
    first = proposals[0]
    stage = first.state
    if any((p.pemda_id, p.year, p.state) != (first.pemda_id, first.year, stage) for p in proposals):
        raise ValidationFailed(_("Putuskan bersama hanya usulan dari satu pemda, tahun dan tahap."))
    if stage == Stage.DRAFT or stage in FINAL_STAGES:
        raise Conflict(
            _("Usulan ini tidak sedang menunggu keputusan (tahap: %(stage)s).")
            % {"stage": Stage(stage).label}
        )
    capability = STAGE_CAPABILITY[stage]
    cans = {p.pk: PROPOSAL.require(vetted, p.place(), capability) for p in proposals}
    require_outcome_at(outcome, stage)
    forwarding_kecamatan = outcome == "forward" and stage == Stage.KECAMATAN
    if forwarding_kecamatan:
        missing = [p.public_id for p in proposals if p.suggested_unit_id is None]
        if missing:
            raise ValidationFailed(
                _("Tentukan perangkat daerah yang memverifikasi sebelum meneruskan usulan: %(ids)s.")
                % {"ids": ", ".join(missing[:5])},
                field="suggested_unit",
            )
    if (
        outcome == "forward"
        and stage == Stage.KABUPATEN
        and plans_funding.rkpd_exists(first.pemda_id, first.year)
    ):
        # Once the year's RKPD exists each acceptance names the item that funds it: one by one.
        raise ValidationFailed(
            _("Pilih sub kegiatan RKPD %(year)d yang mendanai usulan ini.") % {"year": first.year},
            field="plan_item",
        )
    calendar.require_open(first.pemda, first.year, stage)
    name = transition_name(outcome, stage)
    target = PROPOSAL_FLOW.by_name[name].target
    now = timezone.now()
    with transaction.atomic():
        # As in _move: the ranks are read under the rows' locks (taken in pk order, so two batches never
        # deadlock), after any ranking of the forum that got there first.
        ids = sorted(p.pk for p in proposals)
        list(Proposal.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        ranks: dict[int, int | None] = dict.fromkeys(ids, None)
        for proposal_id, rank_ in (
            Decision.objects.filter(proposal__in=ids, stage=stage, action=RANK_ACTION)
            .order_by("decided_at", "pk")
            .values_list("proposal_id", "rank")
        ):
            ranks[proposal_id] = rank_
        if forwarding_kecamatan:
            _require_quota_for_many(proposals)
        PROPOSAL_FLOW.apply_many(
            list(proposals),
            name,
            actor=vetted,
            can_for=lambda p: cans[p.pk],
            note=note,
            updates_for=lambda p: {"rank": ranks[p.pk] if target in FINAL_STAGES else None},
        )
        decisions = Decision.objects.bulk_create(
            [
                decision_row(
                    p,
                    actor=vetted,
                    stage=stage,
                    action=name,
                    outcome=target,
                    note=note.strip(),
                    at=now,
                    rank=ranks[p.pk],
                )
                for p in proposals
            ],
            batch_size=500,
        )
        published_changed(first.pemda_id, first.year)
        _notify_followers_after_commit(decisions)
    return decisions


def _notify_followers_after_commit(decisions: list[Decision]) -> None:
    """Queue a notice for each decision whose proposal has a confirmed follower, once the move is committed.

    A rolled-back decision mails nobody. Most proposals have no follower, and a forum deciding hundreds at
    once must not fill the task queue with notices to nobody (the queue is shared with every other job).
    """
    followed = set(
        Follower.objects.filter(
            proposal_id__in={d.proposal_id for d in decisions},
            confirmed_at__isnull=False,
            stopped_at__isnull=True,
        ).values_list("proposal_id", flat=True)
    )
    ids = [d.pk for d in decisions if d.proposal_id in followed]
    if ids:
        transaction.on_commit(lambda: [notify_followers_task.enqueue(pk) for pk in ids])


def _require_quota_for_many(proposals: list[Proposal]) -> None:
    """:func:`require_quota` for a batch: each kecamatan's forwards so far plus this batch's fit its quota."""
    first = proposals[0]
    quota = kecamatan_quota(first.pemda, first.year)
    if quota is None:
        return
    by_kecamatan: dict[int, list[Proposal]] = {}
    for proposal in proposals:
        by_kecamatan.setdefault(proposal.kecamatan_id, []).append(proposal)
    for kecamatan_id in sorted(by_kecamatan):  # one lock order for every batch: no deadlock
        group = by_kecamatan[kecamatan_id]
        kecamatan = group[0].kecamatan
        KecamatanYear.objects.get_or_create(pemda=first.pemda, kecamatan=kecamatan, year=first.year)
        KecamatanYear.objects.select_for_update().get(kecamatan=kecamatan, year=first.year)
        used = Decision.objects.filter(
            action="forward_kecamatan", proposal__year=first.year, proposal__kecamatan=kecamatan
        ).count()
        if used + len(group) > quota:
            raise Conflict(
                _(
                    "Kuota %(kecamatan)s tahun %(year)d tidak cukup: %(used)d dari %(quota)d usulan sudah "
                    "diteruskan, %(asked)d diminta."
                )
                % {
                    "kecamatan": kecamatan.name,
                    "year": first.year,
                    "used": used,
                    "quota": quota,
                    "asked": len(group),
                }
            )
