"""Show the product's errors to people as pages in their language, with the right status."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from .errors import SpbeError


class SpbeErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SpbeError) or request.path.startswith("/api/"):
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
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
