"""Template helpers of official documents: ``{% load documents %}``.

* ``{{ day|tanggal_panjang }}``: ``29 November 2026`` (always Indonesian: the date of an official text);
* ``{{ value|angka }}`` and ``{{ value|angka:2 }}``: ``1.234,5`` and ``88,31`` (money: ``{% load money %}``);
* ``{% signature_blocks signers columns=3 place="Banyuwangi" date=day %}``: signature blocks, ``columns``
  per row, with "place, date" above the last column, from :class:`spbe.core.documents.Signer` rows.

They format through :mod:`spbe.core.documents`, so a page, a PDF and an export write the same figure.
A value that is not a date or a number shows as nothing rather than as something wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from spbe.core.documents import Signer, format_number, long_date

register = template.Library()

MAX_COLUMNS = 4


@register.filter(is_safe=True)
def tanggal_panjang(value: Any) -> str:
    if not isinstance(value, dt.date):
        return ""
    return long_date(value)


@register.filter(is_safe=True)
def angka(value: Any, places: Any = None) -> str:
    if value is None or value == "" or isinstance(value, bool | float):
        return ""
    try:
        number = Decimal(value)
        decimals = None if places in (None, "") else int(places)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not number.is_finite() or (decimals is not None and not 0 <= decimals <= 6):
        return ""
    return format_number(number, decimals)


@register.inclusion_tag("core/documents/_signatures.html")
def signature_blocks(
    signers: Sequence[Signer], columns: int | None = None, place: str = "", date: dt.date | None = None
) -> dict[str, Any]:
    """Lay ``signers`` out ``columns`` to a row (all in one row by default, at most four)."""
    per_row = max(1, min(MAX_COLUMNS, int(columns or len(signers) or 1)))
    rows: list[list[Signer | None]] = []
    for start in range(0, len(signers), per_row):
        row: list[Signer | None] = list(signers[start : start + per_row])
        rows.append(row + [None] * (per_row - len(row)))
    when = ", ".join(part for part in (place, long_date(date) if date else "") if part)
    return {"rows": rows, "when": when, "lead": range(per_row - 1)}
