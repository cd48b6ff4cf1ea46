"""Public pages of e-monitoring: a pemda's projects with filters, and one page per project.

They show what the public API shows (verified reports, clean photo copies through the API's photo
routes) and nothing else: no original, EXIF, problems text, unverified report or person's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spbe.accounts.models import Pemda
from spbe.core.errors import NotFound

from . import curve, rules, selectors, services
from .models import LocationKind, Project

LIST_LIMIT = 500
OSM_ZOOM = 17


@dataclass(frozen=True)
class ProgressRow:
    on: dt.date
    planned: Decimal
    actual: Decimal | None  # None for a date still to come


def _pemda(code: str) -> Pemda:
    try:
        return selectors.public_pemda(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _year(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) == 4 else None


@require_GET
def project_list(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = _pemda(pemda_code)
    chosen = selectors.ProjectFilter(
        year=_year(request.GET.get("tahun", "").strip()),
        unit=request.GET.get("unit", "").strip()[:40],
        kecamatan=request.GET.get("kecamatan", "").strip()[:13],
    )
    projects = selectors.public_projects(pemda, chosen)
    everything = selectors.public_projects(pemda, selectors.ProjectFilter())
    context = {
        "pemda": pemda,
        "chosen": chosen,
        "projects": list(projects[:LIST_LIMIT]),
        "count": projects.count(),
        "limit": LIST_LIMIT,
        "years": sorted(set(everything.values_list("year", flat=True))),
        "units": sorted(
            # A village works package has no agency: it is the desa's own (listed under its desa).
            set(everything.filter(unit__isnull=False).values_list("unit__code", "unit__name")),
            key=lambda u: u[1],
        ),
        "kecamatan": sorted(
            set(
                everything.filter(village__isnull=False).values_list(
                    "village__kecamatan__district_id", "village__kecamatan__district__name"
                )
            ),
            key=lambda k: k[1],
        ),
    }
    # The map shows the same filter as the list (the API's parameter names), all of it, not the first page.
    wanted = (("year", chosen.year or ""), ("unit", chosen.unit), ("kecamatan", chosen.kecamatan))
    query = urlencode({key: value for key, value in wanted if value})
    context["map_url"] = reverse("api-v1:project_map", args=[pemda.code]) + (f"?{query}" if query else "")
    return render(request, "monitoring/public_list.html", context)


def _progress(project: Project, found: selectors.PublicProject, pemda: Pemda) -> list[ProgressRow]:
    """Planned vs verified % at each point of the plan (the verified % only for dates already past)."""
    if found.contract is None:
        return []
    today = services.pemda_today(pemda)
    plan = [(p.on, Fraction(p.percent)) for p in found.plan]
    verified = [(r.reported_on, Fraction(r.percent)) for r in found.reports]
    rows = []
    for point in found.plan:
        planned = rules.planned_at(found.contract.starts_on, plan, point.on)
        actual = rules.reported_at(verified, point.on) if point.on <= today else None
        rows.append(
            ProgressRow(
                on=point.on,
                planned=Decimal(rules.two_decimals(planned)),
                actual=Decimal(rules.two_decimals(actual)) if actual is not None else None,
            )
        )
    return rows


@require_GET
def project_page(request: HttpRequest, pemda_code: str, pk: int) -> HttpResponse:
    pemda = _pemda(pemda_code)
    try:
        found = selectors.public_project(pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    project = found.project
    if project.pemda_id != pemda.pk:
        raise Http404(_("Pekerjaan tidak ditemukan."))
    drawing = None
    if found.contract is not None and found.plan:
        drawing = curve.draw(
            found.contract.starts_on,
            found.contract.ends_on,
            [(p.on, p.percent) for p in found.plan],
            [(r.reported_on, r.percent) for r in found.reports],
        )
    lon, lat = project.coordinates[0]
    context = {
        "pemda": pemda,
        "project": project,
        "found": found,
        "is_line": project.location_kind == LocationKind.LINE,
        "lat": lat,
        "lon": lon,
        "osm": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={OSM_ZOOM}/{lat}/{lon}",
        "rows": _progress(project, found, pemda),
        "curve": drawing,
        "latest": found.reports[-1] if found.reports else None,
    }
    return render(request, "monitoring/public_project.html", context)
