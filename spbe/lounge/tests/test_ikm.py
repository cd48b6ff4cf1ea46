"""The IKM arithmetic of PermenPAN-RB 14/2017: exact 1/9 weight, one rounding, grades at their boundaries."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spbe.lounge import ikm


def spread(respondents: int, total: int) -> list[int]:
    """Nine element sums adding up to ``total`` (each between n and 4n), as evenly as possible."""
    base, extra = divmod(total, ikm.ELEMENTS)
    return [base + (1 if i < extra else 0) for i in range(ikm.ELEMENTS)]


# (respondents, sum of all answers, rounded index, grade, label): found by search so that each rounded
# index sits exactly on a boundary of the regulation's table.
BOUNDARIES = [
    (1, 36, "100.00", "A", "Sangat Baik"),
    (24, 763, "88.31", "A", "Sangat Baik"),
    (19, 604, "88.30", "B", "Baik"),
    (19, 524, "76.61", "B", "Baik"),
    (26, 717, "76.60", "C", "Kurang Baik"),
    (5, 117, "65.00", "C", "Kurang Baik"),
    (38, 889, "64.99", "D", "Tidak Baik"),
    (1, 9, "25.00", "D", "Tidak Baik"),
]


@pytest.mark.parametrize(("respondents", "total", "index", "grade", "label"), BOUNDARIES)
def test_it_grades_each_boundary_from_the_rounded_index(respondents, total, index, grade, label):
    result = ikm.compute(respondents, spread(respondents, total))
    assert result.index == Decimal(index)
    assert str(result.index) == index
    assert (result.grade, result.label) == (grade, label)
    assert result.exact == Fraction(25 * total, 9 * respondents)


@pytest.mark.parametrize(
    ("index", "grade"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_of_follows_the_table(index, grade):
    assert ikm.grade_of(Decimal(index))[0] == grade


def test_the_grade_comes_from_the_rounded_index_not_the_exact_one():
    # 24 respondents, 763 points: exactly 88.310185..., an A. 19 respondents, 604 points: 88.304093...,
    # which rounds to 88.30, a B, although it is above 88.30.
    result = ikm.compute(19, spread(19, 604))
    assert result.exact > Fraction(8830, 100)
    assert result.grade == "B"


@pytest.mark.parametrize("index", ["24.99", "100.01"])
def test_grade_of_refuses_an_impossible_index(index):
    with pytest.raises(ValueError, match=r"25\.00-100\.00"):
        ikm.grade_of(Decimal(index))


def test_rounding_is_half_up_and_exact():
    assert ikm.round_half_up(Fraction(1, 200)) == Decimal("0.01")
    assert ikm.round_half_up(Fraction(17661, 200)) == Decimal("88.31")  # 88.305 exactly
    assert ikm.round_half_up(Fraction(17659, 200)) == Decimal("88.30")  # 88.295 exactly
    # Binary floats store 2.675 as 2.67499..., which round() takes down; exact arithmetic does not.
    assert ikm.round_half_up(Fraction(2675, 1000)) == Decimal("2.68")


def test_nrr_is_the_mean_per_element_shown_with_two_decimals():
    answers = [[4, 3, 3, 2, 4, 4, 3, 1, 2], [3, 3, 4, 2, 4, 3, 3, 2, 2], [4, 3, 3, 3, 4, 4, 4, 2, 3]]
    result = ikm.compute_answers(answers)
    assert result.respondents == 3
    assert result.nrr == {
        "u1": Decimal("3.67"),
        "u2": Decimal("3.00"),
        "u3": Decimal("3.33"),
        "u4": Decimal("2.33"),
        "u5": Decimal("4.00"),
        "u6": Decimal("3.67"),
        "u7": Decimal("3.33"),
        "u8": Decimal("1.67"),
        "u9": Decimal("2.33"),
    }
    # 82 points over 3 respondents: 82/3 * 1/9 * 25 = 75.925925... -> 75.93, grade C.
    assert result.exact == Fraction(82 * 25, 27)
    assert (result.index, result.grade, result.label) == (Decimal("75.93"), "C", "Kurang Baik")


def test_rounded_nrr_are_never_what_is_summed():
    # Summing the NRR as shown (3.67 + 3.00 + ...) would give 75.92; the index uses the exact means.
    answers = [[4, 3, 3, 2, 4, 4, 3, 1, 2], [3, 3, 4, 2, 4, 3, 3, 2, 2], [4, 3, 3, 3, 4, 4, 4, 2, 3]]
    result = ikm.compute_answers(answers)
    from_rounded = ikm.round_half_up(sum((Fraction(v) for v in result.nrr.values()), Fraction(0)) * 25 / 9)
    assert from_rounded == Decimal("75.92")
    assert result.index == Decimal("75.93")


@pytest.mark.parametrize(
    ("respondents", "sums", "message"),
    [
        (0, [0] * 9, "at least one respondent"),
        (1, [4] * 8, "9 element sums"),
        (2, [1] + [4] * 8, "impossible"),
        (2, [9] + [4] * 8, "impossible"),
    ],
)
def test_compute_refuses_impossible_input(respondents, sums, message):
    with pytest.raises(ValueError, match=message):
        ikm.compute(respondents, sums)


@pytest.mark.parametrize("response", [[4] * 8, [0] + [4] * 8, [5] + [4] * 8])
def test_compute_answers_refuses_a_bad_response(response):
    with pytest.raises(ValueError, match="answers of 1-4"):
        ikm.compute_answers([response])


def spreadsheet_index(answers: list[list[int]]) -> Decimal:
    """What a spreadsheet with the weight typed as 0.111 shows: NRR x 0.111, summed, x 25, rounded."""
    n = len(answers)
    weighted = sum(
        (Fraction(sum(r[i] for r in answers), n) * Fraction(111, 1000) for i in range(ikm.ELEMENTS)),
        Fraction(0),
    )
    return ikm.round_half_up(weighted * 25)


RESPONSES = st.lists(
    st.lists(st.integers(min_value=1, max_value=4), min_size=9, max_size=9), min_size=1, max_size=40
)


@given(RESPONSES)
def test_the_index_always_lies_in_25_to_100_and_matches_its_grade(answers):
    result = ikm.compute_answers(answers)
    assert Decimal("25.00") <= result.index <= Decimal("100.00")
    assert ikm.grade_of(result.index) == (result.grade, result.label)
    # The spreadsheet with 0.111 is never higher than the exact figure.
    assert spreadsheet_index(answers) <= result.index


@given(st.integers(min_value=1, max_value=500))
def test_everyone_answering_4_gives_100_and_everyone_answering_1_gives_25(n):
    best = ikm.compute(n, [4 * n] * 9)
    worst = ikm.compute(n, [n] * 9)
    assert (best.index, best.grade) == (Decimal("100.00"), "A")
    assert (worst.index, worst.grade) == (Decimal("25.00"), "D")
    assert all(v == Decimal("4.00") for v in best.nrr.values())


def test_the_rounded_weight_spreadsheet_comes_out_lower():
    answers = [[4] * 9, [3] * 9]
    assert ikm.compute_answers(answers).index == Decimal("87.50")
    assert spreadsheet_index(answers) == Decimal("87.41")
    assert spreadsheet_index([[4] * 9]) == Decimal("99.90")
