"""Masking is pure: what a public page shows of a complainant, table-driven."""

from __future__ import annotations

import pytest

from spbe.complaints import masking


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Budi Santoso", "Bu** S******"),
        ("Siti", "Si**"),
        ("Al", "A*"),
        ("A", "*"),
        ("Ni Luh Putu Ayu", "N* L** P*** A**"),
        ("  Budi   Santoso ", "Bu** S******"),
        ("Bunga Sutami", "Bu*** S*****"),
        ("", ""),
    ],
)
def test_a_name_keeps_two_letters_of_the_first_word_and_one_of_the_others(name, masked):
    assert masking.mask_name(name) == masked


def test_a_nik_shows_its_last_four_digits():
    assert masking.mask_nik("3510012345670001") == "************0001"
    assert masking.mask_nik("") == ""


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("0812-3456-7890", "*********890"), ("+62 812 3456 7890", "**********890"), ("12345678", "*****678")],
)
def test_a_phone_shows_its_last_three_digits(phone, masked):
    assert masking.mask_phone(phone) == masked


def test_an_email_keeps_its_first_character_and_top_level_domain():
    assert masking.mask_email("budi.santoso@contoh.id") == "b***********@******.id"
    assert masking.mask_email("b@localhost") == "*@*********"
    assert masking.mask_email("") == ""
