"""Form fields shared by every app."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .money import MoneyError, format_rupiah, parse_rupiah


class MoneyFormField(forms.Field):
    """A rupiah amount as people type it: ``1.234.567,89``, ``Rp 1.234.567,89``, ``1234567,89``, ``5000``.

    Input goes through :func:`spbe.core.money.parse_rupiah`, the product's one parser, so a form accepts
    exactly what an import accepts and refuses what it refuses (a third decimal is never rounded away).
    The current value is shown back in Indonesian format without the symbol, ready to be edited.
    """

    widget = forms.TextInput
    default_error_messages = {
        "min_value": _("Jumlah uang paling sedikit %(limit)s."),
        "max_value": _("Jumlah uang paling banyak %(limit)s."),
    }

    def __init__(
        self, *, min_value: Decimal | None = None, max_value: Decimal | None = None, **kwargs: Any
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # A numeric keyboard with the comma on phones, without the browser's own number parsing.
        attrs.setdefault("inputmode", "decimal")
        return attrs

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return format_rupiah(value, symbol=False)
        return value

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
        try:
            return parse_rupiah(value)
        except MoneyError as error:
            raise forms.ValidationError(error.message, code="invalid") from error

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise forms.ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit": format_rupiah(self.min_value)},
            )
        if self.max_value is not None and value > self.max_value:
            raise forms.ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": format_rupiah(self.max_value)},
            )
