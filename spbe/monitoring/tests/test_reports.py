"""Progress reports from the field: photos checked and flagged, status recomputed, verified by another."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from PIL import Image

from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.core.photos import PhotoRejected
from spbe.core.tests.photo_factory import make_photo
from spbe.monitoring.models import ProgressReport, Project, ReportPhoto, ReportState
from spbe.monitoring.services import project_status_refresh, report_return, report_submit, report_verify

from .conftest import TODAY
from .helpers import new_contract, new_project, running_project

pytestmark = pytest.mark.django_db
WIB = dt.timezone(dt.timedelta(hours=7))
NEAR = ("-8.220000", "114.369500")  # about 100 m from the site
FAR = ("-8.230000", "114.369100")  # about 1.2 km south


def photo(position=NEAR, taken=dt.datetime(2027, 6, 29, 9, 0), **extra):
    lat, lon = position if position else (None, None)
    return make_photo(latitude=lat, longitude=lon, taken=taken, offset="+07:00" if taken else None, **extra)


def submit(world, monitors, project, percent="50", on=TODAY, photos=(), **extra):
    return report_submit(
        actor=monitors.supervisor,
        project=project,
        reported_on=on,
        percent=percent,
        photo_files=list(photos),
        note="Pengaspalan lapis pertama",
        **extra,
    )


def test_a_near_recent_photo_is_not_flagged_and_its_original_is_kept(world, monitors):
    project = running_project(world)
    original = photo()
    report = submit(world, monitors, project, photos=[original])
    stored = ProgressReport.objects.get(pk=report.pk)
    assert (stored.percent, stored.state, stored.submitted_by_id) == (
        Decimal("50.00"),
        ReportState.SUBMITTED,
        monitors.supervisor.pk,
    )
    assert stored.flagged is False
    (row,) = ReportPhoto.objects.filter(report=report)
    assert (row.latitude, row.longitude) == (Decimal("-8.220000"), Decimal("114.369500"))
    assert 80 < row.distance_m < 120
    assert row.taken_at == dt.datetime(2027, 6, 29, 9, 0, tzinfo=WIB)
    assert (row.is_far, row.is_old, row.no_position, row.no_time) == (False, False, False, False)
    assert row.original.name.startswith("private/monitoring/35.10/")
    assert row.public.name.startswith("public/monitoring/35.10/")
    with row.original.open("rb") as handle:
        assert handle.read() == original
    with row.public.open("rb") as handle:
        public = Image.open(io.BytesIO(handle.read()))
        assert dict(public.getexif()) == {}


def test_far_old_and_positionless_photos_are_flagged(world, monitors, settings):
    project = running_project(world)
    far = submit(world, monitors, project, photos=[photo(FAR)])
    assert (far.photo_far, far.photo_old, far.photo_no_position) == (True, False, False)
    assert ReportPhoto.objects.get(report=far).distance_m > 1000
    # Taken 8 days before the report date: older than the default 7 days.
    old = submit(world, monitors, project, photos=[photo(taken=dt.datetime(2027, 6, 22, 12, 0))])
    assert (old.photo_far, old.photo_old) == (False, True)
    # Exactly 7 days before is not older than 7 days.
    week = submit(world, monitors, project, photos=[photo(taken=dt.datetime(2027, 6, 23, 0, 30))])
    assert week.photo_old is False
    none = submit(world, monitors, project, photos=[photo(position=None, taken=None)])
    assert (none.photo_no_position, none.photo_no_time, none.photo_far, none.photo_old) == (
        True,
        True,
        False,
        False,
    )
    bare = submit(world, monitors, project)
    assert (bare.no_photo, bare.flagged) == (True, True)
    # The limits are settings.
    settings.SPBE_MONITORING_PHOTO_MAX_DISTANCE_M = 2000
    settings.SPBE_MONITORING_PHOTO_MAX_AGE_DAYS = 10
    relaxed = submit(world, monitors, project, photos=[photo(FAR, taken=dt.datetime(2027, 6, 22, 12, 0))])
    assert (relaxed.photo_far, relaxed.photo_old) == (False, False)


def test_the_old_check_counts_days_in_the_pemda_time_zone(world, monitors):
    project = running_project(world)
    # 22 June 20:00 UTC is 23 June 03:00 WIB: exactly 7 days before 30 June there, so not old.
    utc = make_photo(
        latitude=NEAR[0], longitude=NEAR[1], taken=dt.datetime(2027, 6, 22, 20, 0), offset="+00:00"
    )
    assert submit(world, monitors, project, photos=[utc]).photo_old is False


def test_a_photo_along_a_road_is_measured_to_the_road(world, monitors):
    road = new_project(
        world,
        location_kind="line",
        points=[(Decimal("-8.200000"), Decimal("114.300000")), (Decimal("-8.200000"), Decimal("114.400000"))],
    )
    new_contract(world, road)
    # 100 m north of the middle of an 11 km road: near, though 5.5 km from either end.
    report = submit(world, monitors, road, photos=[photo(("-8.199100", "114.350000"))])
    assert report.photo_far is False
    assert ReportPhoto.objects.get(report=report).distance_m == 100


def test_one_bad_photo_refuses_the_whole_report(world, monitors):
    project = running_project(world)
    with pytest.raises(PhotoRejected) as refused:
        submit(world, monitors, project, photos=[photo(), b"GIF89a not really"])
    assert refused.value.message.startswith("Foto ke-2: ")
    assert not ProgressReport.objects.exists()
    assert not ReportPhoto.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"percent": "100.5"}, "percent"),
        ({"percent": "-1"}, "percent"),
        ({"percent": "33.333"}, "percent"),
        ({"percent": 50.0}, "percent"),
        ({"on": TODAY + dt.timedelta(days=1)}, "reported_on"),
        ({"on": dt.date(2027, 2, 28)}, "reported_on"),  # before the contract starts
        ({"problems": "Longsor\u202e"}, "problems"),
    ],
)
def test_invalid_reports_are_refused(world, monitors, fields, field):
    project = running_project(world)
    with pytest.raises(ValidationFailed) as refused:
        submit(world, monitors, project, **fields)
    assert refused.value.field == field
    assert not ProgressReport.objects.exists()


def test_only_field_supervisors_of_the_unit_report(world, monitors):
    project = running_project(world)
    for actor in (world.agency_operator_a, monitors.supervisor_a2, monitors.planner, world.officer_b):
        with pytest.raises(PermissionDenied):
            report_submit(actor=actor, project=project, reported_on=TODAY, percent="10")
    assert not ProgressReport.objects.exists()


def test_a_report_recomputes_the_critical_status(world, monitors):
    project = running_project(world)
    # On 30 June the plan says 70 + 30 * 30/122 = 77.38%: 60% reported is 17.38 behind in period II.
    submit(world, monitors, project, percent="60", on=dt.date(2027, 6, 1))
    project.refresh_from_db()
    assert (project.planned_percent, project.actual_percent, project.deviation) == (
        Decimal("77.38"),
        Decimal("60.00"),
        Decimal("17.38"),
    )
    assert (project.period, project.is_critical, project.status_on) == ("II", True, TODAY)
    # Nothing reported by 31 May (30 days before): 60% in 30 days is 2%/day, 20 days to go.
    assert project.projected_finish == TODAY + dt.timedelta(days=20)
    assert AuditEntry.objects.filter(action="project.critical", object_id=str(project.pk)).count() == 1
    # A better report today: 2.38 behind at 2.5%/day, finishing in 10 days, well within the year.
    report = submit(world, monitors, project, percent="75", on=TODAY)
    project.refresh_from_db()
    assert (project.deviation, project.projected_finish, project.is_critical) == (
        Decimal("2.38"),
        TODAY + dt.timedelta(days=10),
        False,
    )
    entry = AuditEntry.objects.get(action="progress_report.submit", object_id=str(report.pk))
    assert entry.after["status"]["kritis"] is False
    assert entry.after["status"]["deviasi"] == "2.38"
    assert AuditEntry.objects.filter(action="project.not_critical").count() == 1


def test_a_supervisor_verifies_anothers_report_never_their_own(world, monitors):
    project = running_project(world)
    report = submit(world, monitors, project, photos=[photo()])
    with pytest.raises(PermissionDenied):
        report_verify(actor=monitors.supervisor, report=report)
    with pytest.raises(PermissionDenied):
        report_verify(actor=world.agency_operator_a, report=report)
    with pytest.raises(PermissionDenied):
        report_verify(actor=monitors.supervisor_a2, report=report)
    report_verify(actor=world.agency_head_a, report=report, note="Sesuai lapangan")
    stored = ProgressReport.objects.get(pk=report.pk)
    assert (stored.state, stored.verified_by_id) == (ReportState.VERIFIED, world.agency_head_a.pk)
    entry = AuditEntry.objects.get(action="progress_report.verify")
    assert entry.after["note"] == "Sesuai lapangan"
    stale = ProgressReport.objects.get(pk=report.pk)
    stale.state = ReportState.SUBMITTED  # what a second tab still shows
    with pytest.raises(Conflict):
        report_verify(actor=monitors.supervisor2, report=stale)


def test_a_returned_report_needs_a_reason_and_stops_counting(world, monitors):
    project = running_project(world)
    submit(world, monitors, project, percent="60", on=dt.date(2027, 6, 1))
    wrong = submit(world, monitors, project, percent="76", on=TODAY)
    project.refresh_from_db()
    assert project.is_critical is False
    with pytest.raises(ValidationFailed):
        report_return(actor=monitors.supervisor2, report=wrong, note=" ")
    report_return(actor=monitors.supervisor2, report=wrong, note="Foto bukan lokasi pekerjaan")
    assert ProgressReport.objects.get(pk=wrong.pk).state == ReportState.RETURNED
    project.refresh_from_db()
    assert (project.actual_percent, project.is_critical) == (Decimal("60.00"), True)
    assert AuditEntry.objects.filter(action="progress_report.return").count() == 1


def test_a_day_passing_can_make_a_contract_critical(world, monitors):
    project = running_project(world)
    submit(world, monitors, project, percent="30", on=dt.date(2027, 4, 15))
    # Filed on 30 June (today), when 30% is far behind plan: critical at once.
    project.refresh_from_db()
    assert project.is_critical is True
    # Refresh as of 15 April: plan 70 * 45/91 = 34.62, 4.62 behind in period I: fine.
    project_status_refresh(actor=world.agency_operator_a, project=project, on=dt.date(2027, 4, 15))
    project.refresh_from_db()
    assert (project.is_critical, project.period) == (False, "I")
    project_status_refresh(actor=world.agency_operator_a, project=project, on=dt.date(2027, 5, 15))
    project.refresh_from_db()
    assert (project.deviation, project.is_critical) == (Decimal("27.69"), True)
    changes = ["project.critical", "project.not_critical"]
    assert list(
        AuditEntry.objects.filter(action__in=changes).order_by("seq").values_list("action", flat=True)
    ) == [
        "project.critical",
        "project.not_critical",
        "project.critical",
    ]
    # Refreshing again changes nothing and adds no entry.
    project_status_refresh(actor=world.agency_operator_a, project=project, on=dt.date(2027, 5, 15))
    assert AuditEntry.objects.filter(action__in=changes).count() == 3


def test_reports_and_photos_cannot_be_rewritten_or_deleted(world, monitors):
    project = running_project(world)
    report = submit(world, monitors, project, photos=[photo()])
    for change in (
        lambda: ProgressReport.objects.filter(pk=report.pk).update(percent=Decimal("90")),
        lambda: ProgressReport.objects.filter(pk=report.pk).update(note="diubah"),
        lambda: ProgressReport.objects.filter(pk=report.pk).delete(),
        lambda: ReportPhoto.objects.filter(report=report).update(is_far=True),
        lambda: ReportPhoto.objects.filter(report=report).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert ProgressReport.objects.get(pk=report.pk).percent == Decimal("50.00")
    assert ReportPhoto.objects.filter(report=report, is_far=False).count() == 1
    # Its check may still move.
    ProgressReport.objects.filter(pk=report.pk).update(state=ReportState.VERIFIED)
    assert Project.objects.filter(pk=project.pk).exists()


def test_the_daily_command_assesses_every_contract_of_the_pemda(world, monitors):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    project = running_project(world)
    new_project(world, name="Belum berkontrak")  # nothing to assess
    submit(world, monitors, project, percent="30", on=dt.date(2027, 4, 15))
    out = StringIO()
    call_command("contracts_refresh", "--pemda", "35.10", "--on", "2027-04-15", stdout=out)
    assert out.getvalue().strip() == "1 kontrak dinilai, 0 kritis, 1 berubah status."
    project.refresh_from_db()
    assert (project.status_on, project.is_critical) == (dt.date(2027, 4, 15), False)
    entry = AuditEntry.objects.filter(action="project.not_critical").get()
    assert entry.actor_label == "sistem:contracts_refresh"
    out = StringIO()
    call_command("contracts_refresh", "--pemda", "35.10", stdout=out)  # today: 30 June
    assert out.getvalue().strip() == "1 kontrak dinilai, 1 kritis, 1 berubah status."
    with pytest.raises(CommandError):
        call_command("contracts_refresh", "--pemda", "99.99")
    with pytest.raises(CommandError):
        call_command("contracts_refresh", "--pemda", "35.10", "--on", "30/06/2027")


def test_a_report_that_fails_after_its_photos_were_stored_leaves_no_files(
    world, monitors, monkeypatch, settings
):
    project = running_project(world)

    def broken_audit(**kwargs):
        raise DatabaseError("the audit chain is unavailable")

    monkeypatch.setattr("spbe.monitoring.services.audit.record", broken_audit)
    with pytest.raises(DatabaseError):
        submit(world, monitors, project, photos=[photo(), photo(FAR)])
    assert not ProgressReport.objects.filter(project=project).exists()
    media = settings.MEDIA_ROOT
    assert [p for p in media.rglob("*") if p.is_file()] == []
