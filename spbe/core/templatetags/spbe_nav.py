"""Navigation helpers: mark the link to the page being shown, for screen readers and the eye."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def current_state(path: str, url: str, *, exact: bool = False) -> str:
    """``page`` on the linked page itself, ``true`` below it (a section), else empty."""
    if path == url:
        return "page"
    if not exact and url != "/" and path.startswith(url):
        return "true"
    return ""


@register.simple_tag(takes_context=True)
def aria_current(context: dict[str, Any], url: str, exact: bool = False) -> SafeString:
    """Write ` aria-current="…"` into a link when ``url`` is the current page or its section."""
    request = context.get("request")
    state = current_state(request.path, url, exact=exact) if request is not None else ""
    # The state is one of two fixed words, never user input.
    return mark_safe(f' aria-current="{state}"') if state else mark_safe("")  # noqa: S308
