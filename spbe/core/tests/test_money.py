"""Tests for spbe.core.money: parsing, rounding, sen conversion, allocation, formatting and terbilang."""

import random
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spbe.core.money import (
    MAX_RUPIAH,
    ROUNDING,
    SEN,
    MoneyError,
    allocate,
    format_rupiah,
    from_sen,
    parse_rupiah,
    quantize_sen,
    round_to_unit,
    split_evenly,
    terbilang,
    to_sen,
)

D = Decimal
MAX_SEN = 2**63 - 1


def assert_two_places(amount: Decimal) -> None:
    assert amount.as_tuple().exponent == -2, amount


# --- constants ------------------------------------------------------------------------------------------


def test_constants() -> None:
    assert D("0.01") == SEN
    assert ROUNDING == ROUND_HALF_UP
    assert D("92233720368547758.07") == MAX_RUPIAH
    assert to_sen(MAX_RUPIAH) == MAX_SEN


# --- parse_rupiah: accepted input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.234.567,89", "1234567.89"),
        ("1234567.89", "1234567.89"),
        ("1234567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("Rp 1.234.567,89", "1234567.89"),
        ("Rp1.234.567", "1234567.00"),
        ("rp1.234.567", "1234567.00"),
        ("RP 1.234.567", "1234567.00"),
        ("Rp. 1.000", "1000.00"),
        ("Rp 5.000,-", "5000.00"),
        ("  1.234,5  ", "1234.50"),
        ("\u00a01.234\u00a0", "1234.00"),
        ("-1.234,00", "-1234.00"),
        ("- 1.234,00", "-1234.00"),
        ("-Rp1.234,00", "-1234.00"),
        ("Rp -1.234,00", "-1234.00"),
        ("(1.234,00)", "-1234.00"),
        ("( 1.234,00 )", "-1234.00"),
        ("(Rp 1.234,00)", "-1234.00"),
        ("1.500", "1500.00"),
        ("1,500", "1500.00"),
        ("1.5", "1.50"),
        ("1,5", "1.50"),
        ("1.50", "1.50"),
        ("1,05", "1.05"),
        ("0,05", "0.05"),
        ("0", "0.00"),
        ("-0", "0.00"),
        ("007", "7.00"),
        ("1234567", "1234567.00"),
        ("12.345.678", "12345678.00"),
        ("12,345,678", "12345678.00"),
        ("123.456,7", "123456.70"),
        ("123,456.7", "123456.70"),
        ("1,234.56", "1234.56"),
        ("92.233.720.368.547.758,07", "92233720368547758.07"),
        ("-92.233.720.368.547.758,07", "-92233720368547758.07"),
        ("00000000000000000000001", "1.00"),
        (0, "0.00"),
        (1234567, "1234567.00"),
        (-5, "-5.00"),
        (D("1234567.89"), "1234567.89"),
        (D("1.500"), "1.50"),
        (D("1E+3"), "1000.00"),
        (D("-0"), "0.00"),
        (D("0E+50"), "0.00"),
        (1234567.89, "1234567.89"),
        (0.1, "0.10"),
        (0.29, "0.29"),
        (-1234.5, "-1234.50"),
        (1e15, "1000000000000000.00"),
        (-0.0, "0.00"),
    ],
)
def test_parse_rupiah_accepts(value: str | int | Decimal | float, expected: str) -> None:
    result = parse_rupiah(value)
    assert result == D(expected)
    assert str(result) == expected
    assert_two_places(result)


# --- parse_rupiah: rejected input -----------------------------------------------------------------------

INVALID_FORMAT = "Gunakan format seperti 1.234.567,89."
TOO_PRECISE = "Rupiah hanya sampai sen: paling banyak 2 angka di belakang koma."
TOO_LARGE = "Nilainya melebihi batas Rp92.233.720.368.547.758,07 yang dapat disimpan."


@pytest.mark.parametrize(
    ("value", "shown", "reason"),
    [
        ("abc", "abc", INVALID_FORMAT),
        ("12x", "12x", INVALID_FORMAT),
        ("1.2.3", "1.2.3", INVALID_FORMAT),
        ("12,34,56", "12,34,56", INVALID_FORMAT),
        ("--5", "--5", INVALID_FORMAT),
        ("-(5)", "-(5)", INVALID_FORMAT),
        ("(-5)", "(-5)", INVALID_FORMAT),
        ("(5", "(5", INVALID_FORMAT),
        ("5)", "5)", INVALID_FORMAT),
        ("+5", "+5", INVALID_FORMAT),
        ("", "", INVALID_FORMAT),
        ("   ", "", INVALID_FORMAT),
        ("1e5", "1e5", INVALID_FORMAT),
        ("Rp", "Rp", INVALID_FORMAT),
        ("Rp -", "Rp -", INVALID_FORMAT),
        (".5", ".5", INVALID_FORMAT),
        ("5.", "5.", INVALID_FORMAT),
        ("1..000", "1..000", INVALID_FORMAT),
        ("1.,5", "1.,5", INVALID_FORMAT),
        ("1 234", "1 234", INVALID_FORMAT),
        ("1234.567", "1234.567", INVALID_FORMAT),
        ("0.500", "0.500", INVALID_FORMAT),
        ("1.234.56", "1.234.56", INVALID_FORMAT),
        ("1,234,56", "1,234,56", INVALID_FORMAT),
        ("1.234,56,78", "1.234,56,78", INVALID_FORMAT),
        ("1,234.567.89", "1,234.567.89", INVALID_FORMAT),
        ("12.34,5", "12.34,5", INVALID_FORMAT),
        ("1234.567,89", "1234.567,89", INVALID_FORMAT),
        ("NaN", "NaN", INVALID_FORMAT),
        ("٣", "٣", INVALID_FORMAT),
        ("1.2345", "1.2345", TOO_PRECISE),
        ("1,2345", "1,2345", TOO_PRECISE),
        ("1.234,567", "1.234,567", TOO_PRECISE),
        ("1.234,500", "1.234,500", TOO_PRECISE),
        ("92.233.720.368.547.758,08", "92.233.720.368.547.758,08", TOO_LARGE),
        ("(92.233.720.368.547.758,08)", "(92.233.720.368.547.758,08)", TOO_LARGE),
        ("100.000.000.000.000.000", "100.000.000.000.000.000", TOO_LARGE),
        pytest.param("9" * 5000, "9" * 37 + "...", TOO_LARGE, id="5000-digit-text"),
        (D("1.005"), "1.005", TOO_PRECISE),
        (D("0.001"), "0.001", TOO_PRECISE),
        (D("NaN"), "NaN", INVALID_FORMAT),
        (D("sNaN"), "sNaN", INVALID_FORMAT),
        (D("-Infinity"), "-Infinity", INVALID_FORMAT),
        (D("1E+17"), "1E+17", TOO_LARGE),
        (D("1E+999999"), "1E+999999", TOO_LARGE),
        (D("1E-999999"), "1E-999999", TOO_PRECISE),
        (0.001, "0.001", TOO_PRECISE),
        (1e17, "1e+17", TOO_LARGE),
        (float("nan"), "nan", INVALID_FORMAT),
        (float("inf"), "inf", INVALID_FORMAT),
        (float("-inf"), "-inf", INVALID_FORMAT),
        (10**17, "100000000000000000", TOO_LARGE),
        (-(10**17), "-100000000000000000", TOO_LARGE),
        pytest.param(10**5000, "1" + "0" * 36 + "...", TOO_LARGE, id="5001-digit-int"),
        (True, "True", INVALID_FORMAT),
        (None, "None", INVALID_FORMAT),
    ],
)
def test_parse_rupiah_rejects_with_field(value: Any, shown: str, reason: str) -> None:
    expected = f"Jumlah uang tidak valid pada kolom 'pagu': '{shown}'. {reason}"
    with pytest.raises(MoneyError) as caught:
        parse_rupiah(value, field="pagu")
    assert str(caught.value) == expected
    assert caught.value.message == expected
    assert caught.value.field == "pagu"


def test_parse_rupiah_error_example_from_the_brief() -> None:
    with pytest.raises(MoneyError, match=re.escape("pada kolom 'pagu': '12x'")) as caught:
        parse_rupiah("12x", field="pagu")
    assert str(caught.value) == (
        "Jumlah uang tidak valid pada kolom 'pagu': '12x'. Gunakan format seperti 1.234.567,89."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12x", f"Jumlah uang tidak valid: '12x'. {INVALID_FORMAT}"),
        (D("1.005"), f"Jumlah uang tidak valid: '1.005'. {TOO_PRECISE}"),
        ("1" * 20, f"Jumlah uang tidak valid: '{'1' * 20}'. {TOO_LARGE}"),
    ],
)
def test_parse_rupiah_rejects_without_field(value: str | Decimal, expected: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_rupiah(value)
    assert str(caught.value) == expected
    assert caught.value.field is None


@given(st.one_of(st.text(), st.text(alphabet="0123456789.,-() Rp\u00a0", max_size=30)))
def test_parse_rupiah_on_any_text_returns_sen_or_raises_money_error(text: str) -> None:
    try:
        result = parse_rupiah(text)
    except MoneyError as error:
        assert str(error).startswith("Jumlah uang tidak valid: '")
    else:
        assert_two_places(result)
        assert abs(result) <= MAX_RUPIAH


def test_money_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Jumlah uang tidak valid"):
        parse_rupiah("abc")


# --- quantize_sen and round_to_unit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1.005", "1.01"),
        ("1.004", "1.00"),
        ("1.0049999", "1.00"),
        ("-1.005", "-1.01"),
        ("2.675", "2.68"),
        ("0.125", "0.13"),
        ("-0.001", "0.00"),
        ("7", "7.00"),
        ("1E+3", "1000.00"),
        ("123456789012345678901234567890.125", "123456789012345678901234567890.13"),
    ],
)
def test_quantize_sen(amount: str, expected: str) -> None:
    result = quantize_sen(D(amount))
    assert str(result) == expected


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity"])
def test_quantize_sen_rejects_non_finite(amount: str) -> None:
    with pytest.raises(MoneyError, match=re.escape(f"'{amount}'")):
        quantize_sen(D(amount))


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        ("1234567.89", "1000", "1235000.00"),
        ("1234499.99", "1000", "1234000.00"),
        ("1500", "1000", "2000.00"),
        ("2500", "1000", "3000.00"),
        ("-1500", "1000", "-2000.00"),
        ("-1499.99", "1000", "-1000.00"),
        ("-400", "1000", "0.00"),
        ("2.5", "1", "3.00"),
        ("0.125", "0.01", "0.13"),
        ("1.225", "0.05", "1.25"),
        ("1.224", "0.05", "1.20"),
        ("1249", "500", "1000.00"),
        ("1250", "500", "1500.00"),
        ("10", "3", "9.00"),
        ("10.5", "3", "12.00"),
        ("4.5", "3", "6.00"),
        ("1234567.89", "1E+3", "1235000.00"),
    ],
)
def test_round_to_unit(amount: str, unit: str, expected: str) -> None:
    result = round_to_unit(D(amount), D(unit))
    assert str(result) == expected


@pytest.mark.parametrize("unit", ["0", "-1000", "0.001", "NaN", "Infinity"])
def test_round_to_unit_rejects_bad_unit(unit: str) -> None:
    with pytest.raises(MoneyError, match=re.escape(f"Satuan pembulatan tidak valid: '{unit}'")):
        round_to_unit(D("100"), D(unit))


@given(
    sen=st.integers(min_value=-(10**20), max_value=10**20),
    places=st.integers(min_value=0, max_value=4),
    exponent=st.sampled_from([-2, 0, 3, 6]),
)
def test_round_to_unit_matches_decimal_quantize_with_rounding(sen: int, places: int, exponent: int) -> None:
    # For powers of ten Decimal.quantize applies ROUNDING itself; the integer rounding must agree.
    amount = Decimal(sen).scaleb(-places)
    unit = Decimal(1).scaleb(exponent)
    expected = amount.scaleb(-exponent).quantize(Decimal(1), rounding=ROUNDING).scaleb(exponent)
    assert round_to_unit(amount, unit) == expected


# --- to_sen / from_sen ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "sen"),
    [
        ("1.23", 123),
        ("1.2", 120),
        ("1.230", 123),
        ("-0.01", -1),
        ("0", 0),
        ("0E-10", 0),
        ("1E+2", 10000),
        ("92233720368547758.07", MAX_SEN),
        ("-92233720368547758.07", -MAX_SEN),
    ],
)
def test_to_sen(amount: str, sen: int) -> None:
    assert to_sen(D(amount)) == sen


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1.234", TOO_PRECISE),
        ("0.001", TOO_PRECISE),
        ("92233720368547758.08", TOO_LARGE),
        ("1E+20", TOO_LARGE),
        ("NaN", INVALID_FORMAT),
    ],
)
def test_to_sen_rejects(amount: str, reason: str) -> None:
    with pytest.raises(MoneyError) as caught:
        to_sen(D(amount))
    assert str(caught.value) == f"Jumlah uang tidak valid: '{amount}'. {reason}"


@pytest.mark.parametrize(
    ("sen", "expected"),
    [(123, "1.23"), (0, "0.00"), (-5, "-0.05"), (100, "1.00"), (10**40 + 1, "1" + "0" * 38 + ".01")],
)
def test_from_sen(sen: int, expected: str) -> None:
    result = from_sen(sen)
    assert str(result) == expected
    assert_two_places(result)


@given(st.integers(min_value=-MAX_SEN, max_value=MAX_SEN))
def test_sen_round_trip(sen: int) -> None:
    amount = from_sen(sen)
    assert_two_places(amount)
    assert to_sen(amount) == sen
    assert from_sen(to_sen(amount)) == amount


# --- allocate / split_evenly: examples ---------------------------------------------------------------


def test_allocate_proportional_example() -> None:
    result = allocate(D("1000"), {"a": 1, "b": 1, "c": 2})
    assert result == {"a": D("250"), "b": D("250"), "c": D("500")}
    assert list(result) == ["a", "b", "c"]
    for part in result.values():
        assert_two_places(part)


def test_allocate_ties_go_to_ascending_keys() -> None:
    # 10 / 3 = 3 each with one unit left over, and all remainders are equal.
    assert allocate(D("10"), {"b": 1, "c": 1, "a": 1}) == {"b": D("3"), "c": D("3"), "a": D("4")}
    result = allocate(D("2"), {"35.10.01.2003": 1, "35.10.01.2001": 1, "35.10.01.2002": 1})
    assert result == {"35.10.01.2003": D("0"), "35.10.01.2001": D("1"), "35.10.01.2002": D("1")}


def test_allocate_largest_remainder_beats_key_order() -> None:
    # Shares are 0.4, 0.35, 0.25 of 2 units = 0.8, 0.7, 0.5: floors are all 0, so the two largest remainders
    # ("c" then "b") get the units even though "a" sorts first.
    result = allocate(D("2"), {"a": D("0.25"), "b": D("0.35"), "c": D("0.4")})
    assert result == {"a": D("0"), "b": D("1"), "c": D("1")}


def test_allocate_with_unit_and_decimal_weights() -> None:
    result = allocate(D("1000000"), {"x": D("0.333"), "y": D("0.333"), "z": D("0.334")}, unit=D("1000"))
    assert result == {"x": D("333000"), "y": D("333000"), "z": D("334000")}
    result = allocate(D("0.10"), {"x": 1, "y": 2}, unit=SEN)
    assert result == {"x": D("0.03"), "y": D("0.07")}


def test_allocate_zero_weight_and_zero_total() -> None:
    assert allocate(D("7"), {"a": 0, "b": D("1.5"), "c": 0}) == {"a": D("0"), "b": D("7"), "c": D("0")}
    assert allocate(D("0"), {"a": 1, "b": 2}) == {"a": D("0"), "b": D("0")}


def test_allocate_weights_with_many_decimal_places_are_exact() -> None:
    third = D(1) / D(3)  # 28 significant digits
    result = allocate(D("100"), {"a": third, "b": third, "c": third})
    assert sum(result.values()) == D("100")
    assert result == {"a": D("34"), "b": D("33"), "c": D("33")}


@pytest.mark.parametrize(
    ("total", "weights", "unit", "message"),
    [
        ("-1", {"a": 1}, "1", "Jumlah yang dibagi tidak boleh negatif: '-1'."),
        ("1500", {"a": 1}, "1000", "Jumlah yang dibagi '1500' bukan kelipatan satuan pembulatan '1000'."),
        ("0.5", {"a": 1}, "1", "Jumlah yang dibagi '0.5' bukan kelipatan satuan pembulatan '1'."),
        ("1.005", {"a": 1}, "0.01", "Jumlah yang dibagi '1.005' bukan kelipatan satuan pembulatan '0.01'."),
        ("100", {}, "1", "Tidak ada penerima untuk pembagian jumlah '100'."),
        ("100", {"a": 1, "b": -1}, "1", "Bobot untuk 'b' tidak boleh negatif: '-1'."),
        ("100", {"a": D("-0.5")}, "1", "Bobot untuk 'a' tidak boleh negatif: '-0.5'."),
        ("100", {"a": 0, "b": D("0.00")}, "1", "Semua bobot bernilai nol; jumlah '100' tidak dapat dibagi."),
        ("100", {"a": D("NaN")}, "1", "Bobot untuk 'a' tidak valid: 'NaN'."),
        ("100", {"a": 1.5}, "1", "Bobot untuk 'a' tidak valid: '1.5'."),
        ("100", {"a": True}, "1", "Bobot untuk 'a' tidak valid: 'True'."),
        ("100", {"a": 1}, "0", "Satuan pembulatan tidak valid: '0'."),
        ("100", {"a": 1}, "0.001", "Satuan pembulatan tidak valid: '0.001'."),
        ("NaN", {"a": 1}, "1", "Jumlah uang tidak valid: 'NaN'."),
    ],
)
def test_allocate_rejects(total: str, weights: dict[str, Decimal | int], unit: str, message: str) -> None:
    with pytest.raises(MoneyError, match=re.escape(message)):
        allocate(D(total), weights, unit=D(unit))


def test_split_evenly() -> None:
    assert split_evenly(D("100"), ["c", "a", "b"]) == {"c": D("33"), "a": D("34"), "b": D("33")}
    assert split_evenly(D("100000"), ["x", "y", "z"], unit=D("1000")) == {
        "x": D("34000"),
        "y": D("33000"),
        "z": D("33000"),
    }


def test_split_evenly_rejects_repeated_key_and_no_keys() -> None:
    with pytest.raises(MoneyError, match=re.escape("Penerima 'a' tercantum lebih dari sekali.")):
        split_evenly(D("100"), ["a", "b", "a"])
    with pytest.raises(MoneyError, match="Tidak ada penerima"):
        split_evenly(D("100"), [])


def test_allocate_75252_villages_exactly() -> None:
    rng = random.Random(20240101)
    # Unique village-like codes: the index spelled out over the code's segments.
    weights = {
        f"35.{index // 10000:02d}.{index // 100 % 100:02d}.{2000 + index % 100}": D(
            rng.randint(1, 10**9)
        ).scaleb(-rng.randint(0, 6))
        for index in range(75_252)
    }
    assert len(weights) == 75_252
    total = parse_rupiah("Rp71.000.000.000.000")
    result = allocate(total, weights)
    assert sum(result.values()) == total == D("71000000000000")
    assert list(result) == list(weights)
    result_in_thousands = allocate(total, weights, unit=D("1000"))
    assert sum(result_in_thousands.values()) == total
    assert all(part % 1000 == 0 for part in result_in_thousands.values())


# --- allocate / split_evenly: properties ------------------------------------------------------------

UNITS = [D("1"), D("1000"), D("0.01"), D("0.05"), D("500"), D("3")]

village_codes = st.from_regex(r"\A35\.[0-9]{2}\.[0-9]{2}\.20[0-9]{2}\Z")
weight_values = st.one_of(
    st.integers(min_value=0, max_value=10**12),
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=1, places=12, allow_nan=False, allow_infinity=False),
)


type AllocationCase = tuple[Decimal, dict[str, Decimal | int], Decimal]


@st.composite
def allocation_cases(draw: st.DrawFn) -> AllocationCase:
    weights: dict[str, Decimal | int] = draw(
        st.dictionaries(village_codes, weight_values, min_size=1, max_size=40).filter(
            lambda found: sum(found.values()) > 0
        )
    )
    unit = draw(st.sampled_from(UNITS))
    units = draw(st.integers(min_value=0, max_value=10**16))
    return unit * units, weights, unit


def exact_shares(total: Decimal, weights: Mapping[str, Decimal | int]) -> dict[str, Fraction]:
    weight_sum = sum(Fraction(weight) for weight in weights.values())
    return {key: Fraction(total) * Fraction(weight) / weight_sum for key, weight in weights.items()}


@given(allocation_cases())
def test_allocate_invariants(case: AllocationCase) -> None:
    total, weights, unit = case
    result = allocate(total, weights, unit=unit)
    assert list(result) == list(weights)
    assert sum(result.values()) == total
    shares = exact_shares(total, weights)
    for key, part in result.items():
        assert_two_places(part)
        assert part % unit == 0
        assert abs(Fraction(part) - shares[key]) < Fraction(unit)
        if weights[key] == 0:
            assert part == 0


@given(allocation_cases(), st.randoms(use_true_random=False))
def test_allocate_ignores_input_order(case: AllocationCase, rng: random.Random) -> None:
    total, weights, unit = case
    items = list(weights.items())
    rng.shuffle(items)
    assert allocate(total, dict(items), unit=unit) == allocate(total, weights, unit=unit)


@given(
    st.lists(village_codes, min_size=1, max_size=30, unique=True),
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(UNITS),
)
def test_split_evenly_gives_leftover_to_smallest_keys(keys: list[str], units: int, unit: Decimal) -> None:
    total = unit * units
    result = split_evenly(total, keys, unit=unit)
    base, leftover = divmod(units, len(keys))
    favoured = set(sorted(keys)[:leftover])
    assert list(result) == keys
    for key in keys:
        assert result[key] == unit * (base + (1 if key in favoured else 0))


# --- format_rupiah ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "symbol", "expected"),
    [
        ("1234567.89", True, "Rp1.234.567,89"),
        ("1234567.89", False, "1.234.567,89"),
        ("-1234", True, "-Rp1.234,00"),
        ("-1234", False, "-1.234,00"),
        ("0", True, "Rp0,00"),
        ("-0.001", True, "Rp0,00"),
        ("0.05", True, "Rp0,05"),
        ("999.995", True, "Rp1.000,00"),
        ("1000", True, "Rp1.000,00"),
        ("100", True, "Rp100,00"),
        ("1E+3", True, "Rp1.000,00"),
        ("100000000000000000", True, "Rp100.000.000.000.000.000,00"),
        ("-99999999999999999.99", True, "-Rp99.999.999.999.999.999,99"),
    ],
)
def test_format_rupiah(amount: str, symbol: bool, expected: str) -> None:
    assert format_rupiah(D(amount), symbol=symbol) == expected


money_up_to_1e15 = st.integers(min_value=-(10**17), max_value=10**17).map(from_sen)


@given(money_up_to_1e15, st.booleans())
def test_format_parse_round_trip(amount: Decimal, symbol: bool) -> None:
    assert parse_rupiah(format_rupiah(amount, symbol=symbol)) == amount


# --- terbilang -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (
            "1234567.89",
            "satu juta dua ratus tiga puluh empat ribu lima ratus enam puluh tujuh rupiah "
            "delapan puluh sembilan sen",
        ),
        ("0", "nol rupiah"),
        ("0.00", "nol rupiah"),
        ("1", "satu rupiah"),
        ("10", "sepuluh rupiah"),
        ("11", "sebelas rupiah"),
        ("12", "dua belas rupiah"),
        ("19", "sembilan belas rupiah"),
        ("20", "dua puluh rupiah"),
        ("21", "dua puluh satu rupiah"),
        ("100", "seratus rupiah"),
        ("101", "seratus satu rupiah"),
        ("110", "seratus sepuluh rupiah"),
        ("111", "seratus sebelas rupiah"),
        ("115", "seratus lima belas rupiah"),
        ("200", "dua ratus rupiah"),
        ("999", "sembilan ratus sembilan puluh sembilan rupiah"),
        ("1000", "seribu rupiah"),
        ("1001", "seribu satu rupiah"),
        ("1100", "seribu seratus rupiah"),
        ("2000", "dua ribu rupiah"),
        ("11000", "sebelas ribu rupiah"),
        ("100000", "seratus ribu rupiah"),
        ("101000", "seratus satu ribu rupiah"),
        ("1000000", "satu juta rupiah"),
        ("1001000", "satu juta seribu rupiah"),
        ("1000000000", "satu miliar rupiah"),
        ("71000000000000", "tujuh puluh satu triliun rupiah"),
        ("1000000000000000", "satu kuadriliun rupiah"),
        ("999000000000000000", "sembilan ratus sembilan puluh sembilan kuadriliun rupiah"),
        ("1000000000000000000", "seribu kuadriliun rupiah"),
        ("0.05", "nol rupiah lima sen"),
        ("0.10", "nol rupiah sepuluh sen"),
        ("0.11", "nol rupiah sebelas sen"),
        ("1.005", "satu rupiah satu sen"),
        ("0.004", "nol rupiah"),
        ("-0.004", "nol rupiah"),
        ("-15.5", "minus lima belas rupiah lima puluh sen"),
        ("-1000", "minus seribu rupiah"),
    ],
)
def test_terbilang(amount: str, expected: str) -> None:
    assert terbilang(D(amount)) == expected


@given(st.integers(min_value=-(10**20) + 1, max_value=10**20 - 1).map(from_sen))
def test_terbilang_is_well_formed(amount: Decimal) -> None:
    words = terbilang(amount)
    assert "  " not in words
    assert words == words.strip()
    assert words == words.lower()
    assert words.endswith(("rupiah", "sen"))
    assert words.startswith("minus ") == (amount < 0)
    tokens = words.split(" ")
    for index in range(len(tokens) - 1):
        # "satu ribu" is only right as the tail of a larger count of thousands ("seratus satu ribu").
        if tokens[index : index + 2] == ["satu", "ribu"]:
            assert index > 0
            assert tokens[index - 1] in {"puluh", "ratus", "seratus"}


def test_largest_remainder_works_in_whole_units_like_allocate() -> None:
    from spbe.core.money import largest_remainder

    # 10 units by 1:1:1 -> 3.33 each; the one unit left goes to the smallest key, "a".
    assert largest_remainder(10, ["b", "a", "c"], [1, 1, 1]) == [3, 4, 3]
    # Largest remainder first: 7 * 2/7 = 2, 7 * 2.5/7... weights 1:2:4 of 10 = 1.43, 2.86, 5.71 -> 1, 3, 6.
    assert largest_remainder(10, ["a", "b", "c"], [1, 2, 4]) == [1, 3, 6]
