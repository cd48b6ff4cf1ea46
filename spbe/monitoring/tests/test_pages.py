"""Staff pages: the supervisor's report with a photo from a phone, and its check by the agency head."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spbe.core.tests.photo_factory import make_photo
from spbe.monitoring.models import ProgressReport, ReportPhoto, ReportState

from .helpers import new_project, running_project

pytestmark = pytest.mark.django_db


def upload(data=None, name="IMG_0001.jpg"):
    data = data or make_photo(
        latitude="-8.2200", longitude="114.3695", taken=dt.datetime(2027, 6, 29, 9), offset="+07:00"
    )
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_supervisor_reports_with_a_photo_and_the_head_verifies_it(world, monitors):
    project = running_project(world)
    a = world.pemda_a.code
    supervisor = world.client_for(monitors.supervisor)
    detail = supervisor.get(f"/app/{a}/monitoring/pekerjaan/{project.pk}/")
    assert detail.status_code == 200
    assert 'id="report-link"' in detail.content.decode()
    form = supervisor.get(f"/app/{a}/monitoring/pekerjaan/{project.pk}/lapor/")
    assert form.status_code == 200
    page = form.content.decode()
    assert 'capture="environment"' in page and 'enctype="multipart/form-data"' in page
    assert 'value="2027-06-30"' in page  # today, in the pemda
    response = supervisor.post(
        f"/app/{a}/monitoring/pekerjaan/{project.pk}/lapor/",
        {
            "reported_on": "2027-06-30",
            "percent": "72,5",
            "note": "Lapis pondasi",
            "problems": "",
            "photos": [upload()],
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=project)
    assert (report.percent, report.state, report.note) == (
        Decimal("72.50"),
        ReportState.SUBMITTED,
        "Lapis pondasi",
    )
    photo = ReportPhoto.objects.get(report=report)
    assert photo.is_far is False
    # The supervisor may not check their own report: no buttons, and a POST is refused.
    own = supervisor.get(f"/app/{a}/monitoring/laporan/{report.pk}/").content.decode()
    assert 'id="check-form"' not in own
    refused = supervisor.post(f"/app/{a}/monitoring/laporan/{report.pk}/", {"action": "verify"})
    assert refused.status_code == 200
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED
    head = world.client_for(world.agency_head_a)
    check = head.get(f"/app/{a}/monitoring/laporan/{report.pk}/").content.decode()
    assert 'id="check-form"' in check
    assert f"/app/{a}/monitoring/foto/{photo.pk}/" in check
    done = head.post(f"/app/{a}/monitoring/laporan/{report.pk}/", {"action": "verify", "note": "Sesuai"})
    assert done.status_code == 302
    stored = ProgressReport.objects.get(pk=report.pk)
    assert (stored.state, stored.verified_by_id) == (ReportState.VERIFIED, world.agency_head_a.pk)


def test_a_bad_photo_or_percent_is_shown_on_the_form_and_nothing_is_saved(world, monitors):
    project = running_project(world)
    url = f"/app/{world.pemda_a.code}/monitoring/pekerjaan/{project.pk}/lapor/"
    client = world.client_for(monitors.supervisor)
    response = client.post(
        url, {"reported_on": "2027-06-30", "percent": "50", "photos": [upload(b"not an image", "x.jpg")]}
    )
    assert response.status_code == 200
    assert "bukan foto JPEG, PNG atau WebP" in response.content.decode()
    response = client.post(url, {"reported_on": "2027-06-30", "percent": "150"})
    assert "antara 0 dan 100" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_returning_needs_a_reason(world, monitors):
    project = running_project(world)
    client = world.client_for(monitors.supervisor)
    client.post(
        f"/app/{world.pemda_a.code}/monitoring/pekerjaan/{project.pk}/lapor/",
        {"reported_on": "2027-06-30", "percent": "10"},
    )
    report = ProgressReport.objects.get()
    url = f"/app/{world.pemda_a.code}/monitoring/laporan/{report.pk}/"
    other = world.client_for(monitors.supervisor2)
    assert "Alasan wajib diisi" in other.post(url, {"action": "return", "note": ""}).content.decode()
    assert ProgressReport.objects.get().state == ReportState.SUBMITTED
    assert other.post(url, {"action": "return", "note": "Foto kurang jelas"}).status_code == 302
    assert ProgressReport.objects.get().state == ReportState.RETURNED


def test_wrong_roles_and_other_units(world, monitors):
    project = running_project(world)
    a = world.pemda_a.code
    form = f"/app/{a}/monitoring/pekerjaan/{project.pk}/lapor/"
    # The agency operator sees the project but does not report from the field.
    operator = world.client_for(world.agency_operator_a)
    assert operator.get(f"/app/{a}/monitoring/pekerjaan/{project.pk}/").status_code == 200
    assert operator.get(form).status_code == 403
    assert operator.post(form, {"reported_on": "2027-06-30", "percent": "10"}).status_code == 403
    for outsider in (monitors.supervisor_a2, world.agency_operator_a2, world.camat_x, world.officer_a):
        client = world.client_for(outsider)
        assert client.get(f"/app/{a}/monitoring/pekerjaan/{project.pk}/").status_code == 404
        assert client.post(form, {"reported_on": "2027-06-30", "percent": "10"}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_the_list_shows_only_the_units_projects(world, monitors):
    mine = running_project(world)
    theirs = new_project(world, actor=world.agency_operator_a2, unit=world.unit_a2, name="Gedung SD Negeri 3")
    page = (
        world.client_for(monitors.supervisor).get(f"/app/{world.pemda_a.code}/monitoring/").content.decode()
    )
    assert mine.name in page and theirs.name not in page
    page = world.client_for(monitors.planner).get(f"/app/{world.pemda_a.code}/monitoring/").content.decode()
    assert mine.name in page and theirs.name in page


def test_originals_are_for_the_record_keepers_only(world, monitors):
    project = running_project(world)
    original = make_photo(latitude="-8.2200", longitude="114.3695")
    world.client_for(monitors.supervisor).post(
        f"/app/{world.pemda_a.code}/monitoring/pekerjaan/{project.pk}/lapor/",
        {"reported_on": "2027-06-30", "percent": "10", "photos": [upload(original)]},
    )
    photo = ReportPhoto.objects.get()
    url = f"/app/{world.pemda_a.code}/monitoring/foto/{photo.pk}/"
    head = world.client_for(world.agency_head_a)
    assert head.get(url, {"ukuran": "asli"}).content == original
    assert head.get(url)["Content-Type"] == "image/jpeg"
    assert head.get(url).content != original
    planner = world.client_for(monitors.planner)
    assert planner.get(url).status_code == 200
    assert planner.get(url, {"ukuran": "asli"}).status_code == 404
    assert world.client_for(monitors.supervisor_a2).get(url).status_code == 404
