"""The public map points (GeoJSON) and the public project pages: verified progress only, nothing private."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spbe.core import published
from spbe.core.tests.photo_factory import make_photo
from spbe.core.tests.test_published import call
from spbe.monitoring.models import Project, ReportPhoto
from spbe.monitoring.services import report_submit, report_verify
from spbe.monitoring.speed import _marker

from .conftest import TODAY
from .helpers import new_contract, new_project, running_project

pytestmark = pytest.mark.django_db
PHOTO_AT = ("-8.220000", "114.369500")
LINE = [(Decimal("-8.300000"), Decimal("114.100000")), (Decimal("-8.310000"), Decimal("114.120000"))]


def _report(monitors, project, percent, on, problems=""):
    photo = make_photo(
        latitude=PHOTO_AT[0], longitude=PHOTO_AT[1], taken=dt.datetime(2027, 6, 1, 9, 0), offset="+07:00"
    )
    return report_submit(
        actor=monitors.supervisor,
        project=project,
        reported_on=on,
        percent=percent,
        note=f"Progres {percent}%",
        problems=problems,
        photo_files=[photo],
    )


def _map(code="35.10", query=""):
    response = Client().get(f"/api/v1/pemda/{code}/projects.geojson{query}")
    return response


# --- GeoJSON -------------------------------------------------------------------------------------------


def test_the_map_lists_every_project_with_its_public_fields(world, monitors):
    road = running_project(world)
    older = _report(monitors, road, "20", dt.date(2027, 4, 1), problems="Warga menolak, rahasia")
    newer = _report(monitors, road, "45", dt.date(2027, 5, 15))
    report_verify(actor=world.agency_head_a, report=older)
    report_verify(actor=world.agency_head_a, report=newer)
    _report(monitors, road, "60", TODAY)  # awaiting verification: not on the public map
    canal = new_project(
        world, name="Saluran irigasi", location_kind="line", points=LINE, village=world.desa_y
    )
    response = _map()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    by_id = {f["id"]: f for f in body["features"]}
    assert set(by_id) == {road.pk, canal.pk}
    point = by_id[road.pk]
    assert point["geometry"] == {"type": "Point", "coordinates": [114.3691, -8.2192]}
    assert point["properties"] == {
        "name": "Rehabilitasi Jalan Genteng - Kalibaru",
        "year": 2027,
        "unit": {"code": world.unit_a.code, "name": world.unit_a.name},
        "contract_value": "1250000000.50",
        "verified_percent": "45.00",
        "critical": road.is_critical,
        "url": f"/pemda/{world.pemda_a.code}/proyek/{road.pk}/",
        "lines": [world.unit_a.name, "2027"],
        "marker": "critical" if road.is_critical else "default",
    }
    line = by_id[canal.pk]
    assert line["geometry"] == {"type": "LineString", "coordinates": [[114.1, -8.3], [114.12, -8.31]]}
    assert (line["properties"]["contract_value"], line["properties"]["verified_percent"]) == (None, None)
    text = response.content.decode()
    for secret in ("rahasia", "private/", PHOTO_AT[0], "60.00", monitors.supervisor.username):
        assert secret not in text, secret


def test_the_map_marks_critical_contracts(world):
    project = running_project(world)
    project.is_critical = True
    project.save(update_fields=["is_critical"])
    (feature,) = _map().json()["features"]
    assert feature["properties"]["critical"] is True
    assert feature["properties"]["marker"] == "critical"


def test_the_map_filters_by_year_unit_and_kecamatan(world):
    here = new_project(world, name="Di desa X")
    there = new_project(world, name="Di desa Y", village=world.desa_y)
    later = new_project(world, name="Tahun depan")
    # The test nomenclature has 2027 only; the year is set directly to have a second one.
    Project.objects.filter(pk=later.pk).update(year=2028)
    other_unit = new_project(
        world, actor=world.agency_operator_a2, unit=world.unit_a2, name="Unit A2", village=None
    )

    def ids(query):
        return {f["id"] for f in _map(query=query).json()["features"]}

    assert ids("") == {here.pk, there.pk, later.pk, other_unit.pk}
    assert ids("?year=2028") == {later.pk}
    assert ids(f"?unit={world.unit_a2.code}") == {other_unit.pk}
    kecamatan_y = world.desa_y.kecamatan.district_id
    assert ids(f"?kecamatan={kecamatan_y}") == {there.pk}
    assert ids(f"?year=2027&kecamatan={world.desa_x.kecamatan.district_id}") == {here.pk}


def test_the_map_reads_the_projects_in_a_fixed_number_of_queries(world, monitors):
    def queries():
        cache.clear()  # the body built afresh, not the one kept for this map version
        with CaptureQueriesContext(connection) as captured:
            assert _map().status_code == 200
        return len(captured)

    first = running_project(world)
    report_verify(actor=world.agency_head_a, report=_report(monitors, first, "30", dt.date(2027, 4, 1)))
    few = queries()
    for n in range(5):
        project = new_project(world, name=f"Jalan {n}")
        new_contract(world, project, ocid=f"ocds-abc123-extra-{n}")
        report_verify(actor=world.agency_head_a, report=_report(monitors, project, "10", dt.date(2027, 4, 1)))
    assert len(_map().json()["features"]) == 6
    # The pemda, the map version, the unit and desa names, the projects with their contract value and
    # latest verified % (plain columns).
    assert queries() == few <= 5
    with CaptureQueriesContext(connection) as captured:
        assert _map().status_code == 200
    # Kept for this version: the pemda and the version only.
    assert len(captured) == 2


def test_the_map_of_another_pemda_is_its_own_and_an_unknown_pemda_is_404(world):
    new_project(world)
    assert _map(code=world.pemda_b.code).json()["features"] == []
    response = _map(code="99.99")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


# --- pages ---------------------------------------------------------------------------------------------


def test_the_project_page_shows_contract_progress_and_verified_reports_only(world, monitors):
    project = running_project(world)
    verified = _report(monitors, project, "40", dt.date(2027, 5, 1), problems="Warga menolak, rahasia")
    report_verify(actor=world.agency_head_a, report=verified)
    pending = _report(monitors, project, "55", TODAY)
    response = Client().get(f"/pemda/35.10/proyek/{project.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rehabilitasi Jalan Genteng - Kalibaru" in html
    assert "CV Maju Jaya" in html
    assert "1.250.000.000,50" in html
    assert "openstreetmap.org/?mlat=-8.219200&amp;mlon=114.369100" in html
    assert "Progres 40%" in html and "Progres 55%" not in html
    shown = ReportPhoto.objects.get(report=verified)
    hidden = ReportPhoto.objects.get(report=pending)
    assert f"/api/v1/projects/{project.pk}/photos/{shown.pk}/thumbnail" in html
    assert f"/photos/{hidden.pk}/" not in html
    # Planned vs verified at each plan point: 31 May planned 70, verified 40 by then; 30 Sept still to come.
    table = html.split('id="plan-vs-actual"')[1].split("</table>")[0]
    assert "70,00%</td><td>40,00%" in table
    assert "100,00%</td><td>—" in table
    assert '<svg id="s-curve"' in html and 'class="actual"' in html
    for secret in (
        "rahasia",
        "private/",
        shown.original.name,
        shown.original_sha256,
        PHOTO_AT[0],
        PHOTO_AT[1],
        monitors.supervisor.username,
        world.agency_head_a.username,
    ):
        assert secret not in html, secret


def test_the_project_page_of_a_swakelola_project_without_curve(world):
    project = new_project(world)
    new_contract(world, project, method="swakelola", vendor_name="")
    html = Client().get(f"/pemda/35.10/proyek/{project.pk}/").content.decode()
    assert "Swakelola" in html
    assert "s-curve" not in html
    assert "Belum ada laporan yang diverifikasi." in html


def test_unknown_projects_and_projects_of_another_pemda_are_404(world):
    project = new_project(world)
    assert Client().get("/pemda/35.10/proyek/999999/").status_code == 404
    assert Client().get(f"/pemda/{world.pemda_b.code}/proyek/{project.pk}/").status_code == 404
    assert Client().get(f"/pemda/99.99/proyek/{project.pk}/").status_code == 404
    assert Client().get("/pemda/99.99/proyek/").status_code == 404


def test_the_list_page_filters_and_shows_verified_progress(world, monitors):
    road = running_project(world)
    report_verify(actor=world.agency_head_a, report=_report(monitors, road, "35", dt.date(2027, 4, 1)))
    _report(monitors, road, "50", TODAY)
    canal = new_project(world, name="Saluran irigasi", village=world.desa_y)
    page = Client().get("/pemda/35.10/proyek/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/pemda/35.10/proyek/{road.pk}/" in html and f"/pemda/35.10/proyek/{canal.pk}/" in html
    assert "35,00%" in html and "50,00%" not in html
    filtered = (
        Client()
        .get("/pemda/35.10/proyek/", {"kecamatan": world.desa_y.kecamatan.district_id, "tahun": "2027"})
        .content.decode()
    )
    assert f"/proyek/{canal.pk}/" in filtered and f"/proyek/{road.pk}/" not in filtered
    # A malformed year is ignored rather than an error.
    assert Client().get("/pemda/35.10/proyek/", {"tahun": "abc"}).status_code == 200


def test_the_map_is_replayed_until_a_verification_or_a_new_project_changes_it(world, monitors, published_app):
    recorder, app = published_app
    project = running_project(world)
    report = _report(monitors, project, "30", dt.date(2027, 4, 1))
    path = "/api/v1/pemda/35.10/projects.geojson"
    first = call(app, path)
    assert call(app, path)[2] == first[2]
    assert recorder.calls == 1
    assert "public" in first[1]["Cache-Control"] and first[1]["ETag"]
    assert json.loads(first[2])["features"][0]["properties"]["verified_percent"] is None

    report_verify(actor=world.agency_head_a, report=report)
    after = json.loads(call(app, path)[2])
    assert recorder.calls == 2
    assert after["features"][0]["properties"]["verified_percent"] == "30.00"

    # Another pemda's change leaves this answer alone; a new project here does not.
    published.bump_version("monitoring-map:19.06")
    call(app, path)
    assert recorder.calls == 2
    new_project(world, name="Jembatan")
    assert len(json.loads(call(app, path)[2])["features"]) == 2
    assert recorder.calls == 3


def test_a_matching_etag_gets_a_304(world, client):
    new_project(world)
    etag = _map()["ETag"]
    response = client.get("/api/v1/pemda/35.10/projects.geojson", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


@pytest.mark.parametrize(
    ("critical", "verified", "marker"),
    [(True, Decimal("100"), "critical"), (False, Decimal("100.00"), "done"), (False, None, "default"),
     (False, Decimal("99.99"), "default")],
)  # fmt: skip
def test_the_map_colours_a_finished_project_apart(critical, verified, marker):
    assert _marker(critical, verified) == marker
