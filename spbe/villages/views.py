"""Public pages of village finance: a desa's adopted APBDes and its realisation, open to every citizen."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from spbe.core.errors import NotFound

from . import selectors


@require_GET
def apbdes_page(request: HttpRequest, kode_desa: str, year: int) -> HttpResponse:
    try:
        apbdes = selectors.published_apbdes(kode_desa, year)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    summary = selectors.apbdes_summary(apbdes)
    return render(request, "villages/apbdes.html", {"apbdes": apbdes, "s": summary})
