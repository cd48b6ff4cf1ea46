"""The monitoring dashboard: the scope of the viewer, the figures of each group, bounded queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spbe.monitoring.access import projects_for_user
from spbe.monitoring.dashboards import dashboard
from spbe.monitoring.models import Project

from .helpers import new_contract, new_project

URL = "/app/35.10/monitoring/dasbor/"


def status(project: Project, planned: str, actual: str, critical: bool = False) -> Project:
    """Set the status the daily refresh keeps, as it would have computed it."""
    deviation = Decimal(planned) - Decimal(actual)
    Project.objects.filter(pk=project.pk).update(
        planned_percent=Decimal(planned),
        actual_percent=Decimal(actual),
        deviation=deviation,
        is_critical=critical,
    )
    return project


@pytest.fixture
def works(world) -> dict[str, Project]:
    road = status(new_project(world, name="Jalan A"), "80", "60", critical=True)
    new_contract(world, road, value="1000000000.50")
    bridge = status(new_project(world, name="Jembatan A", village=world.desa_y), "50", "45")
    new_contract(world, bridge, value="500000000.25", ocid="ocds-abc123-3510-bridge")
    school = status(new_project(world, name="Sekolah A", village=None), "40", "40")
    clinic = status(
        new_project(world, name="Puskesmas A2", unit=world.unit_a2, actor=world.agency_operator_a2),
        "30",
        "10",
    )
    return {"road": road, "bridge": bridge, "school": school, "clinic": clinic}


def test_bappeda_sees_every_unit_and_the_figures_add_up(world, monitors, works):
    board = dashboard(projects_for_user(monitors.planner, world.pemda_a))
    total = board.total
    assert (total.projects, total.behind, total.critical) == (4, 3, 1)
    assert total.contract_value == Decimal("1500000000.75")  # exact: a swakelola work adds nothing
    assert (total.planned, total.actual) == (Decimal("50.00"), Decimal("38.75"))
    assert [p.name for p in board.critical] == ["Jalan A"]
    # The others behind plan, furthest behind first; the school on plan is not listed.
    assert [p.name for p in board.behind] == ["Puskesmas A2", "Jembatan A"]
    by_unit = {g.key: (g.projects, g.critical, g.planned) for g in board.by_unit}
    assert by_unit == {
        world.unit_a.code: (3, 1, Decimal("56.67")),
        world.unit_a2.code: (1, 0, Decimal("30.00")),
    }
    by_kecamatan = {g.key: g.projects for g in board.by_kecamatan}
    assert sum(by_kecamatan.values()) == 4
    assert by_kecamatan[""] == 1  # the school has no desa


def test_an_agency_sees_its_own_units_only(world, works):
    response = world.client_for(world.agency_operator_a2).get(URL)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.total.projects == 1
    assert b"Puskesmas A2" in response.content
    assert b"Jalan A" not in response.content


def test_the_page_narrows_to_a_unit_and_a_kecamatan(world, monitors, works):
    client = world.client_for(monitors.planner)
    board = client.get(URL, {"tahun": "2027", "unit": world.unit_a2.code}).context["board"]
    assert board.total.projects == 1
    kecamatan = world.desa_y.kecamatan.district_id
    board = client.get(URL, {"kecamatan": kecamatan}).context["board"]
    assert {p.name for p in Project.objects.filter(village__kecamatan__district_id=kecamatan)} >= {
        "Jembatan A"
    }
    assert board.total.projects == Project.objects.filter(village__kecamatan__district_id=kecamatan).count()
    # A unit outside the list is ignored, not an error.
    assert client.get(URL, {"unit": "9.99"}).context["board"].total.projects == 4


@pytest.mark.parametrize("who", ["operator_x", "officer_b", "camat_x", "kades_x"])
def test_whoever_does_not_monitor_gets_404(world, works, who):
    assert world.client_for(getattr(world, who)).get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(world):
    response = world.client_for(None).get(URL)
    assert response.status_code == 302


def test_the_queries_do_not_grow_with_the_projects(world, monitors, works):
    client = world.client_for(monitors.planner)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(6):
        status(new_project(world, name=f"Drainase {n}", village=world.desa_y), "20", "5", critical=n % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["board"].total.projects == 10
    assert len(many.captured_queries) == len(few.captured_queries)
