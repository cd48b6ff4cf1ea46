"""Public HTML pages as published answers: one body for every anonymous visitor, with a strong ETag.

:func:`published_page` renders a page; for a visitor who is not signed in, the answer is
:func:`spbe.core.http.public_answer` (``Cache-Control: public``, strong ETag, 304 on a match), which
:class:`spbe.core.published.PublishedResponses` may replay when the URL is in an app's ``PUBLISHED_ROUTES``
and the request has no cookie and no query string. Three things make the body the same for everyone:

* the layout renders no CSRF token (the language switch is a link, :mod:`spbe.core.language`), and the
  page itself must not either: a page that renders one sets the CSRF cookie, and an answer with
  ``Set-Cookie`` is never kept;
* ``published_page`` is set in the context, so the layout leaves out the per-request CSP nonce on its
  script (the policy then names no nonce, and only this site's script files run: stricter, not looser);
* the language comes from the cookie and ``LanguageMiddleware`` adds ``Vary: Cookie``: a visitor with
  the English cookie is never answered from the kept Indonesian copy (requests with cookies skip the
  published layer), and browsers and shared caches keep one copy per cookie.

A signed-in user's page names the user, so it is rendered as usual and never marked public.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .http import public_answer


def published_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, max_age: int
) -> HttpResponse:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return render(request, template, context)
    body = render_to_string(template, {**context, "published_page": True}, request=request).encode()
    return public_answer(request, body, max_age=max_age, content_type="text/html; charset=utf-8")
