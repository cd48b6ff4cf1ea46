"""The stale-catalog check compares compiled catalogs, without git and without touching the tree."""

from __future__ import annotations

import shutil

import pytest

from scripts.check_messages import main

from .conftest import ROOT, copy_checkout

pytestmark = [
    pytest.mark.scripts,
    pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed"),
]
PO = "spbe/locale/en/LC_MESSAGES/django.po"
MO = "spbe/locale/en/LC_MESSAGES/django.mo"


@pytest.fixture
def tree(tmp_path):
    """A copy of the catalogs outside any git checkout."""
    return copy_checkout(tmp_path, "spbe/locale")


def test_the_committed_catalogs_are_current(tree, capsys):
    committed = (tree / MO).read_bytes()

    assert main(["check", str(tree)]) == 0

    assert capsys.readouterr().err == ""
    assert (tree / MO).read_bytes() == committed
    assert main(["check"]) == 0  # this checkout itself
    assert (ROOT / MO).exists()


def test_a_changed_translation_makes_the_catalog_stale(tree, capsys):
    po = tree / PO
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Village not found."', 'msgstr "No such village."'),
        encoding="utf-8",
    )
    committed = (tree / MO).read_bytes()

    assert main(["check", str(tree)]) == 1

    err = capsys.readouterr().err
    assert f"{MO} is stale: 1 message(s) differ" in err
    assert "Desa tidak ditemukan." in err
    assert "make messages" in err
    assert (tree / MO).read_bytes() == committed  # reported, not silently recompiled


def test_a_missing_catalog_or_a_broken_po_is_reported(tree, capsys):
    (tree / MO).unlink()
    assert main(["check", str(tree)]) == 1
    assert f"{MO} is missing" in capsys.readouterr().err

    po = tree / PO
    # A translation naming a placeholder its source does not have: msgfmt --check-format refuses it.
    broken = '\n#, python-format\nmsgid "Peran: %(roles)s."\nmsgstr "Roles: %(peran)s."\n'
    po.write_text(po.read_text(encoding="utf-8") + broken, encoding="utf-8")
    assert main(["check", str(tree)]) == 1
    assert f"{PO} does not compile" in capsys.readouterr().err
