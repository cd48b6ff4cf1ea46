"""The batch paths: many projects, reports and decisions at once, and the daily check of a whole regency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spbe.core.actors import system
from spbe.core.errors import PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.monitoring import rules, scale, selectors, services
from spbe.monitoring.models import Contract, PlanPoint, ProgressReport, Project, ReportPhoto, ReportState

from .conftest import TODAY
from .helpers import SITE, START, SUB_KEGIATAN, running_project
from .test_reports import FAR, photo

pytestmark = pytest.mark.django_db


def spec(world, number: int, **contract) -> scale.ProjectSpec:
    values: dict[str, Any] = {
        "method": "penyedia",
        "number": f"027/{number}/PU/2027",
        "value": "950000000.25",
        "signed_on": dt.date(2027, 2, 20),
        "starts_on": START,
        "ends_on": dt.date(2027, 10, 31),
        "ocid": f"ocds-abc123-batch-{number}",
        "vendor_name": "CV Karya",
    }
    values.update(contract)
    return scale.ProjectSpec(
        unit=world.unit_a,
        year=2027,
        sub_kegiatan_code=SUB_KEGIATAN,
        name=f"Rehabilitasi Jalan {number}",
        location_kind="point",
        points=[SITE],
        village=world.desa_x,
        contract=scale.ContractSpec(**values),
    )


def test_projects_and_contracts_are_created_in_one_batch_with_their_audit(world):
    made = scale.projects_create_many(
        actor=world.agency_operator_a,
        items=[spec(world, 1), spec(world, 2, method="swakelola", vendor_name="")],
    )
    assert [p.name for p in made] == ["Rehabilitasi Jalan 1", "Rehabilitasi Jalan 2"]
    contracts = Contract.objects.filter(project__in=made).order_by("project_id")
    assert [(c.method, c.vendor_name, c.value) for c in contracts] == [
        ("penyedia", "CV Karya", Decimal("950000000.25")),
        ("swakelola", "", Decimal("950000000.25")),
    ]
    actions = sorted(AuditEntry.objects.filter(object_id__in=[str(p.pk) for p in made]).values_list("action"))
    assert actions.count(("project.create",)) == 2


def test_a_bad_item_or_a_repeated_ocid_refuses_the_whole_batch(world):
    with pytest.raises(ValidationFailed, match="Baris 2"):
        scale.projects_create_many(
            actor=world.agency_operator_a, items=[spec(world, 1), spec(world, 2, vendor_name="")]
        )
    with pytest.raises(ValidationFailed, match="lebih dari satu"):
        scale.projects_create_many(
            actor=world.agency_operator_a, items=[spec(world, 1), spec(world, 2, ocid="ocds-abc123-batch-1")]
        )
    assert not Project.objects.exists()
    assert not Contract.objects.exists()


def test_only_the_agency_registers_projects(world, monitors):
    with pytest.raises(PermissionDenied):
        scale.projects_create_many(actor=monitors.supervisor, items=[spec(world, 1)])
    assert not Project.objects.exists()


def test_reports_in_bulk_are_flagged_share_identical_photos_and_set_the_status_once(world, monitors):
    project = running_project(world)
    shared = photo(taken=dt.datetime(2027, 6, 20, 9, 0))
    made = scale.reports_submit_many(
        actor=monitors.supervisor,
        items=[
            scale.ReportSpec(project, dt.date(2027, 6, 1), "35", photo_files=[shared]),
            scale.ReportSpec(
                project, dt.date(2027, 6, 29), "48.5", photo_files=[shared, photo(position=FAR)]
            ),
        ],
    )
    assert [r.percent for r in made] == [Decimal("35.00"), Decimal("48.50")]
    first, second = (ProgressReport.objects.get(pk=r.pk) for r in made)
    # The shared photo is judged against each report: taken 20 June, 9 days before the second one.
    assert not first.photo_old and not first.photo_far
    assert second.photo_old and second.photo_far
    photos = list(ReportPhoto.objects.filter(report__project=project).order_by("pk"))
    assert len(photos) == 3
    # The same bytes were checked and stored once: two records name the same files.
    assert photos[0].original.name == photos[1].original.name
    assert photos[0].thumbnail.name == photos[1].thumbnail.name
    assert photos[2].original.name != photos[0].original.name
    stored = {Path(p.original.path) for p in photos}
    assert len(stored) == 2 and all(p.exists() for p in stored)
    project.refresh_from_db()
    expected = rules.status(selectors.rule_input(project, TODAY))
    assert project.actual_percent == Decimal("48.50")
    assert project.planned_percent == Decimal(rules.two_decimals(expected.rencana))
    assert project.is_critical == expected.kritis
    assert AuditEntry.objects.filter(action="progress_report.submit").count() == 2


def test_one_bad_report_refuses_the_batch_and_leaves_no_file(world, monitors, settings):
    project = running_project(world)
    with pytest.raises(ValidationFailed, match="Baris 2"):
        scale.reports_submit_many(
            actor=monitors.supervisor,
            items=[
                scale.ReportSpec(project, dt.date(2027, 6, 1), "35", photo_files=[photo()]),
                scale.ReportSpec(project, TODAY + dt.timedelta(days=1), "40"),
            ],
        )
    assert not ProgressReport.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_supervisor_of_another_unit_cannot_report_in_bulk(world, monitors):
    project = running_project(world)
    with pytest.raises(PermissionDenied):
        scale.reports_submit_many(
            actor=monitors.supervisor_a2, items=[scale.ReportSpec(project, dt.date(2027, 6, 1), "35")]
        )


def test_verifying_in_bulk_keeps_four_eyes_and_returning_stops_a_report_counting(world, monitors):
    project = running_project(world)
    made = scale.reports_submit_many(
        actor=monitors.supervisor,
        items=[
            scale.ReportSpec(project, dt.date(2027, 6, 1), "35"),
            scale.ReportSpec(project, dt.date(2027, 6, 28), "60"),
        ],
    )
    with pytest.raises(PermissionDenied):
        scale.reports_verify_many(actor=monitors.supervisor, reports=made[:1])
    scale.reports_verify_many(actor=monitors.supervisor2, reports=made[:1])
    scale.reports_return_many(actor=monitors.supervisor2, returns=[(made[1], "Foto tidak sesuai")])
    states = dict(ProgressReport.objects.values_list("pk", "state"))
    assert states == {made[0].pk: ReportState.VERIFIED, made[1].pk: ReportState.RETURNED}
    project.refresh_from_db()
    assert project.actual_percent == Decimal("35.00")


def test_the_bulk_rule_input_judges_every_day_as_the_whole_history_does(world, monitors):
    project = running_project(world)
    days = [dt.date(2027, 3, 8), dt.date(2027, 4, 1), dt.date(2027, 5, 31), dt.date(2027, 6, 14)]
    scale.reports_submit_many(
        actor=monitors.supervisor,
        items=[
            scale.ReportSpec(project, day, percent)
            for day, percent in zip(days, ("5", "30", "58", "61.25"), strict=True)
        ]
        + [scale.ReportSpec(project, dt.date(2027, 6, 14), "59")],  # a later report on the same day counts
    )
    contract = Contract.objects.get(project=project)
    day = dt.date(2027, 2, 20)
    while day <= dt.date(2028, 1, 15):
        whole = rules.status(selectors.rule_input(project, day))
        bulk = rules.status(scale.rule_inputs([(project.pk, 2027, contract.starts_on)], day)[project.pk])
        assert bulk == whole, day
        day += dt.timedelta(days=1)


def test_the_daily_check_reads_in_bulk_whatever_the_number_of_projects(world, monitors):
    def refresh() -> int:
        with CaptureQueriesContext(connection) as queries:
            services.projects_status_refresh(actor=system("contracts_refresh"), pemda=world.pemda_a)
        return len(queries)

    running_project(world)
    refresh()  # first judgement: writes statuses
    few = refresh()
    made = scale.projects_create_many(
        actor=world.agency_operator_a, items=[spec(world, n) for n in range(1, 7)]
    )
    services.write_plans(
        actor=world.agency_operator_a,
        plans={p: [(dt.date(2027, 4, 30), Decimal(60)), (dt.date(2027, 10, 31), Decimal(100))] for p in made},
        source="entry",
    )
    refresh()
    assert refresh() == few
    assert PlanPoint.objects.filter(project__in=made).count() == 12


def test_the_daily_check_turns_a_slipping_contract_critical_once(world, monitors):
    project = running_project(world)
    scale.reports_submit_many(
        actor=monitors.supervisor,
        items=[scale.ReportSpec(project, dt.date(2027, 4, 1), "40")],
        as_of=dt.date(2027, 4, 5),  # judged that day: ahead of the plan's 26.9%
    )
    project.refresh_from_db()
    assert not project.is_critical
    later = dt.date(2027, 7, 15)  # plan beyond 70%, still 40% done
    turns = AuditEntry.objects.filter(action="project.critical", object_id=str(project.pk))
    before = turns.count()
    checker = system("contracts_refresh")
    result = services.projects_status_refresh(actor=checker, pemda=world.pemda_a, on=later)
    assert (result.assessed, result.critical, result.changed) == (1, 1, 1)
    project.refresh_from_db()
    assert project.is_critical and project.status_on == later and project.period == "II"
    assert turns.count() == before + 1
    again = services.projects_status_refresh(actor=checker, pemda=world.pemda_a, on=later)
    assert again.changed == 0
    assert turns.count() == before + 1
