"""The versioned REST API at /api/v1: OpenAPI at /api/v1/openapi.json, offline docs at /api/v1/docs."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from spbe.accounts.api import router as accounts_router
from spbe.budgeting.api import router as budgeting_router
from spbe.budgeting.api import staff_router as budgeting_staff_router
from spbe.budgeting.api_realisation import router as budgeting_realisation_router
from spbe.budgeting.api_workflow import router as budgeting_workflow_router
from spbe.complaints.api import router as complaints_router
from spbe.core import problems
from spbe.core.errors import SpbeError
from spbe.core.money import MoneyError
from spbe.lounge.api import router as lounge_router
from spbe.lounge.event_api import router as lounge_event_router
from spbe.monitoring.api import router as monitoring_router
from spbe.monitoring.api_e81 import router as monitoring_e81_router
from spbe.monitoring.api_rfk import router as monitoring_rfk_router
from spbe.planning.api import router as planning_router
from spbe.planning.api import staff_router as planning_staff_router
from spbe.planning.api_map import router as planning_map_router
from spbe.planning.api_photos import router as planning_photos_router
from spbe.planning.api_plans import router as planning_plans_router
from spbe.planning.api_pokir import router as planning_pokir_router
from spbe.regions.api import router as regions_router
from spbe.villages.api import router as villages_router
from spbe.villages.api import staff_router as villages_staff_router
from spbe.villages.api_books import router as villages_books_router
from spbe.villages.api_staff import router as villages_apbdes_staff_router

# Swagger UI sets inline styles; only the docs page gets them, every other response keeps the strict policy.
_docs_csp = csp_override(
    {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
    }
)

api = NinjaAPI(
    title="OpenSPBE API",
    version="1",
    description="API terbuka OpenSPBE. Data publik tanpa autentikasi; data staf dengan token Bearer.",
    urls_namespace="api-v1",
    docs_decorator=_docs_csp,
)
api.add_router("", regions_router)
api.add_router("", accounts_router)
api.add_router("", lounge_router)
api.add_router("", planning_router)
api.add_router("", planning_staff_router)
api.add_router("", planning_plans_router)
api.add_router("", planning_photos_router)
api.add_router("", planning_map_router)
api.add_router("", planning_pokir_router)
api.add_router("", villages_router)
api.add_router("", villages_staff_router)
api.add_router("", villages_books_router)
api.add_router("", villages_apbdes_staff_router)
api.add_router("", complaints_router)
api.add_router("", lounge_event_router)
api.add_router("", monitoring_router)
api.add_router("", monitoring_rfk_router)
api.add_router("", monitoring_e81_router)
api.add_router("", budgeting_router)
api.add_router("", budgeting_staff_router)
api.add_router("", budgeting_realisation_router)
api.add_router("", budgeting_workflow_router)


# Every error is a problem document built by spbe.core.problems, the same builder Django's own 404/500
# handlers and the API middleware use.


@api.exception_handler(SpbeError)
@api.exception_handler(MoneyError)
def spbe_error(request: HttpRequest, exc: SpbeError | MoneyError) -> HttpResponse:
    return problems.for_error(request, exc)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problems.problem(request, 404, "not-found", str(exc) or _("Tidak ditemukan."))


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problems.problem(request, 401, "unauthorized", _("Token tidak ada atau tidak berlaku."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problems.problem(request, 422, "validation", _("Permintaan tidak valid."), errors=exc.errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problems.problem(request, exc.status_code, "error", str(exc))
