"""ADD >= 10% of DAU + DBH and BHPRD >= 10% of tax and levy, per-year thresholds, the lines behind them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spbe.budgeting.imports import budget_import
from spbe.budgeting.models import BudgetRules, BudgetVersion
from spbe.budgeting.selectors import Check, checks, general_transfer_prefixes
from spbe.budgeting.services import rules_set
from spbe.reference.codes import ACCOUNT_LEVELS
from spbe.reference.models import Account

from .conftest import UNIT_A, UNIT_A2, YEAR, row, write_csv

DBH, DAU, DAK = "4.2.01.07.01.0001", "4.2.01.08.01.0001", "4.2.01.09.01.0002"
PAJAK, RETRIBUSI, DIVIDEN = "4.1.01.09.01.0001", "4.1.02.01.01.0001", "4.1.03.02.01.0001"
ADD, ADD_KHUSUS = "5.4.02.05.01.0003", "5.4.02.05.02.0005"
BH_PAJAK, BH_RETRIBUSI = "5.4.01.01.03.0001", "5.4.01.02.01.0001"
NAMES = {"4.2.01.07": "Dana Bagi Hasil (DBH)", "4.2.01.08": "Dana Alokasi Umum (DAU)", "4.2.01.09": "DAK"}
SUPPORT = "1.03.01.2.02.0001"


def _add_accounts(codes: list[str]) -> None:
    existing = set(Account.objects.filter(year=YEAR).values_list("code", flat=True))
    wanted: set[str] = set()
    for code in codes:
        parts = code.split(".")
        wanted.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    Account.objects.bulk_create(
        Account(
            year=YEAR,
            code=c,
            parent_code=c.rsplit(".", 1)[0] if "." in c else "",
            level=ACCOUNT_LEVELS[c.count(".")],
            name=NAMES.get(c, f"R {c}"),
        )
        for c in sorted(wanted - existing)
    )


@pytest.fixture
def version(world, ref2028, tmp_path) -> BudgetVersion:
    _add_accounts([DBH, DAU, DAK, RETRIBUSI, DIVIDEN, ADD, ADD_KHUSUS, BH_PAJAK, BH_RETRIBUSI])
    rows = [
        row(UNIT_A2, "", DBH, "1", "300000"),
        row(UNIT_A2, "", DAU, "1", "700000"),
        row(UNIT_A2, "", DAK, "1", "5000000"),  # not a general transfer
        row(UNIT_A, "", PAJAK, "1", "600000"),
        row(UNIT_A, "", RETRIBUSI, "1", "400000"),
        row(UNIT_A, "", DIVIDEN, "1", "9000000"),  # not tax or levy
        row(UNIT_A, SUPPORT, ADD, "1", "60000"),
        row(UNIT_A, SUPPORT, ADD_KHUSUS, "1", "39999.99"),  # ADD 99.999,99 of 1.000.000: 9,99999%
        row(UNIT_A, SUPPORT, BH_PAJAK, "1", "70000"),
        row(UNIT_A, SUPPORT, BH_RETRIBUSI, "1", "30000"),  # BHPRD 100.000 of 1.000.000: exactly 10%
    ]
    budget_import(
        actor=world.tapd_a, pemda=world.pemda_a, year=YEAR, path=write_csv(tmp_path / "a.csv", rows)
    )
    return BudgetVersion.objects.get(pemda=world.pemda_a, year=YEAR)


def by_name(version: BudgetVersion) -> dict[str, Check]:
    return {check.name: check for check in checks(version)}


def test_general_transfers_are_found_by_name_in_the_years_chart(version):
    assert general_transfer_prefixes(YEAR) == ("4.2.01.07", "4.2.01.08")
    assert general_transfer_prefixes(YEAR + 5) == ("4.2.01.07", "4.2.01.08")  # no chart: the bundled numbers
    Account.objects.filter(year=YEAR, code="4.2.01.07").update(name="Lain-lain")
    assert general_transfer_prefixes(YEAR) == ("4.2.01.08",)


def test_add_and_bhprd_against_their_bases_with_the_lines_behind_them(version):
    found = by_name(version)
    add = found["alokasi_dana_desa"]
    assert (add.ok, add.amount, add.base, add.threshold) == (
        False,
        Decimal("99999.99"),
        Decimal("1000000.00"),
        Decimal("10"),
    )
    assert add.percent == Decimal("10.00")  # shown rounded; the rule itself is exact, and fails
    assert [line.account for line in add.lines] == [ADD, ADD_KHUSUS, DAU, DBH]
    bhprd = found["bagi_hasil_desa"]
    assert (bhprd.ok, bhprd.amount, bhprd.base, bhprd.percent) == (
        True,
        Decimal("100000.00"),
        Decimal("1000000.00"),
        Decimal("10.00"),
    )
    assert [line.account for line in bhprd.lines] == [BH_PAJAK, BH_RETRIBUSI, PAJAK, RETRIBUSI]


def test_add_and_bhprd_thresholds_are_set_per_year(version, world):
    rules_set(
        actor=world.tapd_a,
        pemda=world.pemda_a,
        year=YEAR,
        personnel_max="30",
        infrastructure_min="40",
        education_min="20",
        add_min="9,99",
        bhprd_min="10.01",
    )
    found = by_name(version)
    assert found["alokasi_dana_desa"].ok and not found["bagi_hasil_desa"].ok
    rules = BudgetRules.objects.get(pemda=world.pemda_a, year=YEAR)
    assert (rules.add_min, rules.bhprd_min) == (Decimal("9.99"), Decimal("10.01"))
    # Leaving them out keeps them.
    rules_set(
        actor=world.tapd_a,
        pemda=world.pemda_a,
        year=YEAR,
        personnel_max="31",
        infrastructure_min="40",
        education_min="20",
    )
    rules.refresh_from_db()
    assert (rules.personnel_max, rules.add_min, rules.bhprd_min) == (
        Decimal("31.00"),
        Decimal("9.99"),
        Decimal("10.01"),
    )
