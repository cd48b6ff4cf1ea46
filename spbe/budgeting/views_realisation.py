"""Staff pages of realisation: the LRA of any period (page, PDF, XLSX) and the SP2D and STS registers.

Scope through :func:`access_realisation.realisation_scope`: pemda-wide budget readers see the whole pemda or
pick an agency; an agency's operator and head see their own agency; everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.errors import ValidationFailed

from . import lra as selectors
from . import reports_realisation as reports
from .access_realisation import realisation_scope

PAGE_SIZE = 50
PERIODS = (
    ("semester1", gettext_lazy("Semester I (1 Januari s.d. 30 Juni)")),
    ("tahun", gettext_lazy("Satu tahun (1 Januari s.d. 31 Desember)")),
    ("periode", gettext_lazy("Periode lain (isi tanggal)")),
)
VIEWS = (
    ("akun", gettext_lazy("Rekening")),
    ("skpd", gettext_lazy("Perangkat daerah")),
    ("program", gettext_lazy("Program, kegiatan, sub kegiatan")),
    ("fungsi", gettext_lazy("Fungsi, sub fungsi")),
)


class LraForm(forms.Form):
    periode = forms.ChoiceField(label=gettext_lazy("Periode"), choices=PERIODS, required=False)
    dari = forms.DateField(
        label=gettext_lazy("Dari"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label=gettext_lazy("Sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    menurut = forms.ChoiceField(label=gettext_lazy("Menurut"), choices=VIEWS, required=False)
    kedalaman = forms.TypedChoiceField(
        label=gettext_lazy("Kedalaman"),
        choices=[("", "—"), *[(str(n), str(n)) for n in range(1, 7)]],
        coerce=int,
        required=False,
        empty_value=None,
    )
    skpd = forms.CharField(label=gettext_lazy("Kode perangkat daerah"), required=False, max_length=40)


def _period(year: int, data: dict[str, Any]) -> tuple[dt.date, dt.date]:
    if data.get("periode") == "semester1":
        return selectors.semester_one(year)
    if data.get("periode") == "periode":
        start, end = selectors.whole_year(year)
        return data.get("dari") or start, data.get("sampai") or end
    return selectors.whole_year(year)


def _report(request: HttpRequest, pemda: Pemda, year: int) -> tuple[selectors.Lra, LraForm, bool]:
    form = LraForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    if request.GET and not form.is_valid():
        raise ValidationFailed(_first_error(form))
    _pemda, unit, can = realisation_scope(request.user, pemda.code, data.get("skpd") or None)
    start, end = _period(year, data)
    report = selectors.lra(
        pemda,
        year,
        start=start,
        end=end,
        view=data.get("menurut") or "akun",
        depth=data.get("kedalaman"),
        unit=unit,
    )
    return report, form, bool(can.record)


def _first_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        return f"{field}: {errors[0]}"
    return ""


@require_GET
@pemda_view
def lra_page(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    report, form, can_record = _report(request, pemda, year)
    summary = [(str(label), report.summary[key]) for key, label in reports.SUMMARY]
    context = {
        "pemda": pemda,
        "year": year,
        "report": report,
        "form": form,
        "can_record": can_record,
        "summary": summary,
    }
    return render(request, "budgeting/realisation/lra.html", context)


@require_GET
@pemda_view
def lra_pdf(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    """``?ppkd=&nip=`` fill in the signature block; left out, it prints dotted lines to sign by hand."""
    report, _form, _can = _report(request, pemda, year)
    nip = request.GET.get("nip", "").strip()
    if nip and not (nip.isdigit() and len(nip) == 18):
        raise ValidationFailed(_("NIP terdiri dari 18 angka."), field="nip")
    return reports.pdf_response(
        request, report, signer_name=request.GET.get("ppkd", "").strip()[:150], signer_nip=nip
    )


@require_GET
@pemda_view
def lra_xlsx(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    report, _form, _can = _report(request, pemda, year)
    return reports.xlsx_response(report)


class RegisterForm(forms.Form):
    skpd = forms.CharField(label=gettext_lazy("Kode perangkat daerah"), required=False, max_length=40)
    dari = forms.DateField(
        label=gettext_lazy("Dari"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label=gettext_lazy("Sampai"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _register(request: HttpRequest, pemda: Pemda, year: int, kind: str) -> HttpResponse:
    form = RegisterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    if request.GET and not form.is_valid():
        raise ValidationFailed(_first_error(form))
    _pemda, unit, can = realisation_scope(request.user, pemda.code, data.get("skpd") or None)
    register = selectors.sp2d_register if kind == "sp2d" else selectors.sts_register
    rows = register(pemda, year, unit=unit, start=data.get("dari"), end=data.get("sampai"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "pemda": pemda,
        "year": year,
        "kind": kind,
        "page": page,
        "form": form,
        "unit": unit,
        "can_record": bool(can.record),
    }
    return render(request, "budgeting/realisation/register.html", context)


@require_GET
@pemda_view
def sp2d_register(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    return _register(request, pemda, year, "sp2d")


@require_GET
@pemda_view
def sts_register(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    return _register(request, pemda, year, "sts")
