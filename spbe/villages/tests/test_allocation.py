"""The allocation engine: hand-computed examples, refused configurations and the invariants as properties."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spbe.villages.allocation import (
    AllocationConfig,
    AllocationError,
    SiltapRates,
    VillageIndicators,
    allocate_transfers,
    parse_config,
    siltap_cap,
    siltap_shortfalls,
)

D = Decimal


def config(**overrides: Any) -> AllocationConfig:
    data: dict[str, Any] = {
        "total": "1000",
        "rounding_unit": "1",
        "equal_share": "0",
        "weights": {"penduduk": "1"},
        "siltap": None,
    }
    data.update(overrides)
    return parse_config(data)


def desa(code: str, officials: int = 0, **indicators: str) -> VillageIndicators:
    return VillageIndicators(code, {key: D(value) for key, value in indicators.items()}, officials)


def table(result: Any) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            row.kode_desa,
            str(row.siltap),
            str(row.alokasi_dasar),
            str(row.alokasi_proporsional),
            str(row.jumlah),
        )
        for row in result.rows
    ]


# ------------------------------------------------------------------------------------ hand-computed examples


def test_a_worked_example_with_exact_siltap_and_one_rounding_per_desa() -> None:
    # Siltap needs 30000, 35001, 40002 (exact): remainder 894997. Half of it equally (149166.17 each, shown
    # as 149000), half by the index (A 1/4, B 1/2, C 1/4): A 291040.79, B 407916.42, C 301042.79 exactly.
    # Rounded down to thousands that is 999000; the one unit left goes to B, the largest remainder.
    cfg = config(
        total="1000000",
        rounding_unit="1000",
        equal_share="0.5",
        weights={"penduduk": "0.5", "luas": "0.5"},
        siltap={"kepala_desa": "10000", "sekretaris_desa": "5000", "perangkat_lain": "2500.50", "months": 2},
    )
    villages = [
        desa("C", 2, penduduk="0", luas="2"),
        desa("A", 0, penduduk="1", luas="1"),
        desa("B", 1, penduduk="3", luas="1"),
    ]
    result = allocate_transfers(cfg, villages)
    assert table(result) == [
        ("A", "30000.00", "149000.00", "112000.00", "291000.00"),
        ("B", "35001.00", "149000.00", "223999.00", "408000.00"),
        ("C", "40002.00", "149000.00", "111998.00", "301000.00"),
    ]
    assert [row.siltap_need for row in result.rows] == [D("30000.00"), D("35001.00"), D("40002.00")]
    assert result.exact("B").proporsional == Fraction(894997, 4)
    assert result.exact("A").dasar == Fraction(894997, 6)


def test_equal_indicators_hand_the_leftover_units_to_the_smallest_codes() -> None:
    result = allocate_transfers(
        config(total="100"),
        [
            desa("35.10.01.2003", penduduk="7"),
            desa("35.10.01.2001", penduduk="7"),
            desa("35.10.01.2002", penduduk="7"),
            desa("35.10.01.2004", penduduk="7"),
        ],
    )
    assert [str(row.jumlah) for row in result.rows] == ["25.00"] * 4
    result = allocate_transfers(
        config(total="101"),
        [
            desa("35.10.01.2003", penduduk="7"),
            desa("35.10.01.2001", penduduk="7"),
            desa("35.10.01.2002", penduduk="7"),
        ],
    )
    assert [(row.kode_desa, str(row.jumlah)) for row in result.rows] == [
        ("35.10.01.2001", "34.00"),
        ("35.10.01.2002", "34.00"),
        ("35.10.01.2003", "33.00"),
    ]


def test_largest_remainder_beats_the_smaller_code() -> None:
    # Exact shares 1000 * 1/6, 2/6 and 3/6 = 166.67, 333.33, 500: the one unit left goes to A (.67).
    result = allocate_transfers(
        config(total="1000"), [desa("A", penduduk="1"), desa("B", penduduk="2"), desa("C", penduduk="3")]
    )
    assert [str(row.jumlah) for row in result.rows] == ["167.00", "333.00", "500.00"]
    # Swapping the indicators moves the unit with the remainder, not with the code.
    result = allocate_transfers(
        config(total="1000"), [desa("A", penduduk="2"), desa("B", penduduk="1"), desa("C", penduduk="3")]
    )
    assert [str(row.jumlah) for row in result.rows] == ["333.00", "167.00", "500.00"]


def test_decimal_indicators_and_a_sen_unit() -> None:
    # Index: 0.25 / 1.00 and 0.75 / 1.00 of 10.01 = 2.5025 and 7.5075 -> 2.50 + 7.51 (largest remainder .75).
    result = allocate_transfers(
        config(total="10.01", rounding_unit="0.01"), [desa("A", penduduk="0.25"), desa("B", penduduk="0.75")]
    )
    assert [str(row.jumlah) for row in result.rows] == ["2.50", "7.51"]


def test_a_zero_weight_column_may_be_all_zeros() -> None:
    cfg = config(weights={"penduduk": "1", "luas": "0"})
    result = allocate_transfers(cfg, [desa("A", penduduk="1", luas="0"), desa("B", penduduk="3", luas="0")])
    assert [str(row.jumlah) for row in result.rows] == ["250.00", "750.00"]


def test_siltap_alone_can_use_the_whole_total() -> None:
    cfg = config(
        total="60", siltap={"kepala_desa": "1", "sekretaris_desa": "1", "perangkat_lain": "1", "months": 12}
    )
    result = allocate_transfers(cfg, [desa("B", 0, penduduk="1"), desa("A", 1, penduduk="1")])
    assert table(result) == [("A", "36.00", "0.00", "0.00", "36.00"), ("B", "24.00", "0.00", "0.00", "24.00")]


# ------------------------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"weights": {"penduduk": "0.5", "luas": "0.4"}}, "harus tepat 1, sekarang 0.9"),
        ({"weights": {"penduduk": "1.5", "luas": "-0.5"}}, "tidak boleh negatif"),
        ({"weights": {}}, "weights"),
        ({"weights": {"kode_desa": "1"}}, "bukan indikator"),
        ({"weights": {"Penduduk": "0.5", "penduduk": "0.5"}}, "lebih dari sekali"),
        ({"total": "1.000"}, "tanpa pemisah ribuan"),
        ({"total": "1e3"}, "bilangan tidak sah"),
        ({"total": "12,5"}, "bilangan tidak sah"),
        ({"total": 0.5}, "bilangan tidak sah"),
        ({"total": "-1000"}, "tidak boleh negatif"),
        ({"total": "1000.001"}, "2 angka"),
        ({"total": "1500", "rounding_unit": "1000"}, "bukan kelipatan"),
        ({"rounding_unit": "0"}, "lebih dari nol"),
        ({"equal_share": "1.2"}, "antara 0 dan 1"),
        ({"equal_share": "abc"}, "bilangan tidak sah"),
        ({"siltap": {"kepala_desa": "1", "sekretaris_desa": "1", "perangkat_lain": "1"}}, "'months'"),
        (
            {"siltap": {"kepala_desa": "1", "sekretaris_desa": "1", "perangkat_lain": "1", "months": 13}},
            "1 dan 12",
        ),
        (
            {"siltap": {"kepala_desa": "x", "sekretaris_desa": "1", "perangkat_lain": "1", "months": 12}},
            "kepala",
        ),
        ({"siltap": "yes"}, "siltap"),
        ({"extra": "1"}, "tidak dikenal 'extra'"),
    ],
)
def test_a_bad_configuration_is_refused_in_one_line(overrides: dict[str, Any], fragment: str) -> None:
    with pytest.raises(AllocationError) as caught:
        config(**overrides)
    assert fragment in caught.value.message
    assert "\n" not in caught.value.message


@pytest.mark.parametrize("key", ["total", "rounding_unit", "equal_share", "weights"])
def test_a_missing_key_is_named(key: str) -> None:
    data: dict[str, Any] = {"total": "1", "rounding_unit": "1", "equal_share": "0", "weights": {"a": "1"}}
    del data[key]
    with pytest.raises(AllocationError, match=f"kunci '{key}' tidak ada"):
        parse_config(data)


def test_siltap_may_be_left_out_and_json_numbers_are_read_exactly() -> None:
    cfg = parse_config({"total": 1000, "rounding_unit": 1, "equal_share": D("0.1"), "weights": {"a": 1}})
    assert cfg.siltap is None
    assert cfg.equal_share == D("0.1")


def test_an_indicator_summing_to_zero_is_refused() -> None:
    with pytest.raises(AllocationError, match="'luas' berjumlah nol"):
        allocate_transfers(
            config(weights={"penduduk": "0.5", "luas": "0.5"}),
            [desa("A", penduduk="1", luas="0"), desa("B", penduduk="1", luas="0")],
        )


def test_a_total_that_does_not_cover_siltap_is_refused() -> None:
    cfg = config(
        total="2000",
        rounding_unit="1000",
        siltap={"kepala_desa": "500", "sekretaris_desa": "0", "perangkat_lain": "0.01", "months": 1},
    )
    # Needs of 500, 500.01 and 500 fit in 2000; four desa (2000.01) do not.
    allocate_transfers(
        cfg, [desa("A", 0, penduduk="1"), desa("B", 1, penduduk="1"), desa("C", 0, penduduk="1")]
    )
    with pytest.raises(AllocationError, match=r"tidak cukup untuk siltap seluruh desa \(2000.01\)"):
        allocate_transfers(
            cfg,
            [
                desa("A", 0, penduduk="1"),
                desa("B", 1, penduduk="1"),
                desa("C", 0, penduduk="1"),
                desa("D", 0, penduduk="1"),
            ],
        )


@pytest.mark.parametrize(
    ("villages", "fragment"),
    [
        ([], "Tidak ada desa"),
        ([desa("A", penduduk="1"), desa("A", penduduk="2")], "lebih dari sekali"),
        ([desa("", penduduk="1")], "tanpa kode_desa"),
        ([desa("A", penduduk="-1"), desa("B", penduduk="2")], "negatif"),
        ([desa("A", luas="1")], "'penduduk' tidak ada"),
    ],
)
def test_bad_villages_are_refused(villages: list[VillageIndicators], fragment: str) -> None:
    with pytest.raises(AllocationError, match=fragment):
        allocate_transfers(config(), villages)


# ------------------------------------------------------------------------------------------- siltap check


@pytest.mark.parametrize(
    ("add", "cap"),
    [
        ("500000000", Fraction(60, 100)),
        ("500000000.01", Fraction(50, 100)),
        ("700000000", Fraction(50, 100)),
        ("900000000", Fraction(40, 100)),
        ("900000001", Fraction(30, 100)),
    ],
)
def test_the_siltap_cap_follows_the_bands(add: str, cap: Fraction) -> None:
    assert siltap_cap(D(add)) == cap


def test_shortfalls_list_the_desa_whose_capped_add_does_not_cover_siltap() -> None:
    amounts = {"A": D("400000000"), "B": D("1000000000"), "C": D("600000000")}
    needs = {"A": D("240000000"), "B": D("300000000.01"), "C": D("300000000"), "D": D("1")}
    shortfalls = siltap_shortfalls(amounts, needs)
    # A: 60% of 400 jt is exactly 240 jt (covered); B: 30% of 1 M is 300 jt, a sen short; C: 50% of 600 jt
    # covers 300 jt; D has no ADD at all.
    assert [(s.kode_desa, s.shortfall) for s in shortfalls] == [("B", Fraction(1, 100)), ("D", Fraction(1))]


# --------------------------------------------------------------------------------------------- properties

UNITS = [D("1"), D("0.01"), D("1000"), D("500"), D("0.05")]
COLUMNS = ["penduduk", "penduduk_miskin", "luas", "ikg"]


def _decimal(cents: int) -> Decimal:
    return D(cents) / 100


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[AllocationConfig, list[VillageIndicators]]:
    n = draw(st.integers(min_value=1, max_value=7))
    codes = draw(st.lists(st.integers(min_value=2001, max_value=2030), min_size=n, max_size=n, unique=True))
    columns = COLUMNS[: draw(st.integers(min_value=1, max_value=len(COLUMNS)))]
    parts = draw(
        st.lists(st.integers(min_value=0, max_value=10), min_size=len(columns), max_size=len(columns))
    )
    if sum(parts) == 0:
        parts[0] = 1
    weights = {c: Fraction(p, sum(parts)) for c, p in zip(columns, parts, strict=True)}
    # Weights must be exact decimals summing to one: give the rounding difference to the first column.
    decimal_weights = {c: D(w.numerator * 10**6 // w.denominator) / 10**6 for c, w in weights.items()}
    decimal_weights[columns[0]] += 1 - sum(decimal_weights.values())
    unit = draw(st.sampled_from(UNITS))
    siltap = draw(
        st.none()
        | st.builds(
            SiltapRates,
            kepala_desa=st.integers(0, 300_000).map(_decimal),
            sekretaris_desa=st.integers(0, 300_000).map(_decimal),
            perangkat_lain=st.integers(0, 300_000).map(_decimal),
            months=st.integers(1, 12),
        )
    )
    villages = []
    for code in codes:
        values = {c: _decimal(draw(st.integers(min_value=0, max_value=100_000))) for c in columns}
        villages.append(VillageIndicators(f"35.10.01.{code}", values, draw(st.integers(0, 6))))
    for c in columns:
        if all(v.indicators[c] == 0 for v in villages):
            villages[0].indicators[c] += 1  # type: ignore[index]
    unit_sen = int(unit * 100)
    siltap_units = sum(-(-(siltap.need_sen(v.officials) if siltap else 0) // unit_sen) for v in villages)
    extra_units = draw(st.integers(min_value=0, max_value=10**7))
    total = D((siltap_units + extra_units) * unit_sen) / 100
    cfg = AllocationConfig(
        total=total,
        rounding_unit=unit,
        equal_share=D(draw(st.integers(0, 100))) / 100,
        weights=decimal_weights,
        siltap=siltap,
    )
    return cfg, villages


def reference(cfg: AllocationConfig, villages: Sequence[VillageIndicators]) -> dict[str, Fraction]:
    """The rules written out plainly with Fractions: each desa's exact amount before rounding."""
    siltap = {}
    for v in villages:
        need = Fraction(cfg.siltap.need(v.officials)) if cfg.siltap else Fraction(0)
        siltap[v.kode_desa] = need
    remainder = Fraction(cfg.total) - sum(siltap.values())
    e = Fraction(cfg.equal_share)
    sums = {k: sum(Fraction(v.indicators[k]) for v in villages) for k, w in cfg.weights.items() if w}
    exact = {}
    for v in villages:
        index = sum(Fraction(w) * Fraction(v.indicators[k]) / sums[k] for k, w in cfg.weights.items() if w)
        exact[v.kode_desa] = siltap[v.kode_desa] + remainder * e / len(villages) + remainder * (1 - e) * index
    return exact


@given(scenarios())
def test_the_amounts_add_up_to_the_total_in_whole_units_and_start_from_siltap(
    scenario: tuple[AllocationConfig, list[VillageIndicators]],
) -> None:
    cfg, villages = scenario
    result = allocate_transfers(cfg, villages)
    assert sum(row.jumlah for row in result.rows) == cfg.total
    for row in result.rows:
        for amount in (row.siltap, row.alokasi_dasar, row.alokasi_proporsional, row.jumlah):
            assert amount == amount.quantize(D("0.01"))
        for amount in (row.alokasi_dasar, row.jumlah):
            assert amount >= 0
            assert amount % cfg.rounding_unit == 0
        assert row.siltap + row.alokasi_dasar + row.alokasi_proporsional == row.jumlah
        # The siltap column is the exact need; the desa's amount falls short of it by less than one unit
        # at most, and only when the need is not a whole number of units.
        assert row.siltap == row.siltap_need
        assert row.jumlah > row.siltap_need - cfg.rounding_unit
        if row.siltap_need % cfg.rounding_unit == 0:
            assert row.jumlah >= row.siltap_need


@given(scenarios())
def test_each_amount_is_the_exact_amount_rounded_by_largest_remainder(
    scenario: tuple[AllocationConfig, list[VillageIndicators]],
) -> None:
    cfg, villages = scenario
    result = allocate_transfers(cfg, villages)
    exact = reference(cfg, villages)
    unit = Fraction(cfg.rounding_unit)
    floors = {code: amount // unit for code, amount in exact.items()}
    left = int((Fraction(cfg.total) - sum(floors.values()) * unit) / unit)
    order = sorted(exact, key=lambda code: (-(exact[code] / unit - floors[code]), code))
    expected = {code: (floors[code] + (1 if code in order[:left] else 0)) * unit for code in exact}
    assert {row.kode_desa: Fraction(row.jumlah) for row in result.rows} == expected
    for row in result.rows:
        share = result.exact(row.kode_desa)
        assert Fraction(row.siltap) + share.dasar + share.proporsional == exact[row.kode_desa]
        assert abs(Fraction(row.jumlah) - exact[row.kode_desa]) < unit


@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_the_rows_does_not_matter(
    scenario: tuple[AllocationConfig, list[VillageIndicators]], random: Any
) -> None:
    cfg, villages = scenario
    shuffled = list(villages)
    random.shuffle(shuffled)
    assert allocate_transfers(cfg, shuffled).rows == allocate_transfers(cfg, villages).rows
    assert [row.kode_desa for row in allocate_transfers(cfg, shuffled).rows] == sorted(
        v.kode_desa for v in villages
    )


@given(scenarios(), st.data())
def test_a_larger_indicator_never_lowers_the_desa_proportional_share(
    scenario: tuple[AllocationConfig, list[VillageIndicators]], data: st.DataObject
) -> None:
    cfg, villages = scenario
    i = data.draw(st.integers(0, len(villages) - 1))
    column = data.draw(st.sampled_from(sorted(cfg.weights)))
    increase = _decimal(data.draw(st.integers(1, 10**6)))
    bigger = dict(villages[i].indicators)
    bigger[column] += increase
    changed = [*villages[:i], replace(villages[i], indicators=bigger), *villages[i + 1 :]]
    code = villages[i].kode_desa
    before = allocate_transfers(cfg, villages).exact(code).proporsional
    after = allocate_transfers(cfg, changed).exact(code).proporsional
    assert after >= before
    others_have_some = any(v.indicators[column] for j, v in enumerate(villages) if j != i)
    if (
        cfg.weights[column]
        and cfg.equal_share < 1
        and others_have_some
        and allocate_transfers(cfg, villages).remainder
    ):
        assert after > before


@given(scenarios())
def test_equal_desa_get_amounts_that_fall_with_the_code(
    scenario: tuple[AllocationConfig, list[VillageIndicators]],
) -> None:
    cfg, villages = scenario
    fewest = min(v.officials for v in villages)  # the total covers everyone at the smallest need
    same = [VillageIndicators(v.kode_desa, dict.fromkeys(cfg.weights, D(1)), fewest) for v in villages]
    first = allocate_transfers(cfg, same)
    amounts = [row.jumlah for row in first.rows]
    # Every exact share is the same, so the leftover units go to the smallest codes: never a larger
    # amount after a smaller one, and never more than one unit apart.
    assert amounts == sorted(amounts, reverse=True)
    assert amounts[0] - amounts[-1] <= cfg.rounding_unit
    assert allocate_transfers(cfg, list(reversed(same))).rows == first.rows
