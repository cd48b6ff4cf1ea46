"""Model fields shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Combinable, Expression
from django.db.models.sql.compiler import SQLCompiler

from .money import MoneyError, from_sen, parse_rupiah, to_sen

if TYPE_CHECKING:
    from django import forms


class MoneyField(models.Field):  # type: ignore[type-arg]
    """Rupiah as ``Decimal`` in Python, stored as a whole number of sen (a ``bigint`` column).

    Integers are summed exactly by both SQLite and PostgreSQL up to 9.2 x 10^18 sen (9.2 x 10^16 rupiah),
    far above a national budget. A value with fractions of a sen is refused, never rounded: round on
    purpose first with ``money.quantize_sen``.

    The column holds sen but every value that comes out of a query is rupiah, so money in SQL has exactly
    one spelling; anything else is refused with an error that names it (see ``spbe.core.money_sql``)::

        from spbe.core.money_sql import Money, MoneySum, divide, scale

        Line.objects.filter(amount__gt=Decimal("1000.50"))        # compare with a rupiah value
        Line.objects.filter(spent__lte=F("budget"))                # compare two money columns
        Line.objects.filter(spent__lte=F("budget") + Money("12.34"))
        Line.objects.update(amount=F("amount") + Money("12.34"))   # a literal in SQL is Money(...)
        Line.objects.annotate(left=F("budget") - F("spent"))       # money +/- money is money
        Line.objects.aggregate(total=MoneySum("amount"))           # Rp0,00 for no rows, never None
        Line.objects.annotate(cost=F("price") * F("quantity"))     # times a whole number is exact
        scale(F("amount"), Decimal("0.11")), divide(F("amount"), 3)  # rounded half up to the sen

    ``Sum("amount")`` works too (``None`` for no rows; ``Sum("amount", default=0)`` gives Rp0,00).
    Refused, because the database would work in sen and be off by a factor of 100 or truncate:
    ``F("amount") + 100`` or ``+ Decimal("1")`` (write ``Money(...)``), ``F("amount") * Decimal("1.1")``
    and ``F("amount") / 3`` (write ``scale``/``divide``), money times or over money, and
    ``Coalesce(Sum("amount"), 0)`` (write ``MoneySum``), and saving or comparing a non-money expression
    (``create(amount=Value(5))``). The gap Django leaves no hook for: a bare ``Value(5)`` inside
    ``Coalesce(..., output_field=MoneyField())`` is five sen; never pass ``output_field`` over money.

    This deliberately is not a subclass of ``BigIntegerField``: Django would otherwise treat the column as a
    plain integer in arithmetic (``F("a") + F("b")`` came back as raw sen) and round floats in lookups.
    """

    description = "Rupiah amount stored as integer sen"
    _pyi_private_set_type: Decimal | int | str | Combinable
    _pyi_private_get_type: Decimal

    def get_internal_type(self) -> str:
        # Not "BigIntegerField": Django converts the result of any expression with an integer internal type
        # through int() before from_db_value sees it, which would silently truncate an average.
        return "MoneyField"

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return str(connection.data_types["BigIntegerField"])

    def from_db_value(
        self, value: Any, expression: Expression, connection: BaseDatabaseWrapper
    ) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, int):
            return from_sen(value)
        # PostgreSQL sums bigint into numeric, which is exact and whole. A fraction or a float means the
        # database divided (Avg) or, on SQLite, overflowed into floating point: the sen are no longer exact.
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return from_sen(int(value))
        raise TypeError(
            f"A money expression ({expression!r}) produced {value!r}, not a whole number of sen. Average "
            "with MoneySum and divide() from spbe.core.money_sql, never Avg."
        )

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value).quantize(Decimal("0.01"))
        if isinstance(value, str):
            return parse_rupiah(value)
        raise TypeError(f"MoneyField takes Decimal, int or text, not {type(value).__name__}")

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        # full_clean() collects ValidationError; the parser's MoneyError would escape it as a crash.
        try:
            if isinstance(value, Decimal | str):
                value = parse_rupiah(value)
        except MoneyError as error:
            raise ValidationError(error.message, code="invalid") from error
        return super().clean(value, model_instance)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        amount = self.to_python(value)
        assert amount is not None
        return to_sen(amount)

    def get_placeholder_sql(
        self, value: Any, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Any]:
        """The SQL saved into the column by ``save``/``update``/``bulk_update``: refuse non-money expressions.

        Django resolves update(amount=F("amount") + Decimal("1")) without ever asking for its type on
        PostgreSQL, so without this check it would silently add one sen.
        """
        if hasattr(value, "as_sql"):
            from .money_sql import require_money

            require_money(value, f"saved into {self.name or 'a MoneyField'}")
            return compiler.compile(value)
        return "%s", [value]

    def get_lookup(self, lookup_name: str) -> Any:
        lookup = super().get_lookup(lookup_name)
        if lookup is None:
            return None
        from .money_sql import money_lookup

        return money_lookup(lookup)

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        from .forms import MoneyFormField

        return super().formfield(**{"form_class": MoneyFormField, **kwargs})


# Importing the module registers how money combines in SQL expressions; every model using MoneyField
# imports this module first, so the rules are in place before any query is built.
from . import money_sql  # noqa: E402, F401
