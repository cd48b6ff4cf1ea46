"""Rupiah amounts: the one place that parses, rounds, converts, splits, formats and spells out money.

Every amount is an exact :class:`~decimal.Decimal` in Python and an integer number of sen (1/100 rupiah)
in the database; a float never holds an amount. This module owns:

* reading what people type or paste (Indonesian ``1.234.567,89``, English ``1,234,567.89``, ``Rp``
  prefixes, minus signs and accounting parentheses) and what openpyxl reads from spreadsheet cells,
  into a Decimal with exactly two places (:func:`parse_rupiah`). Parsing never rounds: input with more
  than two decimals is refused, so a typo cannot silently change an amount;
* the product's single rounding mode, :data:`ROUNDING`, and the only functions that round
  (:func:`quantize_sen`, :func:`round_to_unit`). Nothing rounds unless the caller asks for it;
* the exact conversion to and from integer sen (:func:`to_sen`, :func:`from_sen`), bounded by what a
  signed 64-bit column holds (:data:`MAX_RUPIAH`);
* splitting a total over many recipients, e.g. village funds over every village of a regency, so that the
  parts add up to the total to the last sen (:func:`allocate`, :func:`split_evenly`);
* display: ``Rp1.234.567,89`` (:func:`format_rupiah`) and the amount in words that official documents
  carry next to the figure (:func:`terbilang`).

Every Decimal this module returns has exactly two decimal places, like the sen it is stored as.

The rounding mode is ROUND_HALF_UP, "pembulatan setengah ke atas": a half goes away from zero, so
Rp2,50 rounds to Rp3 and -Rp2,50 to -Rp3. That is the rule taught in Indonesian schools, used in official
budget documents and applied by the ROUND function of the spreadsheets that finance staff check our figures
against. Python's default (round half to even) would differ from their spreadsheets by a rupiah here and
there, and every such difference becomes a reconciliation dispute.
"""

import decimal
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _

from .errors import ValidationFailed

SEN: Decimal = Decimal("0.01")
ROUNDING: str = decimal.ROUND_HALF_UP

# Amounts are stored as signed 64-bit integer sen, so this is the largest amount that can be saved.
_MAX_SEN = 2**63 - 1
MAX_RUPIAH: Decimal = Decimal(f"{_MAX_SEN}E-2")

# Quantizing and multiplying only ever need as many digits as their operands carry, so an unlimited
# precision costs nothing and guarantees the default 28-digit context can never round behind our back.
# Division is deliberately never done in this context: an inexact quotient would expand without end.
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC,
    rounding=ROUNDING,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

# One optional leading sign (minus or parentheses, before or after "Rp"), then digits and separators that
# must start and end with a digit. ",-" is the customary Indonesian way of writing "no sen" (Rp 5.000,-).
_TEXT_PATTERN = re.compile(
    r"""
    (?P<open>\()?\s*
    (?P<minus>-)?\s*
    (?:Rp\.?\s*)?
    (?P<inner_minus>-)?\s*
    (?P<number>[0-9](?:[0-9.,]*[0-9])?)
    (?:,-)?
    \s*(?P<close>\))?
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Amounts quoted back in error messages are cut short so a pasted paragraph cannot flood the page.
_MAX_SHOWN_CHARS = 40

_DIGIT_WORDS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALE_WORDS = (
    (10**15, "kuadriliun"),
    (10**12, "triliun"),
    (10**9, "miliar"),
    (10**6, "juta"),
    (10**3, "ribu"),
)


class MoneyError(ValidationFailed, ValueError):
    """An amount that cannot be accepted; ``str(error)`` is the translated message to show the user.

    ``field`` names the form field or spreadsheet column the amount came from, when the caller said.
    A :class:`~spbe.core.errors.ValidationFailed`, so a bad amount reaching the API or a page is the
    user's 422, not a server error; still a ``ValueError`` for the callers (and pydantic validators) that
    catch that.
    """


class _SortableKey(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


def _shown(text: str) -> str:
    text = text.strip()
    if len(text) > _MAX_SHOWN_CHARS:
        return text[: _MAX_SHOWN_CHARS - 3] + "..."
    return text


def _invalid(text: str, field: str | None) -> MoneyError:
    if field:
        message = _(
            "Jumlah uang tidak valid pada kolom '%(field)s': '%(text)s'. Gunakan format seperti 1.234.567,89."
        ) % {"field": field, "text": _shown(text)}
    else:
        message = _("Jumlah uang tidak valid: '%(text)s'. Gunakan format seperti 1.234.567,89.") % {
            "text": _shown(text)
        }
    return MoneyError(message, field=field)


def _too_precise(text: str, field: str | None) -> MoneyError:
    if field:
        message = _(
            "Jumlah uang tidak valid pada kolom '%(field)s': '%(text)s'. "
            "Rupiah hanya sampai sen: paling banyak 2 angka di belakang koma."
        ) % {"field": field, "text": _shown(text)}
    else:
        message = _(
            "Jumlah uang tidak valid: '%(text)s'. "
            "Rupiah hanya sampai sen: paling banyak 2 angka di belakang koma."
        ) % {"text": _shown(text)}
    return MoneyError(message, field=field)


def _too_large(text: str, field: str | None) -> MoneyError:
    limit = format_rupiah(MAX_RUPIAH)
    if field:
        message = _(
            "Jumlah uang tidak valid pada kolom '%(field)s': '%(text)s'. "
            "Nilainya melebihi batas %(limit)s yang dapat disimpan."
        ) % {"field": field, "text": _shown(text), "limit": limit}
    else:
        message = _(
            "Jumlah uang tidak valid: '%(text)s'. Nilainya melebihi batas %(limit)s yang dapat disimpan."
        ) % {"text": _shown(text), "limit": limit}
    return MoneyError(message, field=field)


def _exact_sen(amount: Decimal) -> int | None:
    """The amount in sen, or None when it has a non-zero digit beyond the second decimal place."""
    if amount.is_zero():
        return 0
    # Trailing zeros do not count as decimals: Decimal("1.500") is one rupiah fifty.
    normalized = amount.normalize(_EXACT)
    exponent = normalized.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -2:
        return None
    return int(normalized.scaleb(2, _EXACT))


def _checked_sen(amount: Decimal, text: str, field: str | None) -> int:
    if not amount.is_finite():
        raise _invalid(text, field)
    if amount.is_zero():
        return 0
    # Refuse absurd magnitudes before building their integer: Decimal("1E+999999") is a valid Decimal.
    if amount.adjusted() >= 17:
        raise _too_large(text, field)
    sen = _exact_sen(amount)
    if sen is None:
        raise _too_precise(text, field)
    if abs(sen) > _MAX_SEN:
        raise _too_large(text, field)
    return sen


def _ungroup(digits: str, separator: str) -> str | None:
    """``digits`` without its thousands separators, or None unless it is grouped properly (1.234.567)."""
    head, *groups = digits.split(separator)
    # A leading zero ("0.500") means the writer meant a decimal, not a grouping; refuse rather than guess.
    if not 1 <= len(head) <= 3 or head.startswith("0") or any(len(group) != 3 for group in groups):
        return None
    return head + "".join(groups)


def _text_to_sen(raw: str, field: str | None) -> int:
    text = raw.strip()
    match = _TEXT_PATTERN.fullmatch(text)
    if match is None or (match["open"] is None) != (match["close"] is None):
        raise _invalid(text, field)
    signs = [match["open"], match["minus"], match["inner_minus"]]
    if sum(sign is not None for sign in signs) > 1:
        raise _invalid(text, field)
    negative = any(sign is not None for sign in signs)

    number: str = match["number"]
    last_dot, last_comma = number.rfind("."), number.rfind(",")
    whole: str | None
    if last_dot < 0 and last_comma < 0:
        whole, fraction = number, ""
    elif last_dot >= 0 and last_comma >= 0:
        # Both kinds present: the last one is the decimal separator, the other groups thousands.
        position = max(last_dot, last_comma)
        decimal_separator = number[position]
        grouping_separator = "," if decimal_separator == "." else "."
        whole, fraction = number[:position], number[position + 1 :]
        if decimal_separator in whole:
            raise _invalid(text, field)
        whole = _ungroup(whole, grouping_separator)
    else:
        separator = "." if last_dot >= 0 else ","
        head, _separator, tail = number.partition(separator)
        if number.count(separator) > 1 or len(tail) == 3:
            # Repeated, it can only be grouping. Once with three digits after it, it is grouping too:
            # a rupiah amount never has three decimals, so "1.500" and "1,500" both mean 1500.
            whole, fraction = _ungroup(number, separator), ""
        else:
            whole, fraction = head, tail
    if whole is None:
        raise _invalid(text, field)
    if len(fraction) > 2:
        raise _too_precise(text, field)
    # Checked on the digit count first so that int() never meets a string thousands of digits long.
    if len(whole.lstrip("0")) > 17:
        raise _too_large(text, field)
    sen = int(whole) * 100 + int(fraction.ljust(2, "0"))
    if sen > _MAX_SEN:
        raise _too_large(text, field)
    return -sen if negative else sen


def parse_rupiah_sen(text: str, *, field: str | None = None) -> int:
    """:func:`parse_rupiah` of a text, as an integer number of sen: the same rules and errors.

    For bulk imports that compute in whole sen: plain digits (how spreadsheets export amounts) are read
    without the separator analysis, everything else goes through it.
    """
    raw = text.strip()
    if raw.isdigit() and raw.isascii() and len(raw) <= 17:
        sen = int(raw) * 100
        if sen <= _MAX_SEN:
            return sen
    return _text_to_sen(text, field)


def parse_rupiah(value: str | int | Decimal | float, *, field: str | None = None) -> Decimal:
    """Read an amount typed by a person or read from a spreadsheet cell, exactly, with two decimals.

    Separators: when both ``.`` and ``,`` appear, the last one is the decimal separator and the other
    must group thousands properly. A separator that appears several times is grouping. A separator that
    appears once is grouping when exactly three digits follow it (``1.500`` is 1500) and the decimal
    separator when one or two digits follow it (``1,5`` is 1.50). Text may start with ``Rp``, carry a
    minus sign or accounting parentheses for a negative amount, and end in ``,-`` (no sen). Raises
    :class:`MoneyError` with a message naming ``field`` and quoting the offending text.
    """
    if isinstance(value, str):
        return from_sen(_text_to_sen(value, field))
    if isinstance(value, bool):
        # A True/False cell is never an amount, although bool is an int subclass.
        raise _invalid(str(value), field)
    if isinstance(value, Decimal):
        return from_sen(_checked_sen(value, str(value), field))
    if isinstance(value, int):
        # str() of a huge int is limited by Python; the Decimal spelling of the same number is not.
        number = Decimal(value)
        return from_sen(_checked_sen(number, str(number), field))
    if isinstance(value, float):
        text = repr(value)
        if not math.isfinite(value):
            raise _invalid(text, field)
        # The shortest repr is what the spreadsheet showed: 1234567.89, not the binary 1234567.889999...
        return from_sen(_checked_sen(Decimal(text), text, field))
    raise _invalid(repr(value), field)


def quantize_sen(amount: Decimal) -> Decimal:
    """Round to whole sen (two decimal places) with :data:`ROUNDING`."""
    if not amount.is_finite():
        raise _invalid(str(amount), None)
    rounded = amount.quantize(SEN, rounding=ROUNDING, context=_EXACT)
    # -0.001 would otherwise come back as Decimal("-0.00"), which prints with a stray minus sign.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _divide_rounding(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to an integer with ROUND_HALF_UP; denominator must be positive.

    This is :data:`ROUNDING` for units Decimal.quantize cannot express (500, 0.05); plain integers keep
    it exact where a Decimal division would round first.
    """
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def _unit_sen(unit: Decimal) -> int:
    sen = _exact_sen(unit) if unit.is_finite() else None
    if sen is None or sen <= 0:
        raise MoneyError(
            _("Satuan pembulatan tidak valid: '%(unit)s'. Satuan harus lebih dari nol dan kelipatan Rp0,01.")
            % {"unit": _shown(str(unit))}
        )
    return sen


def round_to_unit(amount: Decimal, unit: Decimal) -> Decimal:
    """Round to the nearest multiple of ``unit`` (e.g. ``Decimal("1000")``) with :data:`ROUNDING`.

    ``unit`` must be a positive multiple of one sen; the result has two decimal places.
    """
    if not amount.is_finite():
        raise _invalid(str(amount), None)
    unit_sen = _unit_sen(unit)
    numerator, denominator = amount.as_integer_ratio()
    return from_sen(_divide_rounding(numerator * 100, denominator * unit_sen) * unit_sen)


def to_sen(amount: Decimal) -> int:
    """The amount as an integer number of sen, for storage; never rounds.

    Raises :class:`MoneyError` when the amount has a non-zero third decimal or does not fit in 64 bits.
    """
    return _checked_sen(amount, str(amount), None)


def from_sen(sen: int) -> Decimal:
    """The amount for an integer number of sen, with exactly two decimal places: 123 gives 1.23."""
    # The string constructor is exact at any size, unlike arithmetic under the 28-digit default context.
    return Decimal(f"{sen}E-2")


def allocate[K: _SortableKey](
    total: Decimal, weights: Mapping[K, Decimal | int], *, unit: Decimal = Decimal("1")
) -> dict[K, Decimal]:
    """Split ``total`` over the keys of ``weights`` in proportion to the weights, in whole ``unit``s.

    Largest remainder method on exact integers: every key gets the floor of its share, and the units left
    over go one each to the keys with the largest remainders, ties to the smallest key. The parts add up
    to ``total`` exactly, each differs from its exact share by less than one unit, a zero weight gets zero,
    and the result does not depend on the order of ``weights`` (it keeps that order, though). Parts have
    two decimal places.
    """
    unit_sen = _unit_sen(unit)
    if not total.is_finite():
        raise _invalid(str(total), None)
    if total < 0:
        raise MoneyError(
            _("Jumlah yang dibagi tidak boleh negatif: '%(total)s'.") % {"total": _shown(str(total))}
        )
    total_numerator, total_denominator = total.as_integer_ratio()
    units, rest = divmod(total_numerator * 100, total_denominator * unit_sen)
    if rest:
        raise MoneyError(
            _("Jumlah yang dibagi '%(total)s' bukan kelipatan satuan pembulatan '%(unit)s'.")
            % {"total": _shown(str(total)), "unit": _shown(str(unit))}
        )
    keys = list(weights)
    if not keys:
        raise MoneyError(_("Tidak ada penerima untuk pembagian jumlah '%(total)s'.") % {"total": str(total)})

    numerators: list[int] = []
    denominators: list[int] = []
    for key, weight in weights.items():
        if isinstance(weight, Decimal):
            valid = weight.is_finite()
        else:
            # bool is an int subclass, but True as a weight is a bug, not a weight of one.
            valid = isinstance(weight, int) and not isinstance(weight, bool)
        if not valid:
            raise MoneyError(
                _("Bobot untuk '%(key)s' tidak valid: '%(weight)s'.") % {"key": key, "weight": weight}
            )
        numerator, denominator = weight.as_integer_ratio()
        if numerator < 0:
            raise MoneyError(
                _("Bobot untuk '%(key)s' tidak boleh negatif: '%(weight)s'.") % {"key": key, "weight": weight}
            )
        numerators.append(numerator)
        denominators.append(denominator)
    # Decimal denominators all divide a power of ten; scaling by their lcm turns every weight into an
    # exact integer without changing the proportions.
    scale = math.lcm(*denominators)
    scaled = [n * (scale // d) for n, d in zip(numerators, denominators, strict=True)]
    weight_sum = sum(scaled)
    if weight_sum == 0:
        raise MoneyError(
            _("Semua bobot bernilai nol; jumlah '%(total)s' tidak dapat dibagi.") % {"total": str(total)}
        )

    parts = largest_remainder(units, keys, scaled)
    return dict(zip(keys, [from_sen(part * unit_sen) for part in parts], strict=True))


def largest_remainder[K: _SortableKey](units: int, keys: Sequence[K], weights: Sequence[int]) -> list[int]:
    """Split ``units`` whole units in proportion to non-negative integer ``weights`` (not all zero).

    The integer core of :func:`allocate`, for callers that work in units throughout (allocating over tens
    of thousands of desa, where building a Decimal per part costs more than the arithmetic): each part is
    the floor of its share and the units left over go one each to the largest remainders, ties to the
    smallest key. Parts come back in the order of ``keys``.
    """
    weight_sum = sum(weights)
    shares = [divmod(units * weight, weight_sum) for weight in weights]
    parts = [part for part, _remainder in shares]
    leftover = units - sum(parts)
    if leftover:
        # Remainders share the denominator weight_sum, so equal integers here are exactly equal shares.
        remainders = [remainder for _part, remainder in shares]
        candidates = [index for index, remainder in enumerate(remainders) if remainder]
        # Largest remainder first, ties to the smallest key: sorting by key and then, stably, by remainder
        # gives that order about twice as fast as one sort on (-remainder, key) tuples built in Python.
        candidates.sort(key=keys.__getitem__)
        candidates.sort(key=remainders.__getitem__, reverse=True)
        for index in candidates[:leftover]:
            parts[index] += 1
    return parts


def split_evenly[K: _SortableKey](
    total: Decimal, keys: Sequence[K], *, unit: Decimal = Decimal("1")
) -> dict[K, Decimal]:
    """Split ``total`` into equal parts in whole ``unit``s; the smallest keys get the units left over."""
    weights: dict[K, int] = {}
    for key in keys:
        if key in weights:
            # A repeated key would silently swallow a share and the parts would no longer add up.
            raise MoneyError(_("Penerima '%(key)s' tercantum lebih dari sekali.") % {"key": key})
        weights[key] = 1
    return allocate(total, weights, unit=unit)


def _rounded_sen(amount: Decimal) -> int:
    return int(quantize_sen(amount).scaleb(2, _EXACT))


def format_rupiah(amount: Decimal, *, symbol: bool = True) -> str:
    """``Rp1.234.567,89``: rounded to sen, dots group thousands, comma before the sen; ``-Rp1.234,00``."""
    sen = _rounded_sen(amount)
    rupiah, cents = divmod(abs(sen), 100)
    grouped = f"{rupiah:,}".replace(",", ".")
    return f"{'-' if sen < 0 else ''}{'Rp' if symbol else ''}{grouped},{cents:02d}"


def _below_thousand_words(number: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(number, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_DIGIT_WORDS[hundreds], "ratus"]
    tens, ones = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words += [_DIGIT_WORDS[ones], "belas"]
    else:
        if tens:
            words += [_DIGIT_WORDS[tens], "puluh"]
        if ones:
            words.append(_DIGIT_WORDS[ones])
    return words


def _number_words(number: int) -> list[str]:
    """Words for a positive integer; beyond kuadriliun the count of kuadriliun is itself spelled out."""
    words: list[str] = []
    for size, name in _SCALE_WORDS:
        if number >= size:
            count, number = divmod(number, size)
            # A count of exactly one thousand is "seribu" (yet 101.000 is "seratus satu ribu"), while the
            # larger scales take "satu": "satu juta", "satu miliar".
            words += ["seribu"] if size == 1000 and count == 1 else [*_number_words(count), name]
    if number:
        words += _below_thousand_words(number)
    return words


def terbilang(amount: Decimal) -> str:
    """The amount in Indonesian words, rounded to sen: 1001000.05 is "satu juta seribu rupiah lima sen"."""
    sen = _rounded_sen(amount)
    rupiah, cents = divmod(abs(sen), 100)
    words = ["minus"] if sen < 0 else []
    words += [*(_number_words(rupiah) or ["nol"]), "rupiah"]
    if cents:
        words += [*_number_words(cents), "sen"]
    return " ".join(words)
