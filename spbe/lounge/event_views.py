"""Public pages of event services: the calendar (a month or a list) and its iCalendar feed."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from spbe.core.errors import NotFound, ValidationFailed

from . import events

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@require_GET
def calendar(request: HttpRequest, pemda_code: str) -> HttpResponse:
    try:
        pemda = events.public_pemda(pemda_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    today = events.today_in(pemda)
    as_list = request.GET.get("tampilan") == "daftar"
    context: dict[str, object] = {"pemda": pemda, "today": today, "as_list": as_list}
    if as_list:
        context["upcoming"] = list(events.upcoming(pemda)[:200])
    else:
        chosen = MONTH.match(request.GET.get("bulan", ""))
        year, month = (int(chosen[1]), int(chosen[2])) if chosen else (today.year, today.month)
        try:
            context["month"] = events.month_of(pemda, year, month)
        except ValidationFailed as exc:
            raise Http404(exc.message) from exc
    return render(request, "lounge/events/calendar.html", context)


@require_GET
def feed(request: HttpRequest, pemda_code: str) -> HttpResponse:
    """The iCalendar feed a calendar app subscribes to (``text/calendar``, RFC 5545)."""
    try:
        pemda = events.public_pemda(pemda_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page = request.build_absolute_uri(reverse("lounge:events", args=[pemda.code]))
    body = events.feed_text(pemda, events.feed_events(pemda), page)
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="jemput-bola-{pemda.code}.ics"'
    return response
