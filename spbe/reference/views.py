"""Public browser of the reference lists of each budget year: open data, no sign-in."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import selectors
from .codes import InvalidCode
from .loader import KEGIATAN_DESA, NOMENKLATUR, REKENING, REKENING_DESA, SUMBER_DANA

KIND_LABELS = {
    NOMENKLATUR: _("Nomenklatur perencanaan"),
    REKENING: _("Kode rekening daerah"),
    REKENING_DESA: _("Rekening APBDes"),
    KEGIATAN_DESA: _("Bidang dan kegiatan desa"),
    SUMBER_DANA: _("Sumber dana"),
}
SEARCH_LIMIT = 200


@require_GET
def reference_home(request: HttpRequest) -> HttpResponse:
    years = selectors.years()
    year = (
        settings.SPBE_DEFAULT_BUDGET_YEAR
        if settings.SPBE_DEFAULT_BUDGET_YEAR in years or not years
        else years[0]
    )
    return redirect("reference:browse", year=year, kind=NOMENKLATUR)


@require_GET
def browse(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    if kind not in KIND_LABELS:
        raise Http404
    code = request.GET.get("kode", "").strip()
    query = request.GET.get("q", "").strip()
    context = {
        "year": year,
        "years": selectors.years(),
        "kind": kind,
        "kinds": KIND_LABELS.items(),
        "kind_label": KIND_LABELS[kind],
        "query": query,
        "code": code,
        "row": None,
        "trail": [],
    }
    if kind == SUMBER_DANA:
        context["rows"] = selectors.funding_sources_for(year).order_by("scope", "code")
        return render(request, "reference/browse.html", context)
    if query:
        context["rows"] = selectors.search(year, kind, query, SEARCH_LIMIT)
        context["limit"] = SEARCH_LIMIT
        return render(request, "reference/browse.html", context)
    try:
        context["rows"] = selectors.children(year, code, kind=kind).order_by("code")
    except InvalidCode as exc:
        raise Http404 from exc
    if code:
        found = selectors.row_with_trail(year, kind, code)
        if found is None:
            raise Http404
        context["row"], context["trail"] = found
    return render(request, "reference/browse.html", context)
