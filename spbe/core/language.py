"""The language switch: a plain link (``GET /bahasa/<code>/?next=<path>``) that sets the language cookie.

A link, not a POST form, so the shared page layout carries nothing per request (no CSRF token) and a
public page can be one cached answer for everyone (``spbe.core.public_pages``). Choosing a language changes
nothing but the visitor's own cookie, so a GET is safe: a forged link can at most switch a visitor to the
other language, which the same switch undoes. ``next`` is followed only to a path of this site; anything
else (another host, a scheme, ``//evil``) goes to the home page, so the switch is never an open redirect.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

MAX_NEXT = 2000


def safe_next(request: HttpRequest, target: str) -> str:
    """``target`` when it is a path on this site, else the home page."""
    if (
        target
        and len(target) <= MAX_NEXT
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return target
    return "/"


@require_GET
@never_cache
def switch(request: HttpRequest, code: str) -> HttpResponseRedirect:
    if code not in {c for c, _name in settings.LANGUAGES}:
        raise Http404
    response = HttpResponseRedirect(safe_next(request, request.GET.get("next", "")))
    if code == settings.LANGUAGE_CODE:
        # The default needs no cookie, and a visitor without cookies gets the shared cached pages again.
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
