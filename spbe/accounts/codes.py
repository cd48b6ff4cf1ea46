"""The organisation code of a perangkat daerah (Permendagri 90/2019): pure functions, no database."""

from __future__ import annotations

from django.utils.translation import gettext as _

from spbe.core.errors import ValidationFailed

# urusan . bidang . urusan . bidang . urusan . bidang . unit . sub unit, as in 1.03.0.00.0.00.01.0000:
# an agency serving up to three bidang urusan names each, then its own number and its sub unit.
ORG_CODE_WIDTHS = (1, 2, 1, 2, 1, 2, 2, 4)
ORG_CODE_EXAMPLE = "1.03.0.00.0.00.01.0000"


class InvalidOrgCode(ValidationFailed, ValueError):
    """An organisation code that does not fit the format. Also a ValueError, for callers outside services."""


def clean_org_code(code: str) -> str:
    """Return the organisation code with surrounding spaces removed, or raise :class:`InvalidOrgCode`.

    Every segment must have exactly its width in ASCII digits: ``str.isdigit()`` alone would accept
    Arabic-Indic or superscript digits, which look like a code but never match one typed elsewhere.
    """
    text = code.strip()
    parts = text.split(".")
    if len(parts) == len(ORG_CODE_WIDTHS) and all(
        len(part) == width and part.isascii() and part.isdigit()
        for part, width in zip(parts, ORG_CODE_WIDTHS, strict=True)
    ):
        return text
    raise InvalidOrgCode(
        _(
            "Kode organisasi '%(code)s' harus berbentuk %(example)s: delapan segmen angka 0-9 "
            "selebar 1, 2, 1, 2, 1, 2, 2 dan 4 digit."
        )
        % {"code": text, "example": ORG_CODE_EXAMPLE},
        field="code",
    )
