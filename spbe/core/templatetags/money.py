"""Template filters for rupiah amounts: ``{% load money %}`` then ``{{ amount|rupiah }}``.

Both filters format through :mod:`spbe.core.money`, so a page shows an amount exactly as documents and
exports do. An empty value shows as nothing; a value that is not an amount (a float, text that does not
parse) shows as nothing too rather than as a wrong figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from spbe.core.money import MoneyError, format_rupiah, parse_rupiah
from spbe.core.money import terbilang as spell_out

register = template.Library()


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool | float):
        return None
    if isinstance(value, Decimal):
        # A computed Decimal (a share, an average) may carry more places: display rounds, storage never.
        return value if value.is_finite() else None
    try:
        return parse_rupiah(value)
    except MoneyError:
        return None


@register.filter(is_safe=True)
def rupiah(value: Any, symbol: str = "") -> str:
    """``Rp1.234.567,89``; ``{{ amount|rupiah:"tanpa" }}`` gives ``1.234.567,89`` for table columns."""
    amount = _amount(value)
    if amount is None:
        return ""
    return format_rupiah(amount, symbol=symbol != "tanpa")


@register.filter(is_safe=True)
def terbilang(value: Any) -> str:
    """The amount in words, as official documents print it next to the figure."""
    amount = _amount(value)
    if amount is None:
        return ""
    return spell_out(amount)
