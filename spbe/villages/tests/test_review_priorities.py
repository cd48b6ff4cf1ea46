"""Acceptance pass, point 3: the domain guide gives the Dana Desa priority shares of 2024 only, so any other
year's shares are configurable per year and, while taken from elsewhere, labelled assumed on the page."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from spbe.villages import priorities
from spbe.villages.services import apbdes_create

from .books_helpers import YEAR

pytestmark = pytest.mark.django_db

CONFIG = {"2026": {"peraturan": "Permendes PDT 9/2025", "blt": "10", "ketahanan_pangan": "25.5"}}


def test_2026_and_unconfigured_years_are_assumed_2024_is_the_guides() -> None:
    assert not priorities.rules_for(2024).assumed
    assert priorities.rules_for(2024).describe(2024) == priorities.DEFAULT.regulation
    for year in (2026, 2031):
        rules = priorities.rules_for(year)
        assert rules.assumed
        assert "diasumsikan" in rules.describe(year) and "SPBE_DANA_DESA_PRIORITIES" in rules.describe(year)


def test_a_configured_year_replaces_the_assumption() -> None:
    with override_settings(SPBE_DANA_DESA_PRIORITIES=json.dumps(CONFIG)):
        rules = priorities.rules_for(2026)
        assert not rules.assumed and rules.describe(2026) == "Permendes PDT 9/2025"
        assert [(r.code, r.percent, r.at_most, r.mandatory) for r in rules.rules] == [
            ("blt", Decimal("10"), True, True),
            ("ketahanan_pangan", Decimal("25.5"), False, False),
        ]
        assert priorities.rules_for(2025).rules[0].percent == Decimal("15")  # other years as coded


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("{", "JSON"),
        ('{"26": {}}', "'26'"),
        ('{"2026": {"peraturan": "P", "blt": "10"}}', "[2026]"),
        ('{"2026": {"peraturan": "P", "blt": 10, "ketahanan_pangan": "20"}}', "[2026].blt"),
        ('{"2026": {"peraturan": "P", "blt": "101", "ketahanan_pangan": "20"}}', "[2026].blt"),
        ('{"2026": {"peraturan": " ", "blt": "10", "ketahanan_pangan": "20"}}', "[2026].peraturan"),
    ],
)
def test_a_bad_configuration_names_the_year_and_key(raw: str, names: str) -> None:
    with (
        override_settings(SPBE_DANA_DESA_PRIORITIES=raw),
        pytest.raises(ImproperlyConfigured, match=names.replace("[", r"\[").replace("]", r"\]")),
    ):
        priorities.rules_for(2026)


def test_the_page_says_the_years_shares_are_assumed(world: Any, reference_year: int) -> None:
    apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
    url = f"/app/{world.pemda_a.code}/desa/{world.desa_x.region_id}/apbdes/{YEAR}/"
    page = world.client_for(world.operator_x).get(url).content.decode()
    assert f"Bagian prioritas Dana Desa {YEAR} diasumsikan" in page
    with override_settings(SPBE_DANA_DESA_PRIORITIES=json.dumps({str(YEAR): CONFIG["2026"]})):
        page = world.client_for(world.operator_x).get(url).content.decode()
    assert "diasumsikan" not in page and "Permendes PDT 9/2025" in page
    assert 'id="priority-blt"' in page and "10%" in page
