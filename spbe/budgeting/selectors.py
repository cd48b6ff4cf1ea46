"""Reads of a budget: which version, its totals by account level and by agency, and version differences.

Every total is summed by the database (``MoneySum`` over integer sen, exact on SQLite and PostgreSQL);
Python only adds or subtracts a handful of those exact totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core import versions
from spbe.core.errors import NotFound
from spbe.core.money_sql import MoneySum
from spbe.reference.models import Account

from . import calc
from .models import BudgetRules, BudgetVersion, Rka, RkaDetail, RkaLine
from .services import LINE_SPEC

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Thresholds:
    """Mandatory-spending thresholds of a year, in percent."""

    personnel_max: Decimal = Decimal("30")
    infrastructure_min: Decimal = Decimal("40")
    education_min: Decimal = Decimal("20")
    add_min: Decimal = Decimal("10")
    bhprd_min: Decimal = Decimal("10")


DEFAULTS = Thresholds()


def thresholds_for(pemda: Pemda | str, year: int) -> Thresholds:
    """The pemda's thresholds for ``year``, or the domain guide's defaults when none were set."""
    row = BudgetRules.objects.filter(pemda=pemda, year=year).first()
    if row is None:
        return DEFAULTS
    return Thresholds(
        row.personnel_max, row.infrastructure_min, row.education_min, row.add_min, row.bhprd_min
    )


def version_for(pemda: Pemda, year: int, number: int | None = None) -> BudgetVersion:
    """Version ``number`` of the year, or the newest (the draft being worked on, else the last adopted)."""
    versions_ = BudgetVersion.objects.filter(pemda=pemda, year=year)
    found = (
        versions_.filter(number=number).first()
        if number is not None
        else versions_.order_by("-number").first()
    )
    if found is None:
        raise NotFound(
            _("APBD %(year)d versi %(number)s tidak ada.") % {"year": year, "number": number or "-"}
            if number is not None
            else _("APBD %(year)d belum ada.") % {"year": year}
        )
    return found


def totals_by_prefix(version: BudgetVersion, length: int) -> dict[str, Decimal]:
    """Totals of the version's lines grouped by the first ``length`` characters of the account code."""
    rows = (
        RkaLine.objects.filter(version=version)
        .annotate(prefix=Substr("account", 1, length))
        .values("prefix")
        .annotate(total=MoneySum("amount"))
        .order_by("prefix")
    )
    return {row["prefix"]: row["total"] for row in rows}


def summary(version: BudgetVersion) -> dict[str, object]:
    """The APBD in figures: the contract of ``spbe budget_summary`` (amounts as exact Decimals here)."""
    akun = totals_by_prefix(version, calc.LEVEL_LENGTHS["akun"])
    kelompok = totals_by_prefix(version, calc.LEVEL_LENGTHS["kelompok"])
    jenis = totals_by_prefix(version, calc.LEVEL_LENGTHS["jenis"])
    pendapatan = akun.get(calc.REVENUE, ZERO)
    belanja = akun.get(calc.EXPENDITURE, ZERO)
    penerimaan = kelompok.get(calc.FINANCING_RECEIPTS, ZERO)
    pengeluaran = kelompok.get(calc.FINANCING_EXPENDITURE, ZERO)
    surplus = pendapatan - belanja
    netto = penerimaan - pengeluaran
    rekening: dict[str, Decimal] = {}
    for level in (akun, kelompok, jenis):
        for code, total in level.items():
            # Financing is read as receipts (6.1) and expenditure (6.2): their sum "6" means nothing.
            if code != calc.FINANCING and total:
                rekening[code] = total
    by_unit = (
        RkaLine.objects.filter(version=version)
        .values("unit__code")
        .annotate(
            pendapatan=MoneySum("amount", filter=Q(account__startswith=calc.REVENUE)),
            belanja=MoneySum("amount", filter=Q(account__startswith=calc.EXPENDITURE)),
        )
        .order_by("unit__code")
    )
    personnel = jenis.get(calc.PERSONNEL, ZERO)
    limits = thresholds_for(version.pemda_id, version.year)
    return {
        "pendapatan": pendapatan,
        "belanja": belanja,
        "penerimaan_pembiayaan": penerimaan,
        "pengeluaran_pembiayaan": pengeluaran,
        "surplus_defisit": surplus,
        "pembiayaan_netto": netto,
        "silpa": surplus + netto,
        "rekening": dict(sorted(rekening.items())),
        "skpd": {
            row["unit__code"]: {"pendapatan": row["pendapatan"], "belanja": row["belanja"]} for row in by_unit
        },
        "belanja_pegawai_persen": calc.percent(personnel, belanja),
        "belanja_pegawai_lulus": calc.within_max(personnel, belanja, limits.personnel_max),
    }


def version_diff(before: BudgetVersion, after: BudgetVersion) -> versions.Diff:
    """Lines added, removed and changed between two versions (by agency and codes), with both totals."""
    return versions.diff(LINE_SPEC.rows(before), LINE_SPEC.rows(after), LINE_SPEC)


# ------------------------------------------------------------------------------------------------ checks

#: Accounts counted as public-service infrastructure: capital spending on buildings (5.2.03) and on roads,
#: irrigation and networks (5.2.04). An approximation of UU 1/2022 art. 147 by account, until the rule is
#: kept per sub-kegiatan.
INFRASTRUCTURE = ("5.2.03", "5.2.04")
#: Transfers to lower regions and villages, left out of the base of the infrastructure share.
TRANSFERS = "5.4"
#: Education: every sub-kegiatan of bidang 1.01 (the support program written with it included).
EDUCATION = "1.01."
LINES_SHOWN = 20
#: Alokasi Dana Desa in the year's chart (Kepmendagri 050-5889/2021, as SIPD uses it): the general financial
#: aid of the kabupaten to desa, where SIPD budgets ADD, and the special aid "bersumber dari ADD".
ADD_ACCOUNTS = ("5.4.02.05.01.0003", "5.4.02.05.02.0005")
#: BHPRD: the share of regional tax (5.4.01.01.03, to desa) and of regional levies (5.4.01.02, to desa).
BHPRD_ACCOUNTS = ("5.4.01.01.03", "5.4.01.02")
#: Regional tax (4.1.01) and levies (4.1.02): the base of BHPRD.
TAX_AND_LEVY = ("4.1.01", "4.1.02")
#: The general transfers ADD is measured against: DBH and DAU objek of central transfers (4.2.01), found by
#: name in the year's chart (the bundled one numbers them 4.2.01.07 and 4.2.01.08; Permendagri 90/2019 had
#: other numbers), with the bundled numbers when the year's chart has no such names.
GENERAL_TRANSFER_NAMES = ("Dana Bagi Hasil", "Dana Alokasi Umum")
GENERAL_TRANSFERS_DEFAULT = ("4.2.01.07", "4.2.01.08")


def general_transfer_prefixes(year: int) -> tuple[str, ...]:
    """The account codes of the year's DBH and DAU (objek level under 4.2.01)."""
    named = Q()
    for name in GENERAL_TRANSFER_NAMES:
        named |= Q(name__icontains=name)
    found = Account.objects.filter(year=year, level="objek", code__startswith="4.2.01.").filter(named)
    return tuple(sorted(found.values_list("code", flat=True))) or GENERAL_TRANSFERS_DEFAULT


@dataclass(frozen=True)
class CauseLine:
    unit: str
    sub_kegiatan: str
    account: str
    amount: Decimal


@dataclass(frozen=True)
class Check:
    """One rule on a version: the figure, the threshold, whether it holds, and the lines behind it."""

    name: str
    ok: bool
    amount: Decimal
    base: Decimal
    percent: Decimal | None = None
    threshold: Decimal | None = None
    lines: tuple[CauseLine, ...] = ()


def _prefix_q(field: str, prefixes: tuple[str, ...]) -> Q:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def _largest(version: BudgetVersion, condition: Q) -> tuple[CauseLine, ...]:
    rows = (
        RkaLine.objects.filter(version=version)
        .filter(condition)
        .order_by("-amount", "unit__code", "sub_kegiatan", "account")
        .values_list("unit__code", "sub_kegiatan", "account", "amount")[:LINES_SHOWN]
    )
    return tuple(CauseLine(*row) for row in rows)


def checks(version: BudgetVersion) -> list[Check]:
    """Balance and the year's mandatory-spending rules, computed live from the version's lines.

    Each share lists the largest lines it is made of: the ones to look at when it fails.
    """
    limits = thresholds_for(version.pemda_id, version.year)
    expenditure = Q(account__startswith=calc.EXPENDITURE)
    infrastructure = _prefix_q("account", INFRASTRUCTURE)
    education = expenditure & Q(sub_kegiatan__startswith=EDUCATION)
    add = _prefix_q("account", ADD_ACCOUNTS)
    general = _prefix_q("account", general_transfer_prefixes(version.year))
    bhprd = _prefix_q("account", BHPRD_ACCOUNTS)
    tax_and_levy = _prefix_q("account", TAX_AND_LEVY)
    totals = RkaLine.objects.filter(version=version).aggregate(
        add=MoneySum("amount", filter=add),
        general=MoneySum("amount", filter=general),
        bhprd=MoneySum("amount", filter=bhprd),
        tax_and_levy=MoneySum("amount", filter=tax_and_levy),
        revenue=MoneySum("amount", filter=Q(account__startswith=calc.REVENUE)),
        spending=MoneySum("amount", filter=expenditure),
        receipts=MoneySum("amount", filter=Q(account__startswith=f"{calc.FINANCING_RECEIPTS}.")),
        payments=MoneySum("amount", filter=Q(account__startswith=f"{calc.FINANCING_EXPENDITURE}.")),
        personnel=MoneySum("amount", filter=Q(account__startswith=f"{calc.PERSONNEL}.")),
        transfers=MoneySum("amount", filter=Q(account__startswith=f"{TRANSFERS}.")),
        infrastructure=MoneySum("amount", filter=infrastructure),
        education=MoneySum("amount", filter=education),
    )
    surplus = totals["revenue"] - totals["spending"]
    net = totals["receipts"] - totals["payments"]
    spending = totals["spending"]
    infra_base = spending - totals["transfers"]
    personnel_q = Q(account__startswith=f"{calc.PERSONNEL}.")
    return [
        # An adopted budget balances: the year's SiLPA is zero, a deficit covered by net financing.
        Check("silpa", surplus + net == 0, surplus + net, ZERO),
        Check("defisit_tertutup", surplus >= 0 or net >= -surplus, surplus, net),
        Check(
            "belanja_pegawai",
            calc.within_max(totals["personnel"], spending, limits.personnel_max),
            totals["personnel"],
            spending,
            calc.percent(totals["personnel"], spending),
            limits.personnel_max,
            _largest(version, personnel_q),
        ),
        Check(
            "belanja_infrastruktur",
            calc.within_min(totals["infrastructure"], infra_base, limits.infrastructure_min),
            totals["infrastructure"],
            infra_base,
            calc.percent(totals["infrastructure"], infra_base),
            limits.infrastructure_min,
            _largest(version, infrastructure),
        ),
        Check(
            "fungsi_pendidikan",
            calc.within_min(totals["education"], spending, limits.education_min),
            totals["education"],
            spending,
            calc.percent(totals["education"], spending),
            limits.education_min,
            _largest(version, education),
        ),
        # Transfers to desa: the ADD (or BHPRD) lines first, then the revenue lines of the base.
        Check(
            "alokasi_dana_desa",
            calc.within_min(totals["add"], totals["general"], limits.add_min),
            totals["add"],
            totals["general"],
            calc.percent(totals["add"], totals["general"]),
            limits.add_min,
            _largest(version, add) + _largest(version, general),
        ),
        Check(
            "bagi_hasil_desa",
            calc.within_min(totals["bhprd"], totals["tax_and_levy"], limits.bhprd_min),
            totals["bhprd"],
            totals["tax_and_levy"],
            calc.percent(totals["bhprd"], totals["tax_and_levy"]),
            limits.bhprd_min,
            _largest(version, bhprd) + _largest(version, tax_and_levy),
        ),
    ]


# ------------------------------------------------------------------------------------------------ public


def published_version(pemda_code: str, year: int) -> BudgetVersion:
    """The newest adopted version of an active pemda's year: what a citizen may read. A draft never is."""
    found = (
        BudgetVersion.objects.filter(
            pemda__code=pemda_code, pemda__is_active=True, year=year, version_state="frozen"
        )
        .select_related("pemda")
        .order_by("-number")
        .first()
    )
    if found is None:
        raise NotFound(_("APBD %(year)d yang sudah ditetapkan tidak ditemukan.") % {"year": year})
    return found


def unit_names(version: BudgetVersion) -> dict[str, str]:
    """kode_skpd -> the agency's name, for the agencies that have an RKA in the version."""
    return dict(version.rkas.values_list("unit__code", "unit__name"))


def account_names(year: int, codes: list[str]) -> dict[str, str]:
    """Account code -> its name in the year's chart (a code the chart lacks is left out)."""
    return dict(Account.objects.filter(year=year, code__in=codes).values_list("code", "name"))


def rka_lines(rka: Rka) -> list[tuple[RkaLine, list[RkaDetail]]]:
    """The RKA's lines in code order, each with its detail rows in position order (two queries)."""
    lines = list(rka.lines.order_by("sub_kegiatan", "account", "funding", "location"))
    details: dict[int, list[RkaDetail]] = {line.pk: [] for line in lines}
    for d in RkaDetail.objects.filter(line__rka=rka).order_by("line_id", "position"):
        details[d.line_id].append(d)
    return [(line, details[line.pk]) for line in lines]


def line_details(line: RkaLine) -> list[RkaDetail]:
    return list(line.details.order_by("position"))
