import pytest

from spbe.core.errors import ValidationFailed
from spbe.reference import codes
from spbe.reference.selectors import InvalidCode, canonical_account_code


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("5.1.02.01.01.0024", "5.1.02.01.01.0024"),
        ("5.1.02.01.001.00024", "5.1.02.01.01.0024"),
        ("5.1.02.01.01.00024", "5.1.02.01.01.0024"),
        ("5.1.02.01.001", "5.1.02.01.01"),
        (" 4.1.01.15.01.0001 ", "4.1.01.15.01.0001"),
        ("4.2.01.", "4.2.01"),
        ("5", "5"),
    ],
)
def test_it_canonicalises_both_account_widths(typed, canonical):
    assert canonical_account_code(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "5.1.2",
        "5.1.02.1",
        "5.1.02.01.101.0024",
        "5.1.02.01.01.10024",
        "5.1.02.01.01.024",
        "5.a.02",
        "0.1",
    ],
)
def test_it_rejects_account_segments_that_do_not_fit(typed):
    with pytest.raises(InvalidCode) as caught:
        canonical_account_code(typed)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, ValidationFailed)
    assert caught.value.message


def test_it_names_the_bad_segment():
    with pytest.raises(InvalidCode, match="rincian_objek '101'"):
        canonical_account_code("5.1.02.01.101.0024")


def test_it_rejects_too_many_segments():
    with pytest.raises(InvalidCode, match="7 segmen"):
        canonical_account_code("5.1.02.01.01.0024.1")


@pytest.mark.parametrize(
    ("typed", "level", "parent"),
    [
        ("1", "urusan", ""),
        ("1.02", "bidang", "1"),
        ("1.02.02", "program", "1.02"),
        ("1.02.02.2.01", "kegiatan", "1.02.02"),
        ("1.02.02.2.01.0001", "sub_kegiatan", "1.02.02.2.01"),
        ("X", "urusan", ""),
        ("X.XX", "bidang", "X"),
        ("X.XX.01.2.01.0001", "sub_kegiatan", "X.XX.01.2.01"),
    ],
)
def test_it_parses_nomenclature_codes(typed, level, parent):
    code, found = codes.parse_nomenclature_code(typed)
    assert (code, found) == (typed, level)
    assert codes.nomenclature_parent(code) == parent


@pytest.mark.parametrize(
    "typed",
    ["1.02.02.2", "1.2", "X.01", "1.XX", "1.02.02.0.01", "1.02.02.2.01.001", "0.01", "1.02.02.2.01.0001.1"],
)
def test_it_rejects_bad_nomenclature_codes(typed):
    with pytest.raises(InvalidCode):
        codes.parse_nomenclature_code(typed)


def test_it_parses_village_codes():
    assert codes.parse_village_account_code("4.2.1") == ("4.2.1", "jenis")
    assert codes.parse_village_account_code("4.2.1.01.") == ("4.2.1.01", "objek")
    assert codes.parse_village_activity_code("01.01.02") == ("01.01.02", "kegiatan")
    with pytest.raises(InvalidCode):
        codes.parse_village_account_code("7.1")
    with pytest.raises(InvalidCode):
        codes.parse_village_account_code("4.2.01")
    with pytest.raises(InvalidCode):
        codes.parse_village_activity_code("1.01")
