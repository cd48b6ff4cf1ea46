"""Money in SQL: the one way to add, compare, scale and sum :class:`~spbe.core.fields.MoneyField` columns.

A MoneyField column holds integer sen while Python sees rupiah, so the database must never mix the column
with a plain number: ``amount + 100`` in SQL adds one rupiah, ``amount * 1.1`` leaves fractions of a sen and
``amount / 3`` truncates. This module teaches Django's expression typing what money combined with what
gives (:func:`register_combinations`), refuses every other combination with a ``TypeError`` naming the
helper to use, and provides those helpers:

* :class:`Money` -- a rupiah literal in SQL: ``F("amount") + Money("12.34")``;
* :class:`MoneySum` -- ``Sum`` of money that gives Rp0,00 rather than ``None`` when there are no rows;
* :func:`scale` and :func:`divide` -- money times a fraction or over a number, rounded half up to the sen
  (:data:`spbe.core.money.ROUNDING`) in exact integer arithmetic on both SQLite and PostgreSQL.

Money plus or minus money, and money times a whole number (a literal or an integer column), need no
helper: Django's own ``F("a") + F("b")``, ``F("price") * F("quantity")`` and ``Sum("amount")`` come back
as rupiah.
"""

from __future__ import annotations

from decimal import Decimal
from types import NoneType
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Sum, Value
from django.db.models.expressions import BaseExpression, Combinable, Expression, register_combinable_fields
from django.db.models.lookups import Lookup
from django.db.models.sql.compiler import SQLCompiler
from django.utils.deconstruct import deconstructible

from .fields import MoneyField
from .money import parse_rupiah

ZERO = Decimal("0.00")

# (p, q) of a factor must keep (amount % q) * p inside a signed 64-bit integer on every backend.
_MAX_RATIO_PRODUCT = 2**62

_HELPERS = "spbe.core.money_sql"


def _refusal(message: str) -> type[models.Field]:  # type: ignore[type-arg]
    """A combined "output type" that refuses as soon as Django asks for it, with ``message``."""

    class RefusedMoneyExpression(models.Field):  # type: ignore[type-arg]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise TypeError(message)

    return RefusedMoneyExpression


_NOT_A_LITERAL = (
    "Money in SQL is stored as sen, so a plain number {verb} a MoneyField is off by a factor of 100. "
    f"Write the amount as Money(Decimal('12.34')) from {_HELPERS}."
)
_FRACTION = (
    "Money times a fraction leaves fractions of a sen. "
    f"Use scale(expression, Decimal('1.1')) from {_HELPERS}, which rounds half up to the sen."
)
_DIVISION = (
    "Division in SQL truncates the sen. "
    f"Use divide(expression, 3) from {_HELPERS}, which rounds half up to the sen."
)
_MONEY_BY_MONEY = (
    "Money times, over or modulo money is not an amount of money. Compute ratios in Python from "
    f"the amounts, e.g. two MoneySum results from {_HELPERS}."
)
_UNSUPPORTED = (
    "This operation on a MoneyField is not supported in SQL. Money adds to and subtracts from money, "
    "multiplies by whole numbers, and goes through Money(), scale() and divide() from "
    f"{_HELPERS}; see the MoneyField docstring."
)

_ARITHMETIC = (Combinable.ADD, Combinable.SUB, Combinable.MUL, Combinable.DIV, Combinable.MOD, Combinable.POW)
_EVERY_CONNECTOR = (
    *_ARITHMETIC,
    Combinable.BITAND,
    Combinable.BITOR,
    Combinable.BITXOR,
    Combinable.BITLEFTSHIFT,
    Combinable.BITRIGHTSHIFT,
)


def register_combinations(money: type[MoneyField]) -> None:
    """Tell Django's expression typing what money combined with anything gives.

    MoneyField is not an IntegerField, so none of Django's built-in numeric rules match it and only these
    apply, in order: the exact combinations first, then refusals that name the right helper, then a
    catch-all refusal. ``_resolve_combined_type`` is consulted whenever Django needs the type of a
    combined expression (reading results, comparing, saving; see ``MoneyField.get_placeholder_sql``).
    """
    exact: list[tuple[type, str, type]] = [
        (money, Combinable.ADD, money),
        (money, Combinable.SUB, money),
        # Whole multiples stay whole sen, whether a literal or an integer column such as a quantity.
        (money, Combinable.MUL, models.IntegerField),
        (models.IntegerField, Combinable.MUL, money),
    ]
    # NULL combined with money is NULL, which is a (missing) amount of money.
    for connector in _ARITHMETIC:
        exact += [(money, connector, NoneType), (NoneType, connector, money)]
    for lhs, connector, rhs in exact:
        register_combinable_fields(lhs, connector, rhs, money)

    numbers = (models.IntegerField, models.DecimalField, models.FloatField)
    refused: list[tuple[type, str, type, str]] = []
    for number in numbers:
        refused += [
            (money, Combinable.ADD, number, _NOT_A_LITERAL.format(verb="added to")),
            (number, Combinable.ADD, money, _NOT_A_LITERAL.format(verb="added to")),
            (money, Combinable.SUB, number, _NOT_A_LITERAL.format(verb="subtracted from")),
            (number, Combinable.SUB, money, _NOT_A_LITERAL.format(verb="minus")),
        ]
    for number in (models.DecimalField, models.FloatField):
        refused += [(money, Combinable.MUL, number, _FRACTION), (number, Combinable.MUL, money, _FRACTION)]
    for number in numbers:
        refused.append((money, Combinable.DIV, number, _DIVISION))
    for connector in (Combinable.MUL, Combinable.DIV, Combinable.MOD):
        refused.append((money, connector, money, _MONEY_BY_MONEY))
    for connector in _EVERY_CONNECTOR:
        refused += [
            (money, connector, models.Field, _UNSUPPORTED),
            (models.Field, connector, money, _UNSUPPORTED),
        ]
    for lhs, connector, rhs, message in refused:
        register_combinable_fields(lhs, connector, rhs, _refusal(message))


def require_money(expression: Any, context: str) -> None:
    """Refuse an SQL expression that is not typed as money where money is expected.

    Asking for ``output_field`` runs the typing rules above, so a wrong combination raises its own
    message here. An expression whose type cannot be known yet (an unresolved ``F``) is let through.
    """
    try:
        field = expression.output_field
    except AttributeError:
        return
    except FieldError as error:
        raise TypeError(
            f"An expression {context} must be money, but Django cannot tell its type ({error}). "
            f"Wrap literals in Money() from {_HELPERS}."
        ) from error
    if field is not None and not isinstance(field, MoneyField):
        raise TypeError(
            f"A {type(field).__name__} expression cannot be {context}: the column holds sen. "
            f"Use a MoneyField expression, or Money(Decimal('12.34')) from {_HELPERS} for a literal."
        )


_money_lookups: dict[type[Any], type[Any]] = {}


def money_lookup(lookup: type[Any]) -> type[Any]:
    """``lookup`` for a MoneyField: an expression on the right-hand side must be money too.

    Plain values go through ``MoneyField.get_prep_value`` (rupiah to sen) as usual; expressions bypass it,
    so ``filter(spent__lte=F("budget") + Decimal("5"))`` would compare against five sen on PostgreSQL.
    """
    if not (isinstance(lookup, type) and issubclass(lookup, Lookup)):
        return lookup
    if lookup in _money_lookups:
        return _money_lookups[lookup]

    def get_prep_lookup(self: Lookup[Any]) -> Any:
        if isinstance(self.rhs, BaseExpression):
            require_money(self.rhs, f"compared with a MoneyField ({self.lookup_name})")
        return lookup.get_prep_lookup(self)

    money_class = type(f"Money{lookup.__name__}", (lookup,), {"get_prep_lookup": get_prep_lookup})
    # One class per lookup, so that Django's per-class caches (and equality of lookups) keep working.
    _money_lookups[lookup] = money_class
    return money_class


@deconstructible(path=f"{_HELPERS}.Money")
class Money(Value):
    """A rupiah amount as an SQL literal: ``F("amount") + Money("12.34")``, ``Money(Decimal("1.5"))``.

    Text goes through :func:`spbe.core.money.parse_rupiah` (``Money("1.234,50")`` works); a whole number
    is rupiah, never sen. Floats are refused.
    """

    def __init__(self, amount: Decimal | int | str) -> None:
        if isinstance(amount, float | bool):
            raise TypeError(f"Money() takes Decimal, int or text, not {type(amount).__name__}")
        super().__init__(parse_rupiah(amount), output_field=MoneyField())


class MoneySum(Sum):
    """``Sum`` of a money expression; no rows (or only NULLs) sum to Rp0,00 rather than ``None``.

    Refuses to sum anything that is not money, so a forgotten conversion cannot pass for an amount.
    """

    def __init__(
        self, expression: Any, *, filter: Any = None, default: Decimal | int | None = ZERO, **extra: Any
    ) -> None:
        # Money(), not the bare number: Django would type a bare default from the summed field anyway, but
        # this keeps the literal's conversion to sen explicit and refuses a float default at once.
        default_value = Money(default) if isinstance(default, int | Decimal) else default
        super().__init__(expression, filter=filter, default=default_value, **extra)

    def _resolve_output_field(self) -> models.Field:  # type: ignore[type-arg]
        field = super()._resolve_output_field()  # type: ignore[misc]  # private in django-stubs
        if not isinstance(field, MoneyField):
            raise TypeError(
                f"MoneySum sums money; this is a {type(field).__name__}. Use Sum for other numbers."
            )
        return field


class ScaledMoney(Expression):
    """Money times ``numerator / denominator``, rounded half up to the sen, in exact integer SQL.

    With x the amount in sen, a = x / q and b = x % q (both truncated toward zero on SQLite and
    PostgreSQL), x * p / q = a * p + b * p / q, and the last term is rounded by looking at its remainder.
    Splitting x this way keeps every intermediate product below the result's own size or below p * q, so
    nothing overflows that the result itself would not.
    """

    def __init__(self, amount: Any, numerator: int, denominator: int) -> None:
        super().__init__(output_field=MoneyField())
        if isinstance(amount, str):
            amount = models.F(amount)
        self.amount = amount
        self.numerator = numerator
        self.denominator = denominator

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.amount!r}, {self.numerator}, {self.denominator})"

    def get_source_expressions(self) -> list[Any]:
        return [self.amount]

    def set_source_expressions(self, exprs: Any) -> None:
        (self.amount,) = exprs

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        resolved = super().resolve_expression(*args, **kwargs)
        require_money(resolved.amount, "scaled with scale() or divide()")
        return resolved

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.amount)
        # PostgreSQL sums bigint into numeric, where "/" would not truncate; the cast makes it integer.
        x = f"CAST({sql} AS bigint)"
        p, q = abs(self.numerator), self.denominator
        if q == 1:
            template = f"({{x}} * {p})"
        else:
            # "%%" is a literal % once Django substitutes the parameters; {x} is the amount, used four times.
            remainder = f"((({{x}} %% {q}) * {p}) %% {q})"
            away_from_zero = "CASE WHEN {x} < 0 THEN -1 ELSE 1 END"
            template = (
                f"(({{x}} / {q}) * {p} + ((({{x}} %% {q}) * {p}) / {q})"
                f" + CASE WHEN 2 * ABS({remainder}) >= {q} THEN {away_from_zero} ELSE 0 END)"
            )
        uses = template.count("{x}")
        result = template.replace("{x}", x)
        if self.numerator < 0:
            result = f"(-{result})"
        return result, list(params) * uses


def _ratio(number: Decimal | int, name: str) -> tuple[int, int]:
    if isinstance(number, bool) or not isinstance(number, Decimal | int):
        raise TypeError(f"{name}() takes a Decimal or int, not {type(number).__name__}")
    if isinstance(number, Decimal) and not number.is_finite():
        raise ValueError(f"{name}() takes a finite number, not {number}")
    return number.as_integer_ratio()


def _scaled(amount: Any, numerator: int, denominator: int, name: str) -> ScaledMoney:
    if abs(numerator) * denominator >= _MAX_RATIO_PRODUCT:
        raise ValueError(f"{name}(): the factor {numerator}/{denominator} has too many digits to stay exact")
    return ScaledMoney(amount, numerator, denominator)


def scale(amount: Any, factor: Decimal | int) -> ScaledMoney:
    """``amount * factor`` rounded half up to the sen: ``scale(F("pagu"), Decimal("0.11"))``.

    ``amount`` is a money expression or the name of a MoneyField.
    """
    numerator, denominator = _ratio(factor, "scale")
    return _scaled(amount, numerator, denominator, "scale")


def divide(amount: Any, divisor: Decimal | int) -> ScaledMoney:
    """``amount / divisor`` rounded half up to the sen: ``divide(F("pagu"), 12)`` for a monthly share.

    To split a total so that the parts add up exactly, use :func:`spbe.core.money.allocate` instead.
    """
    numerator, denominator = _ratio(divisor, "divide")
    if numerator == 0:
        raise ZeroDivisionError("divide(): division of money by zero")
    # amount / (n / d) = amount * d / n, with the sign kept on the numerator.
    sign = -1 if numerator < 0 else 1
    return _scaled(amount, sign * denominator, abs(numerator), "divide")


register_combinations(MoneyField)
