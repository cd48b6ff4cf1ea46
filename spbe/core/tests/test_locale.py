"""The English catalog translates every string of the interface (source strings are Indonesian).

``make messages`` adds each new source string with an empty ``msgstr`` and marks a guessed one ``fuzzy``;
gettext then shows the Indonesian text (or, for fuzzy, nothing of the guess) to English readers. These
tests make such a catalog fail ``make test`` instead of shipping half-translated pages. The catalog is
read with a small parser here because polib is not a dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?) "(.*)"$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# Python-format placeholders (blocktranslate's {{ n }} becomes %(n)s in the catalog) and HTML tags: a
# translation that drops or renames one breaks the page or raises KeyError at render time.
_PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdifxXr]|</?[a-z][^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    context: str | None = None
    plural: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text)


def parse(text: str) -> list[Entry]:
    """Every entry of a .po text except the header, obsolete (``#~``) entries skipped.

    A line the parser does not understand raises, so a format change cannot quietly hide entries.
    """
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, key, seen = Entry(), "", False
        for line in block.splitlines():
            if line.startswith("#~"):
                continue
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
                continue
            if line.startswith("#"):
                continue
            if match := _KEYWORD.match(line):
                key, value, seen = match.group(1), _unescape(match.group(3)), True
                if key == "msgctxt":
                    entry.context = value
                elif key == "msgid":
                    entry.msgid = value
                elif key == "msgid_plural":
                    entry.plural = value
                else:
                    entry.msgstrs[int(match.group(2) or 0)] = value
            elif line.startswith('"') and line.endswith('"') and key:
                value = _unescape(line[1:-1])
                if key == "msgctxt":
                    entry.context = (entry.context or "") + value
                elif key == "msgid":
                    entry.msgid += value
                elif key == "msgid_plural":
                    entry.plural = (entry.plural or "") + value
                else:
                    index = int(key[7:-1]) if key.startswith("msgstr[") else 0
                    entry.msgstrs[index] += value
            else:
                raise ValueError(f"unexpected line in catalog: {line!r}")
        if seen and (entry.msgid or entry.context):
            entries.append(entry)
    return entries


def problems(entries: list[Entry], nplurals: int = 2) -> list[str]:
    """Why each entry would not show proper English: untranslated, fuzzy, or missing a plural form."""
    found = []
    for entry in entries:
        name = repr(entry.msgid[:70])
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {name}")
        expected = range(nplurals) if entry.plural is not None else range(1)
        if sorted(entry.msgstrs) != list(expected):
            found.append(f"wrong msgstr forms {sorted(entry.msgstrs)}: {name}")
        elif not all(entry.msgstrs.values()):
            found.append(f"untranslated: {name}")
    return found


def catalog() -> list[Entry]:
    return parse(CATALOG.read_text(encoding="utf-8"))


def test_every_string_is_translated_and_not_fuzzy():
    entries = catalog()
    assert problems(entries) == []
    assert len(entries) > 400


def test_the_check_catches_untranslated_fuzzy_and_half_plural_entries():
    sample = r"""
msgid ""
msgstr ""
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Baik"
msgstr "Good"

msgid "Belum"
msgstr ""

#, fuzzy, python-format
#| msgid "Lama %(x)s"
msgid "Tebakan %(x)s"
msgstr "Guess %(x)s"

#, python-format
msgid "%(n)s berkas"
msgid_plural "%(n)s berkas"
msgstr[0] "%(n)s file"
msgstr[1] ""

msgctxt "jumlah"
msgid "desa \"adat\""
msgstr ""
"villages "
"\"adat\""
"""
    entries = parse(sample)
    assert [(e.context, e.msgid) for e in entries] == [
        (None, "Baik"),
        (None, "Belum"),
        (None, "Tebakan %(x)s"),
        (None, "%(n)s berkas"),
        ("jumlah", 'desa "adat"'),
    ]
    assert entries[-1].msgstrs == {0: 'villages "adat"'}
    assert problems(entries) == [
        "untranslated: 'Belum'",
        "fuzzy: 'Tebakan %(x)s'",
        "untranslated: '%(n)s berkas'",
    ]
    with pytest.raises(ValueError, match="unexpected line"):
        parse('msgid "a"\nmsgstr "b"\ngarbage')


def test_placeholders_and_tags_survive_translation():
    wrong = []
    for entry in catalog():
        sources = [entry.msgid, entry.plural if entry.plural is not None else entry.msgid]
        for index, msgstr in entry.msgstrs.items():
            source = sources[min(index, 1)]
            if sorted(_PLACEHOLDER.findall(source)) != sorted(_PLACEHOLDER.findall(msgstr)):
                wrong.append(entry.msgid)
    assert wrong == []


def test_the_compiled_catalog_is_the_one_in_use():
    with translation.override("en"):
        assert translation.gettext("Wilayah Indonesia") == "Regions of Indonesia"
        assert translation.pgettext("jumlah", "desa") == "villages"
        assert translation.ngettext("%(n)s catatan", "%(n)s catatan", 2) % {"n": 2} == "2 records"
        wrong_password = translation.gettext("Nama pengguna atau kata sandi salah.")
        assert wrong_password == "Incorrect username or password."


@pytest.mark.django_db
def test_the_sign_in_and_not_found_pages_speak_english_when_chosen(regions, settings):
    settings.DEBUG = False
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login = client.get("/masuk/").content.decode()
    assert '<html lang="en">' in login
    assert "Sign in to OpenSPBE" in login
    assert "Forgotten your password? Ask your pemda admin to reset it." in login
    assert "Kata sandi" not in login
    missing = client.get("/tidak-ada/")
    page = missing.content.decode()
    assert missing.status_code == 404
    assert '<h1 id="error-title">Not found</h1>' in page
    assert "The address <code>/tidak-ada/</code> does not exist" in page
    assert '<a href="/">OpenSPBE home</a>' in page
    assert "Continue to" in page
