"""Every write of e-planning: create, submit, decide, import. Each in one transaction with its audit entry.

A decision moves the proposal through :data:`~spbe.planning.workflow.PROPOSAL_FLOW` (capability at the
proposal's place, the state the officer saw, maker-checker) and appends a :class:`Decision` in the same
transaction, so the public journey and the audit trail can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.core import audit
from spbe.core.actors import Actor, MaybeActor, actor_identity, is_person, require_actor
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.text import InvalidText, clean_name

from .access import PROPOSAL
from .models import FINAL_STAGES, Decision, Proposal, ProposalCounter, Proposer, Source, Stage
from .workflow import OUTCOMES, PROPOSAL_FLOW, transition_name

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_VOLUME = Decimal("1e12")  # DecimalField(max_digits=14, decimal_places=2)
COORDINATE_PLACES = Decimal("0.000001")  # about 10 cm
SUBMIT_TRANSITION = {Source.MUSRENBANG: "submit", Source.POKIR: "submit_pokir", Source.RENJA: "submit_renja"}


@dataclass(frozen=True)
class ProposerData:
    """The proposer's identity as typed: personal data, stored apart and never published."""

    name: str = ""
    nik: str = ""
    phone: str = ""
    email: str = ""


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


def proposal_problems(proposal: Proposal, proposer: ProposerData | None) -> list[tuple[str, str]]:
    """Every rule a new proposal breaks, as ``(field, message)``; shared by the form path and the import.

    Cleans the text fields in place (NFC, single spaces).
    """
    problems: list[tuple[str, str]] = []
    if proposal.source not in Source.values:
        problems.append(("source", _("sumber harus salah satu dari: musrenbang, pokir, renja")))
    for name, label, max_length in (
        ("title", _("judul"), 200),
        ("problem", _("masalah"), 5000),
        ("unit_of_measure", _("satuan"), 40),
    ):
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


def proposer_row(proposal: Proposal, data: ProposerData | None) -> Proposer:
    data = data or ProposerData()
    return Proposer(
        proposal=proposal,
        name=" ".join(data.name.split()),
        nik=data.nik,
        phone=data.phone.strip(),
        email=data.email.strip(),
    )


def public_snapshot(proposal: Proposal) -> dict[str, Any]:
    """What the audit trail keeps of a new proposal: its public fields, never the proposer's identity."""
    return {
        "public_id": proposal.public_id,
        "year": proposal.year,
        "source": proposal.source,
        "title": proposal.title,
        "village": proposal.village_id,
        "suggested_unit": proposal.suggested_unit_id,
        "volume": proposal.volume,
        "estimated_cost": proposal.estimated_cost,
        "state": proposal.state,
    }


def proposal_create(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
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
    """Enter a draft proposal at ``village`` (who may depends on ``source``); it gets its public id now."""
    proposal = Proposal(
        pemda_id=village.pemda_id,
        village=village,
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
    if source not in Source.values:
        raise ValidationFailed(_("Sumber usulan tidak dikenal."), field="source")
    PROPOSAL.require(actor, proposal.place(), f"propose_{source}")
    problems = proposal_problems(proposal, proposer)
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, field=field)
    with transaction.atomic():
        proposal.number = allocate_numbers(village.pemda, year, 1)
        proposal.public_id = public_id(village.pemda_id, year, proposal.number)
        proposal.save()
        proposer_row(proposal, proposer).save()
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
    name = SUBMIT_TRANSITION[Source(proposal.source)]
    if proposal.source != Source.MUSRENBANG and proposal.suggested_unit_id is None:
        raise ValidationFailed(
            _("Usulan pokir dan Renja harus menyebut perangkat daerah yang memverifikasinya."),
            field="suggested_unit",
        )
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
) -> Decision:
    """Decide on ``proposal`` at the stage it is in: ``forward`` (accept at the last), ``reject``, ``defer``.

    ``proposal`` carries the stage the officer saw; if another officer decided first, Conflict.
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
    return _move(
        vetted,
        proposal,
        transition_name(outcome, stage),
        note=note,
        recommended_volume=recommended_volume,
        recommended_cost=recommended_cost,
        rank=rank,
    )


def _move(
    actor: Actor,
    proposal: Proposal,
    name: str,
    *,
    note: str,
    recommended_volume: Decimal | None = None,
    recommended_cost: Decimal | None = None,
    rank: int | None = None,
) -> Decision:
    seen = proposal.state
    can = PROPOSAL.can(actor, proposal.place())
    extra: dict[str, Any] = {}
    if recommended_volume is not None:
        extra["recommended_volume"] = recommended_volume
    if recommended_cost is not None:
        extra["recommended_cost"] = recommended_cost
    if rank is not None:
        extra["rank"] = rank
    with transaction.atomic():
        transition = PROPOSAL_FLOW.apply(
            proposal,
            name,
            actor=actor,
            can=can,
            note=note,
            updates={"rank": rank},
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
    return decision
