"""Public pages of the service catalogue: a pemda's services with search, and one printable page each."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from spbe.core.errors import NotFound

from . import selectors

MAX_QUERY = 100


@require_GET
def catalogue(request: HttpRequest, pemda_code: str) -> HttpResponse:
    try:
        pemda = selectors.public_pemda(pemda_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    services = list(selectors.services_of(pemda, query))
    return render(request, "lounge/catalogue.html", {"pemda": pemda, "query": query, "services": services})


@require_GET
def service_page(request: HttpRequest, pemda_code: str, kode: str) -> HttpResponse:
    try:
        pemda = selectors.public_pemda(pemda_code)
        service = selectors.service_of(pemda, kode)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "lounge/service.html", {"pemda": pemda, "service": service})
