"""Figures of e-monitoring in templates: exact percentages shown with 2 decimals, and the unread notices."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django import template

from spbe.accounts.models import Pemda
from spbe.core.actors import MaybeActor

from ..rules import two_decimals

register = template.Library()


@register.filter
def persen(value: Fraction | Decimal | int | None) -> str:
    """``16.67`` for 50000.5/300000.5 x 100 (half up, never a float); an em dash for an empty cell."""
    if value is None or value == "":
        return "\u2014"
    return two_decimals(Fraction(value)).replace(".", ",")


@register.simple_tag
def unread_notices(user: MaybeActor, pemda: Pemda) -> int:
    """How many early-warning notices the user has not read yet in ``pemda`` (dashboard panel)."""
    from ..scm import unread_count

    return unread_count(user, pemda)
