"""The monitoring dashboard page: regency-wide for Bappeda and the auditor, one's own units for an agency,
narrowed to a year, a unit or a kecamatan (:mod:`spbe.monitoring.dashboards`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from spbe.accounts.access import scope_in
from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.actors import is_system

from . import rfk, services
from .access import PROJECT, projects_for_user
from .dashboards import kept_dashboard
from .rfk import RfkRow


@pemda_view
def monitoring_dashboard(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    viewers = PROJECT.capabilities["view"]
    if not is_system(request.user) and not any(
        g.role in viewers for g in scope_in(request.user, pemda).grants
    ):
        raise Http404(_("Halaman tidak ditemukan."))
    scoped = projects_for_user(request.user, pemda)
    years = list(scoped.order_by("-year").values_list("year", flat=True).distinct())
    raw_year = request.GET.get("tahun", "").strip()
    year = int(raw_year) if raw_year.isdigit() and int(raw_year) in years else (years[0] if years else None)
    units = sorted(
        scoped.order_by().values_list("unit__code", "unit__name").distinct(),
        key=lambda u: (u[1] or "", u[0] or ""),
    )
    unit = request.GET.get("unit", "").strip()
    unit = unit if unit in {code for code, _name in units} else ""
    kecamatan = request.GET.get("kecamatan", "").strip()[:13]
    chosen = scoped if year is None else scoped.filter(year=year)
    if unit:
        chosen = chosen.filter(unit__code=unit)
    if kecamatan:
        chosen = chosen.filter(village__kecamatan__district_id=kecamatan)
    board = kept_dashboard(pemda.code, chosen)
    divergent, rfk_month = _divergent(request, pemda, year, unit)
    query = "&".join(
        f"{key}={value}"
        for key, value in (("year", year or ""), ("unit", unit), ("kecamatan", kecamatan))
        if value
    )
    context = {
        "pemda": pemda,
        "board": board,
        "years": years,
        "year": year,
        "units": units,
        "unit": unit,
        "kecamatan": kecamatan,
        "kecamatan_name": next((k.name for k in board.by_kecamatan if k.key == kecamatan), ""),
        "map_url": reverse("api-v1:project_map", args=[pemda.code]) + (f"?{query}" if query else ""),
        "divergent": divergent,
        "rfk_month": rfk_month,
    }
    return render(request, "monitoring/dashboard/dashboard.html", context)


def _divergent(request: HttpRequest, pemda: Pemda, year: int | None, unit: str) -> tuple[list[RfkRow], int]:
    """The sub-kegiatan whose physical and financial progress part ways, in the RFK of the year's latest
    month so far (December for a past year; nothing for a year not started)."""
    today = services.pemda_today(pemda)
    if year is None or year > today.year:
        return [], 0
    month = 12 if year < today.year else today.month
    units = rfk.rfk_units_for_user(request.user, pemda)
    if unit:
        units = [u for u in units if u.code == unit]
    return rfk.rfk(pemda, year, month, units).divergent, month
