"""An adopted APBD 2028 of pemda A to realise: two agencies, expenditure, revenue and financing lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from spbe.budgeting.imports import budget_import
from spbe.budgeting.models import BudgetVersion, Rka, RkaDetail, RkaLine
from spbe.budgeting.realisation import Sp2dInput, StsInput, sp2d_record, sts_record
from spbe.budgeting.services import (
    DetailInput,
    detail_change,
    line_review,
    rka_submit,
    rka_verify,
    version_adopt,
    version_revise,
)

from .conftest import UNIT_A, UNIT_A2, YEAR, row, write_csv
from .helpers import ROAD, ROAD_2, SYSTEM

PERSONNEL, ATK, JALAN = "5.1.01.01.01.0001", "5.1.02.01.01.0024", "5.2.04.01.01.0001"
REKLAME, DAU, SILPA, MODAL = (
    "4.1.01.09.01.0001",
    "4.2.01.01.01.0001",
    "6.1.01.01.01.0001",
    "6.2.02.01.01.0001",
)
SUPPORT_A, EDU = "1.03.01.2.02.0001", "1.01.02.2.01.0001"
ROWS = [
    row(UNIT_A, SUPPORT_A, PERSONNEL, "1", "300000"),
    row(UNIT_A, ROAD, JALAN, "1", "1000000.50"),
    row(UNIT_A, ROAD_2, ATK, "1", "100000"),
    row(UNIT_A2, EDU, ATK, "1", "200000"),
    row(UNIT_A, "", REKLAME, "1", "900000"),
    row(UNIT_A2, "", DAU, "1", "600000.50"),
    row(UNIT_A2, "", SILPA, "1", "150000"),
    row(UNIT_A2, "", MODAL, "1", "50000"),
]


def adopt(version: BudgetVersion, only: list[Rka] | None = None) -> BudgetVersion:
    for rka in only if only is not None else Rka.objects.filter(version=version):
        rka_submit(actor=SYSTEM, rka=rka)
        for line in RkaLine.objects.filter(rka=rka):
            line_review(actor=SYSTEM, line=line, accept=True)
        rka_verify(actor=SYSTEM, rka=rka)
    return version_adopt(actor=SYSTEM, version=version)


def adopted_2028(world, tmp_path: Path) -> BudgetVersion:
    budget_import(actor=SYSTEM, pemda=world.pemda_a, year=YEAR, path=write_csv(tmp_path / "apbd.csv", ROWS))
    return adopt(BudgetVersion.objects.get(pemda=world.pemda_a, year=YEAR))


def revise_road(version: BudgetVersion, price: str) -> BudgetVersion:
    """Adopt a perubahan in which the road line (unit A, ROAD, JALAN) costs ``price``."""
    draft = version_revise(actor=SYSTEM, version=version)
    detail = RkaDetail.objects.get(line__version=draft, line__account=JALAN, line__sub_kegiatan=ROAD)
    detail_change(
        actor=SYSTEM, detail=detail, change=DetailInput(detail.description, (("1", "paket"),), Decimal(price))
    )
    return adopt(draft)


def pay(
    world, number: str, amount: str, *, day: dt.date = dt.date(YEAR, 3, 1), sub=ROAD, account=JALAN, unit=None
):
    return sp2d_record(
        actor=world.tapd_a,
        pemda=world.pemda_a,
        year=YEAR,
        entry=Sp2dInput(unit or world.unit_a, number, day, "LS", sub, account, "", "Pembayaran", amount),
    )[0]


def deposit(
    world, number: str, amount: str, *, day: dt.date = dt.date(YEAR, 2, 1), account=REKLAME, unit=None
):
    return sts_record(
        actor=world.tapd_a,
        pemda=world.pemda_a,
        year=YEAR,
        entry=StsInput(unit or world.unit_a, number, day, account, "Setoran", amount),
    )[0]
