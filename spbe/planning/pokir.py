"""Pokir: a DPRD member drafts and submits, the DPRD secretariat checks and passes on (domain.md 3.1).

The chain, as decisions of :data:`~spbe.planning.workflow.PROPOSAL_FLOW`:

* the member drafts a pokir (:func:`pokir_create`, with the recess it came from) and corrects it while it
  is a draft (:func:`pokir_edit`), then sends it to the secretariat (:func:`pokir_submit`, ``submit_pokir``),
  all before the pokir deadline (the ``pokir`` window);
* the secretariat checks it is complete and forwards it to the agency it names, through Bappeda
  (``forward_secretariat``; one or many at once), or returns it to the member with a note
  (``return_secretariat``), within its own ``secretariat`` window or else the pokir deadline;
* from the agency on it is decided like any proposal (agency, Bappeda, Musrenbang kabupaten).

Only the member sees and changes their own pokir until the secretariat has passed it on; the
secretariat sees every pokir of its pemda (:mod:`spbe.planning.access_pokir`). Every write is one
transaction with its audit entry; two officers deciding at once get a Conflict from the workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.access import scope_in
from spbe.accounts.models import Pemda, PerangkatDaerah, Role, User, VillageGovernment
from spbe.core import audit
from spbe.core.actors import MaybeActor, is_person, require_actor
from spbe.core.errors import NotFound, PermissionDenied, ValidationFailed
from spbe.core.text import InvalidText, clean_name

from . import access_pokir, calendar
from .models import Decision, Proposal, Source, Stage
from .models_photos import ProposalPhoto
from .models_pokir import PokirDetail
from .services import (
    ProposerData,
    proposal_create,
    proposal_decide,
    proposal_edit,
    proposal_submit,
    proposals_decide_many,
)

DETAIL_FIELDS = ("dapil", "recess_date", "recess_place", "attendees")


@dataclass(frozen=True)
class Recess:
    """The recess a pokir came from, as a pokir form asks it."""

    dapil: str
    recess_date: date
    recess_place: str
    attendees: int = 0


def _checked_recess(recess: Recess, pemda: Pemda) -> Recess:
    try:
        dapil = clean_name(recess.dapil, label=_("daerah pemilihan"), max_length=60, field="dapil")
        place = clean_name(recess.recess_place, label=_("tempat reses"), max_length=200, field="recess_place")
    except InvalidText as error:
        raise ValidationFailed(error.message, field=error.field) from None
    if recess.recess_date > calendar.today_in(pemda):
        raise ValidationFailed(_("Tanggal reses tidak boleh di masa depan."), field="recess_date")
    if recess.attendees < 0:
        raise ValidationFailed(_("Jumlah konstituen tidak boleh negatif."), field="attendees")
    return Recess(dapil, recess.recess_date, place, recess.attendees)


def _recess_snapshot(detail: PokirDetail) -> dict[str, Any]:
    return {name: getattr(detail, name) for name in DETAIL_FIELDS}


def pokir_create(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
    year: int,
    recess: Recess,
    title: str,
    problem: str,
    volume: Decimal,
    unit_of_measure: str,
    estimated_cost: Decimal,
    suggested_unit: PerangkatDaerah | None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    bidang: str = "",
    beneficiaries: int = 0,
    community_contribution: Decimal = Decimal("0.00"),
) -> Proposal:
    """A DPRD member's new pokir draft at ``village`` (refused after the pokir deadline)."""
    vetted = require_actor(actor)
    if not isinstance(vetted, User):
        raise PermissionDenied(_("Pokir dimasukkan oleh anggota DPRD sendiri."))
    checked = _checked_recess(recess, village.pemda)
    with transaction.atomic():
        proposal = proposal_create(
            actor=vetted,
            village=village,
            year=year,
            source=Source.POKIR,
            title=title,
            problem=problem,
            volume=volume,
            unit_of_measure=unit_of_measure,
            estimated_cost=estimated_cost,
            address=address,
            latitude=latitude,
            longitude=longitude,
            bidang=bidang,
            suggested_unit=suggested_unit,
            beneficiaries=beneficiaries,
            community_contribution=community_contribution,
            # The member proposes: their name and address are kept privately like any proposer's.
            proposer=ProposerData(name=vetted.full_name or vetted.username, email=vetted.email),
        )
        detail = PokirDetail.objects.create(
            pemda_id=proposal.pemda_id,
            proposal=proposal,
            member=vetted,
            dapil=checked.dapil,
            recess_date=checked.recess_date,
            recess_place=checked.recess_place,
            attendees=checked.attendees,
        )
        audit.record(
            actor=vetted,
            action="pokir.recess",
            obj=proposal,
            pemda_code=proposal.pemda_id,
            after=_recess_snapshot(detail),
        )
    return proposal


def pokir_edit(
    *,
    actor: MaybeActor,
    proposal: Proposal,
    changes: dict[str, Any] | None = None,
    recess: Recess | None = None,
) -> Proposal:
    """Correct a pokir: its fields through ``proposal_edit`` (who holds it at its stage), and the recess
    details, which only its member changes, and only while it is a draft before the pokir deadline."""
    vetted = require_actor(actor)
    with transaction.atomic():
        if changes:
            proposal = proposal_edit(actor=vetted, proposal=proposal, changes=changes)
        if recess is not None:
            detail = _own_draft_detail(vetted, proposal)
            checked = _checked_recess(recess, proposal.pemda)
            locked = PokirDetail.objects.select_for_update().get(pk=detail.pk)
            if Proposal.objects.filter(pk=proposal.pk).values_list("state", flat=True).get() != Stage.DRAFT:
                raise ValidationFailed(_("Data reses hanya dapat diubah selama pokir masih draf."))
            before = _recess_snapshot(locked)
            for name in DETAIL_FIELDS:
                setattr(locked, name, getattr(checked, name))
            locked.save()
            if before != _recess_snapshot(locked):
                audit.record(
                    actor=vetted,
                    action="pokir.recess",
                    obj=proposal,
                    pemda_code=proposal.pemda_id,
                    before=before,
                    after=_recess_snapshot(locked),
                )
    return proposal


def _own_draft_detail(actor: MaybeActor, proposal: Proposal) -> PokirDetail:
    access_pokir.require_own_draft(actor, proposal)
    detail = PokirDetail.objects.filter(proposal=proposal).first()
    if detail is None:
        raise NotFound(_("Data tidak ditemukan."))
    if proposal.state != Stage.DRAFT:
        raise ValidationFailed(_("Data reses hanya dapat diubah selama pokir masih draf."))
    calendar.require_open(proposal.pemda, proposal.year, "pokir")
    return detail


def pokir_submit(*, actor: MaybeActor, proposal: Proposal, note: str = "") -> Decision:
    """The member sends their draft (again, after a return) to the DPRD secretariat."""
    _require_pokir(proposal)
    return proposal_submit(actor=actor, proposal=proposal, note=note)


def pokir_forward(*, actor: MaybeActor, proposal: Proposal, note: str = "") -> Decision:
    """The secretariat passes a complete pokir on to the agency it names (through Bappeda)."""
    _require_pokir(proposal)
    return proposal_decide(actor=actor, proposal=proposal, outcome="forward", note=note)


def pokir_return(*, actor: MaybeActor, proposal: Proposal, note: str) -> Decision:
    """The secretariat sends a pokir back to its member to complete (a note saying what is missing)."""
    _require_pokir(proposal)
    return proposal_decide(actor=actor, proposal=proposal, outcome="return", note=note)


def pokirs_forward_many(*, actor: MaybeActor, proposals: list[Proposal], note: str = "") -> list[Decision]:
    """The secretariat passes many checked pokir on at once: all or nothing."""
    for proposal in proposals:
        _require_pokir(proposal)
    return proposals_decide_many(actor=actor, proposals=proposals, outcome="forward", note=note)


def _require_pokir(proposal: Proposal) -> None:
    if proposal.source != Source.POKIR:
        raise ValidationFailed(_("Usulan %(id)s bukan pokir.") % {"id": proposal.public_id})


def pokir_gaps(proposal: Proposal) -> list[str]:
    """What a complete pokir still lacks, for the secretariat's check (forwarding needs the agency)."""
    gaps = []
    if proposal.suggested_unit_id is None:
        gaps.append(_("perangkat daerah tujuan belum dipilih"))
    if not proposal.address and proposal.latitude is None:
        gaps.append(_("alamat atau titik lokasi belum diisi"))
    if not proposal.bidang:
        gaps.append(_("bidang belum diisi"))
    if proposal.beneficiaries == 0:
        gaps.append(_("jumlah penerima manfaat belum diisi"))
    if not ProposalPhoto.objects.filter(proposal=proposal, removed_at__isnull=True).exists():
        gaps.append(_("belum ada foto"))
    return gaps


# --- reads ----------------------------------------------------------------------------------------------


POKIR_RELATED = ("village__region", "village__kecamatan", "region", "suggested_unit", "pokir")


def member_pokir(user: MaybeActor, pemda: Pemda) -> QuerySet[Proposal]:
    """The pokir ``user`` drafted in ``pemda`` (every stage), newest first; none for anyone else."""
    scope = scope_in(user, pemda)
    if not is_person(user) or Role.DPRD_MEMBER not in scope.roles:
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(pemda=pemda, source=Source.POKIR, pokir__member_id=user.pk)
        .select_related(*POKIR_RELATED)
        .order_by("-year", "-number")
    )


def secretariat_pokir(user: MaybeActor, pemda: Pemda, *, state: str = "") -> QuerySet[Proposal]:
    """Every pokir of ``pemda`` drafted by a member (drafts too), for its DPRD secretariat; NotFound else."""
    scope = scope_in(user, pemda)
    if Role.DPRD_SECRETARIAT not in scope.roles:
        raise NotFound(_("Data tidak ditemukan."))
    pokir = Proposal.objects.filter(pemda=pemda, source=Source.POKIR, pokir__isnull=False)
    if state:
        pokir = pokir.filter(state=state)
    return pokir.select_related(*POKIR_RELATED, "pokir__member").order_by("-year", "number")
