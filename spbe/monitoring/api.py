"""Projects over the API, for anyone: where the work is, its contract, its curve and its verified progress.

Only verified reports are published, each with links to the metadata-free public copies of its photos.
No private original, no EXIF position or time of a photo, no unverified or returned report, no problems
noted for internal follow-up and no person's name appears here (a test reads every answer for them).
Coordinates are GeoJSON-ordered (longitude first) decimal strings, exact like every number here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema

from spbe.core.http import public_answer
from spbe.core.schema import Rupiah

from . import selectors, speed
from .models import LocationKind, Method, ProgressReport, ReportPhoto
from .speed import MAP_DATA_SET

router = Router(tags=["monitoring"])
CENT = Decimal("0.01")
PHOTO_CACHE_SECONDS = 86_400  # a verified report's photos never change
# The unfiltered map points are the same for everyone until the services call ``map_changed`` for the
# pemda; the published layer (spbe.core.published) replays them until then. Filtered ones (a query
# string) always go to Django.
PUBLISHED_ROUTES = [(r"/api/v1/pemda/(?P<pemda>\d\d\.\d\d)/projects\.geojson", MAP_DATA_SET)]
# Browsers and proxies may keep an answer this long; the published layer itself follows every change.
PUBLIC_MAX_AGE = 60


class PlaceOut(Schema):
    code: str
    name: str


class GeometryOut(Schema):
    """A GeoJSON geometry with decimal strings: ``Point`` ``[lon, lat]`` or ``LineString`` of them."""

    type: str
    coordinates: list[str] | list[list[str]]


class AddendumOut(Schema):
    number: int
    signed_on: dt.date
    reason: str
    value_before: Rupiah
    value_after: Rupiah
    ends_on_before: dt.date
    ends_on_after: dt.date


class ContractOut(Schema):
    method: str
    number: str
    vendor: str | None
    value: Rupiah
    signed_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    ocid: str
    addenda: list[AddendumOut]


class PointOut(Schema):
    date: dt.date
    percent: Decimal


class StatusOut(Schema):
    """The critical-contract rule as of ``on`` (issue 9 point 5): percentages with 2 decimals."""

    on: dt.date
    rencana: Decimal
    realisasi: Decimal
    deviasi: Decimal
    periode: str
    proyeksi_selesai: dt.date | None
    kritis: bool


class PhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str


class ReportOut(Schema):
    id: int
    date: dt.date
    percent: Decimal
    note: str
    photos: list[PhotoOut]


class ProjectOut(Schema):
    id: int
    name: str
    year: int
    pemda: PlaceOut
    unit: PlaceOut | None  # None for a village works package (the desa's own, see ``kegiatan_desa``)
    sub_kegiatan: str
    kegiatan_desa: str  # the APBDes kegiatan (BB.SS.KK) of a village works package, else ""
    desa: PlaceOut | None
    address: str
    location: GeometryOut
    contract: ContractOut | None
    status: StatusOut | None
    plan: list[PointOut]
    progress: list[PointOut]
    reports: list[ReportOut]


def _photo(request: HttpRequest, project_id: int, photo: ReportPhoto) -> PhotoOut:
    url = reverse("api-v1:project_photo", kwargs={"project_id": project_id, "photo_id": photo.pk})
    thumb = reverse("api-v1:project_photo_thumbnail", kwargs={"project_id": project_id, "photo_id": photo.pk})
    return PhotoOut(
        id=photo.pk, url=request.build_absolute_uri(url), thumbnail_url=request.build_absolute_uri(thumb)
    )


def _report(request: HttpRequest, report: ProgressReport) -> ReportOut:
    return ReportOut(
        id=report.pk,
        date=report.reported_on,
        percent=report.percent,
        note=report.note,
        photos=[_photo(request, report.project_id, p) for p in report.photos.all()],
    )


@router.get("/projects/{project_id}", response=ProjectOut, summary="Satu pekerjaan fisik dan progresnya")
def project_detail(request: HttpRequest, project_id: int) -> ProjectOut:
    found = selectors.public_project(project_id)
    project, contract = found.project, found.contract
    coordinates = [[str(lon), str(lat)] for lon, lat in project.coordinates]
    village = project.village
    status = None
    if project.status_on is not None and project.planned_percent is not None:
        status = StatusOut(
            on=project.status_on,
            rencana=project.planned_percent,
            realisasi=project.actual_percent or Decimal("0.00"),
            deviasi=project.deviation or Decimal("0.00"),
            periode=project.period,
            proyeksi_selesai=project.projected_finish,
            kritis=project.is_critical,
        )
    return ProjectOut(
        id=project.pk,
        name=project.name,
        year=project.year,
        pemda=PlaceOut(code=project.pemda.code, name=project.pemda.name),
        unit=PlaceOut(code=project.unit.code, name=project.unit.name) if project.unit else None,
        sub_kegiatan=project.sub_kegiatan_code,
        kegiatan_desa=project.apbdes_kegiatan,
        desa=PlaceOut(code=village.region_id, name=village.region.name) if village else None,
        address=project.address,
        location=GeometryOut(
            type="Point" if project.location_kind == LocationKind.POINT else "LineString",
            coordinates=coordinates[0] if project.location_kind == LocationKind.POINT else coordinates,
        ),
        contract=ContractOut(
            method=contract.method,
            number=contract.number,
            vendor=contract.vendor_name if contract.method == Method.VENDOR else None,
            value=contract.value,
            signed_on=contract.signed_on,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            ocid=contract.ocid,
            addenda=[
                AddendumOut(
                    number=a.number,
                    signed_on=a.signed_on,
                    reason=a.reason,
                    value_before=a.value_before,
                    value_after=a.value_after,
                    ends_on_before=a.ends_on_before,
                    ends_on_after=a.ends_on_after,
                )
                for a in found.addenda
            ],
        )
        if contract
        else None,
        status=status,
        plan=[PointOut(date=p.on, percent=p.percent) for p in found.plan],
        progress=[PointOut(date=r.reported_on, percent=r.percent) for r in found.reports],
        reports=[_report(request, r) for r in found.reports],
    )


def _image(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = f"public, max-age={PHOTO_CACHE_SECONDS}"
    return response


@router.get(
    "/projects/{project_id}/photos/{photo_id}",
    url_name="project_photo",
    summary="Foto progres (salinan publik tanpa metadata)",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"image/jpeg": {}}, "description": "JPEG"}}},
)
def project_photo(request: HttpRequest, project_id: int, photo_id: int) -> HttpResponse:
    photo = selectors.public_photo(project_id, photo_id)
    with photo.public.open("rb") as handle:
        return _image(handle.read())


@router.get(
    "/projects/{project_id}/photos/{photo_id}/thumbnail",
    url_name="project_photo_thumbnail",
    summary="Gambar kecil foto progres",
    response={200: None},
    openapi_extra={"responses": {200: {"content": {"image/jpeg": {}}, "description": "JPEG"}}},
)
def project_photo_thumbnail(request: HttpRequest, project_id: int, photo_id: int) -> HttpResponse:
    photo = selectors.public_photo(project_id, photo_id)
    with photo.thumbnail.open("rb") as handle:
        return _image(handle.read())


class MapQuery(Schema):
    year: int | None = None
    unit: str = ""
    kecamatan: str = ""


@router.get(
    "/pemda/{code}/projects.geojson",
    summary="Titik pekerjaan fisik suatu pemda untuk peta (GeoJSON)",
    url_name="project_map",
    openapi_extra={
        "responses": {
            200: {"description": "GeoJSON FeatureCollection", "content": {"application/geo+json": {}}}
        }
    },
)
def project_map(request: HttpRequest, code: str, filters: Query[MapQuery]) -> HttpResponse:
    """Every project of the pemda (filtered by ``year``, ``unit`` code, ``kecamatan`` code) in one query."""
    pemda = selectors.public_pemda(code)
    chosen = selectors.ProjectFilter(
        year=filters.year, unit=filters.unit.strip(), kecamatan=filters.kecamatan.strip()
    )
    list_url = reverse("monitoring:public-list", args=[pemda.code])
    # Built from plain columns once per map version, filter and language (spbe.monitoring.speed).
    body, etag = speed.map_body(
        pemda, year=chosen.year, unit=chosen.unit, kecamatan=chosen.kecamatan, list_url=list_url
    )
    return public_answer(
        request, body, max_age=PUBLIC_MAX_AGE, etag=etag, content_type="application/geo+json"
    )
