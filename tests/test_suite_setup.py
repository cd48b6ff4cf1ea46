"""The shared test setup in conftest.py: data loaded once per test database, steady property tests."""

from __future__ import annotations

import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from spbe.core.models import AuditEntry
from spbe.reference.models import Account, Nomenclature
from spbe.regions.models import Region


@pytest.mark.django_db
def test_every_test_database_starts_with_the_test_regions_and_this_years_reference_lists():
    # No fixture asked for them: they were committed once, before the first test, and every test sees them.
    assert Region.objects.count() == 55
    year = settings.SPBE_DEFAULT_BUDGET_YEAR
    assert Nomenclature.objects.filter(year=year).count() == 4507
    assert Account.objects.filter(year=year).count() == 4483
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {"regions.load", "reference.load"}


def test_property_tests_cannot_fail_on_a_slow_machine():
    current = hypothesis_settings.default
    assert current.deadline is None
    assert HealthCheck.too_slow in current.suppress_health_check
    assert current.derandomize is True
    assert current.database is None
