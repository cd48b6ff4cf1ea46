"""``{% rkpd_sources rka %}`` / ``{% rkpd_sources rka document=True %}``: an RKA's sub-kegiatan that came
from the RKPD, with the RKPD item and the accepted proposals each funds (public ids linking to the public
tracker), on the staff RKA page and in the RKA/DPA PDF. Reads through :func:`rkpd_link.sources_for`."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from ..models import Rka
from ..rkpd_link import sources_for

register = template.Library()


@register.inclusion_tag("budgeting/rkpd_link/_sources.html")
def rkpd_sources(rka: Rka, document: bool = False) -> dict[str, Any]:
    # The PDF is read away from the site: its links carry the public address; the page's stay relative.
    return {
        "sources": sources_for(rka),
        "document": document,
        "site": settings.SPBE_PUBLIC_URL if document else "",
    }
