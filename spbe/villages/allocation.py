"""The transfer-allocation engine: ADD, BHPRD and a simulated Dana Desa split exactly over a pemda's desa.

Pure calculation (no database): a configuration and one row of indicators per desa in, one allocation per
desa out. The rules are those of domain guide 4.1, as the command ``spbe allocate_transfers`` fixes them:

1. each desa first gets its **siltap need**, ``(kepala_desa + sekretaris_desa + perangkat_lain x
   jumlah_perangkat_lain) x months``, exactly;
2. of what is left of the total (the remainder), the fraction ``equal_share`` is split equally over the
   desa (alokasi dasar);
3. the rest of the remainder is split by the index ``sum_k w_k * x_ik / sum_j x_jk`` (alokasi
   proporsional), the weights ``w_k`` summing to exactly 1.

Each desa's whole amount (siltap + dasar + proporsional) is computed exactly (integers and fractions, never
a float) and rounded once: every desa gets the floor of its exact amount in whole units, and the units left
over go one each to the largest remainders, ties to the smallest ``kode_desa``
(:func:`spbe.core.money.largest_remainder`). So each ``jumlah`` is a whole number of units, differs from the
exact amount by less than one unit, and the column adds up to ``total`` exactly. The components add up to
``jumlah``: ``siltap`` is the exact need, ``alokasi_dasar`` the equal share rounded down to whole units (the
same for every desa, as a DPMD reader expects of an equal share), and ``alokasi_proporsional`` the rest, so
the rounding of the desa's amount (less than one unit either way) shows there.

This module must not touch the database or know about scenarios; :mod:`spbe.villages.transfers` stores
what it computes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from spbe.core.errors import ImportFailed, RowError, ValidationFailed
from spbe.core.money import MAX_RUPIAH, MoneyError, from_sen, largest_remainder, to_sen
from spbe.core.table_header import header_titles, normalized_title
from spbe.core.tabular import Column, ErrorCollector, read_table

KODE_DESA = "kode_desa"
OFFICIALS = "jumlah_perangkat_lain"
# An informational column a DPMD spreadsheet usually has; read and ignored.
NAMA_DESA = "nama_desa"
CONFIG_KEYS = ("total", "rounding_unit", "equal_share", "weights", "siltap")
REQUIRED_CONFIG_KEYS = ("total", "rounding_unit", "equal_share", "weights")
SILTAP_KEYS = ("kepala_desa", "sekretaris_desa", "perangkat_lain", "months")
RESULT_COLUMNS = ("kode_desa", "siltap", "alokasi_dasar", "alokasi_proporsional", "jumlah")
MAX_MONTHS = 12
MAX_CODE_CHARS = 40
MAX_NUMBER_CHARS = 40

# A plain decimal: digits, optionally a point and more digits; a leading minus is read so that the message
# can say "negative" rather than "malformed". No grouping: "1.234" would be ambiguous.
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")

# PP 43/2014 as amended by PP 11/2019: the share of a desa's ADD that may pay siltap, by the size of the ADD.
SILTAP_CAP_BANDS: tuple[tuple[Decimal | None, Fraction], ...] = (
    (Decimal("500000000"), Fraction(60, 100)),
    (Decimal("700000000"), Fraction(50, 100)),
    (Decimal("900000000"), Fraction(40, 100)),
    (None, Fraction(30, 100)),
)


class AllocationError(ValidationFailed):
    """A configuration or indicator table the engine refuses; the message is one line that says why."""


def _shown(value: object) -> str:
    text = str(value).replace("\n", " ").strip()
    return text if len(text) <= MAX_NUMBER_CHARS else text[: MAX_NUMBER_CHARS - 3] + "..."


# ------------------------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class SiltapRates:
    """Monthly fixed pay (siltap) of the kepala desa, the sekretaris desa and each other official."""

    kepala_desa: Decimal
    sekretaris_desa: Decimal
    perangkat_lain: Decimal
    months: int

    def need_sen(self, officials: int) -> int:
        """A desa's siltap need for the year in sen, for ``officials`` officials besides kepala and sekdes."""
        monthly = (
            to_sen(self.kepala_desa) + to_sen(self.sekretaris_desa) + to_sen(self.perangkat_lain) * officials
        )
        return monthly * self.months

    def need(self, officials: int) -> Decimal:
        return from_sen(self.need_sen(officials))


@dataclass(frozen=True)
class AllocationConfig:
    """A checked configuration: amounts in rupiah with at most two decimals, weights keyed by column."""

    total: Decimal
    rounding_unit: Decimal
    equal_share: Decimal
    weights: Mapping[str, Decimal]
    siltap: SiltapRates | None = None

    def as_json(self) -> dict[str, Any]:
        """The configuration as the command reads it (numbers as strings), for storing with a scenario."""
        siltap: dict[str, Any] | None = None
        if self.siltap is not None:
            siltap = {
                "kepala_desa": str(self.siltap.kepala_desa),
                "sekretaris_desa": str(self.siltap.sekretaris_desa),
                "perangkat_lain": str(self.siltap.perangkat_lain),
                "months": self.siltap.months,
            }
        return {
            "total": str(self.total),
            "rounding_unit": str(self.rounding_unit),
            "equal_share": str(self.equal_share),
            "weights": {key: str(weight) for key, weight in self.weights.items()},
            "siltap": siltap,
        }


def _number(value: object, where: str) -> Decimal:
    """An exact number from a string of a plain decimal, or from a JSON number read exactly."""
    if isinstance(value, str) and _PLAIN_DECIMAL.fullmatch(value.strip()):
        return Decimal(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    raise AllocationError(
        _("%(where)s: bilangan tidak sah '%(value)s'; tulis sebagai desimal biasa, misalnya \"1234.5\".")
        % {"where": where, "value": _shown(value)}
    )


def _amount(value: object, where: str, *, positive: bool = False) -> Decimal:
    """A rupiah amount: not negative (positive if asked), at most two decimals, storable."""
    number = _number(value, where)
    if number < 0 or (positive and number == 0):
        message = (
            _("%(where)s harus lebih dari nol (sekarang %(value)s).")
            if positive
            else _("%(where)s tidak boleh negatif (sekarang %(value)s).")
        )
        raise AllocationError(message % {"where": where, "value": _shown(value)})
    if number > MAX_RUPIAH:
        raise AllocationError(
            _("%(where)s terlalu besar: %(value)s.") % {"where": where, "value": _shown(value)}
        )
    exponent = number.as_tuple().exponent
    try:
        # "1.000" is one rupiah to Python but a thousand to someone used to Indonesian grouping: three or
        # more decimals, even zeros, are refused rather than guessed at.
        if not isinstance(exponent, int) or exponent < -2:
            raise MoneyError(str(value))
        return from_sen(to_sen(number))
    except MoneyError as exc:
        raise AllocationError(
            _(
                "%(where)s: '%(value)s' bukan jumlah rupiah; paling banyak 2 angka di belakang titik, "
                "tanpa pemisah ribuan."
            )
            % {"where": where, "value": _shown(value)}
        ) from exc


def _fraction_of_one(value: object, where: str) -> Decimal:
    number = _number(value, where)
    if not 0 <= number <= 1:
        raise AllocationError(
            _("%(where)s harus antara 0 dan 1 (sekarang %(value)s).")
            % {"where": where, "value": _shown(value)}
        )
    return number


def _check_keys(
    data: Mapping[str, object], allowed: Sequence[str], required: Sequence[str], where: str
) -> None:
    unknown = sorted(key for key in data if key not in allowed)
    if unknown:
        raise AllocationError(
            _("%(where)s: kunci tidak dikenal '%(key)s'; kunci yang dikenal: %(allowed)s.")
            % {"where": where, "key": _shown(unknown[0]), "allowed": ", ".join(allowed)}
        )
    for key in required:
        if key not in data:
            raise AllocationError(_("%(where)s: kunci '%(key)s' tidak ada.") % {"where": where, "key": key})


def _months(value: object) -> int:
    where = "siltap.months"
    if isinstance(value, int) and not isinstance(value, bool):
        months = value
    elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        months = int(value.strip())
    else:
        raise AllocationError(
            _("%(where)s: '%(value)s' bukan bilangan bulat.") % {"where": where, "value": _shown(value)}
        )
    if not 1 <= months <= MAX_MONTHS:
        raise AllocationError(
            _("%(where)s harus antara 1 dan %(max)d (sekarang %(value)s).")
            % {"where": where, "max": MAX_MONTHS, "value": months}
        )
    return months


def _siltap(value: object) -> SiltapRates | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise AllocationError(
            _("konfigurasi: 'siltap' harus null atau objek berisi %(keys)s.")
            % {"keys": ", ".join(SILTAP_KEYS)}
        )
    _check_keys(value, SILTAP_KEYS, SILTAP_KEYS, "siltap")
    return SiltapRates(
        kepala_desa=_amount(value["kepala_desa"], "siltap.kepala_desa"),
        sekretaris_desa=_amount(value["sekretaris_desa"], "siltap.sekretaris_desa"),
        perangkat_lain=_amount(value["perangkat_lain"], "siltap.perangkat_lain"),
        months=_months(value["months"]),
    )


def _weights(value: object) -> dict[str, Decimal]:
    if not isinstance(value, Mapping) or not value:
        raise AllocationError(
            _(
                "konfigurasi: 'weights' harus objek yang memetakan kolom indikator ke bobotnya, misalnya "
                '{"penduduk": "0.5", "luas_wilayah": "0.5"}.'
            )
        )
    weights: dict[str, Decimal] = {}
    for raw_key, raw_weight in value.items():
        key = normalized_title(str(raw_key))
        where = f"weights.{_shown(raw_key)}"
        if not key:
            raise AllocationError(_("weights: nama kolom indikator tidak boleh kosong."))
        if key in (KODE_DESA, NAMA_DESA):
            raise AllocationError(
                _("%(where)s: kolom '%(key)s' bukan indikator.") % {"where": where, "key": key}
            )
        if key in weights:
            raise AllocationError(
                _("weights: kolom indikator '%(key)s' disebut lebih dari sekali.") % {"key": key}
            )
        weight = _number(raw_weight, where)
        if weight < 0:
            raise AllocationError(
                _("%(where)s: bobot tidak boleh negatif (sekarang %(value)s).")
                % {"where": where, "value": _shown(raw_weight)}
            )
        weights[key] = weight
    weight_sum = sum(weights.values(), Decimal(0))
    if weight_sum != 1:
        raise AllocationError(
            _("weights: jumlah bobot harus tepat 1, sekarang %(sum)s.") % {"sum": _shown(weight_sum)}
        )
    return weights


def parse_config(data: object) -> AllocationConfig:
    """Check a configuration as decoded from JSON; AllocationError (one line) for the first problem."""
    if not isinstance(data, Mapping):
        raise AllocationError(
            _("konfigurasi harus berupa objek JSON dengan kunci %(keys)s.") % {"keys": ", ".join(CONFIG_KEYS)}
        )
    _check_keys(data, CONFIG_KEYS, REQUIRED_CONFIG_KEYS, _("konfigurasi"))
    total = _amount(data["total"], "total")
    unit = _amount(data["rounding_unit"], "rounding_unit", positive=True)
    if to_sen(total) % to_sen(unit):
        raise AllocationError(
            _("total %(total)s bukan kelipatan rounding_unit %(unit)s.") % {"total": total, "unit": unit}
        )
    return AllocationConfig(
        total=total,
        rounding_unit=unit,
        equal_share=_fraction_of_one(data["equal_share"], "equal_share"),
        weights=_weights(data["weights"]),
        siltap=_siltap(data.get("siltap")),
    )


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise AllocationError(_("konfigurasi: kunci '%(key)s' ditulis dua kali.") % {"key": _shown(key)})
        result[key] = value
    return result


def load_config(path: Path | str) -> AllocationConfig:
    """Read and check CONFIG.json; numbers written as JSON numbers are read exactly, never as floats."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AllocationError(
            _("Berkas konfigurasi %(file)s tidak dapat dibaca: %(error)s")
            % {"file": path.name, "error": _shown(getattr(exc, "strerror", None) or type(exc).__name__)}
        ) from exc
    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise AllocationError(
            _(
                "Berkas konfigurasi %(file)s bukan JSON yang sah: %(error)s "
                "(baris %(line)d, kolom %(column)d)."
            )
            % {"file": path.name, "error": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc
    return parse_config(data)


# --------------------------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class VillageIndicators:
    """One desa's row: its code, its indicator values by column, its officials besides kades and sekdes."""

    kode_desa: str
    indicators: Mapping[str, Decimal]
    officials: int = 0
    row: int = 0  # where it was read, for messages about it (0: not from a file)


def read_villages(path: Path | str, config: AllocationConfig) -> list[VillageIndicators]:
    """Read VILLAGES.csv (or XLSX) for ``config``; ImportFailed listing every bad cell, nothing half-read.

    The file has ``kode_desa``, every indicator column named in the weights, and ``jumlah_perangkat_lain``
    when the configuration has siltap; ``nama_desa`` may be there too. Any other column is refused, so a
    misspelt indicator cannot silently drop out of the formula.
    """
    path = Path(path)
    required = [KODE_DESA, *config.weights]
    if config.siltap is not None and OFFICIALS not in required:
        required.append(OFFICIALS)
    columns = [
        Column(key, max_length=MAX_CODE_CHARS if key == KODE_DESA else MAX_NUMBER_CHARS) for key in required
    ]
    known = {*required, NAMA_DESA, OFFICIALS}
    columns += [Column(key, required=False) for key in (NAMA_DESA, OFFICIALS) if key not in required]
    rows = read_table(path, columns)

    titles = header_titles(path, required) or []
    errors = ErrorCollector()
    seen_titles: set[str] = set()
    for title in titles:
        if not title:
            continue
        if title not in known:
            errors.add(
                RowError(
                    1,
                    _("kolom tidak dikenal '%(column)s'; kolom yang dikenal: %(known)s")
                    % {"column": _shown(title), "known": ", ".join(sorted(known))},
                    title,
                    path.name,
                )
            )
        elif title in seen_titles:
            errors.add(
                RowError(1, _("kolom '%(column)s' ada dua kali") % {"column": title}, title, path.name)
            )
        seen_titles.add(title)
    if errors:
        raise errors.failure(_("Berkas %(file)s memuat kolom yang tidak dikenal.") % {"file": path.name})

    villages: list[VillageIndicators] = []
    first_row: dict[str, int] = {}
    for row in rows:
        code = row.values[KODE_DESA]
        if not code:
            errors.add(RowError(row.row, _("kode desa kosong"), KODE_DESA, row.file))
        elif code in first_row:
            errors.add(
                RowError(
                    row.row,
                    _("kode desa '%(code)s' sudah ada di baris %(row)d")
                    % {"code": code, "row": first_row[code]},
                    KODE_DESA,
                    row.file,
                )
            )
        else:
            first_row[code] = row.row
        indicators: dict[str, Decimal] = {}
        for key in config.weights:
            text = row.values[key]
            if not _PLAIN_DECIMAL.fullmatch(text):
                errors.add(
                    RowError(
                        row.row,
                        _("bilangan tidak sah '%(value)s'; tulis sebagai desimal biasa, misalnya 1234.5")
                        % {"value": _shown(text)},
                        key,
                        row.file,
                    )
                )
                continue
            value = Decimal(text)
            if value < 0:
                errors.add(
                    RowError(
                        row.row,
                        _("indikator tidak boleh negatif (%(value)s)") % {"value": text},
                        key,
                        row.file,
                    )
                )
            indicators[key] = value
        officials = 0
        if config.siltap is not None:
            text = row.values[OFFICIALS]
            if not _WHOLE_NUMBER.fullmatch(text):
                errors.add(
                    RowError(
                        row.row,
                        _("jumlah perangkat '%(value)s' bukan bilangan bulat") % {"value": _shown(text)},
                        OFFICIALS,
                        row.file,
                    )
                )
            elif int(text) < 0:
                errors.add(
                    RowError(
                        row.row,
                        _("jumlah perangkat tidak boleh negatif (%(value)s)") % {"value": text},
                        OFFICIALS,
                        row.file,
                    )
                )
            else:
                officials = int(text)
        villages.append(VillageIndicators(code, indicators, officials, row.row))
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak dibaca: %(count)d isian tidak sah. Perbaiki lalu ulangi.")
            % {"file": path.name, "count": errors.total}
        )
    if not villages:
        raise ImportFailed(
            _("Berkas %(file)s tidak memuat satu desa pun.") % {"file": path.name},
            [RowError(2, _("tidak ada baris desa di bawah judul kolom"), None, path.name)],
        )
    return villages


def one_line(error: ImportFailed) -> str:
    """An import failure as the single line the command prints: where the first problem is, and how many."""
    if not error.errors:
        return error.message
    first = error.errors[0]
    line = f"{first.file}: {first.contract_line()}" if first.file else first.contract_line()
    if error.total > 1:
        line += " " + _("(dan %(count)d kesalahan lain)") % {"count": error.total - 1}
    return line.replace("\n", " ")


# ------------------------------------------------------------------------------------------------- engine


@dataclass(frozen=True)
class Allocation:
    """One desa's allocation in whole rounding units; ``siltap + dasar + proporsional = jumlah``.

    Held as integer sen (an allocation over every desa of the country builds no Decimal it does not
    show); the properties give rupiah. ``need_sen`` is the exact siltap need (zero without siltap), the
    same as ``siltap_sen``, for the siltap check.
    """

    kode_desa: str
    siltap_sen: int
    dasar_sen: int
    proporsional_sen: int
    jumlah_sen: int
    need_sen: int = 0

    @property
    def siltap(self) -> Decimal:
        return from_sen(self.siltap_sen)

    @property
    def alokasi_dasar(self) -> Decimal:
        return from_sen(self.dasar_sen)

    @property
    def alokasi_proporsional(self) -> Decimal:
        return from_sen(self.proporsional_sen)

    @property
    def jumlah(self) -> Decimal:
        return from_sen(self.jumlah_sen)

    @property
    def siltap_need(self) -> Decimal:
        return from_sen(self.need_sen)


@dataclass(frozen=True)
class ExactShare:
    """A desa's shares before rounding, in rupiah: exact fractions of the remainder after siltap."""

    dasar: Fraction
    proporsional: Fraction


@dataclass
class AllocationResult:
    """The allocations, by ascending ``kode_desa``, and what is needed to state the exact shares."""

    config: AllocationConfig
    rows: list[Allocation]
    remainder: Decimal
    # Exact shares as integers over common denominators (see allocate_transfers), kept so that the
    # unrounded figures can be stated without a second computation.
    _index_numerators: dict[str, int] = field(repr=False, default_factory=dict)
    _index_denominator: int = field(repr=False, default=1)

    def exact(self, kode_desa: str) -> ExactShare:
        """The desa's alokasi dasar and alokasi proporsional before rounding."""
        remainder = Fraction(self.remainder)
        equal = Fraction(self.config.equal_share)
        dasar = remainder * equal / len(self.rows)
        index = Fraction(self._index_numerators[kode_desa], self._index_denominator)
        return ExactShare(dasar=dasar, proporsional=remainder * (1 - equal) * index)

    def by_code(self) -> dict[str, Allocation]:
        return {row.kode_desa: row for row in self.rows}


def _integer_column(values: Sequence[Decimal]) -> list[int]:
    """The values over one common denominator, as integers: ratios within the column are unchanged."""
    # Through exact ratios: Decimal arithmetic would round a value of more than 28 digits.
    ratios = [value.as_integer_ratio() for value in values]
    denominator = math.lcm(*{d for _n, d in ratios})
    return [numerator * (denominator // d) for numerator, d in ratios]


def allocate_transfers(config: AllocationConfig, villages: Sequence[VillageIndicators]) -> AllocationResult:
    """Allocate ``config.total`` over ``villages`` by the rules in the module docstring.

    Raises AllocationError (one line) for no desa, a repeated or empty kode_desa, a missing or negative
    indicator, an indicator with a positive weight that is zero in every desa, or a total that does not
    cover the siltap need. The result does not depend on the order of ``villages``.
    """
    if not villages:
        raise AllocationError(_("Tidak ada desa untuk dialokasikan."))
    villages = sorted(villages, key=lambda village: village.kode_desa)
    codes = [village.kode_desa for village in villages]
    for previous, code in zip([None, *codes], codes, strict=False):
        if not code:
            raise AllocationError(_("Ada desa tanpa kode_desa."))
        if code == previous:
            raise AllocationError(_("kode_desa '%(code)s' tercantum lebih dari sekali.") % {"code": code})
    unit_sen = to_sen(config.rounding_unit)
    total_units = to_sen(config.total) // unit_sen

    # 1. Siltap: each desa's exact need comes first.
    if config.siltap is not None:
        rates = config.siltap
        fixed = (to_sen(rates.kepala_desa) + to_sen(rates.sekretaris_desa)) * rates.months
        per_official = to_sen(rates.perangkat_lain) * rates.months
        needs = [fixed + per_official * village.officials for village in villages]
    else:
        needs = [0] * len(villages)
    rest_sen = total_units * unit_sen - sum(needs)
    if rest_sen < 0:
        raise AllocationError(
            _("total %(total)s tidak cukup untuk siltap seluruh desa (%(siltap)s).")
            % {"total": config.total, "siltap": from_sen(sum(needs))}
        )

    # 2-3. Each desa's exact share of the remainder is N_i / (ed * n * W * P): e/n equally plus (1 - e)
    # times the index, the index's terms brought to the common denominator W * P (W: the weights'
    # denominators, P: the product of the indicator sums). Integers throughout, so nothing is rounded here.
    n = len(villages)
    equal_num, equal_den = config.equal_share.as_integer_ratio()
    weight_den = math.lcm(*(weight.as_integer_ratio()[1] for weight in config.weights.values()))
    index_num = [0] * n
    product = 1
    columns: list[tuple[int, list[int], int]] = []
    for key, weight in config.weights.items():
        if weight == 0:
            continue  # no part in the formula; a column of zeros is harmless here
        try:
            values = _integer_column([village.indicators[key] for village in villages])
        except KeyError as exc:
            raise AllocationError(
                _("Indikator '%(key)s' tidak ada untuk semua desa.") % {"key": key}
            ) from exc
        if any(value < 0 for value in values):
            raise AllocationError(_("Indikator '%(key)s' tidak boleh negatif.") % {"key": key})
        column_sum = sum(values)
        if column_sum == 0:
            raise AllocationError(
                _(
                    "Indikator '%(key)s' berjumlah nol di semua desa, sehingga indeksnya tidak terdefinisi; "
                    "isi nilainya atau beri bobot 0."
                )
                % {"key": key}
            )
        weight_num, weight_den_k = weight.as_integer_ratio()
        columns.append((weight_num * (weight_den // weight_den_k), values, column_sum))
        product *= column_sum
    for scaled_weight, values, column_sum in columns:
        factor = scaled_weight * (product // column_sum)
        for i, value in enumerate(values):
            index_num[i] += factor * value
    index_den = weight_den * product  # sum(index_num) == index_den because the weights sum to 1
    common = equal_num * index_den
    spread = (equal_den - equal_num) * n

    # Each desa's exact amount is need_i + rest * share_i with share_i = (common + spread * index_i) / D;
    # times D it is an integer, and these integers sum to total * D. One rounding, on the whole amount.
    denominator = equal_den * n * index_den
    exact = [
        need * denominator + rest_sen * (common + spread * index)
        for need, index in zip(needs, index_num, strict=True)
    ]
    jumlah = largest_remainder(total_units, codes, exact) if total_units else [0] * n
    # The equal share rounded down to whole units, the same for every desa; the proportional share carries
    # the rest of the desa's rounded amount (so the rounding's units, and its sen when the siltap need is
    # not a whole number of units, show there).
    dasar_sen = (rest_sen * equal_num) // (equal_den * n * unit_sen) * unit_sen
    rows = [
        Allocation(
            kode_desa=code,
            siltap_sen=needs[i],
            dasar_sen=dasar_sen,
            proporsional_sen=jumlah[i] * unit_sen - needs[i] - dasar_sen,
            jumlah_sen=jumlah[i] * unit_sen,
            need_sen=needs[i],
        )
        for i, code in enumerate(codes)
    ]
    remainder = from_sen(rest_sen)
    return AllocationResult(
        config=config,
        rows=rows,
        remainder=remainder,
        _index_numerators=dict(zip(codes, index_num, strict=True)),
        _index_denominator=index_den,
    )


# ---------------------------------------------------------------------------------------------- output


def plain_amount(sen: int, *, whole: bool) -> str:
    """``1234000`` when amounts are whole rupiah, else ``1234000.50``: no grouping, no exponent."""
    sign = "-" if sen < 0 else ""
    rupiah, cents = divmod(abs(sen), 100)
    return f"{sign}{rupiah}" if whole and not cents else f"{sign}{rupiah}.{cents:02d}"


def result_records(result: AllocationResult) -> list[list[str]]:
    """RESULT.csv as rows of text, header first: whole rupiah without decimals when the unit is whole."""
    whole = to_sen(result.config.rounding_unit) % 100 == 0
    records = [list(RESULT_COLUMNS)]
    for row in result.rows:
        amounts = (row.siltap_sen, row.dasar_sen, row.proporsional_sen, row.jumlah_sen)
        records.append([row.kode_desa, *(plain_amount(sen, whole=whole) for sen in amounts)])
    return records


# ------------------------------------------------------------------------------------------ siltap check


@dataclass(frozen=True)
class SiltapShortfall:
    """A desa whose ADD, under the cap on the share usable for siltap, does not cover its siltap need."""

    kode_desa: str
    add: Decimal
    need: Decimal
    cap: Fraction
    usable: Fraction

    @property
    def shortfall(self) -> Fraction:
        return Fraction(self.need) - self.usable


def siltap_cap(add: Decimal) -> Fraction:
    """The share of a desa's ADD usable for siltap: 60% to Rp500 jt, 50% to 700, 40% to 900, else 30%."""
    for upper, cap in SILTAP_CAP_BANDS:
        if upper is None or add <= upper:
            return cap
    raise AssertionError("the last band has no upper bound")  # pragma: no cover


def siltap_shortfalls(amounts: Mapping[str, Decimal], needs: Mapping[str, Decimal]) -> list[SiltapShortfall]:
    """The desa (ascending code) whose siltap need exceeds the capped part of their ADD; none are hidden.

    ``amounts`` is each desa's ADD, ``needs`` its siltap need; a desa with a need but no ADD is listed with
    an ADD of zero.
    """
    shortfalls: list[SiltapShortfall] = []
    for code in sorted(needs):
        need = needs[code]
        add = amounts.get(code, Decimal("0.00"))
        cap = siltap_cap(add)
        usable = Fraction(add) * cap
        if Fraction(need) > usable:
            shortfalls.append(SiltapShortfall(code, add, need, cap, usable))
    return shortfalls
