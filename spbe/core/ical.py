"""An iCalendar (RFC 5545) writer for published feeds: events a calendar app can subscribe to.

Pure functions, no database, no app. What RFC 5545 requires and calendar apps are strict about:

* every content line ends with CRLF (3.1), and a line longer than 75 octets is folded: CRLF followed by one
  space, never inside a UTF-8 character;
* TEXT values escape backslash, semicolon, comma and newline (3.3.11); other control characters are not
  allowed in TEXT and are dropped;
* times are written in UTC (``19970714T173000Z``), so no VTIMEZONE is needed and every app agrees;
* each event has a UID that stays the same for the event's whole life, and a DTSTAMP; SEQUENCE counts
  revisions so a subscribed calendar replaces the old copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

CRLF = "\r\n"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: ``\\`` ``;`` ``,`` escaped, newlines as ``\\n``, other control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(c for c in value if c in "\n\t" or not (ord(c) < 32 or ord(c) == 127))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line at 75 octets (continuations start with a space), ending it with CRLF."""
    parts: list[str] = []
    current, size = "", 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            # A continuation line's leading space counts towards its 75 octets.
            current, size, limit = char, width, MAX_OCTETS - 1
        else:
            current += char
            size += width
    parts.append(current)
    return (CRLF + " ").join(parts) + CRLF


def utc(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form; a naive datetime is refused (it would mean a different time per app)."""
    if moment.tzinfo is None:
        raise ValueError("iCalendar times must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    """One VEVENT. ``uid`` must be stable and globally unique (``<id>@<domain>``)."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    stamp: dt.datetime
    description: str = ""
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    url: str = ""
    sequence: int = 0
    cancelled: bool = False
    categories: tuple[str, ...] = field(default_factory=tuple)


def _event_lines(event: Event) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc(event.stamp)}",
        f"LAST-MODIFIED:{utc(event.stamp)}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.latitude is not None and event.longitude is not None:
        # GEO is two FLOAT values separated by a semicolon (not escaped: it is not TEXT).
        lines.append(f"GEO:{event.latitude};{event.longitude}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, name: str, product: str = "-//OpenSPBE//OpenSPBE//ID") -> str:
    """A whole VCALENDAR as text: CRLF line endings, folded lines, ready to send as ``text/calendar``."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{product}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += _event_lines(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
