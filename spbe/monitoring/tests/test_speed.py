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


def _physical_from_reports(pemda, year, until, units):
    """The RFK's physical progress as computed before it was stored: the latest verified report by
    ``until`` of every project, looked up among its reports, weighted by contract value."""
    from collections import defaultdict
    from fractions import Fraction

    from django.db.models import OuterRef, Subquery

    from spbe.monitoring.models import Contract

    latest = (
        ProgressReport.objects.filter(
            project=OuterRef("pk"), state=ReportState.VERIFIED, reported_on__lte=until
        )
        .order_by("-reported_on", "-pk")
        .values("percent")[:1]
    )
    rows = (
        Project.objects.filter(pemda=pemda, year=year, unit_id__in=units)
        .annotate(verified=Subquery(latest))
        .values_list("pk", "unit_id", "sub_kegiatan_code", "verified")
    )
    values = dict(Contract.objects.filter(pemda=pemda, project__year=year).values_list("project_id", "value"))
    grouped = defaultdict(list)
    for pk, unit_id, code, verified in rows:
        percent = (
            Fraction(Decimal(verified).quantize(Decimal("0.01"))) if verified is not None else Fraction(0)
        )
        grouped[(unit_id, code)].append((percent, Fraction(values.get(pk) or 0)))
    result = {}
    for key, items in grouped.items():
        weight = sum((w for _p, w in items), Fraction(0))
        if weight:
            physical = sum((p * w for p, w in items), Fraction(0)) / weight
        else:
            physical = sum((p for p, _w in items), Fraction(0)) / len(items)
        result[key] = (physical, len(items))
    return result


def test_the_rfk_physical_progress_from_stored_figures_equals_the_reports_on_random_data(world, monitors):
    import random

    from spbe.monitoring import rfk
    from spbe.monitoring.dashboards import dashboard, kept_dashboard

    from .helpers import new_contract, new_project

    rng = random.Random(2027)
    # Uncontracted projects count in the RFK too (weighted equally when no project has a value).
    projects = [new_project(world, name="Gedung tanpa kontrak")]
    for n in range(6):
        unit = rng.choice([world.unit_a, world.unit_a2])
        actor = world.agency_operator_a if unit == world.unit_a else world.agency_operator_a2
        project = new_project(world, name=f"Jalan acak {n}", unit=unit, actor=actor)
        if n % 3:
            value = str(rng.randint(1, 900) * 1_000_000)
            new_contract(world, project, actor=actor, value=value, ocid=f"ocds-abc123-acak-{n}")
            projects.append(project)  # progress is reported under a contract
    items = []
    for project in projects[1:]:
        for _ in range(rng.randint(0, 6)):
            day = dt.date(2027, 3, 1) + dt.timedelta(days=rng.randint(0, 120))
            items.append(
                ReportSpec(project=project, reported_on=day, percent=f"{rng.randint(0, 10000) / 100:.2f}")
            )
    # The supervisors of unit A2 file theirs, unit A's their own (each reports on their own unit).
    batch = []
    for supervisor, unit in ((monitors.supervisor, world.unit_a), (monitors.supervisor_a2, world.unit_a2)):
        mine = [item for item in items if item.project.unit_id == unit.pk]
        if mine:
            batch += reports_submit_many(actor=supervisor, items=mine, as_of=TODAY)
    rng.shuffle(batch)
    reports_verify_many(
        actor=world.agency_head_a,
        reports=[r for r in batch if rng.random() < 0.6 and r.project.unit_id == world.unit_a.pk],
    )
    units = [world.unit_a.pk, world.unit_a2.pk]
    for month in range(1, 8):
        until = rfk.month_end(2027, month)
        assert rfk._physical_now(world.pemda_a, 2027, until, units) == _physical_from_reports(
            world.pemda_a, 2027, until, units
        ), month
    scoped = Project.objects.filter(pemda=world.pemda_a, year=2027).select_related("unit")
    until = rfk.month_end(2027, 6)
    # Kept now; then a report returned and one verified: the kept figures follow (a new dashboard version).
    assert kept_dashboard("35.10", scoped) == dashboard(scoped)
    assert rfk._physical(world.pemda_a, 2027, until, units) == _physical_from_reports(
        world.pemda_a, 2027, until, units
    )
    mine = next(p for p in projects[1:] if p.unit_id == world.unit_a.pk)
    left = [_submit(monitors, mine, "77.77", dt.date(2027, 6, 29)), _submit(monitors, mine, "66", TODAY)]
    report_return(actor=world.agency_head_a, report=left[0], note="Ulangi")
    report_verify(actor=world.agency_head_a, report=left[1])
    assert rfk._physical(world.pemda_a, 2027, until, units) == _physical_from_reports(
        world.pemda_a, 2027, until, units
    )
    assert kept_dashboard("35.10", scoped) == dashboard(scoped)


def test_the_daily_check_writes_only_the_projects_whose_status_moved(world, monitors):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from spbe.core.actors import system
    from spbe.core.models import AuditEntry
    from spbe.monitoring.services import projects_status_refresh

    def refresh(on):
        with CaptureQueriesContext(connection) as captured:
            projects_status_refresh(actor=system("contracts_refresh"), pemda=world.pemda_a, on=on)
        return [q["sql"] for q in captured if 'UPDATE "monitoring_project"' in q["sql"]]

    first, second = running_project(world), running_project(world)
    day = dt.date(2027, 6, 1)
    assert refresh(day)  # the first judgement writes both
    stamps = dict(Project.objects.values_list("pk", "updated_at"))
    entries = AuditEntry.objects.count()
    # The same day again: nothing moved, nothing written, nothing audited.
    assert refresh(day) == []
    assert dict(Project.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.count() == entries
    # A report recomputes its own project on TODAY; the daily check on TODAY then moves only the other.
    _submit(monitors, first, "40", dt.date(2027, 6, 20))
    stamps = dict(Project.objects.values_list("pk", "updated_at"))
    assert refresh(TODAY)
    after = dict(Project.objects.values_list("pk", "updated_at"))
    assert after[first.pk] == stamps[first.pk]
    assert after[second.pk] != stamps[second.pk]
    assert Project.objects.get(pk=second.pk).status_on == TODAY
