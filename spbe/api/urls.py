"""The versioned REST API at /api/v1: OpenAPI at /api/v1/openapi.json, offline docs at /api/v1/docs."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from spbe.accounts.api import router as accounts_router
from spbe.core.errors import SpbeError
from spbe.regions.api import router as regions_router

PROBLEM = "application/problem+json"


def problem(request: HttpRequest, status: int, title: str, detail: str, **extra: Any) -> HttpResponse:
    """An RFC 9457 problem document."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    body.update(extra)
    return JsonResponse(body, status=status, content_type=PROBLEM, json_dumps_params={"ensure_ascii": False})


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


@api.exception_handler(SpbeError)
def spbe_error(request: HttpRequest, exc: SpbeError) -> HttpResponse:
    extra = {"code": exc.code}
    if exc.field:
        extra["field"] = exc.field
    return problem(request, exc.status, exc.code, exc.message, **extra)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "not-found", str(exc) or "Tidak ditemukan.")


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, 401, "unauthorized", "Token tidak ada atau tidak berlaku.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem(request, 422, "validation", "Permintaan tidak valid.", errors=exc.errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, "error", str(exc))
