"""The pemda's holiday calendar: the national list of a year with the pemda admin's own changes."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.core.errors import Conflict, ValidationFailed

from . import holidays
from .access import Place
from .models import Pemda
from .views import pemda_view

FIRST_YEAR, LAST_YEAR = 2020, 2100


class HolidayForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=gettext_lazy("Keterangan"), max_length=holidays.NAME_LENGTH)
    is_holiday = forms.TypedChoiceField(
        label=gettext_lazy("Jenis"),
        choices=[
            ("1", gettext_lazy("Hari libur di pemda ini (libur daerah, cuti bersama tambahan)")),
            ("0", gettext_lazy("Hari kerja di pemda ini walaupun tercantum sebagai libur nasional")),
        ],
        coerce=lambda v: v == "1",
        initial="1",
    )


@pemda_view
def holiday_list(request: HttpRequest, pemda: Pemda, year: int | None = None) -> HttpResponse:
    today = timezone.localdate()
    year = year or today.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        year = today.year
    days = holidays.calendar_year(pemda, year)
    can = holidays.CALENDAR.can(request.user, Place.of_pemda(pemda))
    form = HolidayForm(initial={"day": dt.date(year, 1, 1) if year != today.year else today})
    if request.method == "POST":
        form = HolidayForm(request.POST)
        if form.is_valid():
            try:
                saved = holidays.holiday_set(actor=request.user, pemda=pemda, **form.cleaned_data)
            except (ValidationFailed, Conflict) as exc:
                field = getattr(exc, "field", None)
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, _("%(day)s disimpan.") % {"day": saved.day.isoformat()})
                return redirect("accounts:holiday-year", pemda_code=pemda.code, year=saved.day.year)
    return render(
        request,
        "accounts/holidays/holiday_list.html",
        {
            "pemda": pemda,
            "year": year,
            "days": days,
            "form": form,
            "can_edit": can.edit,
            "previous_year": year - 1,
            "next_year": year + 1,
        },
    )


@pemda_view
def holiday_remove(request: HttpRequest, pemda: Pemda, holiday_id: int) -> HttpResponse:
    """POST removes the change (the list's button); a GET, which must never change anything, goes back to
    the list."""
    if request.method != "POST":
        return redirect("accounts:holiday-list", pemda_code=pemda.code)
    year = request.POST.get("year", "")
    holidays.holiday_remove(actor=request.user, pemda=pemda, holiday_id=holiday_id)
    messages.success(request, _("Perubahan dihapus; tanggal itu kembali mengikuti daftar nasional."))
    if year.isdigit():
        return redirect("accounts:holiday-year", pemda_code=pemda.code, year=int(year))
    return redirect("accounts:holiday-list", pemda_code=pemda.code)
