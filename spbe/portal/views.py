"""Public pages: hosted pemda, their districts and villages, and the national region tree. No sign-in.

Reads go through selectors (``spbe.regions.selectors`` for the tree, ``spbe.portal.selectors`` for what
the platform hosts); views only shape the answer.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from spbe.core.modules import UPCOMING
from spbe.regions import selectors as regions
from spbe.regions.models import Region

from . import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"pemdas": selectors.hosted_pemdas()})


@require_GET
def pemda_home(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = selectors.get_hosted_pemda(pemda_code)
    if pemda is None:
        raise Http404
    districts = regions.children(pemda.region)
    return render(
        request, "portal/pemda_home.html", {"pemda": pemda, "region": pemda.region, "districts": districts}
    )


@require_GET
def pemda_district(request: HttpRequest, pemda_code: str, district_code: str) -> HttpResponse:
    pemda = selectors.get_hosted_pemda(pemda_code)
    district = regions.get_region(district_code)
    if pemda is None or district is None or district.parent_id != pemda.code:
        raise Http404
    villages = list(regions.children(district))
    governed = selectors.governed_codes([v.code for v in villages])
    return render(
        request,
        "portal/pemda_district.html",
        {"pemda": pemda, "district": district, "villages": villages, "governed": governed},
    )


@require_GET
def regions_page(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/regions.html", {"region": None, "children": regions.provinces(), "ancestors": []}
    )


@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    found = regions.get_region(code)
    if found is None:
        raise Http404
    if found.level == Region.Level.VILLAGE:
        return render(request, "portal/village.html", {"v": selectors.village_page(found)})
    hosted = selectors.get_hosted_pemda(found.code) if found.level == Region.Level.REGENCY else None
    return render(
        request,
        "portal/regions.html",
        {
            "region": found,
            "children": regions.children(found),
            "ancestors": regions.ancestors(found),
            "hosted": hosted,
        },
    )


@require_GET
def region_search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    result = regions.search(text) if text.strip() else None
    return render(request, "portal/search.html", {"q": text.strip(), "result": result})


@require_GET
def module_soon(request: HttpRequest, slug: str) -> HttpResponse:
    module = UPCOMING.get(slug)
    if module is None:
        raise Http404
    return render(request, "portal/module_soon.html", {"module": module, "modules": UPCOMING.values()})
