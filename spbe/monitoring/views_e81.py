"""The quarterly E.81 evaluation of one agency: the page (where the agency enters its rows, quarter values and
text), and the same form as XLSX and PDF."""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.views import pemda_view
from spbe.core.documents import render_pdf_response, safe_filename
from spbe.core.errors import Conflict, NotFound, ValidationFailed
from spbe.core.exports import Column, xlsx_response

from . import e81, services
from .access import PROJECT
from .curve_import import import_failure_lines
from .models_e81 import E81Level
from .rfk import percent_text, rfk_units_for_user
from .views_curve_import import saved_upload
from .views_rfk import number_param


def _text(value: Any) -> str:
    return "" if value is None else str(value)


XLSX_COLUMNS = [
    Column(gettext_lazy("Kode"), lambda r: r.target.code, width=20),
    Column(gettext_lazy("Program/kegiatan/sub kegiatan"), lambda r: r.target.name),
    Column(gettext_lazy("Indikator kinerja"), lambda r: r.target.indicator),
    Column(gettext_lazy("Satuan"), lambda r: r.target.measure, width=10),
    Column("6", lambda r: r.col6, "number", width=12),
    Column("7", lambda r: r.col7, "number", width=12),
    Column("8", lambda r: r.col8, "number", width=12),
    Column("9", lambda r: r.quarters[0], "number", width=12),
    Column("10", lambda r: r.quarters[1], "number", width=12),
    Column("11", lambda r: r.quarters[2], "number", width=12),
    Column("12", lambda r: r.quarters[3], "number", width=12),
    Column("13", lambda r: r.col13, "number", width=12),
    Column("14", lambda r: _text(percent_text(r.col14)), width=12),
    Column("15", lambda r: r.col15, "number", width=12),
    Column("16", lambda r: _text(percent_text(r.col16)), width=12),
    Column(gettext_lazy("Perangkat daerah penanggung jawab"), lambda r: r.target.unit.name),
]


def _chosen(request: HttpRequest, pemda: Pemda) -> tuple[PerangkatDaerah, int, int, list[PerangkatDaerah]]:
    units = rfk_units_for_user(request.user, pemda)
    raw = request.GET.get("unit", "").strip()
    unit = next((u for u in units if str(u.pk) == raw), None) if raw else (units[0] if units else None)
    if unit is None:
        raise NotFound(_("Perangkat daerah tidak ditemukan."))
    today = services.pemda_today(pemda)
    year = number_param(request, "tahun", today.year, field="year")
    quarter = number_param(request, "triwulan", (today.month - 1) // 3 + 1, field="quarter")
    e81.check_quarter(year, quarter)
    return unit, year, quarter, units


def _back(pemda: Pemda, unit: PerangkatDaerah, year: int, quarter: int) -> HttpResponse:
    url = reverse("monitoring:e81", kwargs={"pemda_code": pemda.code})
    return redirect(f"{url}?unit={unit.pk}&tahun={year}&triwulan={quarter}")


def _post(request: HttpRequest, unit: PerangkatDaerah, year: int, quarter: int) -> str:
    """Apply one of the page's forms; the success message."""
    action = request.POST.get("action", "")
    post = request.POST
    if action == "target":
        e81.target_set(
            actor=request.user,
            unit=unit,
            year=year,
            entry=e81.TargetInput(
                level=post.get("level", ""),
                code=post.get("code", ""),
                name=post.get("name", ""),
                indicator=post.get("indicator", ""),
                measure=post.get("measure", ""),
                target_5y=post.get("target_5y", ""),
                realised_before=post.get("realised_before", ""),
                target_year=post.get("target_year", ""),
            ),
        )
        return _("Baris E.81 disimpan.")
    if action == "quarter":
        lines = e81.form(unit, year, quarter).lines
        for item in lines:
            key = f"q{quarter}-{item.target.pk}"
            if key in post:
                e81.realisation_set(actor=request.user, target=item.target, quarter=quarter, value=post[key])
        return _("Realisasi triwulan disimpan.")
    if action == "evaluation":
        e81.evaluation_set(
            actor=request.user,
            unit=unit,
            year=year,
            quarter=quarter,
            drivers=post.get("drivers", ""),
            obstacles=post.get("obstacles", ""),
            follow_up=post.get("follow_up", ""),
        )
        return _("Faktor pendorong, penghambat dan tindak lanjut disimpan.")
    if action == "import":
        with tempfile.TemporaryDirectory() as directory:
            path = saved_upload(request.FILES.get("berkas"), directory, "e81")
            count = e81.targets_import(actor=request.user, unit=unit, year=year, path=path)
        return _("%(n)d baris E.81 diimpor.") % {"n": count}
    raise ValidationFailed(_("Tindakan tidak dikenal."), field="action")


@pemda_view
def e81_page(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    unit, year, quarter, units = _chosen(request, pemda)
    can = PROJECT.can(request.user, Place.of_unit(unit))
    errors: list[str] = []
    if request.method == "POST":
        can.require("manage")
        try:
            done = _post(request, unit, year, quarter)
        except (ValidationFailed, Conflict) as error:
            errors = import_failure_lines(error)
        else:
            messages.success(request, done)
            return _back(pemda, unit, year, quarter)
    sheet = e81.form(unit, year, quarter)
    fmt = request.GET.get("format", "")
    title = _("Evaluasi Renja Perangkat Daerah (E.81)")
    subtitle = _("%(unit)s · Triwulan %(q)s Tahun %(year)d") % {
        "unit": unit.name,
        "q": "I" * quarter if quarter < 4 else "IV",
        "year": year,
    }
    if fmt == "xlsx":
        name = safe_filename(f"E81 {unit.code} {year} TW{quarter}", ".xlsx")[: -len(".xlsx")]
        # pemda_view is typed for HttpResponse; Django serves a file response through it alike.
        return cast(HttpResponse, xlsx_response(sheet.lines, XLSX_COLUMNS, filename=name, sheet_title="E.81"))
    if fmt == "pdf":
        return render_pdf_response(
            "monitoring/e81/pdf.html",
            {
                "pemda_name": pemda.name,
                "issuer": unit.name,
                "document_title": title,
                "document_subtitle": subtitle,
                "printed_at": timezone.now(),
                "sheet": sheet,
            },
            f"E81 {unit.code} {year} TW{quarter}",
            request=request,
        )
    return render(
        request,
        "monitoring/e81/page.html",
        {
            "pemda": pemda,
            "unit": unit,
            "units": units,
            "year": year,
            "quarter": quarter,
            "quarters": e81.QUARTERS,
            "sheet": sheet,
            "quarter_rows": [(item, item.quarters[quarter - 1]) for item in sheet.lines],
            "can": can,
            "errors": errors,
            "levels": E81Level.choices,
            "subtitle": subtitle,
        },
    )
