"""Projects, contracts, addenda and S-curves through the services: permission, validation, database, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.monitoring.access import project_for_user
from spbe.monitoring.models import Addendum, Contract, PlanPoint, Project
from spbe.monitoring.services import addendum_create, plan_set

from .helpers import SITE, SUB_KEGIATAN, new_contract, new_project, running_project

pytestmark = pytest.mark.django_db


def test_it_creates_a_project_at_a_point_with_its_audit_entry(world):
    project = new_project(world)
    stored = Project.objects.get(pk=project.pk)
    assert (stored.pemda_id, stored.unit_id, stored.year) == ("35.10", world.unit_a.pk, 2027)
    assert stored.coordinates == [["114.369100", "-8.219200"]]
    assert (stored.latitude, stored.longitude) == SITE
    entry = AuditEntry.objects.get(action="project.create")
    assert (entry.pemda_code, entry.object_id) == ("35.10", str(project.pk))
    assert entry.after["sub_kegiatan_code"] == SUB_KEGIATAN
    assert entry.actor_label == "agency.operator.a"


def test_a_line_keeps_every_position_longitude_first(world):
    project = new_project(
        world,
        location_kind="line",
        points=[SITE, (Decimal("-8.220000"), Decimal("114.370000")), (Decimal("-8.221"), Decimal("114.371"))],
    )
    assert Project.objects.get(pk=project.pk).coordinates == [
        ["114.369100", "-8.219200"],
        ["114.370000", "-8.220000"],
        ["114.371000", "-8.221000"],
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sub_kegiatan_code": "1.03.10.2.01"}, "sub_kegiatan_code"),  # a kegiatan, not a sub-kegiatan
        ({"sub_kegiatan_code": "9.99.99.2.01.0001"}, "sub_kegiatan_code"),
        ({"location_kind": "point", "points": []}, "coordinates"),
        ({"location_kind": "line", "points": [SITE]}, "coordinates"),
        ({"location_kind": "area"}, "location_kind"),
        ({"points": [(Decimal("-95"), Decimal("114"))]}, "coordinates"),
        ({"points": [(Decimal("-8.1234567"), Decimal("114"))]}, "coordinates"),
        ({"name": "  "}, "name"),
        ({"year": 1999}, "year"),
    ],
)
def test_invalid_projects_are_refused_and_nothing_is_written(world, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        new_project(world, **fields)
    assert refused.value.field == field
    assert not Project.objects.exists()
    assert not AuditEntry.objects.filter(action="project.create").exists()


def test_only_the_agency_of_the_unit_manages_its_projects(world, monitors):
    for outsider in (world.agency_operator_a2, monitors.supervisor, monitors.planner, world.camat_x):
        with pytest.raises(PermissionDenied):
            new_project(world, actor=outsider)
    with pytest.raises(PermissionDenied):
        new_project(world, actor=None)
    assert not Project.objects.exists()
    assert new_project(world, actor=world.agency_head_a).unit_id == world.unit_a.pk


def test_the_project_is_seen_by_its_unit_and_the_evaluators_only(world, monitors):
    project = new_project(world)
    for insider in (
        monitors.supervisor,
        world.agency_operator_a,
        world.agency_head_a,
        monitors.planner,
        world.auditor,
    ):
        found, _can = project_for_user(insider, "35.10", project.pk)
        assert found == project
    _project, supervisor_can = project_for_user(monitors.supervisor, "35.10", project.pk)
    assert (supervisor_can.report, supervisor_can.manage) == (True, False)
    _project, planner_can = project_for_user(monitors.planner, "35.10", project.pk)
    assert (planner_can.report, planner_can.verify, planner_can.view_originals) == (False, False, False)
    outsiders = (
        world.officer_b,
        world.agency_operator_a2,
        monitors.supervisor_a2,
        world.camat_x,
        world.operator_x,
        world.kades_x,
        world.platform,
    )
    for outsider in outsiders:
        with pytest.raises(NotFound):
            project_for_user(outsider, "35.10", project.pk)
    with pytest.raises(NotFound):
        project_for_user(world.officer_b, "19.06", project.pk)


def test_a_contract_with_a_vendor_and_a_swakelola_without(world):
    project = new_project(world)
    contract = new_contract(world, project)
    stored = Contract.objects.get(pk=contract.pk)
    assert (stored.vendor_name, stored.value, stored.ocid) == (
        "CV Maju Jaya",
        Decimal("1250000000.50"),
        f"ocds-abc123-3510-{project.pk}",
    )
    entry = AuditEntry.objects.get(action="contract.create")
    assert entry.after["value"] == "1250000000.50"
    own = new_project(world, name="Pembangunan Saluran Swakelola")
    swakelola = new_contract(world, own, method="swakelola", vendor_name="", number="SW-1")
    assert Contract.objects.get(pk=swakelola.pk).vendor_name == ""


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"method": "swakelola"}, "vendor_name"),  # swakelola with a vendor
        ({"vendor_name": " "}, "vendor_name"),  # a vendor contract without one
        ({"method": "lelang"}, "method"),
        ({"ends_on": dt.date(2027, 2, 28)}, "ends_on"),
        ({"signed_on": dt.date(2027, 3, 2)}, "starts_on"),
        ({"ocid": "OCDS-123"}, "ocid"),
        ({"value": "-1"}, "value"),
        ({"value": Decimal("12.345")}, "value"),  # a third decimal
    ],
)
def test_invalid_contracts_are_refused(world, fields, field):
    project = new_project(world)
    with pytest.raises(ValidationFailed) as refused:
        new_contract(world, project, **fields)
    assert refused.value.field == field
    assert not Contract.objects.exists()


def test_one_contract_per_project_and_one_project_per_ocid(world):
    project = new_project(world)
    new_contract(world, project, ocid="ocds-abc123-1")
    with pytest.raises(Conflict):
        new_contract(world, project, ocid="ocds-abc123-2")
    other = new_project(world, name="Jembatan Kali Setail")
    with pytest.raises(ValidationFailed) as refused:
        new_contract(world, other, ocid="ocds-abc123-1")
    assert refused.value.field == "ocid"
    assert Contract.objects.count() == 1


def test_the_database_refuses_a_vendor_on_swakelola(world):
    contract = new_contract(world, new_project(world))
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(method="swakelola")


def test_an_addendum_changes_the_contract_and_keeps_the_history(world):
    contract = new_contract(world, new_project(world))
    first = addendum_create(
        actor=world.agency_head_a,
        contract=contract,
        signed_on=dt.date(2027, 6, 1),
        reason="Pekerjaan tambah drainase",
        value="1300000000",
    )
    second = addendum_create(
        actor=world.agency_operator_a,
        contract=contract,
        signed_on=dt.date(2027, 8, 1),
        reason="Cuaca ekstrem",
        ends_on=dt.date(2027, 12, 20),
    )
    contract.refresh_from_db()
    assert (contract.value, contract.ends_on) == (Decimal("1300000000.00"), dt.date(2027, 12, 20))
    rows = list(
        Addendum.objects.filter(contract=contract).values_list(
            "number", "value_before", "value_after", "ends_on_before", "ends_on_after"
        )
    )
    assert rows == [
        (1, Decimal("1250000000.50"), Decimal("1300000000.00"), dt.date(2027, 11, 30), dt.date(2027, 11, 30)),
        (2, Decimal("1300000000.00"), Decimal("1300000000.00"), dt.date(2027, 11, 30), dt.date(2027, 12, 20)),
    ]
    assert (first.number, second.number) == (1, 2)
    entries = AuditEntry.objects.filter(action="contract.addendum").order_by("seq")
    assert [e.before["value"] for e in entries] == ["1250000000.50", "1300000000.00"]
    assert entries[1].after["ends_on"] == "2027-12-20"


def test_an_addendum_must_change_something_and_give_a_reason(world, monitors):
    contract = new_contract(world, new_project(world))
    day = dt.date(2027, 6, 1)
    with pytest.raises(ValidationFailed):
        addendum_create(actor=world.agency_head_a, contract=contract, signed_on=day, reason="x")
    with pytest.raises(ValidationFailed):
        addendum_create(actor=world.agency_head_a, contract=contract, signed_on=day, reason=" ", value="1")
    with pytest.raises(ValidationFailed):
        addendum_create(
            actor=world.agency_head_a, contract=contract, signed_on=day, reason="x", value="1250000000.50"
        )
    with pytest.raises(ValidationFailed):
        addendum_create(
            actor=world.agency_head_a,
            contract=contract,
            signed_on=day,
            reason="x",
            ends_on=dt.date(2027, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        addendum_create(actor=monitors.supervisor, contract=contract, signed_on=day, reason="x", value="1")
    assert not Addendum.objects.exists()


def test_the_s_curve_is_cumulative_from_the_contract_start_and_replaced_whole(world):
    project = running_project(world)
    assert list(PlanPoint.objects.filter(project=project).values_list("on", "percent")) == [
        (dt.date(2027, 5, 31), Decimal("70.00")),
        (dt.date(2027, 9, 30), Decimal("100.00")),
    ]
    with pytest.raises(ValidationFailed, match="tidak kumulatif"):
        plan_set(
            actor=world.agency_operator_a,
            project=project,
            points=[(dt.date(2027, 4, 1), "40"), (dt.date(2027, 5, 1), "30")],
        )
    with pytest.raises(ValidationFailed, match="harus 0"):
        plan_set(actor=world.agency_operator_a, project=project, points=[(dt.date(2027, 2, 1), "10")])
    with pytest.raises(ValidationFailed):
        plan_set(actor=world.agency_operator_a, project=project, points=[(dt.date(2027, 4, 1), "100.5")])
    assert PlanPoint.objects.filter(project=project).count() == 2
    plan_set(actor=world.agency_operator_a, project=project, points=[(dt.date(2027, 8, 31), "100")])
    assert list(PlanPoint.objects.filter(project=project).values_list("percent", flat=True)) == [
        Decimal("100.00")
    ]
    entry = AuditEntry.objects.filter(action="project.plan_set").order_by("-seq").first()
    assert entry.before["points"] == [["2027-05-31", "70.00"], ["2027-09-30", "100.00"]]
    assert entry.after["points"] == [["2027-08-31", "100.00"]]


def test_a_plan_needs_a_contract_first(world):
    project = new_project(world)
    with pytest.raises(Conflict):
        plan_set(actor=world.agency_operator_a, project=project, points=[(dt.date(2027, 5, 1), "50")])


def test_every_audit_code_has_a_readable_label(world, monitors):
    from spbe.core import audit_labels
    from spbe.monitoring.services import report_submit, report_verify

    project = running_project(world)
    addendum_create(
        actor=world.agency_head_a,
        contract=project.contract,
        signed_on=dt.date(2027, 6, 1),
        reason="x",
        value="1",
    )
    report = report_submit(
        actor=monitors.supervisor, project=project, reported_on=dt.date(2027, 6, 1), percent="10"
    )
    report_verify(actor=world.agency_head_a, report=report)
    actions = set(AuditEntry.objects.filter(pemda_code="35.10").values_list("action", flat=True))
    monitoring = {a for a in actions if a.split(".")[0] in {"project", "contract", "progress_report"}}
    assert {"project.create", "project.critical", "contract.addendum", "progress_report.verify"} <= monitoring
    assert [a for a in monitoring if audit_labels.action_label(a) == a] == []
    assert audit_labels.describe("monitoring.project", [str(project.pk)]) == {
        str(project.pk): "2027 Rehabilitasi Jalan Genteng - Kalibaru"
    }
