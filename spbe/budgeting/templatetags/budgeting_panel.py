"""``{% budget_panel pemda as panel %}``: the dashboard's e-budgeting panel for the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template

from spbe.accounts.models import Pemda

from ..panels import Panel
from ..panels import budget_panel as build

register = template.Library()


@register.simple_tag(takes_context=True)
def budget_panel(context: dict[str, Any], pemda: Pemda) -> Panel | None:
    return build(context["request"].user, pemda)
