"""Kiosk devices in the lounge: how a touch screen identifies itself, and its pages.

A kiosk never signs in. Staff register it (``queues.kiosk_register``) and type the token shown once into
the device's browser at ``/kios/daftar/``; enrolment ends any staff session there and sets a signed cookie
naming the device and its token hash. :class:`KioskMiddleware` reads that cookie on every request: a
browser that carries it is a kiosk, and a kiosk is anonymous everywhere (no session user, staff pages and
sign-in refused), so nobody who walks up to it inherits anybody's rights, even after signing in on it.
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from spbe.accounts.models import Pemda
from spbe.core.errors import NotFound, SpbeError
from spbe.core.text import fold_search

from . import queue_selectors, queues
from .models import KioskDevice, Lounge, LoungeService, QueueTicket

COOKIE = "spbe_kiosk"
SALT = "spbe.lounge.kiosk"
COOKIE_AGE = 5 * 365 * 24 * 3600  # a kiosk stays enrolled until its device is deactivated
# Pages a kiosk never opens: staff pages, signing in, accounts and operations.
STAFF_PREFIXES = ("/app/", "/masuk/", "/akun/", "/operasi/")
# The files a kiosk page loads: kept by the service worker so the catalogue works offline.
KIOSK_STATIC = ("lounge/lounge.css", "lounge/kiosk.js", "lounge/keyboard.js")


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


def _page(
    request: HttpRequest, device: KioskDevice, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A kiosk page, with the time its data were read (what the offline banner shows of a kept copy)."""
    pemda = device.lounge.pemda
    return render(
        request,
        template,
        {
            "device": device,
            "lounge": device.lounge,
            "pemda": pemda,
            "as_of": _as_of(pemda),
            **context,
        },
        status=status,
    )


def _as_of(pemda: Pemda) -> str:
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(pemda.time_zone))
    return f"{now:%d-%m-%Y %H.%M} {now.tzname()}"


def _offers(lounge: Lounge, query: str = "") -> list[tuple[LoungeService, str]]:
    """The offers with the folded text the page's live search matches (the server's own search text)."""
    return [
        (offer, f"{offer.service.search_text} {fold_search(offer.service.unit.name)}")
        for offer in queue_selectors.offers_in(lounge, query)
    ]


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The kiosk's home: find a service of its lounge (typed or tapped, filtered as it is typed)."""
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    query = request.GET.get("q", "")[:100].strip()
    return _page(
        request, device, "lounge/kiosk/home.html", {"offers": _offers(device.lounge, query), "query": query}
    )


@require_http_methods(["GET"])
def service(request: HttpRequest, kode: str) -> HttpResponse:
    """One service of the lounge: its requirements and procedure, and the button to take a number."""
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    try:
        offer = queue_selectors.offer_of(device.lounge, kode)
    except NotFound:
        return render(request, "lounge/kiosk/unknown.html", status=404)
    return _page(request, device, "lounge/kiosk/service.html", {"offer": offer, "service": offer.service})


@require_http_methods(["GET"])
def catalogue_json(request: HttpRequest) -> HttpResponse:
    """The lounge's catalogue as JSON: what the kiosk's offline page shows a service from."""
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    document = {
        "ruang": device.lounge.name,
        "dibuat": timezone.now().isoformat(),
        "dibuat_teks": _as_of(device.lounge.pemda),
        "layanan": [
            {
                "kode": offer.service.kode_layanan,
                "nama": offer.service.nama,
                "huruf": offer.prefix,
                "skpd": offer.service.unit.name,
                "dasar_hukum": offer.service.dasar_hukum,
                "persyaratan": offer.service.persyaratan,
                "prosedur": offer.service.prosedur,
                "waktu": offer.service.waktu,
                "biaya": offer.service.biaya,
                "produk": offer.service.produk,
                "pengaduan": offer.service.pengaduan,
            }
            for offer, _text in _offers(device.lounge)
        ],
    }
    response = HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/json")
    response["Cache-Control"] = "no-cache"
    return response


@require_http_methods(["GET"])
def ping(request: HttpRequest) -> HttpResponse:
    """Whether the server can be reached: the kiosk asks every few seconds and shows the offline banner."""
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows for whatever needs the server while it cannot be reached.

    It holds no data of its own (it is kept once and shown for any page); its script fills in a service
    from the kept catalogue JSON, and the time that catalogue was read.
    """
    return render(request, "lounge/kiosk/offline.html", {"device": current_device(request)})


@require_http_methods(["GET"])
def service_worker(request: HttpRequest) -> HttpResponse:
    """The kiosk's service worker, from the kiosk's own URL so its scope is the kiosk's pages.

    ``Service-Worker-Allowed`` names that scope explicitly; the script is fetched from this server, which
    the CSP's ``script-src 'self'`` (the fallback of ``worker-src``) allows.
    """
    scope = reverse("lounge:kiosk-home")
    response = render(
        request,
        "lounge/kiosk/sw.js",
        {
            "scope": scope,
            "scope_re": scope.replace("/", "\\/"),
            "home": scope,
            "shell": reverse("lounge:kiosk-offline"),
            "catalogue": reverse("lounge:kiosk-catalogue"),
            "static": [static(name) for name in KIOSK_STATIC],
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response


@require_http_methods(["POST"])
def take(request: HttpRequest, kode: str) -> HttpResponse:
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    try:
        offer = queue_selectors.offer_of(device.lounge, kode)
        ticket = queues.ticket_take(
            taker=queues.Taker(channel="kiosk", kiosk=device),
            lounge=device.lounge,
            service=offer.service,
            offer=offer,
            served=offer.served,  # type: ignore[attr-defined]  # annotated by offer_of
        )
    except SpbeError as exc:
        return _page(
            request,
            device,
            "lounge/kiosk/home.html",
            {"error": exc.message, "offers": _offers(device.lounge), "query": ""},
            status=exc.status,
        )
    return redirect(reverse("lounge:kiosk-ticket", args=[ticket.public_id]))


@require_http_methods(["GET"])
def ticket(request: HttpRequest, public_id: str) -> HttpResponse:
    """The ticket just taken, big, with its QR code to follow on a phone; the kiosk returns home soon."""
    from spbe.core.qr import qr_svg

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


class SurveyCodeForm(forms.Form):
    kode = forms.CharField(
        label=gettext_lazy("Nomor antrean Anda"),
        max_length=12,
        help_text=gettext_lazy("Seperti tercetak di tiket, misalnya A-012."),
    )


@require_http_methods(["GET", "POST"])
def survey_find(request: HttpRequest) -> HttpResponse:
    """Rate a service on the kiosk: type today's ticket number (from this lounge, once served)."""
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    form = SurveyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = queue_selectors.ticket_by_code(device.lounge, form.cleaned_data["kode"])
        except NotFound as exc:
            form.add_error("kode", exc.message)
        else:
            return redirect("lounge:kiosk-survey", found.public_id)
    return _page(
        request, device, "lounge/kiosk/survey_find.html", {"form": form}, status=422 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, public_id: str) -> HttpResponse:
    """The nine questions with four large answers each, for a served ticket of this lounge, once."""
    from .views_queue import SurveyForm

    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    try:
        found = queue_selectors.ticket_of(device.lounge.pemda, public_id)
    except NotFound:
        return render(request, "lounge/kiosk/unknown.html", status=404)
    if found.lounge_id != device.lounge_id:
        return render(request, "lounge/kiosk/unknown.html", status=404)
    status = queue_selectors.ticket_status(found)
    if status.surveyed:
        return _page(request, device, "lounge/kiosk/survey_done.html", {"ticket": found})
    form = SurveyForm(request.POST or None)
    error, code = "", 200
    if found.state != QueueTicket.State.DONE:
        error, code = _("Survei dapat diisi setelah layanan selesai."), 409
    elif request.method == "POST":
        if form.is_valid():
            try:
                queues.survey_for_ticket(ticket=found, answers=form.cleaned_data)
            except SpbeError as exc:
                error, code = exc.message, exc.status
            else:
                return _page(
                    request, device, "lounge/kiosk/survey_done.html", {"ticket": found, "thanks": True}
                )
        else:
            code = 422
    return _page(
        request,
        device,
        "lounge/kiosk/survey.html",
        {"ticket": found, "form": form, "error": error},
        status=code,
    )


urlpatterns = [
    path("kios/", home, name="kiosk-home"),
    path("kios/sw.js", service_worker, name="kiosk-sw"),
    path("kios/ping/", ping, name="kiosk-ping"),
    path("kios/luring/", offline, name="kiosk-offline"),
    path("kios/katalog.json", catalogue_json, name="kiosk-catalogue"),
    path("kios/layanan/<str:kode>/", service, name="kiosk-service"),
    path("kios/daftar/", enrol, name="kiosk-enrol"),
    path("kios/ambil/<str:kode>/", take, name="kiosk-take"),
    path("kios/tiket/<str:public_id>/", ticket, name="kiosk-ticket"),
    path("kios/survei/", survey_find, name="kiosk-survey-find"),
    path("kios/survei/<str:public_id>/", survey, name="kiosk-survey"),
]
