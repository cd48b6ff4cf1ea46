"""Kiosk devices in the lounge: how a touch screen identifies itself, and its pages.

A kiosk never signs in. Staff register it (``queues.kiosk_register``) and type the token shown once into
the device's browser at ``/kios/daftar/``; enrolment ends any staff session there and sets a signed cookie
naming the device and its token hash. :class:`KioskMiddleware` reads that cookie on every request: a
browser that carries it is a kiosk, and a kiosk is anonymous everywhere (no session user, staff pages and
sign-in refused), so nobody who walks up to it inherits anybody's rights, even after signing in on it.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from spbe.core.errors import NotFound, SpbeError

from . import queue_selectors, queues
from .models import KioskDevice

COOKIE = "spbe_kiosk"
SALT = "spbe.lounge.kiosk"
COOKIE_AGE = 5 * 365 * 24 * 3600  # a kiosk stays enrolled until its device is deactivated
# Pages a kiosk never opens: staff pages, signing in, accounts and operations.
STAFF_PREFIXES = ("/app/", "/masuk/", "/akun/", "/operasi/")


def cookie_value(device: KioskDevice) -> str:
    return f"{device.pk}:{device.token_hash[:16]}"


def device_of(request: HttpRequest) -> KioskDevice | None:
    """The active kiosk this browser was enrolled as, or None (no cookie, forged, or deactivated)."""
    raw = request.get_signed_cookie(COOKIE, default=None, salt=SALT)
    if not raw or ":" not in raw:
        return None
    pk, _sep, fingerprint = raw.partition(":")
    if not pk.isdigit():
        return None
    device = (
        KioskDevice.objects.select_related("lounge", "lounge__pemda")
        .filter(pk=int(pk), is_active=True)
        .first()
    )
    if device is None or device.token_hash[:16] != fingerprint:
        return None
    return device


class KioskMiddleware:
    """Make a kiosk browser anonymous and keep it out of staff pages (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        device = device_of(request) if COOKIE in request.COOKIES else None
        request.kiosk = device  # type: ignore[attr-defined]
        if device is not None:
            request.user = AnonymousUser()
            if request.path.startswith(STAFF_PREFIXES):
                response = render(
                    request,
                    "lounge/kiosk/refused.html",
                    {"device": device},
                    status=403,
                )
                return response
        return self.get_response(request)


def current_device(request: HttpRequest) -> KioskDevice | None:
    device = getattr(request, "kiosk", None)
    return device if isinstance(device, KioskDevice) else None


class EnrolForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Token perangkat"), max_length=100, strip=True)


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Enrol this browser as the kiosk the typed token was issued for."""
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = queues.kiosk_enroll(token=form.cleaned_data["token"])
        except NotFound as exc:
            form.add_error("token", exc.message)
        else:
            # Whoever was signed in here (the admin setting the device up) leaves with their rights.
            logout(request)
            response = redirect("lounge:kiosk-home")
            response.set_signed_cookie(
                COOKIE,
                cookie_value(device),
                salt=SALT,
                max_age=COOKIE_AGE,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
            return response
    status = 422 if form.errors else 200
    return render(request, "lounge/kiosk/enrol.html", {"form": form}, status=status)


def _require_device(request: HttpRequest) -> KioskDevice | HttpResponse:
    device = current_device(request)
    if device is None:
        return render(request, "lounge/kiosk/unknown.html", status=403)
    return device


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The kiosk's home: find a service of its lounge and take a number."""
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    query = request.GET.get("q", "")[:100].strip()
    offers = queue_selectors.offers_in(device.lounge, query)
    return render(
        request,
        "lounge/kiosk/home.html",
        {
            "device": device,
            "lounge": device.lounge,
            "pemda": device.lounge.pemda,
            "offers": offers,
            "query": query,
        },
    )


@require_http_methods(["POST"])
def take(request: HttpRequest, kode: str) -> HttpResponse:
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    try:
        offer = queue_selectors.offer_of(device.lounge, kode)
        ticket = queues.ticket_take(
            taker=queues.Taker(channel="kiosk", kiosk=device), lounge=device.lounge, service=offer.service
        )
    except SpbeError as exc:
        return render(
            request,
            "lounge/kiosk/home.html",
            {
                "device": device,
                "lounge": device.lounge,
                "pemda": device.lounge.pemda,
                "error": exc.message,
                "offers": queue_selectors.offers_in(device.lounge),
                "query": "",
            },
            status=exc.status,
        )
    return redirect(reverse("lounge:kiosk-ticket", args=[ticket.public_id]))


@require_http_methods(["GET"])
def ticket(request: HttpRequest, public_id: str) -> HttpResponse:
    """The ticket just taken, big, with its QR code to follow on a phone; the kiosk returns home soon."""
    from .views_queue import qr_svg

    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    try:
        found = queue_selectors.ticket_of(device.lounge.pemda, public_id)
    except NotFound:
        return render(request, "lounge/kiosk/unknown.html", status=404)
    if found.kiosk_id != device.pk:
        return render(request, "lounge/kiosk/unknown.html", status=404)
    status_url = request.build_absolute_uri(reverse("lounge:ticket", args=[found.pemda_id, found.public_id]))
    return render(
        request,
        "lounge/kiosk/ticket.html",
        {
            "device": device,
            "lounge": device.lounge,
            "ticket": found,
            "status": queue_selectors.ticket_status(found),
            "qr": qr_svg(status_url, _("Kode QR tiket")),
            "status_url": status_url,
        },
    )


urlpatterns = [
    path("kios/", home, name="kiosk-home"),
    path("kios/daftar/", enrol, name="kiosk-enrol"),
    path("kios/ambil/<str:kode>/", take, name="kiosk-take"),
    path("kios/tiket/<str:public_id>/", ticket, name="kiosk-ticket"),
]
