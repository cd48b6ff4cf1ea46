"""Code formats of the reference lists: parse a code as typed, return it in canonical form with its level,
and tell a code's parent. Pure functions, no database.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from spbe.core.errors import ValidationFailed

ACCOUNT_LEVELS = ("akun", "kelompok", "jenis", "objek", "rincian_objek", "sub_rincian_objek")
ACCOUNT_WIDTHS = (1, 1, 2, 2, 2, 4)
# The newer printed form pads rincian objek and sub rincian objek: 1.1.2.2.3.5.
ACCOUNT_PADDED_WIDTHS = (1, 1, 2, 2, 3, 5)

VILLAGE_ACCOUNT_LEVELS = ("akun", "kelompok", "jenis", "objek")
VILLAGE_ACCOUNT_WIDTHS = (1, 1, 1, 2)

VILLAGE_ACTIVITY_LEVELS = ("bidang", "sub_bidang", "kegiatan")

# Nomenclature: the kegiatan level adds two segments (government level digit + kegiatan number).
NOMENCLATURE_LEVEL_BY_SEGMENTS = {1: "urusan", 2: "bidang", 3: "program", 5: "kegiatan", 6: "sub_kegiatan"}
NOMENCLATURE_LEVELS = tuple(NOMENCLATURE_LEVEL_BY_SEGMENTS.values())
PLACEHOLDER_URUSAN = "X"
PLACEHOLDER_BIDANG = "XX"
# (segment name, digits, expected form) per position; messages are translated only when raised.
_NOMENCLATURE_SEGMENTS = (
    (gettext_noop("urusan"), 1, gettext_noop("1 digit atau X")),
    (gettext_noop("bidang"), 2, gettext_noop("2 digit")),
    (gettext_noop("program"), 2, gettext_noop("2 digit")),
    (gettext_noop("tingkat pemerintahan"), 1, gettext_noop("1 digit 1-9")),
    (gettext_noop("kegiatan"), 2, gettext_noop("2 digit")),
    (gettext_noop("sub kegiatan"), 4, gettext_noop("4 digit")),
)


class InvalidCode(ValidationFailed, ValueError):
    """A code that does not fit its list's format. Also a ValueError, for callers outside services."""


def _clean(code: str) -> str:
    # Siskeudes and OpenSID exports end codes with a dot ("4.2.1.01."); the dot carries no meaning.
    text = code.strip()
    return text[:-1] if text.endswith(".") else text


def _is_digits(text: str, width: int) -> bool:
    # str.isdigit() also accepts other scripts' digits and superscripts; codes are plain ASCII.
    return len(text) == width and text.isascii() and text.isdigit()


def canonical_account_code(code: str) -> str:
    """Return a kode rekening in the canonical width 1.1.2.2.2.4.

    Accepts the canonical form and the padded form 1.1.2.2.3.5 (``5.1.02.01.001.00024`` becomes
    ``5.1.02.01.01.0024``), at any depth from akun to sub rincian objek. Raises :class:`InvalidCode` when
    a segment fits neither width, or when padding would drop a non-zero digit.
    """
    text = _clean(code)
    if not text:
        raise InvalidCode(_("Kode rekening kosong."))
    parts = text.split(".")
    if len(parts) > len(ACCOUNT_WIDTHS):
        raise InvalidCode(
            _(
                "Kode rekening '%(code)s' terdiri dari %(count)d segmen; paling banyak 6 "
                "(akun.kelompok.jenis.objek.rincian_objek.sub_rincian_objek)."
            )
            % {"code": text, "count": len(parts)}
        )
    canonical: list[str] = []
    for position, part in enumerate(parts):
        width, padded = ACCOUNT_WIDTHS[position], ACCOUNT_PADDED_WIDTHS[position]
        extra = padded - width
        if _is_digits(part, width):
            canonical.append(part)
        elif extra and _is_digits(part, padded) and part.startswith("0" * extra):
            canonical.append(part[extra:])
        else:
            expected = (
                str(width)
                if not extra
                else _("%(width)d (atau %(padded)d dengan awalan 0)")
                % {
                    "width": width,
                    "padded": padded,
                }
            )
            raise InvalidCode(
                _("Segmen %(level)s '%(part)s' pada kode rekening '%(code)s' harus %(expected)s digit angka.")
                % {"level": ACCOUNT_LEVELS[position], "part": part, "code": text, "expected": expected}
            )
    if canonical[0] == "0":
        raise InvalidCode(_("Akun pada kode rekening '%(code)s' tidak boleh 0.") % {"code": text})
    return ".".join(canonical)


def parse_account_code(code: str) -> tuple[str, str]:
    """Return (canonical code, level) of a kode rekening."""
    canonical = canonical_account_code(code)
    return canonical, ACCOUNT_LEVELS[canonical.count(".")]


def parse_nomenclature_code(code: str) -> tuple[str, str]:
    """Return (code, level) of a planning nomenclature code ``U.BB.PP.L.KK.SSSS`` at any depth.

    The generic program penunjang placeholder ``X`` / ``X.XX`` is accepted only as a pair.
    """
    text = _clean(code)
    if not text:
        raise InvalidCode(_("Kode nomenklatur kosong."))
    parts = text.split(".")
    level = NOMENCLATURE_LEVEL_BY_SEGMENTS.get(len(parts))
    if level is None:
        raise InvalidCode(
            _(
                "Kode nomenklatur '%(code)s' terdiri dari %(count)d segmen; yang sah 1 (urusan), 2 (bidang), "
                "3 (program), 5 (kegiatan) atau 6 (sub kegiatan), bentuk U.BB.PP.L.KK.SSSS."
            )
            % {"code": text, "count": len(parts)}
        )
    placeholder = parts[0] == PLACEHOLDER_URUSAN
    for position, part in enumerate(parts):
        segment, width, expected = _NOMENCLATURE_SEGMENTS[position]
        if position == 0:
            valid = placeholder or (_is_digits(part, 1) and part != "0")
        elif position == 1 and placeholder:
            valid, expected = part == PLACEHOLDER_BIDANG, gettext_noop("XX (pasangan X)")
        elif position == 3:
            valid = _is_digits(part, 1) and part != "0"
        else:
            valid = _is_digits(part, width)
        if not valid:
            raise InvalidCode(
                _("Segmen %(segment)s '%(part)s' pada kode '%(code)s' harus %(expected)s.")
                % {"segment": _(segment), "part": part, "code": text, "expected": _(expected)}
            )
    return text, level


def nomenclature_parent(code: str) -> str:
    """Parent code of a (valid) nomenclature code; empty for an urusan."""
    parts = code.split(".")
    if len(parts) == 1:
        return ""
    # A kegiatan (5 segments) hangs under its program (3): the level digit is not a level of its own.
    return ".".join(parts[:3] if len(parts) == 5 else parts[:-1])


def parse_village_account_code(code: str) -> tuple[str, str]:
    """Return (code, level) of an APBDes account such as ``4.2.1`` or ``4.2.1.01``."""
    text = _clean(code)
    if not text:
        raise InvalidCode(_("Kode rekening desa kosong."))
    parts = text.split(".")
    if len(parts) > len(VILLAGE_ACCOUNT_WIDTHS):
        raise InvalidCode(
            _(
                "Kode rekening desa '%(code)s' terdiri dari %(count)d segmen; "
                "paling banyak 4 (akun.kelompok.jenis.objek)."
            )
            % {"code": text, "count": len(parts)}
        )
    for position, part in enumerate(parts):
        width = VILLAGE_ACCOUNT_WIDTHS[position]
        if not _is_digits(part, width):
            raise InvalidCode(
                _(
                    "Segmen %(level)s '%(part)s' pada kode rekening desa '%(code)s' "
                    "harus %(width)d digit angka."
                )
                % {"level": VILLAGE_ACCOUNT_LEVELS[position], "part": part, "code": text, "width": width}
            )
    if parts[0] not in {"4", "5", "6"}:
        raise InvalidCode(
            _(
                "Akun '%(akun)s' pada kode '%(code)s' bukan akun APBDes "
                "(4 pendapatan, 5 belanja, 6 pembiayaan)."
            )
            % {"akun": parts[0], "code": text}
        )
    return text, VILLAGE_ACCOUNT_LEVELS[len(parts) - 1]


def parse_village_activity_code(code: str) -> tuple[str, str]:
    """Return (code, level) of an APBDes bidang ``01``, sub-bidang ``01.01`` or kegiatan ``01.01.02``."""
    text = _clean(code)
    if not text:
        raise InvalidCode(_("Kode kegiatan desa kosong."))
    parts = text.split(".")
    if len(parts) > len(VILLAGE_ACTIVITY_LEVELS) or not all(_is_digits(p, 2) for p in parts):
        raise InvalidCode(
            _("Kode kegiatan desa '%(code)s' harus berbentuk BB, BB.SS atau BB.SS.KK (2 digit tiap segmen).")
            % {"code": text}
        )
    if parts[0] == "00":
        raise InvalidCode(_("Bidang '00' pada kode '%(code)s' tidak sah.") % {"code": text})
    return text, VILLAGE_ACTIVITY_LEVELS[len(parts) - 1]


def drop_last_segment(code: str) -> str:
    """Parent code in lists where every level adds one segment; empty at the top."""
    return code.rsplit(".", 1)[0] if "." in code else ""
