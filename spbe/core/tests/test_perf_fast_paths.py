"""The fast paths bulk imports take (plain-digit amounts, prepared values, printable ASCII cells) give
exactly what the general paths give."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spbe.budgeting import calc
from spbe.core.bulk import insert_many
from spbe.core.errors import SpbeError
from spbe.core.models import DataVersion
from spbe.core.money import from_sen, parse_rupiah, parse_rupiah_sen, to_sen
from spbe.core.tabular import Column, _check_cell

TEXTS = [
    "0",
    "7",
    "007",
    "1500",
    "1.500",
    "1,5",
    "1.234.567,89",
    "Rp 12.000,-",
    "-5",
    "(3)",
    "12,345",
    "99999999999999999",
    "999999999999999999",
    "92233720368547758",
    "1e5",
    "",
    " 12 ",
    "1.5.0",
    "abc",
]


@pytest.mark.parametrize("text", TEXTS)
def test_parse_rupiah_sen_is_parse_rupiah_in_sen_with_the_same_errors(text):
    try:
        expected: int | str = to_sen(parse_rupiah(text, field="harga"))
    except SpbeError as exc:
        expected = exc.message
    try:
        got: int | str = parse_rupiah_sen(text, field="harga")
    except SpbeError as exc:
        got = exc.message
    assert got == expected


@given(st.integers(min_value=0, max_value=(2**63 - 1) // 100))  # up to the largest amount a column holds
def test_plain_digits_are_whole_rupiah(n):
    assert parse_rupiah_sen(str(n)) == n * 100 == to_sen(parse_rupiah(str(n)))


@given(
    st.decimals(min_value=0, max_value=Decimal("99999999.9999"), places=4, allow_nan=False),
    st.integers(min_value=0, max_value=10**13),
)
def test_detail_amount_in_sen_is_detail_amount(volume, price_sen):
    assert calc.detail_amount_sen(volume, price_sen) == to_sen(
        calc.detail_amount([volume], from_sen(price_sen))
    )


def test_half_a_sen_rounds_up_in_sen_too():
    assert calc.detail_amount_sen(Decimal("2.5"), 1) == 3  # 2,5 x Rp0,01 = 0,025 -> 0,03
    assert calc.detail_amount_sen(Decimal("0.0001"), 4999) == 0


@pytest.mark.django_db
def test_prepared_fields_are_stored_as_given_and_others_still_converted():
    insert_many(DataVersion, ["name", "version"], [("a", 7), (12, "5")], prepared=("version",))
    stored = DataVersion.objects.filter(name__in=["a", "12"]).values_list("name", "version")
    assert dict(stored) == {"a": 7, "12": 5}
    with pytest.raises(ValueError, match="prepared"):
        insert_many(DataVersion, ["name"], [("c",)], prepared=("version",))


def test_printable_ascii_is_checked_for_length_only_and_others_as_before():
    column = Column("kode", max_length=5)
    assert _check_cell("1.2.3", column) is None
    assert "lebih dari 5" in (_check_cell("1.2.3.4", column) or "")
    assert "kendali" in (_check_cell("1\x002", column) or "")
    assert "tak terlihat" in (_check_cell("1\u200b2", column) or "")
    assert _check_cell("Jalan Ke-3 (ruas) #2", Column("u", max_length=40)) is None
