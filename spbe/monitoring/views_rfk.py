"""The monthly RFK page of the agencies a user may read, with its XLSX download."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.documents import safe_filename
from spbe.core.errors import ValidationFailed
from spbe.core.exports import Column, xlsx_response

from . import rfk, services
from .rfk import percent_text

MONTHS = [
    gettext_lazy("Januari"),
    gettext_lazy("Februari"),
    gettext_lazy("Maret"),
    gettext_lazy("April"),
    gettext_lazy("Mei"),
    gettext_lazy("Juni"),
    gettext_lazy("Juli"),
    gettext_lazy("Agustus"),
    gettext_lazy("September"),
    gettext_lazy("Oktober"),
    gettext_lazy("November"),
    gettext_lazy("Desember"),
]


def number_param(request: HttpRequest, name: str, default: int, *, field: str) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 4:
        raise ValidationFailed(_("%(name)s harus angka.") % {"name": name}, field=field)
    return int(raw)


def _percent(value: Any) -> Any:
    return percent_text(value) or ""


XLSX_COLUMNS = [
    Column(gettext_lazy("Perangkat daerah"), lambda r: r.unit.name),
    Column(gettext_lazy("Kode sub kegiatan"), lambda r: r.sub_kegiatan, width=20),
    Column(gettext_lazy("Sub kegiatan"), lambda r: r.name),
    Column(gettext_lazy("Pagu DPA"), lambda r: r.dpa, "money"),
    Column(gettext_lazy("Anggaran kas kumulatif"), lambda r: r.cash_plan, "money"),
    Column(gettext_lazy("Realisasi keuangan (SP2D)"), lambda r: r.paid, "money"),
    Column(gettext_lazy("Target (%)"), lambda r: _percent(r.target)),
    Column(gettext_lazy("Capaian keuangan (%)"), lambda r: _percent(r.achievement)),
    Column(gettext_lazy("Deviasi (%)"), lambda r: _percent(r.deviation)),
    Column(gettext_lazy("Progres fisik (%)"), lambda r: _percent(r.physical)),
    Column(gettext_lazy("Nilai progres fisik"), lambda r: r.physical_value, "money"),
    Column(gettext_lazy("Jumlah pekerjaan"), lambda r: r.projects, "integer"),
    Column(gettext_lazy("Peringatan"), lambda r: r.divergence_label),
]


@pemda_view
def rfk_page(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    today = services.pemda_today(pemda)
    unit_raw = request.GET.get("unit", "").strip()
    errors: list[str] = []
    try:
        year = number_param(request, "tahun", today.year, field="year")
        month = number_param(request, "bulan", today.month, field="month")
        unit_id = int(unit_raw) if unit_raw.isdigit() else None
        rfk.check_period(year, month)
    except ValidationFailed as error:
        errors.append(error.message)
        year, month, unit_id = today.year, today.month, None
    allowed = rfk.rfk_units_for_user(request.user, pemda)
    units = rfk.rfk_units_for_user(request.user, pemda, unit_id) if unit_id is not None else allowed
    report = rfk.rfk(pemda, year, month, units)
    if request.GET.get("format") == "xlsx":
        name = safe_filename(f"RFK {pemda.code} {year}-{month:02d}", ".xlsx")[: -len(".xlsx")]
        # pemda_view is typed for HttpResponse; Django serves a file response through it alike.
        return cast(HttpResponse, xlsx_response(report.rows, XLSX_COLUMNS, filename=name, sheet_title="RFK"))
    return render(
        request,
        "monitoring/rfk/page.html",
        {
            "pemda": pemda,
            "report": report,
            "units": allowed,
            "unit_id": unit_id,
            "months": list(enumerate(MONTHS, start=1)),
            "month_name": MONTHS[month - 1],
            "errors": errors,
            "query": request.GET.urlencode(),
        },
    )
