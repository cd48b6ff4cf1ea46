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


def adopted_apbd(world, year: int) -> BudgetVersion:
    """Pemda A's APBD of ``year`` adopted with one revenue line of Rp1.500.000,50 at unit A (the same one on
    every call within a test); ``year``'s reference lists must be loaded (the bundled year is)."""
    from spbe.budgeting.services import line_review, rka_submit, rka_verify, version_adopt

    found = BudgetVersion.objects.filter(pemda=world.pemda_a, year=year, version_state="frozen").first()
    if found is not None:
        return found
    version = version_create(actor=SYSTEM, pemda=world.pemda_a, year=year)
    rka_a = rka(version, world.unit_a)
    revenue = line_create(actor=SYSTEM, rka=rka_a, account="4.1.01.09.01.0001")
    detail_add(
        actor=world.agency_operator_a,
        line=revenue,
        detail=DetailInput("Pajak reklame", (("1", "tahun"),), Decimal("1500000.50")),
    )
    rka_submit(actor=world.agency_head_a, rka=rka_a)
    for each in RkaLine.objects.filter(rka=rka_a):
        line_review(actor=world.tapd_a, line=each, accept=True)
    rka_verify(actor=world.tapd_a, rka=rka_a)
    return version_adopt(actor=world.tapd_a, version=version)
