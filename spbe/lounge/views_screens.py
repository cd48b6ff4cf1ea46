"""The lounge's TV screens: a full-screen page rotating through the slides of ``screens``, and the
fragment its script fetches to refresh them (the last one stays on screen when the network drops)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from spbe.core.errors import NotFound

from . import queue_selectors, screens, selectors

ROTATE_SECONDS = 15
REFRESH_SECONDS = 10


def _screens(pemda_code: str, lounge_code: str) -> screens.Screens:
    try:
        pemda = selectors.public_pemda(pemda_code)
        lounge = queue_selectors.lounge_of(pemda, lounge_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return screens.screens_for(lounge)


@require_GET
def screens_page(request: HttpRequest, pemda_code: str, lounge_code: str) -> HttpResponse:
    """The rotating dashboard for a TV in the lounge (1920x1080 or portrait)."""
    shown = _screens(pemda_code, lounge_code)
    return render(
        request,
        "lounge/screens/page.html",
        {
            "pemda": shown.lounge.pemda,
            "lounge": shown.lounge,
            "screens": shown,
            "rotate_seconds": ROTATE_SECONDS,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@require_GET
def screens_part(request: HttpRequest, pemda_code: str, lounge_code: str) -> HttpResponse:
    """The slides alone, for ``screens.js`` to swap in: the page never reloads on a TV nobody touches."""
    shown = _screens(pemda_code, lounge_code)
    response = render(request, "lounge/screens/_slides.html", {"pemda": shown.lounge.pemda, "screens": shown})
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("pemda/<str:pemda_code>/antrean/<slug:lounge_code>/layar/", screens_page, name="screens"),
    path("pemda/<str:pemda_code>/antrean/<slug:lounge_code>/layar/isi/", screens_part, name="screens-part"),
]
