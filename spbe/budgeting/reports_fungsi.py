"""The APBD summary by function (issue 7, point 9): spending of one version by function, sub-function and
bidang urusan, split into belanja operasi, modal, tidak terduga and transfer (the shape of the APBD annex
that aligns regional spending with the national functions), as a page, XLSX and PDF.

One grouped query (sub-kegiatan x kelompok) folded in Python through the year's function map; every
figure is an exact sum, the grand total equals the version's spending (akun 5) to the sen. Reads only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.core.exports import Column
from spbe.core.money_sql import MoneySum

from . import calc, fungsi
from .models import BudgetVersion, RkaLine
from .models_fungsi import FungsiBidang

ZERO = Decimal("0.00")
# Kelompok belanja of the chart (Permendagri 90/2019): operasi, modal, tidak terduga, transfer.
GROUPS = ("5.1", "5.2", "5.3", "5.4")
GROUP_LABELS = (
    gettext_lazy("Belanja Operasi"),
    gettext_lazy("Belanja Modal"),
    gettext_lazy("Belanja Tidak Terduga"),
    gettext_lazy("Belanja Transfer"),
)


@dataclass(frozen=True)
class FungsiRow:
    """A function (level 0), sub-function (1) or bidang (2): amounts per kelompok and their total."""

    code: str
    name: str
    level: int
    amounts: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass
class FungsiSummary:
    version: BudgetVersion
    rows: list[FungsiRow] = field(default_factory=list)
    totals: tuple[Decimal, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum(self.totals, ZERO)


def _group_index(account_prefix: str) -> int:
    # A 5.x kelompok outside the four (none today) counts with operasi rather than vanishing from the sum.
    return GROUPS.index(account_prefix) if account_prefix in GROUPS else 0


def apbd_by_fungsi(version: BudgetVersion) -> FungsiSummary:
    """Spending of ``version`` by function, sub-function and bidang (NotFound when the year's function
    list is not loaded)."""
    mapping = fungsi.fungsi_map(version.year)
    bidang_names = dict(FungsiBidang.objects.filter(year=version.year).values_list("bidang", "name"))
    rows = (
        RkaLine.objects.filter(version=version, account__startswith=f"{calc.EXPENDITURE}.")
        .annotate(kelompok=Substr("account", 1, 3))
        .values("sub_kegiatan", "kelompok")
        .annotate(total=MoneySum("amount"))
        .order_by()
    )
    per: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * len(GROUPS))
    for row in rows:
        index = _group_index(row["kelompok"])
        sub = mapping.sub_fungsi_of(row["sub_kegiatan"])
        top = mapping.parent.get(sub, fungsi.UNMAPPED)
        bidang = fungsi.bidang_of(row["sub_kegiatan"])
        keys = [top] if sub == fungsi.UNMAPPED else [top, sub, f"{sub}/{bidang}"]
        for key in keys:
            per[key][index] += row["total"]
    summary = FungsiSummary(version)
    totals = [ZERO] * len(GROUPS)

    def order(key: str) -> tuple[bool, str]:
        return key == fungsi.UNMAPPED, key

    for key in sorted(per, key=order):
        amounts = tuple(per[key])
        if key == fungsi.UNMAPPED:
            summary.rows.append(FungsiRow("", _("Tanpa fungsi (bidang belum dipetakan)"), 0, amounts))
        elif "/" in key:
            bidang = key.split("/", 1)[1]
            summary.rows.append(FungsiRow(bidang, bidang_names.get(bidang, ""), 2, amounts))
        else:
            summary.rows.append(FungsiRow(key, mapping.names.get(key, ""), key.count("."), amounts))
        if key == fungsi.UNMAPPED or "." not in key:
            totals = [t + a for t, a in zip(totals, amounts, strict=True)]
    summary.totals = tuple(totals)
    return summary


def xlsx_rows(summary: FungsiSummary) -> Iterator[tuple[str, str, tuple[Decimal, ...], Decimal]]:
    for row in summary.rows:
        yield (row.code, row.name, row.amounts, row.total)
    yield ("", _("Jumlah belanja"), summary.totals, summary.total)


def _amount(index: int) -> Callable[[Any], Decimal]:
    def read(row: Any) -> Decimal:
        return row[2][index]  # type: ignore[no-any-return]

    return read


def xlsx_columns() -> list[Column]:
    return [
        Column(gettext_lazy("Kode"), lambda r: r[0], width=16),
        Column(gettext_lazy("Fungsi / sub fungsi / bidang urusan"), lambda r: r[1], width=56),
        *(Column(label, _amount(i), kind="money", width=22) for i, label in enumerate(GROUP_LABELS)),
        Column(gettext_lazy("Jumlah"), lambda r: r[3], kind="money", width=22),
    ]
