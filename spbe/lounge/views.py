"""Public pages of the service catalogue: a pemda's services with search, and one printable page each."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from spbe.core.errors import NotFound
from spbe.core.public_pages import published_page

from . import selectors

MAX_QUERY = 100
# Browsers may keep a page this long; the published layer replays it until the catalogue changes.
PAGE_MAX_AGE = 60


@require_GET
def catalogue(request: HttpRequest, pemda_code: str) -> HttpResponse:
    try:
        pemda = selectors.public_pemda(pemda_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    # Grouped by agency on the page (the API keeps code order): agencies in code order, services in theirs.
    services = sorted(selectors.services_of(pemda, query), key=lambda s: (s.unit.code, s.kode_layanan))
    context = {"pemda": pemda, "query": query, "services": services}
    return published_page(request, "lounge/catalogue.html", context, max_age=PAGE_MAX_AGE)


@require_GET
def service_page(request: HttpRequest, pemda_code: str, kode: str) -> HttpResponse:
    try:
        pemda = selectors.public_pemda(pemda_code)
        service = selectors.service_of(pemda, kode)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {"pemda": pemda, "service": service}
    return published_page(request, "lounge/service.html", context, max_age=PAGE_MAX_AGE)
