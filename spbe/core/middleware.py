"""Request and response plumbing shared by every page and the API.

Errors reach people as pages in their language with the right status, and API clients as problem+json
(``spbe.core.problems``); HEAD is answered wherever GET is; a request carrying a NUL character is refused
before it can reach the database (PostgreSQL text cannot hold one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from . import problems
from .errors import SpbeError

# Set on a response by language_neutral(); read by LanguageMiddleware.
_LANGUAGE_NEUTRAL = "spbe_language_neutral"


class HeadMiddleware:
    """Answer HEAD exactly like GET, without the body (RFC 9110 9.3.2).

    Views are written for GET (``require_GET``, ninja's per-method operations) and would answer HEAD with
    405. The request runs as a GET instead and the body is dropped here, outside every other middleware,
    so the headers (Content-Length and ETag included) are the ones the GET would have had.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = []  # type: ignore[attr-defined]
        else:
            response.content = b""  # type: ignore[attr-defined]
        return response


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL character in its path, query, cookies or form values.

    No honest client sends one, and PostgreSQL text cannot hold it: left alone it reaches a query and
    becomes a 500. Form fields already refuse NUL, but URL parts and cookies reach lookups directly.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._carries_nul(request):
            return self.get_response(request)
        message = _("Alamat atau isian berisi karakter yang tidak diizinkan (NUL).")
        if problems.is_api(request):
            return problems.bad_request(request, message)
        # The session cookie may be the bad value: show the page as to anyone, without loading the session.
        request.user = AnonymousUser()
        return render(request, "spbe/error.html", {"error": {"status": 400, "message": message}}, status=400)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        return any("\x00" in text for text in RejectNulMiddleware._texts(request))

    @staticmethod
    def _texts(request: HttpRequest) -> Iterator[str]:
        yield request.path_info
        for name, value in request.COOKIES.items():
            yield name
            yield value
        queries = [request.GET]
        if request.method == "POST":
            queries.append(request.POST)  # CsrfViewMiddleware parses it too; Django keeps it once parsed
        for query in queries:
            for key, values in query.lists():
                yield key
                yield from values


class ApiProblemMiddleware:
    """Under /api/, turn the bare error responses Django and ninja build into problem+json.

    Ninja's 405 is an HTML-typed "Method not allowed", Django's DEBUG 404 is an HTML page: an API client
    gets a problem document for those too, with the ``Allow`` header kept. Responses that already are
    problem documents pass unchanged, and so do 5xx pages while DEBUG is on (the traceback is the point).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        status = response.status_code
        if status < 400 or not problems.is_api(request) or problems.is_problem(response):
            return response
        if status >= 500 and settings.DEBUG:
            return response
        if status == 405:
            return problems.method_not_allowed(request, response.get("Allow", "").split(","))
        return problems.for_status(request, status)


class SpbeErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SpbeError) or problems.is_api(request):
            return None
        return render(request, "spbe/error.html", {"error": exception}, status=exception.status)


class LanguageMiddleware:
    """Speak Bahasa Indonesia unless the user chose another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a kiosk or an office PC
    set up in English still shows the product in Indonesian, as the regulation's users expect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override() restores the previous language afterwards, so nothing leaks into the next request
        # served by this thread (or into the next test).
        with translation.override(language):
            response = self.get_response(request)
        if getattr(response, _LANGUAGE_NEUTRAL, False):
            return response
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response


def language_neutral[R: HttpResponseBase](response: R) -> R:
    """Mark a response whose bytes are the same in every language (e.g. the public region JSON).

    LanguageMiddleware then leaves out ``Content-Language`` and ``Vary: Cookie``, so browsers and shared
    caches keep one copy for everyone instead of one per cookie.
    """
    setattr(response, _LANGUAGE_NEUTRAL, True)
    return response
