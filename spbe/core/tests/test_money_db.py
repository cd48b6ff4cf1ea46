"""Amounts stored as integer sen are kept and summed exactly at national scale, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, models
from django.db.models import Sum
from django.test.utils import isolate_apps

from spbe.core.fields import MoneyField
from spbe.core.money import MoneyError

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    """A throwaway table with a MoneyField, created inside the test's transaction (rolled back after)."""
    with isolate_apps("spbe.core"):

        class Line(models.Model):  # noqa: DJ008
            id = models.IntegerField(primary_key=True)
            amount = MoneyField()

            class Meta:
                app_label = "core"
                db_table = "test_money_line"
                managed = False

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_money_line (id integer PRIMARY KEY, amount bigint NOT NULL)")
    return Line


NATIONAL = Decimal("1000000000000000.00")  # Rp10^15, a thousand trillion rupiah


def test_it_stores_and_sums_national_scale_amounts_exactly(ledger):
    amounts = [
        NATIONAL + Decimal("0.01"),
        NATIONAL - Decimal("0.07"),
        Decimal("0.01"),
        Decimal("12345678901234.56"),
    ]
    amounts += [NATIONAL] * 60
    ledger.objects.bulk_create(ledger(id=n, amount=a) for n, a in enumerate(amounts))
    assert ledger.objects.get(id=0).amount == Decimal("1000000000000000.01")
    total = ledger.objects.aggregate(total=Sum("amount"))["total"]
    assert total == sum(amounts)
    assert total == Decimal("62012345678901234.51")
    assert isinstance(total, Decimal)
    # Comparisons go through the same exact conversion.
    assert ledger.objects.filter(amount__gt=NATIONAL).count() == 1


def test_it_never_rounds_silently(ledger):
    with pytest.raises(MoneyError):
        ledger.objects.create(id=1, amount=Decimal("1.005"))


def test_it_refuses_floats(ledger):
    with pytest.raises(TypeError):
        ledger.objects.create(id=1, amount=0.1)
