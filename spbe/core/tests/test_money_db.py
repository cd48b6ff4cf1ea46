"""Amounts stored as integer sen are kept and summed exactly at national scale, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection, models, transaction
from django.db.models import Avg, F, Sum, Value
from django.db.models.functions import Coalesce
from django.test.utils import isolate_apps

from spbe.core.fields import MoneyField
from spbe.core.money import MoneyError
from spbe.core.money_sql import Money, MoneySum, divide, scale

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    """A throwaway table with a MoneyField, created inside the test's transaction (rolled back after)."""
    with isolate_apps("spbe.core"):

        class Line(models.Model):  # noqa: DJ008
            id = models.IntegerField(primary_key=True)
            amount = MoneyField()
            budget = MoneyField(null=True)
            quantity = models.IntegerField(default=1)

            class Meta:
                app_label = "core"
                db_table = "test_money_line"
                managed = False

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE test_money_line "
            "(id integer PRIMARY KEY, amount bigint NOT NULL, budget bigint NULL, quantity integer NOT NULL)"
        )
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


# Money in SQL expressions: every result below is read back from the database on SQLite and PostgreSQL.


def _lines(ledger, *rows):
    """rows of (amount, budget, quantity); ids from 1."""
    ledger.objects.bulk_create(
        ledger(id=n, amount=amount, budget=budget, quantity=quantity)
        for n, (amount, budget, quantity) in enumerate(rows, start=1)
    )


def _values(rows, name):
    """``name`` of every row, by id; ``rows`` is the model or a queryset of it."""
    return list(getattr(rows, "objects", rows).order_by("id").values_list(name, flat=True))


def test_money_plus_money_comes_back_as_rupiah(ledger):
    _lines(ledger, (NATIONAL + Decimal("0.01"), NATIONAL - Decimal("0.99"), 1), (Decimal("1.50"), None, 1))
    rows = ledger.objects.order_by("id").annotate(
        total=F("amount") + F("budget"), left=F("budget") - F("amount"), twice=F("amount") + F("amount")
    )
    first, second = rows
    assert first.total == Decimal("1999999999999999.02")
    assert first.left == Decimal("-1.00")
    assert isinstance(first.total, Decimal)
    assert second.twice == Decimal("3.00")
    assert second.total is None  # NULL budget


def test_money_literals_go_through_money(ledger):
    _lines(ledger, (Decimal("1000.00"), None, 1), (NATIONAL, None, 1))
    ledger.objects.update(amount=F("amount") + Money("12.34"))
    assert _values(ledger, "amount") == [Decimal("1012.34"), Decimal("1000000000000012.34")]
    ledger.objects.filter(id=1).update(amount=F("amount") - Money(Decimal("0.34")))
    assert _values(ledger, "amount")[0] == Decimal("1012.00")
    # A whole number in Money() is rupiah, text is read the Indonesian way.
    ledger.objects.filter(id=1).update(amount=Money(5) + Money("1.234,50"))
    assert _values(ledger, "amount")[0] == Decimal("1239.50")
    annotated = ledger.objects.annotate(more=F("amount") + Money("0.01")).get(id=2)
    assert annotated.more == Decimal("1000000000000012.35")


@pytest.mark.parametrize(
    ("build", "helper"),
    [
        (lambda: F("amount") + Decimal("12.34"), "Money("),
        (lambda: F("amount") + 100, "Money("),
        (lambda: 100 - F("amount"), "Money("),
        (lambda: F("amount") - Value(Decimal("1.5")), "Money("),
        (lambda: F("amount") + F("quantity"), "Money("),
        (lambda: F("amount") * Decimal("1.1"), "scale("),
        (lambda: F("amount") * 1.1, "scale("),
        (lambda: F("amount") / 3, "divide("),
        (lambda: F("amount") / Decimal("2"), "divide("),
        (lambda: F("amount") * F("budget"), "MoneySum"),
        (lambda: F("amount") / F("budget"), "MoneySum"),
        (lambda: F("amount") % 7, "MoneyField docstring"),
    ],
)
def test_wrong_money_arithmetic_is_refused_everywhere(ledger, build, helper):
    """Refused when read, compared and saved; PostgreSQL never asked for the type when saving or comparing."""
    _lines(ledger, (Decimal("1000.00"), Decimal("2000.00"), 1))
    with pytest.raises(TypeError, match=re.escape(helper)):
        list(ledger.objects.annotate(wrong=build()))
    # update() marks the test's transaction for rollback on any error; a savepoint keeps it usable.
    with pytest.raises(TypeError, match=re.escape(helper)), transaction.atomic():
        ledger.objects.update(amount=build())
    with pytest.raises(TypeError, match=re.escape(helper)):
        ledger.objects.filter(budget__gte=build()).count()
    assert _values(ledger, "amount") == [Decimal("1000.00")]


def test_saving_a_non_money_expression_is_refused(ledger):
    with pytest.raises(TypeError, match="IntegerField expression"), transaction.atomic():
        ledger.objects.create(id=1, amount=Value(5))
    ledger.objects.create(id=2, amount=Money(5))
    assert _values(ledger, "amount") == [Decimal("5.00")]


def test_comparisons_are_in_rupiah(ledger):
    _lines(
        ledger,
        (Decimal("1000.50"), Decimal("1000.50"), 1),
        (Decimal("1000.51"), Decimal("1000.50"), 1),
        (NATIONAL, NATIONAL - Decimal("0.01"), 1),
    )
    assert list(ledger.objects.filter(amount__gt=Decimal("1000.50")).values_list("id", flat=True)) == [2, 3]
    assert list(ledger.objects.filter(amount__lte=F("budget")).values_list("id", flat=True)) == [1]
    within_a_sen = ledger.objects.filter(amount__lte=F("budget") + Money("0.01")).order_by("id")
    assert list(within_a_sen.values_list("id", flat=True)) == [1, 2, 3]
    # Comparing money with an integer column would compare sen with a count.
    with pytest.raises(TypeError, match="IntegerField expression"):
        ledger.objects.filter(amount__gt=F("quantity")).count()


def test_sums_are_rupiah_and_empty_sums_are_zero_only_when_asked(ledger):
    assert ledger.objects.aggregate(total=Sum("amount"))["total"] is None
    assert ledger.objects.aggregate(total=MoneySum("amount"))["total"] == Decimal("0.00")
    assert ledger.objects.aggregate(total=Sum("amount", default=5))["total"] == Decimal("5.00")
    assert ledger.objects.aggregate(total=Coalesce(Sum("amount"), Money(0)))["total"] == Decimal("0.00")
    # A bare 0 next to money is sen to the database; Django refuses to mix the two types.
    with pytest.raises(FieldError, match="mixed types"):
        ledger.objects.aggregate(total=Coalesce(Sum("amount"), 7))
    with pytest.raises(TypeError, match="MoneySum sums money"):
        ledger.objects.aggregate(total=MoneySum("quantity"))

    _lines(ledger, (NATIONAL, NATIONAL + NATIONAL, 2), (Decimal("0.01"), None, 3))
    totals = ledger.objects.aggregate(
        spent=MoneySum("amount"),
        planned=MoneySum("budget"),
        left=MoneySum("budget") - MoneySum("amount"),
        cost=MoneySum(F("amount") * F("quantity")),
        coalesced=Coalesce(Sum("budget"), Money(0)),
    )
    assert totals == {
        "spent": Decimal("1000000000000000.01"),
        "planned": Decimal("2000000000000000.00"),
        "left": Decimal("999999999999999.99"),
        "cost": Decimal("2000000000000000.03"),
        "coalesced": Decimal("2000000000000000.00"),
    }
    assert all(isinstance(total, Decimal) for total in totals.values())
    per_quantity = ledger.objects.values("quantity").annotate(total=MoneySum("amount")).order_by("quantity")
    assert [row["total"] for row in per_quantity] == [NATIONAL, Decimal("0.01")]


def test_average_is_refused_rather_than_truncated(ledger):
    _lines(ledger, (Decimal("0.01"), None, 1), (Decimal("0.02"), None, 1))
    with pytest.raises(TypeError, match="divide"):
        ledger.objects.aggregate(mean=Avg("amount"))


def test_whole_multiples_are_exact(ledger):
    _lines(ledger, (Decimal("333333333333333.33"), None, 3), (Decimal("-0.07"), None, 1))
    rows = ledger.objects.order_by("id").annotate(
        cost=F("amount") * F("quantity"), triple=3 * F("amount"), negated=-F("amount")
    )
    assert [(r.cost, r.triple, r.negated) for r in rows] == [
        (Decimal("999999999999999.99"), Decimal("999999999999999.99"), Decimal("-333333333333333.33")),
        (Decimal("-0.07"), Decimal("-0.21"), Decimal("0.07")),
    ]


def _half_up(value: Fraction) -> Decimal:
    """The exact value rounded half away from zero to the sen, computed in Python for comparison."""
    sen = value * 100
    whole = abs(sen.numerator) // sen.denominator
    if abs(sen) - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole if sen >= 0 else -whole).scaleb(-2)


SCALE_AMOUNTS = [
    Decimal("0.01"),
    Decimal("0.05"),
    Decimal("-0.05"),
    Decimal("0.15"),
    Decimal("-0.15"),
    Decimal("1.00"),
    Decimal("999.99"),
    Decimal("-12345.67"),
    NATIONAL + Decimal("0.05"),
    -(NATIONAL + Decimal("0.05")),
    Decimal("12345678901234.56"),
]


@pytest.mark.parametrize(
    ("helper", "number"),
    [
        ("divide", 2),
        ("divide", 3),
        ("divide", -3),
        ("divide", 12),
        ("divide", Decimal("0.3")),
        ("scale", Decimal("0.11")),
        ("scale", Decimal("0.5")),
        ("scale", Decimal("-1.0375")),
        ("scale", Decimal("0.333333333")),
        ("scale", 7),
    ],
)
def test_scale_and_divide_round_half_up_to_the_sen_exactly(ledger, helper, number):
    _lines(ledger, *[(amount, None, 1) for amount in SCALE_AMOUNTS])
    factor = Fraction(number) if helper == "scale" else 1 / Fraction(number)
    expression = scale(F("amount"), number) if helper == "scale" else divide("amount", number)
    got = _values(ledger.objects.annotate(result=expression), "result")
    assert got == [_half_up(Fraction(amount) * factor) for amount in SCALE_AMOUNTS]
    # The same expression saves what it reads.
    ledger.objects.update(amount=expression)
    assert _values(ledger, "amount") == got


def test_divide_works_on_sums(ledger):
    """PostgreSQL sums bigint into numeric, where "/" would not truncate; the helper still rounds to sen."""
    _lines(ledger, (Decimal("0.05"), None, 1), (Decimal("0.05"), None, 1), (Decimal("0.01"), None, 1))
    result = ledger.objects.aggregate(share=divide(MoneySum("amount"), 2), third=divide(Sum("amount"), 3))
    assert result == {"share": Decimal("0.06"), "third": Decimal("0.04")}


def test_helpers_refuse_what_cannot_be_exact(ledger):
    with pytest.raises(ZeroDivisionError):
        divide("amount", 0)
    with pytest.raises(TypeError):
        scale("amount", 1.1)
    with pytest.raises(ValueError, match="too many digits"):
        scale("amount", Decimal("0.1234567890123456789"))
    with pytest.raises(TypeError, match="scaled"):
        list(ledger.objects.annotate(x=divide("quantity", 2)))
    with pytest.raises(MoneyError):
        Money("1,0055")
    with pytest.raises(TypeError):
        Money(1.5)


def test_bulk_update_and_full_clean(ledger):
    _lines(ledger, (Decimal("1.00"), None, 1), (Decimal("2.00"), None, 1))
    lines = list(ledger.objects.order_by("id"))
    lines[0].amount, lines[1].amount = Decimal("1000000000000000.01"), Decimal("-0.01")
    ledger.objects.bulk_update(lines, ["amount"])
    assert _values(ledger, "amount") == [Decimal("1000000000000000.01"), Decimal("-0.01")]
    lines[0].amount = Decimal("1.005")
    with pytest.raises(ValidationError) as caught:
        lines[0].full_clean()
    assert "2 angka di belakang koma" in str(caught.value.message_dict["amount"])
