"""``FastSelect``: a ``<select>`` of plain options rendered in Python, for lists with hundreds of options.

Django renders each option of a ``Select`` through two templates; a regency's place filter (about 220 desa
and kelurahan) took a third of a list page's time that way. This widget writes the same elements
(``name``, ``id`` and the other attributes, one ``<option>`` per choice, ``selected`` on the chosen one) with
``format_html``, escaping every value and label. Option groups are not supported: use ``Select`` for those.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        # The standard library's escape, called directly: Django's (what format_html_join calls) checks
        # every argument for a lazy string first, and that wrapper cost more than the escaping itself
        # over a regency's 220 places. Labels already marked safe are kept as they are, as Django does.
        options = "".join(
            f'<option value="{_escape(key)}"{" selected" if str(key) in chosen else ""}>'
            f"{_escape(label)}</option>"
            for key, label in self.choices
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe(options))  # noqa: S308 - every part escaped above


def _escape(value: Any) -> str:
    """``conditional_escape`` for one value: safe strings unchanged, anything else escaped."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value), quote=True)
