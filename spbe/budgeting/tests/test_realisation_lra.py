"""The LRA for any period: by account tree, agency and program; exact amounts, percent rounded at display."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from spbe.budgeting.lra import lra, semester_one, whole_year
from spbe.budgeting.realisation import sp2d_correct
from spbe.core.errors import NotFound, ValidationFailed

from .conftest import UNIT_A, UNIT_A2, YEAR
from .helpers import ROAD, ROAD_2
from .realisation_fixtures import ATK, EDU, MODAL, REKLAME, adopted_2028, deposit, pay


@pytest.fixture
def realised(world, ref2028, tmp_path):
    adopted_2028(world, tmp_path)
    pay(world, "SP2D-1", "400000", day=dt.date(YEAR, 3, 10))
    late = pay(world, "SP2D-2", "333333.34", day=dt.date(YEAR, 8, 1))
    sp2d_correct(
        actor=world.tapd_a,
        original=late,
        number="CP-1",
        date=dt.date(YEAR, 8, 2),
        amount="0.01",
        description="Retur",
    )
    pay(world, "SP2D-3", "200000", day=dt.date(YEAR, 6, 30), sub=EDU, account=ATK, unit=world.unit_a2)
    pay(world, "SP2D-4", "50000", day=dt.date(YEAR, 7, 1), sub="", account=MODAL, unit=world.unit_a2)
    deposit(world, "STS-1", "1000000", day=dt.date(YEAR, 2, 1))
    return world


def by_code(report):
    return {row.code: row for row in report.rows}


def test_semester_one_by_account_tree(realised):
    start, end = semester_one(YEAR)
    report = lra(realised.pemda_a, YEAR, start=start, end=end)
    rows = by_code(report)
    assert (rows["5"].budget, rows["5"].realised) == (Decimal("1600000.50"), Decimal("600000.00"))
    # 600.000 / 1.600.000,50 = 37,49998...%: exact figures, rounded half up only when shown.
    assert rows["5"].percent == Decimal("37.50")
    assert (rows["4"].realised, rows["4"].percent) == (Decimal("1000000.00"), Decimal("66.67"))
    assert (rows["4.1.01.09.01.0001"].percent, rows["4.1.01.09.01.0001"].remaining) == (
        Decimal("111.11"),
        Decimal("-100000.00"),
    )
    assert rows["5.2.04"].percent == Decimal("40.00") and rows["5.2.04"].level == 2
    assert "6" not in rows and rows["6.2"].level == 0 and rows["6.2"].realised == 0  # paid on 1 July
    assert rows["5.1.02"].realised == Decimal("200000.00")
    assert [r.code for r in report.rows][:3] == ["4", "4.1", "4.1.01"]
    assert report.summary["surplus_defisit"].realised == Decimal("400000.00")
    assert report.summary["silpa"].budget == Decimal("0.00")
    shallow = lra(realised.pemda_a, YEAR, start=start, end=end, depth=3)
    assert max(len(r.code.split(".")) for r in shallow.rows) == 3


def test_year_end_by_agency_and_by_program(realised):
    start, end = whole_year(YEAR)
    rows = lra(realised.pemda_a, YEAR, start=start, end=end, view="skpd").rows
    assert [(r.kind, r.code) for r in rows] == [
        ("heading", "4"),
        ("row", UNIT_A2),
        ("row", UNIT_A),
        ("heading", "5"),
        ("row", UNIT_A2),
        ("row", UNIT_A),
        ("heading", "6.1"),
        ("row", UNIT_A2),
        ("heading", "6.2"),
        ("row", UNIT_A2),
    ]
    assert (rows[5].budget, rows[5].realised) == (Decimal("1400000.50"), Decimal("733333.33"))
    assert rows[9].percent == Decimal("100.00")

    program = by_code(lra(realised.pemda_a, YEAR, start=start, end=end, view="program"))
    assert (program["1.03.02"].budget, program["1.03.02"].realised) == (
        Decimal("1100000.50"),
        Decimal("733333.33"),
    )
    assert program[ROAD].level == 2 and program[ROAD].realised == Decimal("733333.33")
    assert program[ROAD_2].realised == 0 and program["1.01.02"].percent == Decimal("100.00")
    assert program["1.03.01"].name == "N X.XX.01"  # the support program named from the X.XX list
    total = [
        r for r in lra(realised.pemda_a, YEAR, start=start, end=end, view="program").rows if r.kind == "total"
    ]
    assert (total[0].budget, total[0].realised) == (Decimal("1600000.50"), Decimal("933333.33"))


def test_any_period_and_one_agency(realised):
    august = lra(realised.pemda_a, YEAR, start=dt.date(YEAR, 8, 1), end=dt.date(YEAR, 8, 1), view="program")
    assert by_code(august)[ROAD].realised == Decimal("333333.34")  # the return on 2 August is outside
    mine = lra(
        realised.pemda_a, YEAR, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31), unit=realised.unit_a2
    )
    rows = by_code(mine)
    assert "4.1" not in rows and rows["5"].realised == Decimal("200000.00") and REKLAME not in rows
    with pytest.raises(ValidationFailed):
        lra(realised.pemda_a, YEAR, start=dt.date(YEAR, 7, 1), end=dt.date(YEAR, 6, 30))
    with pytest.raises(ValidationFailed):
        lra(realised.pemda_a, YEAR, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR + 1, 1, 1))
    with pytest.raises(NotFound):
        lra(realised.pemda_b, YEAR, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 1, 2))
