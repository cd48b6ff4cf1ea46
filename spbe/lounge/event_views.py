"""Pages of event services: the public calendar (a month or a list), its iCalendar feed, the staff page."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, NotFound, ValidationFailed
from spbe.core.http import public_answer
from spbe.core.public_pages import published_page

from . import events, speed

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
    return published_page(request, "lounge/events/calendar.html", context, max_age=speed.PAGE_MAX_AGE)


@require_GET
def feed(request: HttpRequest, pemda_code: str) -> HttpResponse:
    """The iCalendar feed a calendar app subscribes to (``text/calendar``, RFC 5545)."""
    try:
        pemda = events.public_pemda(pemda_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page = request.build_absolute_uri(reverse("lounge:events", args=[pemda.code]))
    body = events.feed_text(pemda, events.feed_events(pemda), page)
    # The same feed for every subscriber until an event changes (published: see lounge/speed.py).
    response = public_answer(
        request, body.encode("utf-8"), max_age=speed.PAGE_MAX_AGE, content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="jemput-bola-{pemda.code}.ics"'
    return response


# --- staff: planning event services --------------------------------------------------------------------


class EventForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Perangkat daerah"), queryset=PerangkatDaerah.objects.none()
    )
    title = forms.CharField(label=gettext_lazy("Nama kegiatan"), max_length=200)
    place_name = forms.CharField(label=gettext_lazy("Tempat"), max_length=200)
    address = forms.CharField(label=gettext_lazy("Alamat"), max_length=255, required=False)
    start_date = forms.DateField(
        label=gettext_lazy("Tanggal mulai"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(
        label=gettext_lazy("Jam mulai"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_date = forms.DateField(
        label=gettext_lazy("Tanggal selesai"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_time = forms.TimeField(
        label=gettext_lazy("Jam selesai"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    latitude = forms.DecimalField(
        label=gettext_lazy("Lintang"), max_digits=9, decimal_places=6, required=False
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Bujur"), max_digits=9, decimal_places=6, required=False
    )
    offered = forms.CharField(
        label=gettext_lazy("Layanan yang tersedia (satu per baris)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=gettext_lazy("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: QuerySet[PerangkatDaerah], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


@pemda_view
@require_http_methods(["GET", "POST"])
def staff_events(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """The pemda's event services for its staff: plan one (for an agency one manages), or cancel one."""
    units = events.units_to_manage(request.user, pemda)
    form = EventForm(units=units)
    if request.method == "POST" and request.POST.get("form") == "cancel":
        event = events.event_for_staff(pemda, request.POST.get("uid", ""))
        try:
            events.event_cancel(actor=request.user, event=event, reason=request.POST.get("reason", ""))
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(title)s dibatalkan.") % {"title": event.title})
        return redirect("lounge:staff-events", pemda_code=pemda.code)
    if request.method == "POST":
        form = EventForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                event = events.event_create(
                    actor=request.user,
                    unit=data["unit"],
                    title=data["title"],
                    place_name=data["place_name"],
                    address=data["address"],
                    starts_at=events.local_time(pemda, data["start_date"], data["start_time"]),
                    ends_at=events.local_time(pemda, data["end_date"], data["end_time"]),
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    offered=data["offered"],
                    description=data["description"],
                )
            except ValidationFailed as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("%(title)s dijadwalkan.") % {"title": event.title})
                return redirect("lounge:staff-events", pemda_code=pemda.code)
    planned = events.staff_events(request.user, pemda)
    return render(
        request,
        "lounge/events/staff.html",
        {"pemda": pemda, "form": form, "can_plan": units.exists(), "planned": planned},
    )
