"""The iCalendar writer: line endings, folding at 75 octets on character boundaries, TEXT escaping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spbe.core import ical

T = dt.datetime(2027, 3, 13, 1, 0, tzinfo=dt.UTC)


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert "\n" not in "".join(physical) and "\r" not in "".join(physical)
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for c in chars:
        if c == "\\":
            nxt = next(chars)
            assert nxt in "\\;,nN", f"bad escape \\{nxt}"
            out.append("\n" if nxt in "nN" else nxt)
        else:
            assert c not in ";,", f"unescaped {c!r} in {value!r}"
            out.append(c)
    return "".join(out)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("baris 1\nbaris 2\r\nbaris 3", "baris 1\\nbaris 2\\nbaris 3"),
        ("bel\x07 nul\x00 tab\t", "bel nul tab\t"),
    ],
)
def test_text_is_escaped(raw, escaped):
    assert ical.escape_text(raw) == escaped


def test_a_long_line_is_folded_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "é" * 100  # two octets each
    folded = ical.fold(line)
    physical = folded[:-2].split("\r\n")
    assert all(len(p.encode()) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join([physical[0], *(p[1:] for p in physical[1:])]) == line
    assert len(physical[0].encode()) in (74, 75)


def test_a_short_line_is_left_alone():
    assert ical.fold("VERSION:2.0") == "VERSION:2.0\r\n"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_folding_and_escaping_round_trip(text):
    line = "DESCRIPTION:" + ical.escape_text(text)
    (logical,) = unfold(ical.fold(line))
    value = unescape(logical.removeprefix("DESCRIPTION:"))
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(c for c in expected if c in "\n\t" or not (ord(c) < 32 or ord(c) == 127))
    assert value == expected


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        ical.utc(dt.datetime(2027, 1, 1))


def test_a_calendar_has_its_frame_and_utc_times():
    event = ical.Event(
        uid="abc@openspbe",
        start=dt.datetime(2027, 3, 13, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        end=T + dt.timedelta(hours=4),
        summary="Posko, kesehatan; gratis",
        stamp=T,
        latitude=Decimal("-8.219000"),
        longitude=Decimal("114.369000"),
    )
    lines = unfold(ical.calendar([event], name="Uji"))
    assert lines[:3] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//OpenSPBE//OpenSPBE//ID"]
    assert lines[-1] == "END:VCALENDAR"
    assert "DTSTART:20270313T010000Z" in lines
    assert "GEO:-8.219000;114.369000" in lines
    assert "SUMMARY:Posko\\, kesehatan\\; gratis" in lines
