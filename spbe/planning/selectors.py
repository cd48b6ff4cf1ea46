"""Public reads of e-planning: what any citizen may see of a proposal (never who proposed it).

Drafts are the proposer's unfinished work and are not published; everything from the desa forum on is,
including rejections and deferrals, so nothing can be dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core.errors import NotFound, ValidationFailed

from .models import Decision, Proposal, Stage

# Only the columns a public answer shows: the proposer's identity lives in another table and is never joined.
PUBLIC_RELATED = ("village__region", "village__kecamatan__district", "suggested_unit")


@dataclass(frozen=True)
class ProposalFilter:
    year: int | None = None
    kecamatan: str = ""
    desa: str = ""
    bidang: str = ""
    status: str = ""


def published_proposals() -> QuerySet[Proposal]:
    return (
        Proposal.objects.exclude(state=Stage.DRAFT)
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
    if chosen.status and (chosen.status not in Stage.values or chosen.status == Stage.DRAFT):
        raise ValidationFailed(
            _("Status tidak dikenal: %(status)s.") % {"status": chosen.status}, field="status"
        )
    proposals = published_proposals().filter(pemda=pemda)
    if chosen.year is not None:
        proposals = proposals.filter(year=chosen.year)
    if chosen.kecamatan:
        proposals = proposals.filter(village__kecamatan__district_id=chosen.kecamatan)
    if chosen.desa:
        proposals = proposals.filter(village__region_id=chosen.desa)
    if chosen.bidang:
        proposals = proposals.filter(bidang=chosen.bidang)
    if chosen.status:
        proposals = proposals.filter(state=chosen.status)
    return proposals.order_by("year", "number")
