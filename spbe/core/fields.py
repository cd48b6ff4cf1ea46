"""Model fields shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression

from .money import from_sen, to_sen


class MoneyField(models.BigIntegerField):  # type: ignore[type-arg]
    """Rupiah as ``Decimal`` in Python, stored as a whole number of sen.

    Integers are summed exactly by both SQLite and PostgreSQL up to 9.2 x 10^18 sen (9.2 x 10^16 rupiah),
    far above a national budget. Aggregates over this field (``Sum("amount")``) come back as rupiah
    ``Decimal`` too. A value with fractions of a sen is refused, never rounded: round on purpose first
    with ``money.quantize_sen``.
    """

    description = "Rupiah amount stored as integer sen"

    def from_db_value(
        self, value: Any, expression: Expression, connection: BaseDatabaseWrapper
    ) -> Decimal | None:
        if value is None:
            return None
        return from_sen(int(value))

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value).quantize(Decimal("0.01"))
        if isinstance(value, str):
            from .money import parse_rupiah

            return parse_rupiah(value)
        raise TypeError(f"MoneyField takes Decimal, int or text, not {type(value).__name__}")

    def get_prep_value(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, Expression) or hasattr(value, "resolve_expression"):
            return value  # type: ignore[no-any-return]
        amount = self.to_python(value)
        assert amount is not None
        return to_sen(amount)
