"""The year's Dana Desa priorities as a check on an APBDes, computed from the lines funded by Dana Desa.

Each year the minister of villages sets what Dana Desa must be used for (Permendes on *prioritas penggunaan
Dana Desa*) and the shares some uses may or must take. The domain guide (section 4.1) gives 2024's: at most
25% for direct cash aid (BLT-Dana Desa) and at least 20% for food security. It gives no other year's rule,
so every year without a configured or coded entry takes those shares *marked assumed*, and the page says so
(:meth:`YearRules.describe`). A deployment sets a year's shares without a code change in
``SPBE_DANA_DESA_PRIORITIES`` (:func:`configured_years`); a year coded here is in :data:`YEARS`.

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

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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
    # True when no rule source gives this year's shares (the domain guide gives 2024's only): the page says
    # the shares are assumed and how to set them (SPBE_DANA_DESA_PRIORITIES).
    assumed: bool = False

    def describe(self, year: int) -> str:
        """What the page says about where the year's shares come from."""
        if not self.assumed:
            return self.regulation
        return _(
            "Bagian prioritas Dana Desa %(year)d diasumsikan (%(regulation)s): panduan domain hanya memberi "
            "aturan 2024 dan peraturan tahun ini belum dicatat. Bagian per tahun dapat diatur oleh "
            "pengelola server melalui SPBE_DANA_DESA_PRIORITIES."
        ) % {"year": year, "regulation": self.regulation}


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

#: Years whose regulation sets other shares than the default. The domain guide gives no rule for 2026, so
#: 2026 repeats 2025's shares, marked assumed (the page says so) until its regulation is configured.
YEARS: dict[int, YearRules] = {
    2024: DEFAULT,
    2025: YearRules(
        regulation="Permendes PDT 2/2024 (prioritas penggunaan Dana Desa 2025)",
        rules=(_blt("15"), _food("20")),
    ),
    2026: YearRules(
        regulation="bagian yang sama dengan 2025, Permendes PDT 2/2024",
        rules=(_blt("15"), _food("20")),
        assumed=True,
    ),
}

_PERCENT = re.compile(r"^(100|[0-9]{1,2})(\.[0-9]{1,2})?$")


def configured_years(raw: str) -> dict[int, YearRules]:
    """The years set in ``SPBE_DANA_DESA_PRIORITIES``: a JSON object such as
    ``{"2026": {"peraturan": "Permendes ...", "blt": "15", "ketahanan_pangan": "20"}}`` (percentages as
    strings). ImproperlyConfigured, naming the year and key, for anything else."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SPBE_DANA_DESA_PRIORITIES is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured("SPBE_DANA_DESA_PRIORITIES must be a JSON object keyed by year")
    years: dict[int, YearRules] = {}
    for key, entry in data.items():
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4) or not isinstance(entry, dict):
            raise ImproperlyConfigured(f"SPBE_DANA_DESA_PRIORITIES: {key!r} must be a year with an object")
        unknown = set(entry) - {"peraturan", "blt", "ketahanan_pangan"}
        if unknown or not {"peraturan", "blt", "ketahanan_pangan"} <= set(entry):
            raise ImproperlyConfigured(
                f"SPBE_DANA_DESA_PRIORITIES[{key}]: give exactly peraturan, blt and ketahanan_pangan"
            )
        for name in ("blt", "ketahanan_pangan"):
            if not (isinstance(entry[name], str) and _PERCENT.match(entry[name])):
                raise ImproperlyConfigured(
                    f'SPBE_DANA_DESA_PRIORITIES[{key}].{name}: a percentage 0..100 as a string, e.g. "15"'
                )
        if not (isinstance(entry["peraturan"], str) and entry["peraturan"].strip()):
            raise ImproperlyConfigured(f"SPBE_DANA_DESA_PRIORITIES[{key}].peraturan: name the regulation")
        years[int(key)] = YearRules(
            regulation=entry["peraturan"].strip(),
            rules=(_blt(entry["blt"]), _food(entry["ketahanan_pangan"])),
        )
    return years


def rules_for(year: int) -> YearRules:
    """The year's shares: configured, else coded in :data:`YEARS`, else the domain guide's 2024 shares
    marked assumed."""
    configured = configured_years(getattr(settings, "SPBE_DANA_DESA_PRIORITIES", ""))
    if year in configured:
        return configured[year]
    if year in YEARS:
        return YEARS[year]
    return replace(DEFAULT, regulation=_("bagian 2024 dari panduan domain"), assumed=True)


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
