"""Demo realisation: a year of SP2D and STS for the adopted demo APBD, through ``spbe import_realisation``'s
batch path (one generated file, all rows checked against the DPA lines, written with ``core.bulk``).

Each expenditure line is paid month by month following its sub-kegiatan's cash plan (anggaran kas) when one
is set, else a typical profile (salaries every month, goods slow in the first quarter and heavy at the end,
capital works in three termins); each sub-kegiatan absorbs a different share of its budget (from about 40%
to all of it), so the LRA and monitoring show varied absorption. Revenue arrives as monthly STS at 85-110%
of target. A few payments are partly returned later in the year (correction rows). Deterministic (seeded).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from spbe.accounts.models import Pemda
from spbe.core.actors import Actor
from spbe.core.money import SEN, allocate

from . import calc
from .imports_realisation import realisation_import
from .models import BudgetVersion, CashPlan, RkaLine

MONTHS = tuple(range(1, 13))
ABSORPTION = (1.0, 0.98, 0.96, 0.93, 0.9, 0.87, 0.82, 0.75, 0.62, 0.4)
PAYDAY = 25  # SP2D of a month are dated on its 25th (gaji on the 1st)
RETURNS = 25  # payments partly returned (pengembalian belanja)
GOODS = {1: 2, 2: 5, 3: 7, 4: 8, 5: 8, 6: 9, 7: 9, 8: 9, 9: 10, 10: 10, 11: 11, 12: 12}
TERMINS = {4: 3, 8: 4, 11: 3}
HEADER = [
    "jenis",
    "nomor",
    "tanggal",
    "kode_skpd",
    "kode_sub_kegiatan",
    "kode_rekening",
    "sumber_dana",
    "uraian",
    "jumlah",
    "jenis_sp2d",
    "nomor_koreksi",
]


def _profile(account: str) -> dict[int, int]:
    if account.startswith(calc.PERSONNEL):
        return dict.fromkeys(MONTHS, 1)
    if account.startswith("5.2."):
        return dict(TERMINS)
    return dict(GOODS)


def _rows(version: BudgetVersion, rng: random.Random) -> list[list[str]]:
    year = version.year
    plans: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
    for unit_id, sub, month, amount in CashPlan.objects.filter(version=version).values_list(
        "unit_id", "sub_kegiatan", "month", "amount"
    ):
        plans[(unit_id, sub)][month] = amount
    lines = RkaLine.objects.filter(version=version).values_list(
        "unit_id", "unit__code", "sub_kegiatan", "account", "funding", "amount"
    )
    amounts: dict[tuple[int, str, str, str], Decimal] = defaultdict(Decimal)
    codes: dict[int, str] = {}
    for unit_id, unit_code, sub, account, funding, amount in lines.order_by(
        "unit__code", "sub_kegiatan", "account", "funding"
    ):
        amounts[(unit_id, sub, account, funding)] += amount
        codes[unit_id] = unit_code
    rates: dict[tuple[int, str], float] = {}
    rows: list[list[str]] = []
    payments: list[list[str]] = []
    number = 0
    for (unit_id, sub, account, funding), amount in amounts.items():
        if not amount:
            continue
        unit = codes[unit_id]
        if account.startswith(f"{calc.REVENUE}.") or account.startswith(f"{calc.FINANCING_RECEIPTS}."):
            # Revenue at 85-110% of target, every month; SiLPA (6.1.01) in one deposit after the audit.
            if account.startswith("6.1.01"):
                months: dict[int, Decimal | int] = {5: 1}
                rate = 1.0
            else:
                months = dict.fromkeys(MONTHS, 1)
                rate = rng.uniform(0.85, 1.10)
            total = (amount * Decimal(str(rate))).quantize(SEN, rounding=ROUND_DOWN)
            for month, part in allocate(total, months, unit=SEN).items():
                if part:
                    number += 1
                    date = dt.date(year, month, min(PAYDAY, 28))
                    rows.append(
                        [
                            "sts",
                            f"STS/{number:06d}/{year}",
                            date.isoformat(),
                            unit,
                            "",
                            account,
                            "",
                            "Setoran penerimaan",
                            str(part),
                            "",
                            "",
                        ]
                    )
            continue
        rate = rates.setdefault((unit_id, sub), rng.choice(ABSORPTION))
        plan = plans.get((unit_id, sub))
        weights: dict[int, Decimal | int] = (
            dict(plan) if plan and any(plan.values()) else dict(_profile(account))
        )
        total = (amount * Decimal(str(rate))).quantize(SEN, rounding=ROUND_DOWN)
        kind = "GU" if account.startswith("5.1.02") and rng.random() < 0.3 else "LS"
        for month, part in allocate(total, weights, unit=SEN).items():
            if not part:
                continue
            number += 1
            day = 1 if account.startswith(calc.PERSONNEL) else PAYDAY
            row = [
                "sp2d",
                f"{number:06d}/SP2D/{kind}/{unit}/{year}",
                dt.date(year, month, day).isoformat(),
                unit,
                sub,
                account,
                funding,
                "Pembayaran gaji dan tunjangan" if account.startswith(calc.PERSONNEL) else "Pembayaran",
                str(part),
                kind,
                "",
            ]
            rows.append(row)
            if month < 12 and not account.startswith(calc.PERSONNEL):
                payments.append(row)
    # Some payments partly come back (kelebihan bayar), in the next month: correction rows.
    for original in rng.sample(payments, min(RETURNS, len(payments))):
        paid = Decimal(original[8])
        back = (paid * Decimal(str(rng.uniform(0.01, 0.05)))).quantize(SEN, rounding=ROUND_DOWN)
        if not back:
            continue
        number += 1
        date = dt.date.fromisoformat(original[2])
        later = dt.date(year, date.month + 1, 10)
        rows.append(
            [
                "sp2d",
                f"{number:06d}/CP/{original[3]}/{year}",
                later.isoformat(),
                *original[3:7],
                "Pengembalian kelebihan pembayaran",
                str(-back),
                original[9],
                original[1],
            ]
        )
    return rows


def seed_year(version: BudgetVersion, *, actor: Actor) -> str:
    """A year of SP2D and STS against ``version`` (adopted) through the import's batch path."""
    pemda: Pemda = version.pemda
    rows = _rows(version, random.Random(version.year * 7))
    with tempfile.TemporaryDirectory(prefix="spbe-demo-") as folder:
        path = Path(folder) / f"realisasi-{pemda.code}-{version.year}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows)
        done = realisation_import(actor=actor, pemda=pemda, year=version.year, path=path)
    return (
        f"realisasi: {done.sp2d} SP2D ({done.corrections} koreksi), {done.sts} STS; "
        f"belanja {done.spending}, pendapatan {done.revenue}"
    )
