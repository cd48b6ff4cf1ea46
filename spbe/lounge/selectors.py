"""Reads of the lounge: the public catalogue and its search, and the IKM computed from SQL sums."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core.errors import NotFound, ValidationFailed
from spbe.core.text import fold_search

from . import ikm
from .models import Service, SurveyResponse

SEARCH_MAX_WORDS = 8
# The published catalogue pages of one pemda (spbe.core.published): bumped by every catalogue import.
CATALOGUE_DATA_SET = "lounge-catalogue:{pemda}"


def catalogue_data_set(pemda_code: str) -> str:
    return CATALOGUE_DATA_SET.format(pemda=pemda_code)


def fold(text: str) -> str:
    """Text as the search compares it (``Akté`` -> ``akte``): the one fold of :mod:`spbe.core.text`."""
    return fold_search(text)


def public_pemda(code: str) -> Pemda:
    """A hosted, active pemda; any other code is one that does not exist, to everyone."""
    pemda = Pemda.objects.filter(code=code, is_active=True).first()
    if pemda is None:
        raise NotFound(_("Pemda dengan kode %(code)s tidak ada.") % {"code": code})
    return pemda


def services_of(pemda: Pemda, query: str = "") -> QuerySet[Service]:
    """The pemda's services in code order; with ``query``, those where every word of it appears."""
    services = Service.objects.filter(pemda=pemda).select_related("unit")
    for word in fold(query).split()[:SEARCH_MAX_WORDS]:
        # Agency names are plain ASCII in practice, where icontains ignores case on both databases.
        services = services.filter(Q(search_text__contains=word) | Q(unit__name__icontains=word))
    return services.order_by("kode_layanan")


def service_of(pemda: Pemda, kode: str) -> Service:
    service = Service.objects.select_related("unit").filter(pemda=pemda, kode_layanan=kode).first()
    if service is None:
        raise NotFound(_("Layanan dengan kode %(code)s tidak ada.") % {"code": kode})
    return service


@dataclass(frozen=True)
class IkmScope:
    """Which responses an index covers: a pemda, a period, and optionally one service or one agency."""

    pemda: Pemda
    date_from: dt.date
    date_to: dt.date
    service_code: str | None = None
    unit_code: str | None = None


def ikm_for(scope: IkmScope) -> ikm.IkmResult:
    """The IKM of the responses in ``scope``, summed by the database (nine sums and a count, no rows)."""
    if scope.date_from > scope.date_to:
        raise ValidationFailed(_("Tanggal awal sesudah tanggal akhir."), field="from")
    responses = SurveyResponse.objects.filter(
        pemda=scope.pemda, tanggal__gte=scope.date_from, tanggal__lte=scope.date_to
    )
    if scope.service_code is not None:
        responses = responses.filter(service=service_of(scope.pemda, scope.service_code))
    if scope.unit_code is not None:
        unit = scope.pemda.units.filter(code=scope.unit_code).first()
        if unit is None:
            raise NotFound(_("Perangkat daerah dengan kode %(code)s tidak ada.") % {"code": scope.unit_code})
        responses = responses.filter(unit=unit)
    totals = responses.aggregate(n=Count("pk"), **{key: Sum(key) for key in ikm.ELEMENT_KEYS})
    if not totals["n"]:
        raise ValidationFailed(
            _("Tidak ada responden survei pada %(start)s sampai %(end)s untuk pilihan ini.")
            % {"start": scope.date_from.isoformat(), "end": scope.date_to.isoformat()}
        )
    return ikm.compute(totals["n"], [int(totals[key]) for key in ikm.ELEMENT_KEYS])
