"""LRA (laporan realisasi anggaran): budget against realisation for any period of a year.

The budget is the newest version adopted by the end of the period (:func:`realisation.newest_adopted`); the
realisation is the net of SP2D (spending, 5.x; financing expenditure, 6.2) and STS (revenue, 4.x; financing
receipts, 6.1) rows dated within the period. Amounts are exact sums in SQL; a row's percentage is computed
from the exact amounts only when shown (``LraRow.percent``: 2 decimals, half up).

Five views of the same figures: by account tree (akun, kelompok, jenis, objek, rincian objek, sub rincian
objek), by agency, by program (program, kegiatan, sub kegiatan), by function (fungsi, sub fungsi, through
the bidang urusan of each sub-kegiatan: :mod:`spbe.budgeting.fungsi`) and the summary (pendapatan,
belanja, surplus/defisit, pembiayaan, SiLPA). The program and function views cover spending (5.x) only and
end with its total, equal to the account view's 5.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core.errors import NotFound, ValidationFailed
from spbe.core.money_sql import MoneySum
from spbe.reference.models import Account, Nomenclature

from . import calc, fungsi
from .models import BudgetVersion, RkaLine
from .models_realisation import Sp2d, Sts
from .realisation import newest_adopted

ZERO = Decimal("0.00")
VIEWS = ("akun", "skpd", "program", "fungsi")
View = Literal["akun", "skpd", "program", "fungsi"]
ACCOUNT_DEPTH = 6  # akun .. sub rincian objek
PROGRAM_DEPTH = 3  # program, kegiatan, sub kegiatan
FUNGSI_DEPTH = 2  # fungsi, sub fungsi


@dataclass(frozen=True)
class LraRow:
    """One row: ``kind`` is ``row`` (a code of the tree at ``level``), ``heading`` or ``total``."""

    code: str
    name: str
    level: int
    budget: Decimal
    realised: Decimal
    kind: str = "row"

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.realised

    @property
    def percent(self) -> Decimal | None:
        """Realisation as a percentage of the budget, rounded half up to 2 decimals here, at display only;
        ``None`` without a budget."""
        return calc.percent(self.realised, self.budget) if self.budget else None


@dataclass(frozen=True)
class Pair:
    budget: Decimal
    realised: Decimal

    @property
    def percent(self) -> Decimal | None:
        return calc.percent(self.realised, self.budget) if self.budget else None


@dataclass
class Lra:
    pemda: Pemda
    year: int
    version: BudgetVersion
    start: dt.date
    end: dt.date
    view: str
    unit: PerangkatDaerah | None
    rows: list[LraRow] = field(default_factory=list)
    summary: dict[str, Pair] = field(default_factory=dict)


def semester_one(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 6, 30)


def whole_year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def check_period(year: int, start: dt.date, end: dt.date) -> None:
    if start.year != year or end.year != year:
        raise ValidationFailed(
            _("Periode harus di dalam tahun anggaran %(year)d.") % {"year": year}, field="dari"
        )
    if start > end:
        raise ValidationFailed(_("Tanggal awal periode sesudah tanggal akhirnya."), field="dari")


# ------------------------------------------------------------------------------------------ the figures


def _lines(version: BudgetVersion, unit: PerangkatDaerah | None) -> QuerySet[RkaLine]:
    lines = RkaLine.objects.filter(version=version)
    return lines.filter(unit=unit) if unit is not None else lines


def _payments(
    pemda: Pemda, year: int, start: dt.date, end: dt.date, unit: PerangkatDaerah | None
) -> QuerySet[Sp2d]:
    rows = Sp2d.objects.filter(pemda=pemda, year=year, date__gte=start, date__lte=end)
    return rows.filter(unit=unit) if unit is not None else rows


def _deposits(
    pemda: Pemda, year: int, start: dt.date, end: dt.date, unit: PerangkatDaerah | None
) -> QuerySet[Sts]:
    rows = Sts.objects.filter(pemda=pemda, year=year, date__gte=start, date__lte=end)
    return rows.filter(unit=unit) if unit is not None else rows


def _by(
    queryset: QuerySet[RkaLine] | QuerySet[Sp2d] | QuerySet[Sts], *fields: str
) -> dict[tuple[str, ...], Decimal]:
    rows = queryset.values(*fields).annotate(total=MoneySum("amount")).order_by()
    return {tuple(str(row[f]) for f in fields): row["total"] for row in rows}


def _by_account(lra: Lra) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    budget = {k[0]: v for k, v in _by(_lines(lra.version, lra.unit), "account").items()}
    realised: dict[str, Decimal] = defaultdict(Decimal)
    for source in (
        _payments(lra.pemda, lra.year, lra.start, lra.end, lra.unit),
        _deposits(lra.pemda, lra.year, lra.start, lra.end, lra.unit),
    ):
        for (account,), total in _by(source, "account").items():
            realised[account] += total
    return budget, dict(realised)


def _sum(values: dict[str, Decimal], prefix: str) -> Decimal:
    return sum((v for k, v in values.items() if k == prefix or k.startswith(f"{prefix}.")), ZERO)


def _summary(budget: dict[str, Decimal], realised: dict[str, Decimal]) -> dict[str, Pair]:
    def pair(prefix: str) -> Pair:
        return Pair(_sum(budget, prefix), _sum(realised, prefix))

    revenue, spending = pair(calc.REVENUE), pair(calc.EXPENDITURE)
    receipts, payments = pair(calc.FINANCING_RECEIPTS), pair(calc.FINANCING_EXPENDITURE)
    surplus = Pair(revenue.budget - spending.budget, revenue.realised - spending.realised)
    net = Pair(receipts.budget - payments.budget, receipts.realised - payments.realised)
    return {
        "pendapatan": revenue,
        "belanja": spending,
        "surplus_defisit": surplus,
        "penerimaan_pembiayaan": receipts,
        "pengeluaran_pembiayaan": payments,
        "pembiayaan_netto": net,
        "silpa": Pair(surplus.budget + net.budget, surplus.realised + net.realised),
    }


def _account_rows(
    lra: Lra, budget: dict[str, Decimal], realised: dict[str, Decimal], depth: int
) -> list[LraRow]:
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for index, source in enumerate((budget, realised)):
        for account, amount in source.items():
            parts = account.split(".")
            for n in range(1, min(depth, len(parts)) + 1):
                totals[".".join(parts[:n])][index] += amount
    # Financing is read as receipts (6.1) and expenditure (6.2); their sum "6" means nothing.
    totals.pop(calc.FINANCING, None)
    names = dict(Account.objects.filter(year=lra.year, code__in=list(totals)).values_list("code", "name"))
    names.setdefault(calc.FINANCING_RECEIPTS, _("Penerimaan Pembiayaan"))
    names.setdefault(calc.FINANCING_EXPENDITURE, _("Pengeluaran Pembiayaan"))
    rows = []
    for code in sorted(totals, key=lambda c: [int(p) for p in c.split(".")]):
        b, r = totals[code]
        if not b and not r:
            continue
        level = code.count(".") - (1 if code.startswith(f"{calc.FINANCING}.") else 0)
        rows.append(LraRow(code, names.get(code, ""), level, b, r))
    return rows


def _unit_rows(lra: Lra) -> list[LraRow]:
    budget = _by(_lines(lra.version, lra.unit), "unit_id", "account")
    realised: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for source in (
        _payments(lra.pemda, lra.year, lra.start, lra.end, lra.unit),
        _deposits(lra.pemda, lra.year, lra.start, lra.end, lra.unit),
    ):
        for key, total in _by(source, "unit_id", "account").items():
            realised[key] += total
    sections = (
        (calc.REVENUE, _("Pendapatan")),
        (calc.EXPENDITURE, _("Belanja")),
        (calc.FINANCING_RECEIPTS, _("Penerimaan Pembiayaan")),
        (calc.FINANCING_EXPENDITURE, _("Pengeluaran Pembiayaan")),
    )
    per: dict[tuple[str, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for index, figures in enumerate((budget, dict(realised))):
        for (unit_id, account), amount in figures.items():
            for prefix, _label in sections:
                if account.startswith(f"{prefix}."):
                    per[(prefix, int(unit_id))][index] += amount
    units = {
        u.pk: u
        for u in PerangkatDaerah.objects.filter(pk__in={unit_id for _prefix, unit_id in per}).order_by("code")
    }
    rows = []
    for prefix, label in sections:
        mine = sorted(((units[u].code, u) for p, u in per if p == prefix))
        if not mine:
            continue
        rows.append(
            LraRow(
                prefix,
                label,
                0,
                sum((per[(prefix, u)][0] for _c, u in mine), ZERO),
                sum((per[(prefix, u)][1] for _c, u in mine), ZERO),
                "heading",
            )
        )
        for code, pk in mine:
            b, r = per[(prefix, pk)]
            rows.append(LraRow(code, units[pk].name, 1, b, r))
    return rows


Sums = dict[tuple[str, ...], Decimal]


def _spending_by_sub_kegiatan(lra: Lra) -> tuple[Sums, Sums]:
    spending = f"{calc.EXPENDITURE}."
    budget = _by(_lines(lra.version, lra.unit).filter(account__startswith=spending), "sub_kegiatan")
    realised = _by(
        _payments(lra.pemda, lra.year, lra.start, lra.end, lra.unit).filter(account__startswith=spending),
        "sub_kegiatan",
    )
    return budget, realised


def _fungsi_rows(lra: Lra, depth: int) -> list[LraRow]:
    mapping = fungsi.fungsi_map(lra.year)
    budget, realised = _spending_by_sub_kegiatan(lra)
    rows = [
        LraRow(t.code, t.name, t.level, t.budget, t.realised)
        for t in fungsi.by_fungsi(
            mapping,
            {k[0]: v for k, v in budget.items()},
            {k[0]: v for k, v in realised.items()},
            depth=depth,
        )
    ]
    rows.append(
        LraRow("", _("Jumlah belanja"), 0, sum(budget.values(), ZERO), sum(realised.values(), ZERO), "total")
    )
    return rows


def _program_rows(lra: Lra, depth: int) -> list[LraRow]:
    budget, realised = _spending_by_sub_kegiatan(lra)
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for index, source in enumerate((budget, realised)):
        for (sub,), amount in source.items():
            parts = sub.split(".")
            # program U.BB.PP, kegiatan U.BB.PP.L.KK, sub kegiatan U.BB.PP.L.KK.SSSS
            for n in (3, 5, 6)[:depth]:
                totals[".".join(parts[:n])][index] += amount
    names = _nomenclature_names(lra.year, list(totals))
    rows = []
    for code in sorted(totals):
        b, r = totals[code]
        level = {3: 0, 5: 1, 6: 2}[code.count(".") + 1]
        rows.append(LraRow(code, names.get(code, ""), level, b, r))
    rows.append(
        LraRow(
            "",
            _("Jumlah belanja"),
            0,
            sum(budget.values(), ZERO),
            sum(realised.values(), ZERO),
            "total",
        )
    )
    return rows


def _nomenclature_names(year: int, codes: list[str]) -> dict[str, str]:
    """Names of nomenclature codes; the support program (``U.BB.01...``) is named as ``X.XX.01...``."""
    wanted = set(codes) | {
        f"X.XX.{c.split('.', 2)[2]}" for c in codes if c.count(".") >= 2 and c.split(".")[2] == "01"
    }
    found = dict(Nomenclature.objects.filter(year=year, code__in=wanted).values_list("code", "name"))
    out = {}
    for code in codes:
        name = found.get(code)
        if name is None and code.count(".") >= 2 and code.split(".")[2] == "01":
            name = found.get(f"X.XX.{code.split('.', 2)[2]}")
        out[code] = name or ""
    return out


def lra(
    pemda: Pemda,
    year: int,
    *,
    start: dt.date,
    end: dt.date,
    view: str = "akun",
    depth: int | None = None,
    unit: PerangkatDaerah | None = None,
) -> Lra:
    """The LRA of ``pemda``'s ``year`` from ``start`` to ``end`` (inclusive), in one ``view``: ``akun`` (the
    account tree down to ``depth`` levels, 1-6), ``skpd`` (per agency within pendapatan, belanja and
    financing), ``program`` (program, kegiatan, sub kegiatan down to ``depth``, 1-3) or ``fungsi``
    (function, then sub-function at ``depth`` 2, the default); of one agency when
    ``unit`` is given. NotFound when no version was adopted by ``end``."""
    check_period(year, start, end)
    if view not in VIEWS:
        raise ValidationFailed(_("Tampilan LRA adalah akun, skpd, program atau fungsi."), field="menurut")
    version = newest_adopted(pemda, year, on=end) or newest_adopted(pemda, year)
    if version is None:
        raise NotFound(_("APBD %(year)d belum ditetapkan.") % {"year": year})
    report = Lra(pemda, year, version, start, end, view, unit)
    budget, realised = _by_account(report)
    report.summary = _summary(budget, realised)
    if view == "akun":
        report.rows = _account_rows(
            report, budget, realised, max(1, min(depth or ACCOUNT_DEPTH, ACCOUNT_DEPTH))
        )
    elif view == "skpd":
        report.rows = _unit_rows(report)
    elif view == "fungsi":
        report.rows = _fungsi_rows(report, max(1, min(depth or FUNGSI_DEPTH, FUNGSI_DEPTH)))
    else:
        report.rows = _program_rows(report, max(1, min(depth or PROGRAM_DEPTH, PROGRAM_DEPTH)))
    return report


# ------------------------------------------------------------------------------------------- registers


def sp2d_register(
    pemda: Pemda,
    year: int,
    *,
    unit: PerangkatDaerah | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Sp2d]:
    """The year's SP2D rows (corrections included), newest first, of one agency when ``unit`` is given."""
    rows = Sp2d.objects.filter(pemda=pemda, year=year).select_related("unit", "corrects")
    if unit is not None:
        rows = rows.filter(unit=unit)
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    return rows.order_by("-date", "-pk")


def sts_register(
    pemda: Pemda,
    year: int,
    *,
    unit: PerangkatDaerah | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Sts]:
    """The year's STS rows (corrections included), newest first, of one agency when ``unit`` is given."""
    rows = Sts.objects.filter(pemda=pemda, year=year).select_related("unit", "corrects")
    if unit is not None:
        rows = rows.filter(unit=unit)
    if start is not None:
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    return rows.order_by("-date", "-pk")


def corrections_of[T: (Sp2d, Sts)](original: T) -> list[T]:
    """The corrections recorded against one SP2D or STS, oldest first."""
    model = type(original)
    return list(model.objects.filter(corrects_id=original.pk).select_related("unit").order_by("date", "pk"))


def unit_by_code(pemda: Pemda, code: str) -> PerangkatDaerah:
    unit = PerangkatDaerah.objects.filter(pemda=pemda, code=code.strip()).first()
    if unit is None:
        raise ValidationFailed(_("Perangkat daerah %(code)s tidak ada.") % {"code": code}, field="kode_skpd")
    return unit
