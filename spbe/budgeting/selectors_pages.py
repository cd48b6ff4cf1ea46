"""Reads behind the staff pages of e-budgeting: an RKA by sub-kegiatan, ceilings with what is used under
them, the agencies of a version, and a version comparison as rows.

Every page reads a bounded number of queries whatever the number of detail rows: totals are summed by
the database (``MoneySum``), detail rows are read for one page of lines at a time in one query, and names
of codes come in one query per kind. Python only adds a handful of exact per-sub-kegiatan totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from spbe.accounts.access import Can, object_for_user
from spbe.accounts.models import Membership, Pemda, PerangkatDaerah, Role
from spbe.core import versions
from spbe.core.actors import MaybeActor
from spbe.core.money_sql import MoneySum
from spbe.reference.models import Account, Nomenclature

from . import calc, selectors
from .access import BUDGET
from .models import BudgetVersion, Ceiling, Review, Rka, RkaDetail, RkaLine

ZERO = Decimal("0.00")
#: The group of an RKA's revenue (4.x) and financing (6.x) lines, which sit under no sub-kegiatan.
NO_SUB = "-"


@dataclass(frozen=True)
class Group:
    """One sub-kegiatan of an RKA (or :data:`NO_SUB`): how many lines, how many await review, the total."""

    code: str
    name: str
    lines: int
    pending: int
    returned: int
    total: Decimal

    @property
    def slug(self) -> str:
        return self.code or NO_SUB


def nomenclature_names(year: int, codes: Iterable[str]) -> dict[str, str]:
    """Code -> name in the year's nomenclature; the support program written with an agency's bidang
    (``1.03.01...``) takes the name of its ``X.XX.01...`` entry."""
    wanted = {c for c in codes if c}
    generic = {c: ".".join(["X", "XX", *c.split(".")[2:]]) for c in wanted if c.count(".") >= 2}
    rows = dict(
        Nomenclature.objects.filter(year=year, code__in=wanted | set(generic.values())).values_list(
            "code", "name"
        )
    )
    return {c: rows.get(c) or rows.get(generic.get(c, ""), "") for c in wanted}


def account_names(year: int, codes: Iterable[str]) -> dict[str, str]:
    return dict(Account.objects.filter(year=year, code__in=set(codes)).values_list("code", "name"))


def rka_groups(rka: Rka) -> list[Group]:
    """The RKA's sub-kegiatan in code order (revenue and financing last, as :data:`NO_SUB`): one query."""
    rows = (
        RkaLine.objects.filter(rka=rka)
        .values("sub_kegiatan")
        .annotate(
            n=Count("pk"),
            pending=Count("pk", filter=Q(review=Review.PENDING)),
            returned=Count("pk", filter=Q(review=Review.RETURNED)),
            total=MoneySum("amount"),
        )
        .order_by("sub_kegiatan")
    )
    found = list(rows)
    names = nomenclature_names(rka.version.year, (r["sub_kegiatan"] for r in found))
    groups = [
        Group(
            r["sub_kegiatan"],
            names.get(r["sub_kegiatan"], ""),
            r["n"],
            r["pending"],
            r["returned"],
            r["total"],
        )
        for r in found
    ]
    # Expenditure first, in code order; the agency's revenue and financing after it.
    return [g for g in groups if g.code] + [g for g in groups if not g.code]


@dataclass(frozen=True)
class RkaTotals:
    revenue: Decimal
    expenditure: Decimal
    financing: Decimal
    lines: int
    pending: int
    returned: int


def rka_totals(rka: Rka) -> RkaTotals:
    row = RkaLine.objects.filter(rka=rka).aggregate(
        revenue=MoneySum("amount", filter=Q(account__startswith=calc.REVENUE)),
        expenditure=MoneySum("amount", filter=Q(account__startswith=calc.EXPENDITURE)),
        financing=MoneySum("amount", filter=Q(account__startswith=calc.FINANCING)),
        lines=Count("pk"),
        pending=Count("pk", filter=Q(review=Review.PENDING)),
        returned=Count("pk", filter=Q(review=Review.RETURNED)),
    )
    return RkaTotals(**row)


@dataclass(frozen=True)
class CeilingUse:
    """A ceiling with the expenditure under it now: what is left (negative never happens: the services
    refuse it) and how full it is, in percent."""

    ceiling: Ceiling
    used: Decimal

    @property
    def left(self) -> Decimal:
        amount: Decimal = self.ceiling.amount
        return amount - self.used

    @property
    def percent(self) -> Decimal:
        share: Decimal = calc.percent(self.used, self.ceiling.amount)
        return share


def _under(code: str, sub_kegiatan: str) -> bool:
    return not code or sub_kegiatan == code or sub_kegiatan.startswith(f"{code}.")


def ceiling_uses(version: BudgetVersion, *, unit_id: int | None = None, under: str = "") -> list[CeilingUse]:
    """The version's ceilings (one agency's with ``unit_id``; those above sub-kegiatan ``under`` when
    given) with what is used under each: two queries, the usage summed per agency and sub-kegiatan in SQL."""
    ceilings = Ceiling.objects.filter(version=version).select_related("unit").order_by("unit__code", "code")
    lines = RkaLine.objects.filter(version=version, account__startswith=calc.EXPENDITURE)
    if unit_id is not None:
        ceilings = ceilings.filter(unit_id=unit_id)
        lines = lines.filter(unit_id=unit_id)
    if under:
        # Only the ceilings above this sub-kegiatan; what each has used counts every line under it.
        ceilings = ceilings.filter(code__in=calc.nomenclature_prefixes(under))
    sums: dict[int, list[tuple[str, Decimal]]] = {}
    for row in lines.values("unit_id", "sub_kegiatan").annotate(total=MoneySum("amount")).order_by():
        sums.setdefault(row["unit_id"], []).append((row["sub_kegiatan"], row["total"]))
    result = []
    for ceiling in ceilings:
        used = sum((t for sub, t in sums.get(ceiling.unit_id, []) if _under(ceiling.code, sub)), ZERO)
        result.append(CeilingUse(ceiling, used))
    return result


def group_lines(rka: Rka, code: str) -> list[RkaLine]:
    """The lines of one group of the RKA (``code`` a sub-kegiatan, or "" for revenue and financing)."""
    return list(rka.lines.filter(sub_kegiatan=code).order_by("account", "funding", "location"))


def details_of(lines: Sequence[RkaLine]) -> dict[int, list[RkaDetail]]:
    """Detail rows of the given lines, in position order, in one query."""
    found: dict[int, list[RkaDetail]] = {line.pk: [] for line in lines}
    for detail in RkaDetail.objects.filter(line_id__in=list(found)).order_by("line_id", "position"):
        found[detail.line_id].append(detail)
    return found


@dataclass(frozen=True)
class AgencyRow:
    rka: Rka
    expenditure: Decimal
    revenue: Decimal
    ceiling: Decimal | None
    pending: int
    returned: int


def version_agencies(version: BudgetVersion, *, unit_ids: Iterable[int] | None = None) -> list[AgencyRow]:
    """Each agency's RKA in the version with its totals, review counts and agency ceiling: two queries."""
    rkas = (
        Rka.objects.filter(version=version)
        .select_related("unit")
        .annotate(
            expenditure=MoneySum("lines__amount", filter=Q(lines__account__startswith=calc.EXPENDITURE)),
            revenue=MoneySum("lines__amount", filter=Q(lines__account__startswith=calc.REVENUE)),
            pending=Count("lines", filter=Q(lines__review=Review.PENDING)),
            returned=Count("lines", filter=Q(lines__review=Review.RETURNED)),
        )
        .order_by("unit__code")
    )
    if unit_ids is not None:
        rkas = rkas.filter(unit_id__in=list(unit_ids))
    ceilings = dict(Ceiling.objects.filter(version=version, code="").values_list("unit_id", "amount"))
    return [
        AgencyRow(r, r.expenditure, r.revenue, ceilings.get(r.unit_id), r.pending, r.returned) for r in rkas
    ]


def version_figures(version: BudgetVersion) -> dict[str, Decimal]:
    """The headline totals of a version (one query): revenue, spending, financing and SiLPA."""
    row = RkaLine.objects.filter(version=version).aggregate(
        pendapatan=MoneySum("amount", filter=Q(account__startswith=calc.REVENUE)),
        belanja=MoneySum("amount", filter=Q(account__startswith=calc.EXPENDITURE)),
        penerimaan=MoneySum("amount", filter=Q(account__startswith=f"{calc.FINANCING_RECEIPTS}.")),
        pengeluaran=MoneySum("amount", filter=Q(account__startswith=f"{calc.FINANCING_EXPENDITURE}.")),
    )
    surplus = row["pendapatan"] - row["belanja"]
    netto = row["penerimaan"] - row["pengeluaran"]
    return {**row, "surplus_defisit": surplus, "pembiayaan_netto": netto, "silpa": surplus + netto}


# --------------------------------------------------------------------------------------------- compare


@dataclass(frozen=True)
class CompareRow:
    """One line that differs between two versions, by agency and codes, with both amounts."""

    kind: str  # added | removed | changed
    unit: str
    sub_kegiatan: str
    account: str
    funding: str
    location: str
    before: Decimal | None
    after: Decimal | None

    @property
    def change(self) -> Decimal:
        return (self.after or ZERO) - (self.before or ZERO)


@dataclass(frozen=True)
class Comparison:
    before: BudgetVersion
    after: BudgetVersion
    rows: list[CompareRow]
    total_before: Decimal
    total_after: Decimal
    added: int
    removed: int
    changed: int

    @property
    def total_change(self) -> Decimal:
        return self.total_after - self.total_before


def compare(before: BudgetVersion, after: BudgetVersion) -> Comparison:
    """Every line added, removed or changed from ``before`` to ``after``, in code order, with both totals."""
    diff: versions.Diff = selectors.version_diff(before, after)
    rows = []
    for change in diff.lines:
        unit, sub, account, funding, location = change.key
        rows.append(
            CompareRow(
                kind=change.kind,
                unit=unit,
                sub_kegiatan=sub,
                account=account,
                funding=funding,
                location=location,
                before=None if change.before is None else Decimal(change.before["amount"]),
                after=None if change.after is None else Decimal(change.after["amount"]),
            )
        )
    return Comparison(
        before,
        after,
        rows,
        diff.total_before,
        diff.total_after,
        len(diff.added),
        len(diff.removed),
        len(diff.changed),
    )


# --------------------------------------------------------------------------------------------- lookups


def rka_in_scope(user: MaybeActor, pemda_code: str, version_id: int, unit_code: str) -> tuple[Rka, Can]:
    """An agency's RKA in a version with what the user may do to it: NotFound outside the user's scope."""
    queryset = Rka.objects.select_related("version", "unit", "submitted_by", "verified_by")
    return object_for_user(
        user, queryset, BUDGET, pemda_code=pemda_code, version_id=version_id, unit__code=unit_code
    )


def version_years(pemda: Pemda) -> list[int]:
    """The years the pemda has a budget version for, newest first."""
    years = BudgetVersion.objects.filter(pemda=pemda).order_by("-year").values_list("year", flat=True)
    return list(dict.fromkeys(years))


def versions_of(pemda: Pemda, year: int | None = None) -> QuerySet[BudgetVersion]:
    """The pemda's versions (of one year, in number order; else every year, newest first)."""
    found = BudgetVersion.objects.filter(pemda=pemda)
    if year is not None:
        return found.filter(year=year).order_by("number")
    return found.order_by("-year", "-number")


def detail_line_id(detail_id: int) -> int | None:
    """The line a detail row belongs to (to check the user's scope on it before reading the row)."""
    line_id: int | None = RkaDetail.objects.filter(pk=detail_id).values_list("line_id", flat=True).first()
    return line_id


def detail_now(detail_id: int) -> RkaDetail | None:
    return RkaDetail.objects.filter(pk=detail_id).first()


def agency_head(unit: PerangkatDaerah) -> str:
    """The name of the agency's active head, for its documents' signature block ("" prints a dotted line)."""
    membership = (
        Membership.objects.filter(unit=unit, role=Role.AGENCY_HEAD, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user.full_name if membership is not None else ""
