"""The link from an accepted proposal to the RKPD sub-kegiatan that funds it, with the accepted amount.

The rules, shared by the Musrenbang kabupaten's decision (``services.proposal_decide``) and by Bappeda
linking a proposal accepted before the RKPD existed (``plans.proposal_fund``):
the item is a sub-kegiatan row of the RKPD of the proposal's own pemda and year; the amount is positive;
and the amounts accepted under one item never exceed its indicative ceiling. That last check locks the
item's row and sums its links inside the writing transaction, so two officers accepting at once can never
together pass the ceiling.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from spbe.core.actors import Actor, actor_identity, is_person
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.money import format_rupiah
from spbe.core.money_sql import MoneySum

from .models import Decision, Proposal
from .models_plans import Plan, PlanFunding, PlanKind, PlanRow, RowKind


def rkpd_exists(pemda_code: str, year: int) -> bool:
    """Whether the pemda has an RKPD for ``year``: from then on an acceptance must name its item."""
    return Plan.objects.filter(pemda_id=pemda_code, kind=PlanKind.RKPD, year=year).exists()


def rkpd_item_for(proposal: Proposal, pk: int) -> PlanRow:
    """The RKPD item ``pk`` for ``proposal``, or ValidationFailed: an item of another pemda or year, or no
    item at all, is refused with the same words (an officer learns nothing about another pemda's plan)."""
    item = PlanRow.objects.select_related("plan", "unit").filter(pk=pk).first()
    if item is None or not _fits(proposal, item):
        raise ValidationFailed(
            _("Butir %(id)s bukan sub kegiatan RKPD %(year)d pemda ini.") % {"id": pk, "year": proposal.year},
            field="plan_item",
        )
    return item


def _fits(proposal: Proposal, item: PlanRow) -> bool:
    return (
        item.pemda_id == proposal.pemda_id
        and item.row_kind == RowKind.SUB_KEGIATAN
        and item.plan.kind == PlanKind.RKPD
        and item.plan.year == proposal.year
    )


def check_item(proposal: Proposal, item: PlanRow, amount: Decimal) -> None:
    if not _fits(proposal, item):
        raise ValidationFailed(
            _("Butir %(id)s bukan sub kegiatan RKPD %(year)d pemda ini.")
            % {"id": item.pk, "year": proposal.year},
            field="plan_item",
        )
    if amount <= 0:
        raise ValidationFailed(_("Nilai yang diterima harus lebih dari nol."), field="accepted_amount")


def lock_and_check_ceilings(wanted: Iterable[tuple[PlanRow, Decimal]]) -> None:
    """Inside the writing transaction: lock each item (in pk order: two batches never deadlock), then
    check that what it funds already plus what is asked now fits its indicative ceiling."""
    asked: dict[int, Decimal] = {}
    items: dict[int, PlanRow] = {}
    for item, amount in wanted:
        asked[item.pk] = asked.get(item.pk, Decimal("0.00")) + amount
        items[item.pk] = item
    for pk in sorted(asked):
        # of=("self",): the default ordering would otherwise lock the joined plan row too.
        list(PlanRow.objects.select_for_update(of=("self",)).filter(pk=pk).order_by().values_list("pk"))
        used = PlanFunding.objects.filter(item_id=pk).aggregate(total=MoneySum("amount"))["total"]
        item = items[pk]
        if used + asked[pk] > item.ceiling_1:
            raise Conflict(
                _(
                    "Pagu indikatif %(code)s (%(ceiling)s) tidak cukup: sudah terpakai %(used)s untuk usulan "
                    "lain, diminta %(asked)s."
                )
                % {
                    "code": item.code,
                    "ceiling": format_rupiah(item.ceiling_1),
                    "used": format_rupiah(used),
                    "asked": format_rupiah(asked[pk]),
                }
            )


def funding_row(
    actor: Actor, proposal: Proposal, item: PlanRow, amount: Decimal, decision: Decision | None
) -> PlanFunding:
    return PlanFunding(
        pemda_id=proposal.pemda_id,
        proposal=proposal,
        item=item,
        amount=amount,
        decision=decision,
        linked_by_id=actor.pk if is_person(actor) else None,
        actor_label=actor_identity(actor)[1],
    )


def funding_audit(funding: PlanFunding, item: PlanRow) -> dict[str, object]:
    return {
        "proposal": funding.proposal.public_id,
        "item": item.pk,
        "sub_kegiatan": item.code,
        "unit": item.unit.code if item.unit else "",
        "amount": format(funding.amount, "f"),
    }
