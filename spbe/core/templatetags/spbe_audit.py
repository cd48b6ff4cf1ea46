"""Template filters for showing audit codes as people read them."""

from __future__ import annotations

from django import template

from spbe.core import audit_labels

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return audit_labels.action_label(code)
