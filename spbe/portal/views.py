"""Public pages: hosted pemda, their districts and villages, and the national region tree. No sign-in."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from spbe.accounts.models import Pemda
from spbe.regions import selectors
from spbe.regions.models import Region


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    pemdas = Pemda.objects.filter(is_active=True).select_related("region")
    return render(request, "portal/home.html", {"pemdas": pemdas})


@require_GET
def pemda_home(request: HttpRequest, pemda_code: str) -> HttpResponse:
    pemda = Pemda.objects.filter(code=pemda_code, is_active=True).select_related("region").first()
    if pemda is None:
        raise Http404
    districts = selectors.children(pemda.region)
    return render(
        request, "portal/pemda_home.html", {"pemda": pemda, "region": pemda.region, "districts": districts}
    )


@require_GET
def pemda_district(request: HttpRequest, pemda_code: str, district_code: str) -> HttpResponse:
    pemda = Pemda.objects.filter(code=pemda_code, is_active=True).select_related("region").first()
    district = selectors.get_region(district_code)
    if pemda is None or district is None or district.parent_id != pemda.code:
        raise Http404
    villages = selectors.children(district)
    return render(
        request, "portal/pemda_district.html", {"pemda": pemda, "district": district, "villages": villages}
    )


@require_GET
def regions(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/regions.html", {"region": None, "children": selectors.provinces(), "ancestors": []}
    )


@require_GET
def region(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.get_region(code)
    if found is None:
        raise Http404
    hosted = (
        Pemda.objects.filter(code=found.code, is_active=True).first()
        if found.level == Region.Level.REGENCY
        else None
    )
    return render(
        request,
        "portal/regions.html",
        {
            "region": found,
            "children": selectors.children(found),
            "ancestors": selectors.ancestors(found),
            "hosted": hosted,
        },
    )
