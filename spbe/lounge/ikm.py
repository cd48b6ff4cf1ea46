"""The community satisfaction index (IKM) of PermenPAN-RB 14/2017, as pure arithmetic (no database).

Nine elements (U1 requirements ... U9 facilities) are each answered 1-4. Per element the NRR is the sum of
the answers over the number of respondents; each NRR is weighted with exactly 1/9 and the IKM is the sum
of the weighted NRR times 25, so it lies in 25-100. Everything is computed with exact fractions and only
the final index is rounded (2 decimals, half up): spreadsheets that weight with a rounded 0.111 come out
slightly lower, and users compare, so the weight must never be a decimal. The grade is decided from the
rounded index, the figure people see, so a published 88.31 is always an A.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

ELEMENTS = 9
ELEMENT_KEYS = tuple(f"u{i}" for i in range(1, ELEMENTS + 1))
MIN_ANSWER, MAX_ANSWER = 1, 4
WEIGHT = Fraction(1, ELEMENTS)
SCALE = 25
CENT = Decimal("0.01")

# (grade, lowest rounded index, label) from the best down; PermenPAN-RB 14/2017, appendix.
GRADES: tuple[tuple[str, Decimal, str], ...] = (
    ("A", Decimal("88.31"), "Sangat Baik"),
    ("B", Decimal("76.61"), "Baik"),
    ("C", Decimal("65.00"), "Kurang Baik"),
    ("D", Decimal("25.00"), "Tidak Baik"),
)


@dataclass(frozen=True)
class IkmResult:
    """The index of ``respondents`` answers: NRR per element and the index, rounded for display."""

    respondents: int
    nrr: dict[str, Decimal]  # per element, 2 decimals half up (display only; never summed)
    exact: Fraction  # the unrounded index
    index: Decimal  # 2 decimals half up
    grade: str
    label: str


def round_half_up(value: Fraction) -> Decimal:
    """``value`` rounded to 2 decimals, half up, computed exactly (no float, no binary rounding)."""
    hundredths = value * 100
    # Answers are positive, so floor(x + 1/2) is half up.
    whole = math.floor(hundredths + Fraction(1, 2))
    return (Decimal(whole) / 100).quantize(CENT)


def grade_of(index: Decimal) -> tuple[str, str]:
    """The grade letter and its Indonesian label for an index already rounded to 2 decimals."""
    if not Decimal("25.00") <= index <= Decimal("100.00"):
        raise ValueError(f"an IKM lies in 25.00-100.00, not {index}")
    for grade, lowest, label in GRADES:
        if index >= lowest:
            return grade, label
    raise AssertionError("unreachable: D starts at the lowest possible index")


def compute(respondents: int, sums: Sequence[int]) -> IkmResult:
    """The IKM of ``respondents`` people whose answers add up to ``sums`` per element (U1..U9).

    Sums rather than answers, so the database can add up a million responses and hand over nine numbers.
    """
    if respondents <= 0:
        raise ValueError("an IKM needs at least one respondent")
    if len(sums) != ELEMENTS:
        raise ValueError(f"an IKM needs {ELEMENTS} element sums, not {len(sums)}")
    for total in sums:
        if not MIN_ANSWER * respondents <= total <= MAX_ANSWER * respondents:
            raise ValueError(f"a sum of {total} is impossible for {respondents} answers of 1-4")
    nrr = [Fraction(total, respondents) for total in sums]
    exact = sum((value * WEIGHT for value in nrr), Fraction(0)) * SCALE
    index = round_half_up(exact)
    grade, label = grade_of(index)
    return IkmResult(
        respondents=respondents,
        nrr={key: round_half_up(value) for key, value in zip(ELEMENT_KEYS, nrr, strict=True)},
        exact=exact,
        index=index,
        grade=grade,
        label=label,
    )


def compute_answers(answers: Sequence[Sequence[int]]) -> IkmResult:
    """The IKM of individual responses, each nine answers of 1-4 (for small sets and tests)."""
    for response in answers:
        if len(response) != ELEMENTS or not all(MIN_ANSWER <= a <= MAX_ANSWER for a in response):
            raise ValueError(f"a response is {ELEMENTS} answers of 1-4, not {list(response)}")
    sums = [sum(response[i] for response in answers) for i in range(ELEMENTS)]
    return compute(len(answers), sums)
