"""API schema types shared by every app (django-ninja / pydantic)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from .money import parse_rupiah, to_sen

# The serialised form: always two decimals, a dot, no grouping, so any client parses it exactly.
RUPIAH_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"


def _parse(value: Any) -> Decimal:
    # A JSON number reaches Python as a float, which cannot hold Rp10^15 to the sen; refuse it rather than
    # accept an amount that is already off by the time we see it. Whole JSON numbers arrive as int: exact.
    if isinstance(value, float):
        raise ValueError(_('Kirim jumlah uang sebagai teks desimal, misalnya "1234567.89", bukan angka.'))
    return parse_rupiah(value)


def _serialise(value: Decimal) -> str:
    # to_sen refuses a third decimal instead of rounding it away in a response.
    to_sen(value)
    return format(value.quantize(Decimal("0.01")), "f")


Rupiah = Annotated[
    Decimal,
    PlainValidator(_parse),
    PlainSerializer(_serialise, return_type=str, when_used="always"),
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": RUPIAH_PATTERN,
            "examples": ["1234567.89"],
            "description": "Jumlah rupiah sebagai teks desimal dengan dua angka di belakang titik. "
            'Masukan juga menerima format Indonesia, misalnya "Rp 1.234.567,89".',
        }
    ),
]
"""A rupiah amount in the API: ``"1234567.89"`` out, the one parser (:func:`parse_rupiah`) in.

Use it for every money field of a ninja ``Schema``: ``pagu: Rupiah``. Amounts travel as strings because
a JSON number is a binary float for most clients, which cannot carry national-scale amounts to the sen.
"""
