"""Counts of regions as a sentence says them: "1 village", "2 villages", "83.762 desa".

Indonesian nouns do not change with the number, English ones do; each phrase is one ``ngettext`` entry so a
sentence with several counts (``3 kecamatan · 1 desa · 0 kelurahan``) is assembled from phrases that are each
right in the active language, and the number is grouped as that language groups it.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import ngettext


def grouped(n: int) -> str:
    """A count as people read it in the active language: 83.762 in Indonesian, 83,762 in English."""
    return number_format(n, use_l10n=True, force_grouping=True)


def n_provinsi(n: int) -> str:
    return ngettext("%(n)s provinsi", "%(n)s provinsi", n) % {"n": grouped(n)}


def n_kabupaten(n: int) -> str:
    return ngettext("%(n)s kabupaten/kota", "%(n)s kabupaten/kota", n) % {"n": grouped(n)}


def n_kecamatan(n: int) -> str:
    return ngettext("%(n)s kecamatan", "%(n)s kecamatan", n) % {"n": grouped(n)}


def n_desa(n: int) -> str:
    return ngettext("%(n)s desa", "%(n)s desa", n) % {"n": grouped(n)}


def n_kelurahan(n: int) -> str:
    return ngettext("%(n)s kelurahan", "%(n)s kelurahan", n) % {"n": grouped(n)}


def n_desa_kelurahan(n: int) -> str:
    return ngettext("%(n)s desa/kelurahan", "%(n)s desa/kelurahan", n) % {"n": grouped(n)}
