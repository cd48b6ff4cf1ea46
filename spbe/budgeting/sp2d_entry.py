"""Reads for entering SP2D and STS on a page: the DPA lines a payment may be charged to, found by code or
name, each with its amount in the newest adopted version, what is already paid and what remains.

A "DPA line" here is what realisation charges (:class:`realisation.LineKey`: agency, sub-kegiatan,
account, funding source), summed over the version's locations; the page names it by the smallest
``RkaLine`` pk of the group in the newest adopted version, and :func:`line_choice` turns that back into
the key, so a form never carries codes the user could change by hand. The amounts shown are for
guidance: :func:`realisation.sp2d_record` re-reads them under its locks and refuses a breach.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Min, Q
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.errors import Conflict, NotFound
from spbe.core.money_sql import MoneySum
from spbe.core.text import fold_search
from spbe.reference.models import Account, Nomenclature

from . import calc
from .lra import _nomenclature_names
from .models import BudgetVersion, RkaLine
from .models_realisation import Sp2d
from .realisation import LineKey, newest_adopted

ZERO = Decimal("0.00")
SEARCH_LIMIT = 25


@dataclass(frozen=True)
class DpaLine:
    """One chargeable DPA line with its figures: ``amount`` in the newest adopted version, ``spent`` net
    of corrections, ``remaining`` = amount - spent."""

    ref: int
    unit: PerangkatDaerah
    sub_kegiatan: str
    sub_kegiatan_name: str
    account: str
    account_name: str
    funding: str
    amount: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.spent

    @property
    def key(self) -> LineKey:
        return LineKey(self.unit.pk, self.sub_kegiatan, self.account, self.funding)


def adopted_version(pemda: Pemda, year: int) -> BudgetVersion:
    version = newest_adopted(pemda, year)
    if version is None:
        raise Conflict(_("APBD %(year)d belum ditetapkan: belum ada DPA untuk dibebani.") % {"year": year})
    return version


def chargeable_units(version: BudgetVersion) -> list[PerangkatDaerah]:
    """Agencies with a spending or financing-expenditure line in ``version``, in code order."""
    ids = (
        RkaLine.objects.filter(version=version)
        .filter(
            Q(account__startswith=f"{calc.EXPENDITURE}.")
            | Q(account__startswith=f"{calc.FINANCING_EXPENDITURE}.")
        )
        .values("unit_id")
        .distinct()
    )
    return list(PerangkatDaerah.objects.filter(pk__in=ids).order_by("code"))


def _codes_named(model: type[Nomenclature] | type[Account], year: int, words: str) -> list[str]:
    # Names are matched in Python on the shared fold (no diacritics, case-folded), as every search is.
    wanted = fold_search(words)
    return [
        code
        for code, name in model.objects.filter(year=year).values_list("code", "name")
        if wanted in fold_search(name)
    ]


def search_lines(version: BudgetVersion, unit: PerangkatDaerah, query: str = "") -> list[DpaLine]:
    """The agency's chargeable lines whose sub-kegiatan or account code starts with ``query`` or whose
    names contain it (every line when empty), at most ``SEARCH_LIMIT``, in code order; three queries."""
    lines = RkaLine.objects.filter(version=version, unit=unit).filter(
        Q(account__startswith=f"{calc.EXPENDITURE}.")
        | Q(account__startswith=f"{calc.FINANCING_EXPENDITURE}.")
    )
    query = query.strip()
    if query:
        found = Q(sub_kegiatan__startswith=query) | Q(account__startswith=query)
        if not query[0].isdigit():
            subs = _codes_named(Nomenclature, version.year, query)
            # The support program is named once as X.XX.01...: match the agency's written form too.
            support = [c for c in subs if c.startswith("X.XX.")]
            found |= Q(sub_kegiatan__in=[c for c in subs if not c.startswith("X.")])
            for code in support:
                # U.BB.PP.L.KK.SSSS is fixed-width, so the tail ".01.2.02.0001" is program 01 only.
                found |= Q(sub_kegiatan__endswith=code[4:])
            found |= Q(account__in=_codes_named(Account, version.year, query))
        lines = lines.filter(found)
    groups = list(
        lines.values("sub_kegiatan", "account", "funding")
        .annotate(ref=Min("pk"), amount=MoneySum("amount"))
        .order_by("sub_kegiatan", "account", "funding")[:SEARCH_LIMIT]
    )
    return _with_figures(version, unit, groups)


def _with_figures(
    version: BudgetVersion, unit: PerangkatDaerah, groups: Sequence[Mapping[str, Any]]
) -> list[DpaLine]:
    if not groups:
        return []
    subs = sorted({str(g["sub_kegiatan"]) for g in groups})
    accounts = sorted({str(g["account"]) for g in groups})
    spent = {
        (row["sub_kegiatan"], row["account"], row["funding"]): row["total"]
        for row in Sp2d.objects.filter(
            pemda_id=version.pemda_id,
            year=version.year,
            unit=unit,
            sub_kegiatan__in=subs,
            account__in=accounts,
        )
        .values("sub_kegiatan", "account", "funding")
        .annotate(total=MoneySum("amount"))
        .order_by()
    }
    sub_names = _nomenclature_names(version.year, [s for s in subs if s])
    account_names = dict(
        Account.objects.filter(year=version.year, code__in=accounts).values_list("code", "name")
    )
    out = []
    for g in groups:
        key = (str(g["sub_kegiatan"]), str(g["account"]), str(g["funding"]))
        out.append(
            DpaLine(
                ref=int(str(g["ref"])),
                unit=unit,
                sub_kegiatan=key[0],
                sub_kegiatan_name=sub_names.get(key[0], ""),
                account=key[1],
                account_name=account_names.get(key[1], ""),
                funding=key[2],
                amount=g["amount"],
                spent=spent.get(key, ZERO),
            )
        )
    return out


def line_choice(version: BudgetVersion, ref: int) -> DpaLine:
    """The chargeable line named by ``ref`` (an ``RkaLine`` pk of ``version``) with fresh figures;
    NotFound for a line of another pemda, another version, revenue or nothing."""
    line = (
        RkaLine.objects.filter(version=version, pk=ref)
        .filter(
            Q(account__startswith=f"{calc.EXPENDITURE}.")
            | Q(account__startswith=f"{calc.FINANCING_EXPENDITURE}.")
        )
        .select_related("unit")
        .first()
    )
    if line is None:
        raise NotFound(_("Baris DPA tidak ditemukan."))
    group = list(
        RkaLine.objects.filter(
            version=version,
            unit=line.unit,
            sub_kegiatan=line.sub_kegiatan,
            account=line.account,
            funding=line.funding,
        )
        .values("sub_kegiatan", "account", "funding")
        .annotate(ref=Min("pk"), amount=MoneySum("amount"))
        .order_by()
    )
    return _with_figures(version, line.unit, group)[0]


def revenue_accounts(version: BudgetVersion, unit: PerangkatDaerah) -> list[tuple[str, str, Decimal]]:
    """The agency's budgeted revenue and financing-receipt accounts (code, name, amount) for the STS form."""
    rows = (
        RkaLine.objects.filter(version=version, unit=unit)
        .filter(
            Q(account__startswith=f"{calc.REVENUE}.") | Q(account__startswith=f"{calc.FINANCING_RECEIPTS}.")
        )
        .values("account")
        .annotate(amount=MoneySum("amount"))
        .order_by("account")
    )
    names = dict(
        Account.objects.filter(year=version.year, code__in=[r["account"] for r in rows]).values_list(
            "code", "name"
        )
    )
    return [(r["account"], names.get(r["account"], ""), r["amount"]) for r in rows]
