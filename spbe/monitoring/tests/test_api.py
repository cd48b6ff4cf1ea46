"""``GET /api/v1/projects/{id}`` and its photos: public, verified progress only, nothing private."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from PIL import Image

from spbe.core.tests.photo_factory import make_photo
from spbe.monitoring.models import ReportPhoto
from spbe.monitoring.services import addendum_create, report_submit, report_verify

from .conftest import TODAY
from .helpers import new_contract, new_project, running_project

pytestmark = pytest.mark.django_db
PHOTO_AT = ("-8.220000", "114.369500")


def _report(world, monitors, project, percent, on, problems=""):
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


def test_it_publishes_a_project_with_its_contract_curve_and_verified_reports(world, monitors):
    project = running_project(world)
    contract = project.contract
    addendum_create(
        actor=world.agency_head_a,
        contract=contract,
        signed_on=dt.date(2027, 6, 1),
        reason="Tambah drainase",
        value="1300000000",
    )
    verified = _report(world, monitors, project, "40", dt.date(2027, 5, 1), problems="Warga menolak, rahasia")
    report_verify(actor=world.agency_head_a, report=verified)
    _report(world, monitors, project, "55", TODAY)  # submitted, not yet verified: not public
    response = Client().get(f"/api/v1/projects/{project.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Rehabilitasi Jalan Genteng - Kalibaru"
    assert body["pemda"] == {"code": "35.10", "name": world.pemda_a.name}
    assert body["unit"]["name"] == "Dinas PU Bina Marga"
    assert body["sub_kegiatan"] == "1.03.10.2.01.0028"
    assert body["desa"]["code"] == world.desa_x.code
    assert body["location"] == {"type": "Point", "coordinates": ["114.369100", "-8.219200"]}
    assert body["contract"]["vendor"] == "CV Maju Jaya"
    assert body["contract"]["value"] == "1300000000.00"
    assert body["contract"]["ocid"] == contract.ocid
    assert body["contract"]["addenda"][0]["value_before"] == "1250000000.50"
    assert body["plan"] == [
        {"date": "2027-05-31", "percent": "70.00"},
        {"date": "2027-09-30", "percent": "100.00"},
    ]
    assert body["progress"] == [{"date": "2027-05-01", "percent": "40.00"}]
    (report,) = body["reports"]
    assert (report["id"], report["note"]) == (verified.pk, "Progres 40%")
    # The status counts the unverified report too (an early warning), as of today.
    assert body["status"]["realisasi"] == "55.00"
    assert body["status"]["on"] == TODAY.isoformat()
    # The published photo is the clean copy: a JPEG with no EXIF at all.
    (photo,) = report["photos"]
    image_response = Client().get(photo["url"])
    assert image_response.status_code == 200
    assert image_response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(image_response.content))
    assert dict(image.getexif()) == {}
    assert b"TestCam" not in image_response.content
    assert Client().get(photo["thumbnail_url"]).status_code == 200


def test_nothing_private_is_published(world, monitors):
    project = running_project(world)
    report = _report(world, monitors, project, "40", dt.date(2027, 5, 1), problems="Warga menolak, rahasia")
    report_verify(actor=world.agency_head_a, report=report)
    text = Client().get(f"/api/v1/projects/{project.pk}").content.decode()
    row = ReportPhoto.objects.get(report=report)
    for secret in (
        "private/",
        row.original.name,
        row.original_sha256,
        PHOTO_AT[0],
        PHOTO_AT[1],
        "2027-06-01T",  # the EXIF time
        "rahasia",
        monitors.supervisor.username,
        world.agency_head_a.username,
    ):
        assert secret not in text, secret


def test_photos_of_unverified_reports_and_other_projects_are_not_served(world, monitors):
    project = running_project(world)
    pending = _report(world, monitors, project, "40", dt.date(2027, 5, 1))
    photo = ReportPhoto.objects.get(report=pending)
    response = Client().get(f"/api/v1/projects/{project.pk}/photos/{photo.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    report_verify(actor=world.agency_head_a, report=pending)
    assert Client().get(f"/api/v1/projects/{project.pk}/photos/{photo.pk}").status_code == 200
    other = new_project(world, name="Jembatan")
    assert Client().get(f"/api/v1/projects/{other.pk}/photos/{photo.pk}").status_code == 404


def test_a_swakelola_project_has_no_vendor_and_a_new_one_no_contract(world):
    bare = new_project(world)
    body = Client().get(f"/api/v1/projects/{bare.pk}").json()
    assert (body["contract"], body["status"], body["reports"]) == (None, None, [])
    new_contract(world, bare, method="swakelola", vendor_name="")
    assert Client().get(f"/api/v1/projects/{bare.pk}").json()["contract"]["vendor"] is None


def test_an_unknown_project_is_a_problem_json_404(world):
    response = Client().get("/api/v1/projects/999999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["title"] == "not-found"
    assert Client().get("/api/v1/projects/abc").status_code in (404, 422)
