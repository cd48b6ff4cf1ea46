"""RFC 9457 problem documents: the one place that builds the error answers of the API.

Everything under :data:`API_PREFIX` answers errors as ``application/problem+json``, whoever noticed the
error: a ninja exception handler (``spbe.api.urls``), Django's 404 and 500 handlers
(``spbe.core.views``), or a middleware that rejects a request or rewrites the bare 405/404 Django and
ninja build themselves (``spbe.core.middleware``). They all call :func:`problem`, so the documents look
the same wherever they come from: ``title`` is the machine-readable code and ``detail`` the message in
the user's language.

Nothing here touches the database or templates: the 500 handler calls it after those may have failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

from .errors import SpbeError, ValidationFailed
from .money import MoneyError

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    """Whether the request is for the API, whose every answer is JSON."""
    return request.path_info.startswith(API_PREFIX)


def is_problem(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == CONTENT_TYPE


def problem(request: HttpRequest, status: int, title: str, detail: str, **extra: Any) -> HttpResponse:
    """A problem document; ``title`` is a short code clients can switch on, ``detail`` is for people."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": str(detail),
        "instance": request.path,
    }
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def for_error(request: HttpRequest, error: SpbeError | MoneyError) -> HttpResponse:
    """The problem document of an error a service raised: its status, code, message and field."""
    if isinstance(error, SpbeError):
        status, code = error.status, error.code
    else:
        # An amount that cannot be accepted is a validation failure like any other (until MoneyError is
        # itself a ValidationFailed, this keeps the two answering the same).
        status, code = ValidationFailed.status, ValidationFailed.code
    extra = {"code": code}
    if error.field:
        extra["field"] = error.field
    return problem(request, status, code, error.message, **extra)


def not_found(request: HttpRequest) -> HttpResponse:
    """An API address that does not exist (an object that does not exist says which one instead)."""
    return problem(
        request, 404, "not-found", _("Alamat API ini tidak ada. Daftar alamat ada di /api/v1/docs.")
    )


def method_not_allowed(request: HttpRequest, allowed: Iterable[str]) -> HttpResponse:
    """A 405 with the ``Allow`` header RFC 9110 requires; HEAD is allowed wherever GET is."""
    methods = sorted({m.strip().upper() for m in allowed if m.strip()})
    if "GET" in methods and "HEAD" not in methods:
        methods = sorted([*methods, "HEAD"])
    response = problem(
        request,
        405,
        "method-not-allowed",
        _("Metode %(method)s tidak dapat dipakai di alamat ini. Gunakan: %(allowed)s.")
        % {"method": request.META.get("REQUEST_METHOD", request.method), "allowed": ", ".join(methods)},
    )
    response["Allow"] = ", ".join(methods)
    return response


def bad_request(request: HttpRequest, detail: str) -> HttpResponse:
    return problem(request, 400, "bad-request", detail)


def server_error(request: HttpRequest) -> HttpResponse:
    return problem(request, 500, "server-error", _("Terjadi kesalahan di server. Coba lagi nanti."))


def for_status(request: HttpRequest, status: int) -> HttpResponse:
    """A problem document for a bare error response someone else built (only its status is known)."""
    if status == 404:
        return not_found(request)
    if status >= 500:
        return server_error(request)
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    code = phrase.lower().replace(" ", "-").replace("'", "")
    return problem(request, status, code, phrase)
