"""The year's Dana Desa priorities as a check on an APBDes, computed from the lines funded by Dana Desa.

Each year the minister of villages sets what Dana Desa must be used for (Permendes on *prioritas penggunaan
Dana Desa*) and the shares some uses may or must take. The domain guide (section 4.1) gives 2024's: at most
25% for direct cash aid (BLT-Dana Desa) and at least 20% for food security; those are the defaults of every
year not configured below. A year with its own regulation gets its own entry in :data:`YEARS`.

A share is the Dana Desa-funded (source ``DDS``) amount of the lines of the rule's kegiatan, over the
desa's Dana Desa revenue (account ``4.2.1``), compared in whole numbers (``amount x 100`` against
``base x percent``): no division, no rounding, so a share exactly at the limit passes.

**Which rules refuse adoption.** A rule is *mandatory* when the lines it counts are certainly what the
regulation means: BLT-Dana Desa is budgeted in kegiatan 05.03.01 (Penanganan Keadaan Mendesak), so more
than the cap there is more than the law allows, and adoption is refused. Food security is spread over many
kegiatan (farming and fishing sub-bidang here, but also a BUMDes equity line or a farm road), so a share
below the minimum by these codes may still be lawful: it is shown as a warning for the camat's evaluation,
never a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.core.money import format_rupiah
from spbe.core.money_sql import MoneySum

from .models import Apbdes, ApbdesLine

DANA_DESA_SOURCE = "DDS"
DANA_DESA_REVENUE = "4.2.1"


@dataclass(frozen=True)
class Rule:
    """One quantified priority: the kegiatan it counts (prefixes of ``BB.SS.KK``) and its limit."""

    code: str
    label: str | Promise
    kegiatan: tuple[str, ...]
    percent: Decimal
    at_most: bool  # True: a cap (paling banyak); False: a floor (paling sedikit)
    mandatory: bool
    accounts: tuple[str, ...] = ()  # financing accounts that count too (e.g. BUMDes equity), by prefix

    def counts(self, account: str, activity: str) -> bool:
        if activity:
            return any(activity == k or activity.startswith(k + ".") for k in self.kegiatan)
        return any(account == a or account.startswith(a + ".") for a in self.accounts)


@dataclass(frozen=True)
class YearRules:
    regulation: str
    rules: tuple[Rule, ...]


def _blt(percent: str) -> Rule:
    return Rule(
        code="blt",
        label=gettext_lazy("BLT-Dana Desa (kegiatan 05.03.01 Penanganan Keadaan Mendesak)"),
        kegiatan=("05.03.01",),
        percent=Decimal(percent),
        at_most=True,
        mandatory=True,
    )


def _food(percent: str) -> Rule:
    return Rule(
        code="ketahanan_pangan",
        label=gettext_lazy(
            "Ketahanan pangan (sub bidang 04.01 Kelautan dan Perikanan, 04.02 Pertanian dan Peternakan, "
            "penyertaan modal BUMDes 6.2.2)"
        ),
        kegiatan=("04.01", "04.02"),
        accounts=("6.2.2",),
        percent=Decimal(percent),
        at_most=False,
        mandatory=False,
    )


#: The shares when a year has no entry of its own: the domain guide's (section 4.1, 2024).
DEFAULT = YearRules(
    regulation="Permendes PDTT 7/2023 (prioritas penggunaan Dana Desa 2024); panduan domain 4.1",
    rules=(_blt("25"), _food("20")),
)

#: Years whose regulation sets other shares than the default. 2026 repeats 2025's shares until its own
#: regulation is entered here (an assumption, named in the regulation text shown on the page).
YEARS: dict[int, YearRules] = {
    2024: DEFAULT,
    2025: YearRules(
        regulation="Permendes PDT 2/2024 (prioritas penggunaan Dana Desa 2025)",
        rules=(_blt("15"), _food("20")),
    ),
    2026: YearRules(
        regulation=(
            "Bagian yang sama dengan 2025 (Permendes PDT 2/2024) sampai peraturan prioritas 2026 dicatat"
        ),
        rules=(_blt("15"), _food("20")),
    ),
}


def rules_for(year: int) -> YearRules:
    return YEARS.get(year, DEFAULT)


@dataclass
class Finding:
    """One rule against one APBDes: the share, whether it holds, and the lines that make it."""

    rule: Rule
    base: Decimal
    amount: Decimal
    lines: list[ApbdesLine] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        # amount / base <= percent / 100, in whole numbers.
        if self.rule.at_most:
            return self.amount * 100 <= self.base * self.rule.percent
        return self.amount * 100 >= self.base * self.rule.percent

    @property
    def refuses(self) -> bool:
        return self.rule.mandatory and not self.ok

    @property
    def limit(self) -> Decimal:
        """The rule's limit in rupiah (for display only; the check itself never divides)."""
        return (self.base * self.rule.percent / 100).quantize(Decimal("0.01"))

    @property
    def share(self) -> Decimal | None:
        if not self.base:
            return None
        return (self.amount * 100 / self.base).quantize(Decimal("0.01"))

    def message(self) -> str:
        values = {
            "rule": self.rule.label,
            "amount": format_rupiah(self.amount),
            "percent": self.rule.percent,
            "limit": format_rupiah(self.limit),
            "base": format_rupiah(self.base),
        }
        if self.rule.at_most:
            return (
                _(
                    "%(rule)s dari Dana Desa %(amount)s melebihi %(percent)s%% Dana Desa %(base)s "
                    "(paling banyak %(limit)s)."
                )
                % values
            )
        return (
            _(
                "%(rule)s dari Dana Desa %(amount)s kurang dari %(percent)s%% Dana Desa %(base)s "
                "(paling sedikit %(limit)s)."
            )
            % values
        )


def _base(apbdes: Apbdes) -> Decimal:
    total: Decimal = (
        ApbdesLine.objects.filter(apbdes=apbdes)
        .filter(Q(account_code=DANA_DESA_REVENUE) | Q(account_code__startswith=DANA_DESA_REVENUE + "."))
        .aggregate(total=MoneySum("amount"))["total"]
    )
    return total


def check(apbdes: Apbdes, lines: Sequence[ApbdesLine] | None = None) -> list[Finding]:
    """Every priority rule of the APBDes's year, with the Dana Desa-funded lines each counts.

    ``lines`` may be the version's lines already loaded by the page; otherwise they are read (only the
    Dana Desa-funded ones: two queries in all).
    """
    year_rules = rules_for(apbdes.year)
    if lines is None:
        funded = list(
            ApbdesLine.objects.filter(apbdes=apbdes, source_code=DANA_DESA_SOURCE)
            .filter(Q(account_code__startswith="5.") | Q(account_code__startswith="6.2."))
            .order_by("activity_code", "account_code", "number")
        )
        base = _base(apbdes)
    else:
        funded = [
            line
            for line in lines
            if line.source_code == DANA_DESA_SOURCE and line.account_code.startswith(("5.", "6.2."))
        ]
        base = sum(
            (
                line.amount
                for line in lines
                if line.account_code == DANA_DESA_REVENUE
                or line.account_code.startswith(DANA_DESA_REVENUE + ".")
            ),
            Decimal("0.00"),
        )
    findings = []
    for rule in year_rules.rules:
        counted = [line for line in funded if rule.counts(line.account_code, line.activity_code)]
        amount = sum((line.amount for line in counted), Decimal("0.00"))
        findings.append(Finding(rule=rule, base=base, amount=amount, lines=counted))
    return findings


def adoption_problems(apbdes: Apbdes) -> list[str]:
    """The mandatory priority rules the APBDes breaks (what refuses its adoption)."""
    return [finding.message() for finding in check(apbdes) if finding.refuses]
