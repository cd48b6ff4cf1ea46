"""Building a budget through the services, as the people who use it would."""

from __future__ import annotations

from decimal import Decimal

from spbe.accounts.models import PerangkatDaerah
from spbe.budgeting.models import BudgetVersion, Rka, RkaLine
from spbe.budgeting.services import DetailInput, detail_add, line_create, rka_open, version_create
from spbe.core.actors import system

from .conftest import YEAR

SYSTEM = system("tests")
ROAD = "1.03.02.2.01.0001"
ROAD_2 = "1.03.02.2.01.0002"


def draft(pemda) -> BudgetVersion:
    return version_create(actor=SYSTEM, pemda=pemda, year=YEAR)


def rka(version: BudgetVersion, unit: PerangkatDaerah) -> Rka:
    return rka_open(actor=SYSTEM, version=version, unit=unit)


def line(rka_: Rka, account: str = "5.2.04.01.01.0001", sub: str = ROAD, **more) -> RkaLine:
    return line_create(actor=SYSTEM, rka=rka_, account=account, sub_kegiatan=sub, **more)


def add(
    line_: RkaLine, price: str, *factors: tuple[str, str], actor=SYSTEM, tax: str = "0", text: str = "Rincian"
):
    return detail_add(
        actor=actor,
        line=line_,
        detail=DetailInput(text, factors or (("1", "paket"),), Decimal(price), Decimal(tax)),
    )
