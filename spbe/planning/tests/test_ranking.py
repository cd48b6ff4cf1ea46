"""The ranking function: exact weighted totals, deterministic ties, weights that sum to exactly 1."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spbe.core.errors import ValidationFailed
from spbe.planning.models import Criterion
from spbe.planning.ranking import EQUAL_WEIGHTS, Entry, parse_weights, rank, total_score

T0 = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
CRITERIA = Criterion.values
WEIGHTS = {
    "urgency": Decimal("0.35"),
    "beneficiaries": Decimal("0.25"),
    "alignment": Decimal("0.2"),
    "readiness": Decimal("0.1"),
    "contribution": Decimal("0.1"),
}


def _scores(u, b, a, r, c):
    return dict(zip(CRITERIA, (u, b, a, r, c), strict=True))


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        # Highest total first.
        (
            [
                Entry("35.10-2028-000001", T0, _scores(3, 3, 3, 3, 3)),
                Entry("35.10-2028-000002", T0, _scores(5, 5, 5, 5, 5)),
                Entry("35.10-2028-000003", T0, _scores(1, 1, 1, 1, 1)),
            ],
            ["35.10-2028-000002", "35.10-2028-000001", "35.10-2028-000003"],
        ),
        # Equal totals: the earlier submission wins.
        (
            [
                Entry("35.10-2028-000001", T0 + timedelta(minutes=1), _scores(4, 4, 4, 4, 4)),
                Entry("35.10-2028-000002", T0, _scores(4, 4, 4, 4, 4)),
            ],
            ["35.10-2028-000002", "35.10-2028-000001"],
        ),
        # Equal totals and the same minute: the public id decides.
        (
            [
                Entry("35.10-2028-000009", T0, _scores(2, 4, 3, 5, 1)),
                Entry("35.10-2028-000004", T0, _scores(2, 4, 3, 5, 1)),
            ],
            ["35.10-2028-000004", "35.10-2028-000009"],
        ),
        # Weights matter: urgency 5 alone (1.75) beats beneficiaries, alignment and readiness at 3 (1.65).
        (
            [
                Entry("35.10-2028-000001", T0, _scores(0, 3, 3, 3, 0)),
                Entry("35.10-2028-000002", T0 + timedelta(days=1), _scores(5, 0, 0, 0, 0)),
            ],
            ["35.10-2028-000002", "35.10-2028-000001"],
        ),
        # Unscored criteria count 0: an unscored proposal is last, even submitted first.
        (
            [
                Entry("35.10-2028-000001", T0, {}),
                Entry("35.10-2028-000002", T0 + timedelta(days=3), {"readiness": 1}),
            ],
            ["35.10-2028-000002", "35.10-2028-000001"],
        ),
    ],
)
def test_rank_orders_by_total_then_submission_then_public_id(entries, expected):
    ranked = rank(entries, WEIGHTS)
    assert [r.key for r in ranked] == expected
    assert [r.rank for r in ranked] == list(range(1, len(expected) + 1))


def test_totals_are_exact_where_floats_would_tie_or_drift():
    # In binary floating point 0.1 * 3 + 0.2 * 3 != 0.9; here it is exactly 0.9.
    weights = {**EQUAL_WEIGHTS, "urgency": Decimal("0.1"), "beneficiaries": Decimal("0.3")}
    weights["alignment"] = Decimal("0.2")
    weights["readiness"] = Decimal("0.2")
    weights["contribution"] = Decimal("0.2")
    total = total_score({"urgency": 3, "alignment": 3}, weights)
    assert total == Fraction(9, 10)
    (only,) = rank([Entry("a", T0, {"urgency": 3, "alignment": 3})], weights)
    assert only.total_decimal == Decimal("0.9")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**EQUAL_WEIGHTS, "urgency": "0.3"}, None),  # sums to 1.1
        ({**EQUAL_WEIGHTS, "urgency": "0.19999"}, "urgency"),  # too fine
        ({**EQUAL_WEIGHTS, "urgency": "-0.2", "readiness": "0.6"}, "urgency"),
        ({**EQUAL_WEIGHTS, "urgency": "satu"}, "urgency"),
        ({**EQUAL_WEIGHTS, "urgency": 0.2}, "urgency"),  # a float is refused
        ({k: v for k, v in EQUAL_WEIGHTS.items() if k != "readiness"}, "readiness"),
        ({**EQUAL_WEIGHTS, "popularity": "0"}, None),
    ],
)
def test_weights_must_be_decimals_summing_to_exactly_one(values, field):
    with pytest.raises(ValidationFailed) as caught:
        parse_weights(values)
    assert caught.value.field == field


def test_weights_given_as_strings_are_accepted_with_a_decimal_comma():
    parsed = parse_weights({**{k: str(v) for k, v in WEIGHTS.items()}, "urgency": "0,35"})
    assert parsed == WEIGHTS and sum(parsed.values()) == 1


scores = st.dictionaries(st.sampled_from(CRITERIA), st.integers(min_value=1, max_value=5))
entries = st.lists(st.tuples(st.integers(min_value=0, max_value=5), scores), min_size=0, max_size=25).map(
    lambda rows: [
        Entry(f"35.10-2028-{i:06d}", T0 + timedelta(minutes=minute), s)
        for i, (minute, s) in enumerate(rows, start=1)
    ]
)
weights = (
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=4, max_size=4)
    .map(lambda cuts: sorted(cuts))
    .map(
        lambda cuts: {
            criterion: Decimal(high - low) / 10_000
            for criterion, low, high in zip(CRITERIA, [0, *cuts], [*cuts, 10_000], strict=True)
        }
    )
)


@given(entries=entries, weights=weights, data=st.data())
def test_the_ranking_does_not_depend_on_the_input_order(entries, weights, data):
    shuffled = data.draw(st.permutations(entries))
    assert rank(entries, weights) == rank(shuffled, weights)


@given(entries=entries, weights=weights)
def test_ranks_are_one_to_n_with_totals_never_rising(entries, weights):
    assert sum(weights.values()) == 1
    ranked = rank(entries, weights)
    assert [r.rank for r in ranked] == list(range(1, len(entries) + 1))
    assert sorted(r.key for r in ranked) == sorted(e.key for e in entries)
    by_key = {e.key: e for e in entries}
    for higher, lower in pairwise(ranked):
        assert higher.total >= lower.total
        if higher.total == lower.total:
            a, b = by_key[higher.key], by_key[lower.key]
            assert (a.submitted_at, a.key) < (b.submitted_at, b.key)
    for result in ranked:
        # Every total is the exact weighted sum, and stays within the scale 0..5.
        assert result.total == total_score(by_key[result.key].scores, weights)
        assert 0 <= result.total <= 5


@given(entries=entries, weights=weights, criterion=st.sampled_from(CRITERIA))
def test_raising_a_score_never_lowers_that_proposals_rank(entries, weights, criterion):
    if not entries:
        return
    target = entries[0]
    before = {r.key: r.rank for r in rank(entries, weights)}[target.key]
    raised = Entry(target.key, target.submitted_at, {**target.scores, criterion: 5})
    after = {r.key: r.rank for r in rank([raised, *entries[1:]], weights)}[target.key]
    assert after <= before
