"""Lines, detail rows and ceilings through the services: exact totals, codes of the year, ceilings kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spbe.budgeting import services
from spbe.budgeting.calc import detail_amount, percent
from spbe.budgeting.models import Ceiling, RkaDetail, RkaLine
from spbe.budgeting.services import DetailInput, ceiling_set, detail_change, detail_remove
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry

from .helpers import ROAD_2, SYSTEM, add, draft, line, rka


def test_detail_amount_is_one_rounding_of_the_exact_product():
    # 2 orang x 3 hari x Rp150.000,05 = 900.000,30; + PPN 11% = 999.000,333 -> 999.000,33
    assert detail_amount([Decimal(2), Decimal(3)], Decimal("150000.05"), Decimal("11")) == Decimal(
        "999000.33"
    )
    # 0,5 x Rp0,01 = 0,005 -> half up 0,01 (banker's rounding would give 0,00)
    assert detail_amount([Decimal("0.5")], Decimal("0.01")) == Decimal("0.01")


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [("1", "8", "12.50"), ("1", "800", "0.13"), ("1", "3", "33.33"), ("2", "3", "66.67"), ("5", "0", "0.00")],
)
def test_percent_is_half_up_to_two_decimals(part, whole, expected):
    assert str(percent(Decimal(part), Decimal(whole))) == expected


def test_details_roll_up_exactly_into_the_line(world, ref2028):
    road = line(rka(draft(world.pemda_a), world.unit_a))
    add(road, "150000.05", ("2", "orang"), ("3", "hari"), tax="11")
    second = add(road, "0.01", ("0,5", "m"))
    add(road, "1000", ("1", "ls"), ("2", "kali"), ("3", "x"), ("4", "y"))
    road.refresh_from_db()
    assert road.amount == Decimal("999000.33") + Decimal("0.01") + Decimal("24000.00")
    assert list(road.details.values_list("position", flat=True)) == [1, 2, 3]
    detail_change(actor=SYSTEM, detail=second, change=DetailInput("Rincian", [("1", "m")], Decimal("10")))
    road.refresh_from_db()
    assert road.amount == Decimal("999000.33") + Decimal("10.00") + Decimal("24000.00")
    detail_remove(actor=SYSTEM, detail=RkaDetail.objects.get(pk=second.pk))
    road.refresh_from_db()
    assert road.amount == Decimal("1023000.33")
    assert AuditEntry.objects.filter(action__startswith="rka.detail_").count() == 5


def test_five_factors_are_refused(world, ref2028):
    road = line(rka(draft(world.pemda_a), world.unit_a))
    with pytest.raises(ValidationFailed):
        add(road, "1", *[("1", "x")] * 5)
    assert not RkaDetail.objects.exists()


def test_line_codes_are_the_years_own(world, ref2028):
    rka_a = rka(draft(world.pemda_a), world.unit_a)
    with pytest.raises(ValidationFailed, match="rincian"):
        line(rka_a, account="5.2.04.01.01")
    with pytest.raises(ValidationFailed, match="nomenklatur"):
        line(rka_a, sub="1.03.09.2.01.0001")
    with pytest.raises(ValidationFailed, match="bidang"):
        line(rka_a, sub="1.01.01.2.02.0001")
    with pytest.raises(ValidationFailed, match="sumber dana"):
        line(rka_a, funding="DAK")
    assert line(rka_a, sub="1.03.01.2.02.0001", funding="DAU").funding == "DAU"
    assert line(rka_a, account="4.1.01.09.01.0001", sub="").sub_kegiatan == ""
    assert RkaLine.objects.count() == 2


def test_a_ceiling_is_never_exceeded(world, ref2028):
    version = draft(world.pemda_a)
    rka_a = rka(version, world.unit_a)
    first, second = line(rka_a), line(rka_a, sub=ROAD_2)
    ceiling_set(actor=SYSTEM, version=version, unit=world.unit_a, code="1.03.02", amount="1000")
    ceiling_set(actor=SYSTEM, version=version, unit=world.unit_a, code=ROAD_2, amount="300")
    add(first, "600")
    add(second, "300")
    with pytest.raises(Conflict, match=r"1\.03\.02\.2\.01\.0002"):
        add(second, "0.01")
    with pytest.raises(Conflict, match=r"1\.03\.02 "):
        add(first, "100.01")
    add(first, "100")  # exactly the program's ceiling
    # Revenue is not spending: no ceiling applies to it.
    add(line(rka_a, account="4.1.01.09.01.0001", sub=""), "5000")
    assert RkaLine.objects.filter(account__startswith="5").values_list("amount", flat=True).count() == 2
    assert sum(RkaLine.objects.filter(account__startswith="5").values_list("amount", flat=True)) == Decimal(
        "1000"
    )
    # A change that raises a detail is checked too, and so is lowering a ceiling below what is used.
    detail = RkaDetail.objects.filter(line=first).first()
    with pytest.raises(Conflict):
        detail_change(
            actor=SYSTEM, detail=detail, change=DetailInput("Rincian", [("1", "x")], Decimal("601"))
        )
    with pytest.raises(Conflict, match="lebih kecil"):
        ceiling_set(actor=SYSTEM, version=version, unit=world.unit_a, code="", amount="999.99")
    assert not Ceiling.objects.filter(code="").exists()


def test_another_agencys_operator_cannot_edit(world, ref2028):
    version = draft(world.pemda_a)
    road = line(rka(version, world.unit_a))
    with pytest.raises(PermissionDenied):
        add(road, "10", actor=world.agency_operator_a2)
    with pytest.raises(PermissionDenied):
        services.rka_open(actor=world.agency_operator_a2, version=version, unit=world.unit_a)
    with pytest.raises(PermissionDenied):
        add(road, "10", actor=world.officer_b)
    add(road, "10", actor=world.agency_operator_a)
    assert RkaDetail.objects.count() == 1
