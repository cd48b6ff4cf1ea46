"""Pure arithmetic of a budget: detail amounts, code prefixes, percentages. No database.

Amounts are computed from exact ``Decimal`` products and rounded half up to the sen once, at the end
(:func:`spbe.core.money.quantize_sen`), so "2 orang x 3 hari x Rp150.000,50 + PPN 11%" is one rounding,
never three.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from spbe.core.errors import ValidationFailed
from spbe.core.money import quantize_sen

HUNDRED = Decimal("100")
VOLUME_PLACES = 4
_VOLUME = re.compile(r"\d+(?:[.,]\d+)?")

# Account code prefixes (canonical width 1.1.2...): akun "5", kelompok "5.1", jenis "5.1.01".
LEVEL_LENGTHS = {"akun": 1, "kelompok": 3, "jenis": 6}
REVENUE, EXPENDITURE, FINANCING = "4", "5", "6"
FINANCING_RECEIPTS, FINANCING_EXPENDITURE = "6.1", "6.2"
PERSONNEL = "5.1.01"


def parse_volume(text: str, *, field: str = "volume") -> Decimal:
    """A volume as typed: ``12``, ``2.5`` or ``2,5`` (one decimal separator, up to four decimals)."""
    raw = text.strip()
    if not _VOLUME.fullmatch(raw) or not raw.isascii():
        raise ValidationFailed(
            _("volume '%(value)s' harus angka tidak negatif, mis. 12 atau 2,5") % {"value": raw}, field=field
        )
    value = Decimal(raw.replace(",", "."))
    if -value.as_tuple().exponent > VOLUME_PLACES:  # type: ignore[operator]
        raise ValidationFailed(
            _("volume '%(value)s' paling banyak %(places)d angka desimal")
            % {"value": raw, "places": VOLUME_PLACES},
            field=field,
        )
    if value >= Decimal("1e14"):
        raise ValidationFailed(_("volume '%(value)s' terlalu besar") % {"value": raw}, field=field)
    return value


def coefficient(volumes: Sequence[Decimal | None]) -> Decimal:
    """The product of the given factors (``None`` skipped): 2 orang x 3 hari x 1 kali = 6."""
    result = Decimal(1)
    for volume in volumes:
        if volume is not None:
            result *= volume
    return result


def detail_amount(
    volumes: Sequence[Decimal | None], unit_price: Decimal, tax_percent: Decimal = Decimal(0)
) -> Decimal:
    """coefficient x unit price x (1 + tax / 100), exact, then rounded half up to the sen once."""
    try:
        exact = coefficient(volumes) * unit_price * (HUNDRED + tax_percent) / HUNDRED
    except InvalidOperation as exc:  # pragma: no cover - inputs are bounded above
        raise ValidationFailed(_("Jumlah tidak dapat dihitung."), field="amount") from exc
    return quantize_sen(exact)


def detail_amount_sen(volume: Decimal, unit_price_sen: int) -> int:
    """:func:`detail_amount` of one factor and no tax, in whole sen, in integer arithmetic.

    For imports: the product is exact at any size (no 28-digit context) and rounds half up, the same as
    :func:`detail_amount` for every amount a budget holds.
    """
    numerator, denominator = volume.as_integer_ratio()
    product = numerator * unit_price_sen
    sign = -1 if product < 0 else 1
    quotient, remainder = divmod(abs(product), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return sign * quotient


def percent(part: Decimal, whole: Decimal) -> Decimal:
    """``part`` as a percentage of ``whole``, 2 decimals, half up; 0.00 of nothing."""
    if not whole:
        return Decimal("0.00")
    # In whole hundredths of a percent with integers: a Decimal division would round at 28 digits first.
    numerator, denominator = (part * 10_000).as_integer_ratio()
    whole_n, whole_d = whole.as_integer_ratio()
    numerator, denominator = numerator * whole_d, denominator * whole_n
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if 2 * remainder >= abs(denominator):
        quotient += 1
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    return Decimal(sign * quotient).scaleb(-2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def within_max(part: Decimal, whole: Decimal, limit: Decimal) -> bool:
    """Whether part / whole <= limit % exactly (no rounding decides a legal limit)."""
    return part * HUNDRED <= limit * whole if whole else True


def within_min(part: Decimal, whole: Decimal, limit: Decimal) -> bool:
    return part * HUNDRED >= limit * whole if whole else True


def prefixes(account: str) -> list[tuple[str, str]]:
    """(level, code) of the akun, kelompok and jenis above a canonical account code."""
    return [(level, account[:length]) for level, length in LEVEL_LENGTHS.items() if len(account) >= length]


def org_bidang(org_code: str) -> set[str]:
    """The bidang urusan an agency serves, from its organisation code ``1.03.1.04.0.00.02.0000``."""
    parts = org_code.split(".")
    pairs = [(parts[0], parts[1]), (parts[2], parts[3]), (parts[4], parts[5])] if len(parts) >= 6 else []
    return {f"{u}.{b}" for u, b in pairs if u != "0" and b != "00"}


def nomenclature_prefixes(sub_kegiatan: str) -> list[str]:
    """The codes a ceiling may be set on above a sub-kegiatan: "" (the agency), program, kegiatan, itself."""
    parts = sub_kegiatan.split(".")
    return ["", ".".join(parts[:3]), ".".join(parts[:5]), sub_kegiatan]
