"""The critical-contract rule at its boundaries (issue 9 point 5), exact, with no database."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spbe.monitoring.rules import (
    ContractInput,
    PlanError,
    check_plan,
    planned_at,
    projected_finish,
    reported_at,
    status,
    two_decimals,
)

D = dt.date
F = Fraction
MULAI = D(2026, 3, 1)
# 0% on 1 March, 70% on 31 May (91 days later), 100% on 30 September.
PLAN = ((D(2026, 5, 31), F(70)), (D(2026, 9, 30), F(100)))


def contract(tanggal, reports=(), plan=PLAN, tahun=2026, mulai=MULAI):
    return ContractInput("K", tahun, mulai, tuple(plan), tuple(reports), tanggal)


def test_it_interpolates_the_plan_from_zero_at_the_start():
    assert planned_at(MULAI, PLAN, MULAI) == 0
    assert planned_at(MULAI, PLAN, D(2026, 2, 1)) == 0  # before the start
    assert planned_at(MULAI, PLAN, D(2026, 3, 2)) == F(70, 91)
    assert planned_at(MULAI, PLAN, D(2026, 5, 31)) == 70
    assert planned_at(MULAI, PLAN, D(2026, 6, 1)) == 70 + F(30, 122)
    assert planned_at(MULAI, PLAN, D(2026, 9, 30)) == 100
    assert planned_at(MULAI, PLAN, D(2027, 1, 1)) == 100  # the last point's value after it
    assert planned_at(MULAI, (), D(2026, 6, 1)) == 0  # no plan at all


def test_it_stays_at_the_last_point_below_100():
    plan = ((D(2026, 4, 1), F(40)),)
    assert planned_at(MULAI, plan, D(2026, 12, 1)) == 40


def test_plan_points_on_or_before_the_start_count_only_as_zero():
    plan = ((D(2026, 1, 1), F(0)), (MULAI, F(0)), (D(2026, 3, 31), F(30)))
    check_plan(MULAI, plan)
    assert planned_at(MULAI, plan, D(2026, 3, 16)) == 15
    with pytest.raises(PlanError) as raised:
        check_plan(MULAI, ((D(2026, 2, 1), F(5)), (D(2026, 4, 1), F(30))))
    assert raised.value.index == 0
    with pytest.raises(PlanError):
        check_plan(MULAI, ((MULAI, F(1)),))


def test_a_plan_that_goes_down_or_repeats_a_date_is_refused():
    with pytest.raises(PlanError) as raised:
        check_plan(MULAI, ((D(2026, 4, 1), F(30)), (D(2026, 5, 1), F(29)), (D(2026, 6, 1), F(50))))
    assert raised.value.index == 1
    with pytest.raises(PlanError):
        check_plan(MULAI, ((D(2026, 4, 1), F(30)), (D(2026, 4, 1), F(30))))
    check_plan(MULAI, ((D(2026, 4, 1), F(30)), (D(2026, 5, 1), F(30))))  # flat is cumulative


def test_it_takes_the_latest_report_at_or_before_the_date():
    reports = ((D(2026, 4, 1), F(10)), (D(2026, 4, 10), F(20)), (D(2026, 4, 10), F(18)))
    assert reported_at(reports, D(2026, 3, 31)) == 0
    assert reported_at(reports, D(2026, 4, 1)) == 10
    assert reported_at(reports, D(2026, 4, 9)) == 10
    assert reported_at(reports, D(2026, 4, 10)) == 18  # the correction, listed last, counts
    assert reported_at((), D(2026, 4, 10)) == 0


def test_exactly_70_is_period_one_and_just_above_is_period_two():
    at_70 = status(contract(D(2026, 5, 31), [(D(2026, 5, 31), F(60))]))
    assert (at_70.rencana, at_70.periode) == (70, "I")
    assert at_70.kritis is False  # deviasi exactly 10 in period I
    past_70 = status(contract(D(2026, 6, 1), [(D(2026, 5, 31), F(60))]))
    assert past_70.periode == "II"
    assert past_70.kritis is True  # deviasi 10.25 > 5


def test_deviasi_exactly_10_in_period_one():
    plan = ((D(2026, 4, 30), F(50)), (D(2026, 9, 30), F(100)))
    assert status(contract(D(2026, 4, 30), [(D(2026, 4, 30), F(40))], plan)).kritis is False
    assert status(contract(D(2026, 4, 30), [(D(2026, 4, 30), F("39.99"))], plan)).kritis is True
    assert status(contract(D(2026, 4, 30), [(D(2026, 4, 30), F("40.01"))], plan)).kritis is False


def test_deviasi_exactly_5_in_period_two_is_not_critical_even_when_late():
    plan = ((D(2026, 6, 30), F(80)), (D(2026, 12, 31), F(100)))
    # 75 reported, no progress in the last 30 days: no projection, yet deviasi is exactly 5.
    result = status(contract(D(2026, 6, 30), [(D(2026, 5, 1), F(75))], plan))
    assert (result.deviasi, result.periode, result.proyeksi_selesai) == (5, "II", None)
    assert result.kritis is False
    assert status(contract(D(2026, 6, 30), [(D(2026, 5, 1), F("74.99"))], plan)).kritis is True
    # Just under 5 with no progress: projected past the year end (no projection), so critical.
    under = status(contract(D(2026, 6, 30), [(D(2026, 5, 1), F("75.01"))], plan))
    assert under.kritis is True


def test_period_two_small_deviation_depends_on_the_projected_finish():
    plan = ((D(2026, 9, 1), F(90)), (D(2026, 12, 31), F(100)))
    # At 1 Sep: rencana 90; 87 now, 57 thirty days ago: 1%/day, 13 days to go: 14 Sep. Not critical.
    fast = status(contract(D(2026, 9, 1), [(D(2026, 8, 2), F(57)), (D(2026, 9, 1), F(87))], plan))
    assert (fast.deviasi, fast.proyeksi_selesai, fast.kritis) == (3, D(2026, 9, 14), False)
    # 87 now, 86 thirty days ago: 1/30 %/day, 390 days to go: 26 Sep 2027, past the year end.
    slow = status(contract(D(2026, 9, 1), [(D(2026, 8, 2), F(86)), (D(2026, 9, 1), F(87))], plan))
    assert (slow.proyeksi_selesai, slow.kritis) == (D(2027, 9, 26), True)
    # A finish exactly on 31 December is not after it.
    days_left = (D(2026, 12, 31) - D(2026, 9, 1)).days  # 121
    before = F(87) - F(13 * 30, days_left)
    edge = status(contract(D(2026, 9, 1), [(D(2026, 8, 2), before), (D(2026, 9, 1), F(87))], plan))
    assert (edge.proyeksi_selesai, edge.kritis) == (D(2026, 12, 31), False)
    later = status(
        contract(D(2026, 9, 1), [(D(2026, 8, 2), before + F(1, 1000)), (D(2026, 9, 1), F(87))], plan)
    )
    assert later.proyeksi_selesai == D(2027, 1, 1)
    assert later.kritis is True


def test_ahead_of_plan_is_never_critical():
    plan = ((D(2026, 9, 1), F(90)), (D(2026, 12, 31), F(100)))
    ahead = status(contract(D(2026, 9, 1), [(D(2026, 8, 1), F(91))], plan))
    assert ahead.deviasi == -1
    assert ahead.proyeksi_selesai is None  # no progress in 30 days
    assert ahead.kritis is False
    on_plan = status(contract(D(2026, 9, 1), [(D(2026, 8, 1), F(90))], plan))
    assert (on_plan.deviasi, on_plan.kritis) == (0, False)


def test_no_reports():
    early = status(contract(D(2026, 4, 1)))
    assert (early.realisasi, early.proyeksi_selesai, early.periode) == (0, None, "I")
    assert early.rencana == F(70 * 31, 91)
    assert early.kritis is True  # 23.8 points behind in period I
    before_start = status(contract(D(2026, 2, 1)))
    assert (before_start.rencana, before_start.deviasi, before_start.kritis) == (0, 0, False)


def test_finished_work_has_no_projection_and_is_not_critical():
    done = status(contract(D(2026, 11, 1), [(D(2026, 10, 1), F(100))]))
    assert (done.realisasi, done.proyeksi_selesai, done.kritis) == (100, None, False)
    assert done.deviasi == 0


def test_the_pace_reads_the_report_at_or_before_thirty_days_earlier():
    tanggal = D(2026, 6, 30)
    # A report exactly 30 days before counts as "then"; one a day later does not.
    exact = [(D(2026, 5, 31), F(40)), (D(2026, 6, 30), F(55))]
    assert status(contract(tanggal, exact)).proyeksi_selesai == tanggal + dt.timedelta(days=90)
    # 31 May has no report: the pace starts from 20 May's 30 (45 / (25/30) = 54 days), not 1 June's 40.
    later = [(D(2026, 5, 20), F(30)), (D(2026, 6, 1), F(40)), (D(2026, 6, 30), F(55))]
    assert status(contract(tanggal, later)).proyeksi_selesai == tanggal + dt.timedelta(days=54)
    # Nothing reported 30 days before: the pace starts from 0.
    first = [(D(2026, 6, 10), F(30))]
    assert status(contract(tanggal, first)).proyeksi_selesai == tanggal + dt.timedelta(days=70)


def test_the_projection_rounds_up_to_a_whole_day():
    assert projected_finish(D(2026, 6, 1), F(70), F(69)) == D(2026, 6, 1) + dt.timedelta(days=900)
    # 30 / 7 per 30 days: 30 / (7/30) = 128.57 days -> 129.
    assert projected_finish(D(2026, 6, 1), F(70), F(63)) == D(2026, 6, 1) + dt.timedelta(days=129)
    assert projected_finish(D(2026, 6, 1), F(70), F(70)) is None
    assert projected_finish(D(2026, 6, 1), F(70), F(75)) is None  # went down after a correction
    assert projected_finish(D(2026, 6, 1), F(100), F(50)) is None
    # A pace so slow its finish lies beyond the calendar has no projection (past any year end).
    assert projected_finish(D(2026, 6, 1), F(1, 10**9), F(0)) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(0), "0.00"),
        (F(1, 200), "0.01"),
        (F(1, 201), "0.00"),
        (F(-1, 200), "-0.01"),
        (F(-1, 300), "0.00"),
        (F(2345, 1000), "2.35"),
        (F(-2345, 1000), "-2.35"),
        (F(100), "100.00"),
        (F(200, 3), "66.67"),
    ],
)
def test_two_decimals_rounds_half_up(value, text):
    assert two_decimals(value) == text


@given(st.decimals(min_value=-100, max_value=100, places=5))
def test_two_decimals_matches_decimal_half_up(value):
    expected = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert two_decimals(Fraction(value)) == (format(expected, "f") if expected else "0.00")


@st.composite
def plans(draw):
    values = sorted(draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=8)))
    gaps = draw(st.lists(st.integers(1, 60), min_size=len(values), max_size=len(values)))
    day, points = MULAI, []
    for gap, value in zip(gaps, values, strict=True):
        day += dt.timedelta(days=gap)
        points.append((day, F(value, 100)))
    return tuple(points)


@given(plans(), st.integers(-30, 400), st.integers(0, 400))
def test_the_planned_curve_never_goes_down_and_stays_within_its_points(plan, first, extra):
    check_plan(MULAI, plan)
    a = MULAI + dt.timedelta(days=first)
    b = a + dt.timedelta(days=extra)
    assert 0 <= planned_at(MULAI, plan, a) <= planned_at(MULAI, plan, b) <= plan[-1][1]
