"""Region counts in templates: ``{{ district.desa_count|n_desa }}`` is "12 desa" or "12 villages"."""

from __future__ import annotations

from django import template

from spbe.regions import wording

register = template.Library()

register.filter("n_kecamatan", wording.n_kecamatan)
register.filter("n_desa", wording.n_desa)
register.filter("n_kelurahan", wording.n_kelurahan)
