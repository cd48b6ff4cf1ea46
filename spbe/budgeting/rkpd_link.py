"""RKA sub-kegiatan from the RKPD: an agency starts its RKA from its adopted Renja (or, without one, from
its rows of the adopted RKPD), and each sub-kegiatan keeps the RKPD item it came from, so the RKA page, the
DPA and the public proposal journey can show which accepted proposals it funds.

:func:`rka_start_from_plan` is the one write: the agency's operator (or TAPD) on a draft version; it opens
the RKA if needed, adds every planned sub-kegiatan/location not yet on the list with the plan's indicative
ceiling, all in one transaction with one audit entry; run again it adds nothing and records nothing.
:func:`sources_for` and :func:`adopted_amount` are the reads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import PerangkatDaerah, User
from spbe.core import audit
from spbe.core.actors import MaybeActor, is_person
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.locks import lock_shared
from spbe.core.money_sql import MoneySum
from spbe.planning.models import Stage
from spbe.planning.models_plans import Plan, PlanFunding, PlanKind, PlanRow, RowKind

from .access import BUDGET
from .models import BudgetVersion, Rka, RkaLine
from .models_rkpd_link import RkaSubKegiatan
from .services import rka_open

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class StartResult:
    rka: Rka
    created: int
    kept: int
    source: str  # "renja" or "rkpd"


def adopted_plan(pemda_code: str, kind: str, year: int, unit: PerangkatDaerah | None = None) -> Plan | None:
    """The newest adopted plan of ``kind`` for the year (an agency's for Renja)."""
    plans = Plan.objects.filter(pemda_id=pemda_code, kind=kind, year=year, version_state="frozen")
    if unit is not None:
        plans = plans.filter(unit=unit)
    return plans.order_by("-number").first()


def _location(row: PlanRow) -> str:
    # RKA lines name their place in text (import files carry the name); the plan row holds the region.
    return row.location.name if row.location_id and row.location is not None else ""


def rka_start_from_plan(*, actor: MaybeActor, version: BudgetVersion, unit: PerangkatDaerah) -> StartResult:
    """Put the agency's planned sub-kegiatan (Renja if adopted, else its RKPD rows) on its RKA list."""
    can = BUDGET.can(actor, Place.of_unit(unit))
    if not (can.edit or can.manage):
        can.require("edit")
    if unit.pemda_id != version.pemda_id:
        raise ValidationFailed(_("%(what)s bukan bagian dari pemda ini.") % {"what": str(unit)}, field="unit")
    rkpd = adopted_plan(version.pemda_id, PlanKind.RKPD, version.year)
    if rkpd is None:
        raise Conflict(
            _("RKPD %(year)d belum ditetapkan; RKA belum dapat dimulai darinya.") % {"year": version.year}
        )
    renja = adopted_plan(version.pemda_id, PlanKind.RENJA, version.year, unit)
    rkpd_rows = list(
        PlanRow.objects.filter(plan=rkpd, row_kind=RowKind.SUB_KEGIATAN, unit=unit).select_related("location")
    )
    by_key = {(r.code, r.location_id): r for r in rkpd_rows}
    if renja is not None:
        source = list(
            PlanRow.objects.filter(plan=renja, row_kind=RowKind.SUB_KEGIATAN).select_related("location")
        )
    else:
        source = rkpd_rows
    if not source:
        raise Conflict(
            _("Tidak ada sub kegiatan %(unit)s pada Renja/RKPD yang ditetapkan.") % {"unit": unit.name}
        )
    rka = rka_open(actor=actor, version=version, unit=unit)
    user = actor if is_person(actor) and isinstance(actor, User) else None
    with transaction.atomic():
        locked = lock_shared(BudgetVersion.objects.filter(pk=version.pk))[0]
        if locked.is_frozen:
            raise Conflict(
                _("Versi ini sudah ditetapkan dan tidak dapat diubah; perubahan melalui versi baru.")
            )
        # The RKA row serialises two starts of the same agency; the unique key catches anything else.
        Rka.objects.select_for_update(of=("self",)).filter(pk=rka.pk).first()
        have = set(
            RkaSubKegiatan.objects.filter(
                pemda_id=version.pemda_id, year=version.year, unit=unit
            ).values_list("sub_kegiatan", "location")
        )
        new: list[RkaSubKegiatan] = []
        for row in source:
            key = (row.code, _location(row))
            if key in have:
                continue
            have.add(key)
            rkpd_row = row if renja is None else by_key.get((row.code, row.location_id))
            new.append(
                RkaSubKegiatan(
                    pemda_id=version.pemda_id,
                    year=version.year,
                    unit=unit,
                    sub_kegiatan=row.code,
                    location=key[1],
                    ceiling=row.ceiling,
                    rkpd_row=rkpd_row,
                    renja_row=row if renja is not None else None,
                    started_by=user,
                )
            )
        if new:
            try:
                with transaction.atomic():
                    RkaSubKegiatan.objects.bulk_create(new)
            except IntegrityError:
                raise Conflict(
                    _("Daftar sub kegiatan sedang diisi oleh pengguna lain; muat ulang halaman.")
                ) from None
            audit.record(
                actor=actor,
                action="rka.start_from_plan",
                obj=rka,
                pemda_code=version.pemda_id,
                after={
                    "unit": unit.code,
                    "source": "renja" if renja is not None else "rkpd",
                    "plan": (renja or rkpd).pk,
                    "sub_kegiatan": [
                        {
                            "code": s.sub_kegiatan,
                            "location": s.location,
                            "ceiling": s.ceiling,
                            "rkpd_row": s.rkpd_row_id,
                        }
                        for s in new
                    ],
                },
            )
    return StartResult(rka, len(new), len(source) - len(new), "renja" if renja is not None else "rkpd")


# ------------------------------------------------------------------------------------------------- reads


@dataclass(frozen=True)
class FundedProposal:
    public_id: str
    title: str
    amount: Decimal


@dataclass
class Source:
    """One sub-kegiatan of the RKA list, what the version budgets for it, its RKPD item and proposals."""

    entry: RkaSubKegiatan
    name: str
    budgeted: Decimal
    proposals: list[FundedProposal] = field(default_factory=list)


def sources_for(rka: Rka) -> list[Source]:
    """The RKA's list from the RKPD with the version's amounts and the funded (published) proposals, in
    three queries whatever the count."""
    entries = list(
        RkaSubKegiatan.objects.filter(pemda_id=rka.pemda_id, year=rka.version.year, unit_id=rka.unit_id)
        .select_related("rkpd_row", "rkpd_row__plan")
        .order_by("sub_kegiatan", "location")
    )
    if not entries:
        return []
    budgeted = {
        (row["sub_kegiatan"], row["location"]): row["total"]
        for row in RkaLine.objects.filter(rka=rka)
        .values("sub_kegiatan", "location")
        .annotate(total=MoneySum("amount"))
        .order_by()
    }
    funded: dict[int, list[FundedProposal]] = defaultdict(list)
    items = [e.rkpd_row_id for e in entries if e.rkpd_row_id]
    for funding in (
        # Accepted proposals only (a funding exists from acceptance on): never a draft, never personal data.
        PlanFunding.objects.filter(item_id__in=items)
        .exclude(proposal__state=Stage.DRAFT)
        .select_related("proposal")
        .order_by("proposal__public_id")
    ):
        funded[funding.item_id].append(
            FundedProposal(funding.proposal.public_id, funding.proposal.title, funding.amount)
        )
    return [
        Source(
            e,
            e.rkpd_row.name if e.rkpd_row is not None else "",
            budgeted.get((e.sub_kegiatan, e.location), ZERO),
            funded.get(e.rkpd_row_id or 0, []),
        )
        for e in entries
    ]


def lines_for_item(item: PlanRow, version: BudgetVersion) -> QuerySet[RkaLine]:
    """The lines of ``version`` that budget an RKPD item: its agency and sub-kegiatan, at the locations the
    RKA list linked to the item (every location when the RKA was not started from the RKPD)."""
    lines = RkaLine.objects.filter(version=version, unit_id=item.unit_id, sub_kegiatan=item.code)
    places = list(
        RkaSubKegiatan.objects.filter(rkpd_row=item, year=version.year).values_list("location", flat=True)
    )
    return lines.filter(location__in=places) if places else lines


def adopted_amount(item: PlanRow, version: BudgetVersion) -> Decimal:
    total: Decimal = lines_for_item(item, version).aggregate(total=MoneySum("amount"))["total"]
    return total
