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

from .access import PROJECT, projects_for_user
from .dashboards import dashboard


@pemda_view
def monitoring_dashboard(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    viewers = PROJECT.capabilities["view"]
    if not is_system(request.user) and not any(
        g.role in viewers for g in scope_in(request.user, pemda).grants
    ):
        raise Http404(_("Halaman tidak ditemukan."))
    scoped = projects_for_user(request.user, pemda)
    years = sorted(set(scoped.order_by().values_list("year", flat=True)), reverse=True)
    raw_year = request.GET.get("tahun", "").strip()
    year = int(raw_year) if raw_year.isdigit() and int(raw_year) in years else (years[0] if years else None)
    units = sorted(set(scoped.order_by().values_list("unit__code", "unit__name")), key=lambda u: u[1])
    unit = request.GET.get("unit", "").strip()
    unit = unit if unit in {code for code, _name in units} else ""
    kecamatan = request.GET.get("kecamatan", "").strip()[:13]
    chosen = scoped if year is None else scoped.filter(year=year)
    if unit:
        chosen = chosen.filter(unit__code=unit)
    if kecamatan:
        chosen = chosen.filter(village__kecamatan__district_id=kecamatan)
    board = dashboard(chosen)
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
    }
    return render(request, "monitoring/dashboard/dashboard.html", context)
