"""``FastSelect``: a ``<select>`` of plain options rendered in Python, for lists with hundreds of options.

Django renders each option of a ``Select`` through two templates; a regency's place filter (about 220 desa
and kelurahan) took a third of a list page's time that way. This widget writes the same elements
(``name``, ``id`` and the other attributes, one ``<option>`` per choice, ``selected`` on the chosen one) with
``format_html``, escaping every value and label. Option groups are not supported: use ``Select`` for those.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")


class FastSelect(forms.Select):
    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, SELECTED if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)
