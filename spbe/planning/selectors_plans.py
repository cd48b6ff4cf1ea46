"""Reads of the plans: a plan's rows with totals by agency and program, the proposals each RKPD item funds,
and the plan item of an accepted proposal for its public journey. Sums are done in SQL (``MoneySum``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from spbe.accounts.models import PerangkatDaerah
from spbe.core.money_sql import MoneySum
from spbe.reference.models import Nomenclature

from .models import Proposal, Stage
from .models_plans import PERIOD_YEARS, ZERO, Plan, PlanFunding, PlanKind, PlanRow, RowKind


def funding_of(proposal: Proposal) -> PlanFunding | None:
    """The RKPD item that funds an accepted proposal, with its agency; None before it is linked."""
    return (
        PlanFunding.objects.select_related("item", "item__unit", "item__plan", "item__location")
        .filter(proposal=proposal)
        .first()
    )


def rows_of(plan: Plan) -> QuerySet[PlanRow]:
    return PlanRow.objects.filter(plan=plan).select_related("unit", "location").order_by("position")


def rkpd_items(pemda_code: str, year: int) -> QuerySet[PlanRow]:
    """The sub-kegiatan of the pemda's newest RKPD of ``year``: what an acceptance may link to."""
    plan = Plan.objects.filter(pemda_id=pemda_code, kind=PlanKind.RKPD, year=year).order_by("-number").first()
    if plan is None:
        return PlanRow.objects.none()
    return rows_of(plan).filter(row_kind=RowKind.SUB_KEGIATAN)


@dataclass
class Funded:
    """An accepted proposal under an RKPD item, as the RKPD page lists it."""

    public_id: str
    title: str
    desa: str
    amount: Decimal


@dataclass
class ItemLine:
    """One RKPD/Renja sub-kegiatan and the accepted proposals it funds."""

    row: PlanRow
    funded: list[Funded] = field(default_factory=list)


@dataclass
class ProgramGroup:
    code: str
    name: str
    rows: list[ItemLine] = field(default_factory=list)
    total: Decimal = ZERO


@dataclass
class AgencyGroup:
    unit: PerangkatDaerah
    programs: list[ProgramGroup] = field(default_factory=list)
    total: Decimal = ZERO


@dataclass
class YearTable:
    """A yearly plan (RKPD or Renja) grouped by agency and program, with totals and funded proposals."""

    agencies: list[AgencyGroup]
    total: Decimal
    funded: dict[int, list[Funded]]
    funded_total: Decimal
    rows: int


def _program_names(plan: Plan, codes: Iterable[str]) -> dict[str, str]:
    wanted = set(codes)
    generic = {".".join(["X", "XX", *c.split(".")[2:]]) for c in wanted}
    names = dict(
        Nomenclature.objects.filter(year=plan.nomenclature_year, code__in=wanted | generic).values_list(
            "code", "name"
        )
    )
    return {c: names.get(c) or names.get(".".join(["X", "XX", *c.split(".")[2:]]), "") for c in wanted}


def funded_by_item(plan: Plan) -> dict[int, list[Funded]]:
    """The accepted proposals each row of ``plan`` funds, by row id, in public id order."""
    funded: dict[int, list[Funded]] = {}
    for link in (
        PlanFunding.objects.filter(item__plan=plan)
        .select_related("proposal", "proposal__region")
        .order_by("proposal__public_id")
    ):
        funded.setdefault(link.item_id, []).append(
            Funded(link.proposal.public_id, link.proposal.title, link.proposal.region.name, link.amount)
        )
    return funded


def year_table(plan: Plan) -> YearTable:
    """The RKPD or a Renja as its printed table: by agency, then program, each with its total.

    The grand total is summed in SQL and checked against the groups' sum, so a page and the PDF can never
    show a total the rows do not add up to.
    """
    rows = list(rows_of(plan).filter(row_kind=RowKind.SUB_KEGIATAN))
    programs = _program_names(plan, {".".join(r.code.split(".")[:3]) for r in rows})
    agencies: dict[int, AgencyGroup] = {}
    funded = funded_by_item(plan)
    funded_total = sum((f.amount for links in funded.values() for f in links), ZERO)
    for row in sorted(rows, key=lambda r: (r.unit.code if r.unit else "", r.code, r.position)):
        assert row.unit is not None
        agency = agencies.setdefault(row.unit.pk, AgencyGroup(row.unit))
        code = ".".join(row.code.split(".")[:3])
        if not agency.programs or agency.programs[-1].code != code:
            agency.programs.append(ProgramGroup(code, programs.get(code, "")))
        group = agency.programs[-1]
        group.rows.append(ItemLine(row, funded.get(row.pk, [])))
        group.total += row.ceiling_1
        agency.total += row.ceiling_1
    total = PlanRow.objects.filter(plan=plan, row_kind=RowKind.SUB_KEGIATAN).aggregate(
        t=MoneySum("ceiling_1")
    )["t"]
    assert total == sum((a.total for a in agencies.values()), ZERO)
    return YearTable(list(agencies.values()), total, funded, funded_total, len(rows))


def period_totals(plan: Plan) -> list[Decimal]:
    """A five-year plan's indicative ceilings per year, over its lowest level of nomenclature rows."""
    kinds = set(PlanRow.objects.filter(plan=plan).values_list("row_kind", flat=True))
    lowest = next((k for k in (RowKind.SUB_KEGIATAN, RowKind.KEGIATAN, RowKind.PROGRAM) if k in kinds), None)
    if lowest is None:
        return [ZERO] * PERIOD_YEARS
    sums = PlanRow.objects.filter(plan=plan, row_kind=lowest).aggregate(
        **{f"y{n}": MoneySum(f"ceiling_{n}") for n in range(1, PERIOD_YEARS + 1)}
    )
    return [sums[f"y{n}"] for n in range(1, PERIOD_YEARS + 1)]


def accepted_unfunded(pemda_code: str, year: int) -> QuerySet[Proposal]:
    """Accepted proposals of the year that no RKPD item funds yet (accepted before the RKPD existed)."""
    return (
        Proposal.objects.filter(
            pemda_id=pemda_code, year=year, state=Stage.ACCEPTED, plan_funding__isnull=True
        )
        .select_related("region", "suggested_unit")
        .order_by("public_id")
    )


def renja_plans(plan: Plan) -> QuerySet[Plan]:
    """The agencies' Renja of an RKPD's year."""
    return Plan.objects.filter(pemda_id=plan.pemda_id, kind=PlanKind.RENJA, year=plan.year).select_related(
        "unit"
    )
