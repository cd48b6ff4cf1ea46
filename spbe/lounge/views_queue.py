"""Pages of the queues: taking a number and following it (public), the display board with its JSON,
the counter console, the statistics and kiosk registration (staff)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spbe.accounts.models import Pemda
from spbe.accounts.signin import client_key
from spbe.accounts.views import pemda_view
from spbe.core.errors import NotFound, PermissionDenied, SpbeError, ValidationFailed
from spbe.core.middleware import language_neutral
from spbe.core.published import current_version
from spbe.core.qr import qr_svg

from . import queue_access, queue_selectors, queues, selectors
from .ikm import ELEMENT_KEYS
from .models import QueueTicket

RECEIPT_WIDTHS = ("58", "80")
# A random value a phone's browser keeps, so the lounge can count the numbers one phone takes a day.
VISITOR_COOKIE = "spbe_antrean"
VISITOR_COOKIE_AGE = 365 * 24 * 3600


def _public(pemda_code: str) -> Pemda:
    try:
        return selectors.public_pemda(pemda_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# ------------------------------------------------------------------------------------------- public


@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, pemda_code: str, lounge_code: str) -> HttpResponse:
    """Take a number on a phone or the web: the lounge's services, one button each."""
    visitor = request.COOKIES.get(VISITOR_COOKIE, "")[:64] or secrets.token_urlsafe(16)
    error, status = "", 200
    # The morning's hot path: the offer with its lounge, pemda and open counters in one query, then the
    # numbering transaction. A service not offered here (or no such lounge) is told on the page below.
    offer = None
    if request.method == "POST":
        kode = request.POST.get("layanan", "")
        offer = queue_selectors.offer_to_take(pemda_code, lounge_code, kode)
        if offer is None:
            error = _("Layanan %(code)s tidak dibuka di ruang layanan ini.") % {"code": kode[:20]}
            status = 409
    if offer is not None:
        try:
            taker = queues.Taker(visitor=visitor, network=client_key(request))
            served: bool = offer.served  # type: ignore[attr-defined]  # annotated by offer_to_take
            ticket = queues.ticket_take(
                taker=taker, lounge=offer.lounge, service=offer.service, offer=offer, served=served
            )
        except SpbeError as exc:
            error, status = exc.message, 429 if isinstance(exc, queues.TooManyTickets) else 409
        else:
            taken = redirect("lounge:ticket", pemda_code, ticket.public_id)
            _keep_visitor(taken, visitor)
            return taken
    pemda = _public(pemda_code)
    try:
        lounge = queue_selectors.lounge_of(pemda, lounge_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    query = request.GET.get("q", "")[:100].strip()
    response = render(
        request,
        "lounge/queue/take.html",
        {
            "pemda": pemda,
            "lounge": lounge,
            "offers": queue_selectors.offers_in(lounge, query),
            "query": query,
            "error": error,
        },
        status=status,
    )
    if request.method == "POST":
        _keep_visitor(response, visitor)
    return response


def _keep_visitor(response: HttpResponse, visitor: str) -> None:
    response.set_cookie(
        VISITOR_COOKIE,
        visitor,
        max_age=VISITOR_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


# A ticket's page is drawn from its lounge's board data (its place in line, the counters serving it, recent
# service times), and every write that changes those bumps the board's version. Its ETag names the lounge
# and that version with a keyed hash of the ticket, language and host, so a phone reloading an unchanged
# ticket gets a 304 without a query: the version comes from the per-process view (spbe.core.published).
# A served ticket's page also shows whether it was rated, which no version follows: it gets no ETag.
TICKET_ETAG = re.compile(r'"t\.([a-z0-9-]{1,40})\.([0-9]{1,19})\.([0-9a-f]{24})"')
# The QR code of a ticket's page is the same drawing every time: the recent ones are kept per process
# (segno takes milliseconds, as much as the rest of the page; a drawing is a few kB, so a few hundred).
_qr_svg = functools.lru_cache(maxsize=256)(qr_svg)


def _ticket_etag(
    request: HttpRequest, pemda_code: str, public_id: str, lounge_code: str, version: int
) -> str:
    facts = "|".join(
        [pemda_code, public_id, lounge_code, str(version), get_language() or "", request.get_host()]
    )
    mac = salted_hmac("spbe.lounge.ticket-page", facts, algorithm="sha256").hexdigest()[:24]
    return f'"t.{lounge_code}.{version}.{mac}"'


def _ticket_not_modified(request: HttpRequest, pemda_code: str, public_id: str) -> HttpResponse | None:
    """A 304 when the phone holds this ticket's page at the board version of now; None otherwise."""
    held = request.headers.get("If-None-Match", "").strip()
    found = TICKET_ETAG.fullmatch(held)
    if found is None:
        return None
    version = current_version(queues.BOARD_DATA_SET.format(pemda=pemda_code, lounge=found[1]))
    if not constant_time_compare(held, _ticket_etag(request, pemda_code, public_id, found[1], version)):
        return None
    response = HttpResponseNotModified()
    response["ETag"] = held
    response["Cache-Control"] = "private, no-cache"
    return response


def _ticket_context(
    request: HttpRequest, pemda: Pemda, public_id: str, *, board_version: bool = False
) -> dict[str, Any]:
    try:
        ticket = queue_selectors.ticket_of(pemda, public_id, board_version=board_version)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    url = request.build_absolute_uri(reverse("lounge:ticket", args=[pemda.code, ticket.public_id]))
    return {
        "pemda": pemda,
        "ticket": ticket,
        "status": queue_selectors.ticket_status(ticket),
        "status_url": url,
        "qr": _qr_svg(url, _("Kode QR tiket %(code)s") % {"code": ticket.code}),
    }


@require_GET
def ticket_page(request: HttpRequest, pemda_code: str, public_id: str) -> HttpResponse:
    """The ticket's public status page, where its QR code leads: place in line, estimate, survey after."""
    unchanged = _ticket_not_modified(request, pemda_code, public_id)
    if unchanged is not None:
        return unchanged
    context = _ticket_context(request, _public(pemda_code), public_id, board_version=True)
    ticket: QueueTicket = context["ticket"]
    response = render(request, "lounge/queue/ticket.html", context)
    if ticket.state != QueueTicket.State.DONE:
        version: int = ticket.board_version  # type: ignore[attr-defined]  # read with the ticket
        response["ETag"] = _ticket_etag(request, pemda_code, public_id, ticket.lounge.code, version)
        response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def ticket_print(request: HttpRequest, pemda_code: str, public_id: str, width: str) -> HttpResponse:
    """The ticket at receipt-printer width (58 or 80 mm), printed from the browser."""
    if width not in RECEIPT_WIDTHS:
        raise Http404
    context = _ticket_context(request, _public(pemda_code), public_id)
    return render(request, "lounge/queue/print.html", {**context, "width": width})


class SurveyForm(forms.Form):
    CHOICES = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]
    QUESTIONS = {
        "u1": gettext_lazy("Bagaimana kesesuaian persyaratan dengan jenis layanannya?"),
        "u2": gettext_lazy("Bagaimana kemudahan prosedur pelayanan?"),
        "u3": gettext_lazy("Bagaimana kecepatan waktu pelayanan?"),
        "u4": gettext_lazy("Bagaimana kewajaran biaya/tarif?"),
        "u5": gettext_lazy("Bagaimana kesesuaian produk layanan dengan standar?"),
        "u6": gettext_lazy("Bagaimana kompetensi petugas?"),
        "u7": gettext_lazy("Bagaimana kesopanan dan keramahan petugas?"),
        "u8": gettext_lazy("Bagaimana penanganan pengaduan, saran dan masukan?"),
        "u9": gettext_lazy("Bagaimana kualitas sarana dan prasarana?"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in ELEMENT_KEYS:
            self.fields[key] = forms.TypedChoiceField(
                label=self.QUESTIONS[key], choices=self.CHOICES, coerce=int, widget=forms.RadioSelect
            )


@require_http_methods(["GET", "POST"])
def ticket_survey(request: HttpRequest, pemda_code: str, public_id: str) -> HttpResponse:
    """The satisfaction survey for one served ticket (nine answers 1-4, once)."""
    context = _ticket_context(request, _public(pemda_code), public_id)
    ticket: QueueTicket = context["ticket"]
    form = SurveyForm(request.POST or None)
    error = ""
    status = 200
    if ticket.state != QueueTicket.State.DONE:
        error, status = _("Survei dapat diisi setelah layanan selesai."), 409
    elif context["status"].surveyed:
        return render(request, "lounge/queue/survey_done.html", context)
    elif request.method == "POST":
        if form.is_valid():
            try:
                queues.survey_for_ticket(ticket=ticket, answers=form.cleaned_data)
            except SpbeError as exc:
                error, status = exc.message, exc.status
            else:
                return redirect("lounge:ticket-survey", ticket.pemda_id, ticket.public_id)
        else:
            status = 422
    return render(
        request, "lounge/queue/survey.html", {**context, "form": form, "error": error}, status=status
    )


@require_GET
def board_page(request: HttpRequest, pemda_code: str, lounge_code: str) -> HttpResponse:
    """The display board for a TV in the lounge; ``board.js`` keeps it current from the JSON."""
    pemda = _public(pemda_code)
    try:
        lounge = queue_selectors.lounge_of(pemda, lounge_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "lounge/queue/board.html",
        {"pemda": pemda, "lounge": lounge, "board": queue_selectors.board(lounge)},
    )


@require_GET
def board_json(request: HttpRequest, pemda_code: str, lounge_code: str) -> HttpResponse:
    """The board's data, with a strong ETag: a poll that finds nothing new costs a 304 and no body.

    No query while the board is unchanged: the lounge is kept per process for a few seconds
    (``public_lounge_kept``), the board's version is read at most once a second per process, and the
    document itself is built once per change of the board (``queue_selectors.board_answer``), however
    many phones and screens poll it.
    """
    try:
        lounge = queue_selectors.public_lounge_kept(pemda_code, lounge_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    etag, body = queue_selectors.board_answer(lounge)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    # Changes every few seconds: every poll asks again (never kept by PublishedResponses or a proxy).
    response["Cache-Control"] = "no-cache"
    return language_neutral(response)


# ------------------------------------------------------------------------------------------- staff


@pemda_view
def queue_home(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """The counters this user may open, and the lounge pages of the pemda."""
    _pemda, can = queue_access.lounge_can(request.user, pemda.code)
    counters = list(queue_access.counters_for_user(request.user, pemda))
    if not counters and not can.manage and not can.view_stats:
        raise PermissionDenied(_("Anda tidak memegang peran di loket layanan pemda ini."))
    return render(
        request,
        "lounge/queue/staff_home.html",
        {"pemda": pemda, "counters": counters, "can": can, "lounges": queue_selectors.lounges_of(pemda)},
    )


COUNTER_ACTIONS = {
    "panggil": "call",
    "panggil-ulang": "recall",
    "mulai": "start",
    "selesai": "finish",
    "lewati": "skip",
}


@pemda_view
def counter_console(request: HttpRequest, pemda: Pemda, counter_id: int) -> HttpResponse:
    counter, can = queue_access.counter_for_user(request.user, pemda.code, counter_id)
    current = queue_selectors.counter_current(counter)
    return render(
        request,
        "lounge/queue/counter.html",
        {
            "pemda": pemda,
            "counter": counter,
            "can": can,
            "current": current,
            "skipped": queue_selectors.counter_skipped(counter),
            "waiting": queue_selectors.waiting_for(counter),
        },
    )


@require_POST
@pemda_view
def counter_action(request: HttpRequest, pemda: Pemda, counter_id: int, action: str) -> HttpResponse:
    """Call the next number, or recall, start, finish or skip the ticket the form names."""
    counter, can = queue_access.counter_for_user(request.user, pemda.code, counter_id)
    verb = COUNTER_ACTIONS.get(action)
    if verb is None:
        raise Http404
    if not can.call:
        # Seeing a console (manager, agency head) is not calling at it; the service would refuse too.
        messages.error(request, _("Hanya petugas loket perangkat daerah ini yang memanggil di loket ini."))
        return redirect("lounge:counter", pemda.code, counter.pk)
    try:
        if verb == "call":
            called = queues.ticket_call_next(actor=request.user, counter=counter)
            if called is None:
                messages.info(request, _("Tidak ada yang menunggu."))
            else:
                messages.success(request, _("Memanggil %(code)s.") % {"code": called.code})
        else:
            ticket = queue_selectors.ticket_at_counter(counter, request.POST.get("tiket", ""))
            service = {
                "recall": queues.ticket_recall,
                "start": queues.ticket_start,
                "finish": queues.ticket_finish,
                "skip": queues.ticket_skip,
            }[verb]
            service(actor=request.user, counter=counter, ticket=ticket)
    except (ValidationFailed, NotFound) as exc:
        if isinstance(exc, NotFound):
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    except SpbeError as exc:
        messages.error(request, exc.message)
    return redirect("lounge:counter", pemda.code, counter.pk)


def _date(text: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        raise ValidationFailed(
            _("Tanggal '%(value)s' tidak dikenali; tulis TTTT-BB-HH.") % {"value": text}
        ) from None


@pemda_view
def queue_stats(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Waiting and service times per service, counter or hour over a period."""
    _pemda, can = queue_access.lounge_can(request.user, pemda.code)
    can.require("view_stats")
    today = queues.local_day(pemda)
    by = request.GET.get("per", "service")
    error = ""
    rows: list[queue_selectors.StatRow] = []
    try:
        date_from = _date(request.GET.get("dari", ""), today - dt.timedelta(days=6))
        date_to = _date(request.GET.get("sampai", ""), today)
        rows = queue_selectors.queue_stats(pemda, date_from, date_to, by)
    except ValidationFailed as exc:
        error, date_from, date_to = exc.message, today - dt.timedelta(days=6), today
    return render(
        request,
        "lounge/queue/stats.html",
        {
            "pemda": pemda,
            "rows": rows,
            "by": by,
            "date_from": date_from,
            "date_to": date_to,
            "error": error,
            "groupings": [("service", _("Layanan")), ("counter", _("Loket")), ("hour", _("Jam"))],
        },
        status=422 if error else 200,
    )


class KioskForm(forms.Form):
    lounge = forms.ChoiceField(label=gettext_lazy("Ruang layanan"))
    name = forms.CharField(label=gettext_lazy("Nama perangkat"), max_length=100)

    def __init__(self, *args: Any, lounges: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lounge"] = forms.ChoiceField(label=gettext_lazy("Ruang layanan"), choices=lounges)


@require_http_methods(["GET", "POST"])
@pemda_view
def kiosk_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Kiosk devices of the pemda; registering one shows its token once."""
    devices = list(queue_access.kiosks_for_user(request.user, pemda))
    lounges = list(queue_selectors.lounges_of(pemda))
    choices = [(lg.code, lg.name) for lg in lounges]
    form = KioskForm(request.POST or None, lounges=choices)
    token = ""
    if request.method == "POST" and form.is_valid():
        try:
            lounge = queue_selectors.lounge_of(pemda, form.cleaned_data["lounge"])
            device, token = queues.kiosk_register(
                actor=request.user, lounge=lounge, name=form.cleaned_data["name"]
            )
        except SpbeError as exc:
            form.add_error("name", exc.message)
        else:
            devices = list(queue_access.kiosks_for_user(request.user, pemda))
            form = KioskForm(lounges=choices)
            messages.success(request, _("Perangkat %(name)s terdaftar.") % {"name": device.name})
    response = render(
        request,
        "lounge/kiosk/staff_list.html",
        {
            "pemda": pemda,
            "devices": devices,
            "form": form,
            "token": token,
            "enrol_url": request.build_absolute_uri(reverse("lounge:kiosk-enrol")),
        },
        status=422 if request.method == "POST" and form.errors else 200,
    )
    # The token is on this page once: never from a cache or the back button.
    response["Cache-Control"] = "no-store"
    patch_vary_headers(response, ["Cookie"])
    return response


@require_POST
@pemda_view
def kiosk_deactivate(request: HttpRequest, pemda: Pemda, kiosk_id: int) -> HttpResponse:
    device = queue_access.kiosks_for_user(request.user, pemda).filter(pk=kiosk_id).first()
    if device is None:
        raise Http404
    try:
        queues.kiosk_deactivate(actor=request.user, device=device)
    except SpbeError as exc:
        messages.error(request, exc.message)
    return redirect("lounge:kiosk-list", pemda.code)


urlpatterns = [
    path("pemda/<str:pemda_code>/antrean/tiket/<str:public_id>/", ticket_page, name="ticket"),
    path(
        "pemda/<str:pemda_code>/antrean/tiket/<str:public_id>/cetak/<str:width>/",
        ticket_print,
        name="ticket-print",
    ),
    path("pemda/<str:pemda_code>/antrean/tiket/<str:public_id>/survei/", ticket_survey, name="ticket-survey"),
    path("pemda/<str:pemda_code>/antrean/<slug:lounge_code>/", take, name="take"),
    path("pemda/<str:pemda_code>/antrean/<slug:lounge_code>/papan/", board_page, name="board"),
    path("pemda/<str:pemda_code>/antrean/<slug:lounge_code>/papan.json", board_json, name="board-json"),
    path("app/<str:pemda_code>/antrean/", queue_home, name="queue-home"),
    path("app/<str:pemda_code>/antrean/statistik/", queue_stats, name="queue-stats"),
    path("app/<str:pemda_code>/antrean/loket/<int:counter_id>/", counter_console, name="counter"),
    path(
        "app/<str:pemda_code>/antrean/loket/<int:counter_id>/<str:action>/",
        counter_action,
        name="counter-action",
    ),
    path("app/<str:pemda_code>/antrean/kios/", kiosk_list, name="kiosk-list"),
    path(
        "app/<str:pemda_code>/antrean/kios/<int:kiosk_id>/nonaktif/",
        kiosk_deactivate,
        name="kiosk-deactivate",
    ),
]
