"""The stored figures of spbe.monitoring.speed: each project's verified progress kept on its row, and the
answers kept per data version (the map, the dashboard) following every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from spbe.monitoring.models import ProgressReport, Project, ReportState
from spbe.monitoring.scale import ReportSpec, reports_return_many, reports_submit_many, reports_verify_many
from spbe.monitoring.services import report_return, report_submit, report_verify

from .conftest import TODAY
from .helpers import running_project

pytestmark = pytest.mark.django_db


def _latest_verified(project: Project) -> tuple[Decimal | None, dt.date | None]:
    """The latest verified report read from the reports themselves: last by date, then by filing."""
    report = (
        ProgressReport.objects.filter(project=project, state=ReportState.VERIFIED)
        .order_by("-reported_on", "-pk")
        .first()
    )
    return (report.percent, report.reported_on) if report else (None, None)


def _stored(project: Project) -> tuple[Decimal | None, dt.date | None]:
    return Project.objects.filter(pk=project.pk).values_list("verified_percent", "verified_on").get()


def _submit(monitors, project, percent, on, corrects=None):
    return report_submit(
        actor=monitors.supervisor,
        project=project,
        reported_on=on,
        percent=percent,
        note="Progres",
        photo_files=[],
        corrects=corrects,
    )


def test_the_stored_verified_progress_is_the_latest_verified_report_after_verify_return_and_correction(
    world, monitors
):
    project = running_project(world)
    head = world.agency_head_a
    assert _stored(project) == (None, None)
    first = _submit(monitors, project, "10", dt.date(2027, 4, 1))
    # Submitted is not verified: nothing public yet.
    assert _stored(project) == (None, None)
    report_verify(actor=head, report=first)
    assert _stored(project) == _latest_verified(project) == (Decimal("10.00"), dt.date(2027, 4, 1))
    wrong = _submit(monitors, project, "25", dt.date(2027, 5, 1))
    report_return(actor=head, report=wrong, note="Foto tidak sesuai lokasi")
    assert _stored(project) == _latest_verified(project) == (Decimal("10.00"), dt.date(2027, 4, 1))
    corrected = _submit(monitors, project, "18.50", dt.date(2027, 5, 1), corrects=wrong)
    report_verify(actor=head, report=corrected)
    assert _stored(project) == _latest_verified(project) == (Decimal("18.50"), dt.date(2027, 5, 1))
    # An earlier-dated report verified later does not replace the latest by date.
    late = _submit(monitors, project, "14", dt.date(2027, 4, 20))
    report_verify(actor=head, report=late)
    assert _stored(project) == _latest_verified(project) == (Decimal("18.50"), dt.date(2027, 5, 1))
    # Two verified reports on one date: the one filed later counts, as the rule reads reports.
    again = _submit(monitors, project, "17", dt.date(2027, 5, 1), corrects=corrected)
    report_verify(actor=head, report=again)
    assert _stored(project) == _latest_verified(project) == (Decimal("17.00"), dt.date(2027, 5, 1))


def test_the_batch_paths_keep_the_stored_verified_progress(world, monitors):
    project = running_project(world)
    other = running_project(world)
    head = world.agency_head_a
    batch = reports_submit_many(
        actor=monitors.supervisor,
        items=[
            ReportSpec(project=project, reported_on=dt.date(2027, 4, 1), percent="12"),
            ReportSpec(project=project, reported_on=dt.date(2027, 5, 1), percent="30"),
            ReportSpec(project=other, reported_on=dt.date(2027, 5, 1), percent="40"),
        ],
        as_of=TODAY,
    )
    reports_verify_many(actor=head, reports=[batch[0], batch[2]])
    assert _stored(project) == _latest_verified(project) == (Decimal("12.00"), dt.date(2027, 4, 1))
    assert _stored(other) == _latest_verified(other) == (Decimal("40.00"), dt.date(2027, 5, 1))
    reports_return_many(actor=head, returns=[(batch[1], "Tidak sesuai")], as_of=TODAY)
    assert _stored(project) == _latest_verified(project) == (Decimal("12.00"), dt.date(2027, 4, 1))
    reports_verify_many(
        actor=head, reports=[_submit(monitors, project, "28", dt.date(2027, 5, 2), corrects=batch[1])]
    )
    assert _stored(project) == _latest_verified(project) == (Decimal("28.00"), dt.date(2027, 5, 2))
