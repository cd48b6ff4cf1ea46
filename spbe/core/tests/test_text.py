"""Names as people type or import them: one Unicode form, nothing invisible."""

from __future__ import annotations

import unicodedata

import pytest

from spbe.core.text import InvalidText, clean_name, invisible_characters


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Dinas   Pendidikan ", "Dinas Pendidikan"),
        ("Dinas\tKesehatan\nKota", "Dinas Kesehatan Kota"),
        ("Cafe\u0301", "Caf\u00e9"),  # decomposed e + accent becomes the one composed character
        ("Dinas\u00a0Sosial", "Dinas Sosial"),  # no-break space is whitespace, not invisible
        ("مكتب", "مكتب"),  # right-to-left letters are letters; only the override characters are refused
    ],
)
def test_it_normalises(raw, clean):
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Dinas\u202eLAPAK", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u200b\u200c\u200d", "U+200B ZERO WIDTH SPACE"),
        ("\ufeffDinas", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("Di\x00nas", "U+0000"),
        ("Dinas\x1b[31m", "U+001B"),
    ],
)
def test_it_refuses_control_and_format_characters(raw, shown):
    with pytest.raises(InvalidText) as caught:
        clean_name(raw, field="name")
    assert shown in caught.value.message
    assert caught.value.field == "name"


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_it_refuses_empty_names(raw):
    with pytest.raises(InvalidText, match="nama kosong"):
        clean_name(raw)


def test_it_counts_length_after_normalising():
    assert clean_name("a  " * 10, max_length=19) == " ".join(["a"] * 10)
    with pytest.raises(InvalidText, match="Nama unit lebih dari 18 karakter"):
        clean_name("a " * 10, max_length=18, label="Nama unit")


def test_the_ascii_shortcut_finds_exactly_what_the_unicode_rule_finds():
    for code in range(128):
        char = chr(code)
        expected = [char] if unicodedata.category(char) in {"Cc", "Cf"} else []
        assert invisible_characters(f"a{char}b{char}") == expected, code
    # Non-ASCII text still goes character by character: a format character next to ASCII is found.
    assert invisible_characters("Jalan\u200b Desa\x00") == ["\u200b", "\x00"]
