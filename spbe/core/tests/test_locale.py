"""The English catalog translates every string of the interface (source strings are Indonesian)."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries() -> list[tuple[str, str, str]]:
    """(context, msgid, msgstr) of each entry, with continuation lines joined."""
    text = CATALOG.read_text(encoding="utf-8")
    found = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgstr) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            found.append((fields.get("msgctxt", ""), fields["msgid"], fields.get("msgstr", "")))
    return found


def test_every_string_is_translated_and_not_fuzzy():
    assert "#, fuzzy" not in CATALOG.read_text(encoding="utf-8")
    missing = [msgid for _ctx, msgid, msgstr in entries() if not msgstr]
    assert missing == []
    assert len(entries()) > 200


def test_placeholders_survive_translation():
    for _ctx, msgid, msgstr in entries():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr)), msgid


def test_the_compiled_catalog_is_the_one_in_use():
    with translation.override("en"):
        assert translation.gettext("Wilayah Indonesia") == "Regions of Indonesia"
        assert translation.pgettext("jumlah", "desa") == "villages"
