"""Public browser of the reference lists of each budget year: open data, no sign-in."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import selectors
from .codes import InvalidCode
from .loader import KEGIATAN_DESA, NOMENKLATUR, REKENING, REKENING_DESA, SUMBER_DANA, TREES
from .models import FundingSource, Nomenclature, ReferenceRow

KIND_LABELS = {
    NOMENKLATUR: _("Nomenklatur perencanaan"),
    REKENING: _("Kode rekening daerah"),
    REKENING_DESA: _("Rekening APBDes"),
    KEGIATAN_DESA: _("Bidang dan kegiatan desa"),
    SUMBER_DANA: _("Sumber dana"),
}
SEARCH_LIMIT = 200


def _years() -> list[int]:
    return sorted(set(Nomenclature.objects.values_list("year", flat=True).distinct()), reverse=True)


@require_GET
def reference_home(request: HttpRequest) -> HttpResponse:
    years = _years()
    year = (
        settings.SPBE_DEFAULT_BUDGET_YEAR
        if settings.SPBE_DEFAULT_BUDGET_YEAR in years or not years
        else years[0]
    )
    return redirect("reference:browse", year=year, kind=NOMENKLATUR)


@require_GET
def browse(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    if kind not in KIND_LABELS:
        raise Http404
    code = request.GET.get("kode", "").strip()
    query = request.GET.get("q", "").strip()
    context = {
        "year": year,
        "years": _years(),
        "kind": kind,
        "kinds": KIND_LABELS.items(),
        "kind_label": KIND_LABELS[kind],
        "query": query,
        "code": code,
        "row": None,
        "trail": [],
    }
    if kind == SUMBER_DANA:
        context["rows"] = FundingSource.objects.filter(year=year).order_by("scope", "code")
        return render(request, "reference/browse.html", context)
    model = TREES[kind].model
    rows = model._default_manager.filter(year=year)
    if query:
        context["rows"] = rows.filter(Q(name__icontains=query) | Q(code__startswith=query)).order_by("code")[
            :SEARCH_LIMIT
        ]
        context["limit"] = SEARCH_LIMIT
        return render(request, "reference/browse.html", context)
    try:
        context["rows"] = selectors.children(year, code, kind=kind).order_by("code")
    except InvalidCode as exc:
        raise Http404 from exc
    if code:
        lookup = selectors.canonical_account_code(code) if kind == REKENING else code
        row = rows.filter(code=lookup).first()
        if row is None:
            raise Http404
        trail: list[ReferenceRow] = []
        parent = row.parent_code
        while parent:
            found = rows.filter(code=parent).first()
            if found is None:
                break
            trail.insert(0, found)
            parent = found.parent_code
        context["row"], context["trail"] = row, trail
    return render(request, "reference/browse.html", context)
