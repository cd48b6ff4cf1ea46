"""The planned S-curve imported from CSV/XLSX (one project or many, all or nothing) or drawn from the
contract's schedule (standard S or straight line, weekly or monthly, exact)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook

from spbe.core.errors import ImportFailed
from spbe.core.models import AuditEntry
from spbe.monitoring.curve_import import plan_from_schedule, plan_import, plans_import, schedule_points
from spbe.monitoring.models import PlanPoint

from .helpers import START, new_contract, new_project, running_project

pytestmark = pytest.mark.django_db


def _points(project):
    return list(PlanPoint.objects.filter(project=project).order_by("on").values_list("on", "percent"))


def _csv(tmp_path, text, name="kurva.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_one_projects_curve_from_csv_replaces_the_old_one(world, tmp_path):
    project = running_project(world)
    path = _csv(tmp_path, "tanggal,rencana_kumulatif\n2027-04-30,20\n31/07/2027,65.5\n2027-10-31,100\n")
    plan_import(actor=world.agency_operator_a, project=project, path=path)
    assert _points(project) == [
        (dt.date(2027, 4, 30), Decimal("20.00")),
        (dt.date(2027, 7, 31), Decimal("65.50")),
        (dt.date(2027, 10, 31), Decimal("100.00")),
    ]
    entry = AuditEntry.objects.filter(action="project.plan_set").order_by("-seq").first()
    assert entry.after["source"] == "import" and entry.before["points"][0] == ["2027-05-31", "70.00"]


def test_a_bad_file_names_every_row_and_column_and_writes_nothing(world, tmp_path):
    project = running_project(world)
    before = _points(project)
    path = _csv(
        tmp_path,
        "tanggal,rencana_kumulatif\n2027-04-31,20\n2027-05-31,abc\n2027-06-30,101\n2027-07-31,12.345\n",
    )
    with pytest.raises(ImportFailed) as failure:
        plan_import(actor=world.agency_operator_a, project=project, path=path)
    lines = [e.contract_line() for e in failure.value.errors]
    assert lines[0].startswith("row 2, column tanggal: ")
    assert lines[1].startswith("row 3, column rencana_kumulatif: ")
    assert lines[2].startswith("row 4, column rencana_kumulatif: ")
    assert lines[3].startswith("row 5, column rencana_kumulatif: ")
    assert _points(project) == before


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("2027-05-31,60\n2027-06-30,50\n2027-09-30,100\n", "row 3, column rencana_kumulatif: "),
        ("2027-05-31,60\n2027-09-30,90\n", "row 3, column rencana_kumulatif: "),
        ("2027-02-01,5\n2027-09-30,100\n", "row 2, column rencana_kumulatif: "),
        ("2027-05-31,60\n2027-05-31,70\n2027-09-30,100\n", "row 3, column tanggal: "),
    ],
    ids=["not-cumulative", "last-not-100", "before-start", "date-twice"],
)
def test_a_curve_that_is_not_an_s_curve_is_refused(world, tmp_path, rows, expected):
    project = running_project(world)
    path = _csv(tmp_path, "tanggal,rencana_kumulatif\n" + rows)
    with pytest.raises(ImportFailed) as failure:
        plan_import(actor=world.agency_operator_a, project=project, path=path)
    assert failure.value.errors[0].contract_line().startswith(expected)
    assert len(_points(project)) == 2


def test_many_projects_from_xlsx_by_number_or_ocid_all_or_nothing(world, tmp_path):
    road = running_project(world)
    bridge = new_project(world, name="Jembatan Kalibaru")
    contract = new_contract(world, bridge, number="028/PU/2027")
    book = Workbook()
    sheet = book.active
    sheet.append(["kode_proyek", "tanggal", "rencana_kumulatif"])
    sheet.append([road.pk, dt.datetime(2027, 6, 30), 50])
    sheet.append([road.pk, dt.datetime(2027, 9, 30), 100])
    sheet.append([contract.ocid, "2027-08-31", 45.25])
    sheet.append([contract.ocid, "2027-11-30", 100])
    path = tmp_path / "kurva.xlsx"
    book.save(path)
    plans_import(actor=world.agency_operator_a, pemda=world.pemda_a, path=path)
    assert _points(road) == [
        (dt.date(2027, 6, 30), Decimal("50.00")),
        (dt.date(2027, 9, 30), Decimal("100.00")),
    ]
    assert _points(bridge)[0] == (dt.date(2027, 8, 31), Decimal("45.25"))
    # One unknown project anywhere refuses the whole file.
    sheet.append([999999, "2027-08-31", 10])
    book.save(path)
    with pytest.raises(ImportFailed) as failure:
        plans_import(actor=world.agency_operator_a, pemda=world.pemda_a, path=path)
    assert [e.contract_line() for e in failure.value.errors] == [
        "row 6, column kode_proyek: pekerjaan 999999 tidak ditemukan"
    ]


def test_another_units_projects_are_not_found_in_an_import(world, tmp_path):
    road = running_project(world)
    path = _csv(tmp_path, f"kode_proyek,tanggal,rencana_kumulatif\n{road.pk},2027-09-30,100\n")
    with pytest.raises(ImportFailed) as failure:
        plans_import(actor=world.agency_operator_a2, pemda=world.pemda_a, path=path)
    assert (
        failure.value.errors[0].contract_line()
        == f"row 2, column kode_proyek: pekerjaan {road.pk} tidak ditemukan"
    )
    with pytest.raises(ImportFailed):
        plans_import(actor=world.officer_b, pemda=world.pemda_a, path=path)
    assert len(_points(road)) == 2


def test_schedule_points_are_exact():
    # 1 March to 29 March: 28 days, weekly points at 7, 14, 21 days and the end.
    end = START + dt.timedelta(days=28)
    assert schedule_points(START, end, shape="linear", step="weekly") == [
        (dt.date(2027, 3, 8), Decimal("25.00")),
        (dt.date(2027, 3, 15), Decimal("50.00")),
        (dt.date(2027, 3, 22), Decimal("75.00")),
        (end, Decimal("100.00")),
    ]
    # The S shape 3t^2 - 2t^3: t = 1/4 gives 15.625 -> 15.63 (half up), 1/2 gives 50, 3/4 84.375 -> 84.38.
    assert [v for _d, v in schedule_points(START, end, shape="s", step="weekly")] == [
        Decimal("15.63"),
        Decimal("50.00"),
        Decimal("84.38"),
        Decimal("100.00"),
    ]
    monthly = schedule_points(START, dt.date(2027, 5, 15), shape="linear", step="monthly")
    assert [d for d, _v in monthly] == [dt.date(2027, 3, 31), dt.date(2027, 4, 30), dt.date(2027, 5, 15)]
    assert monthly[-1][1] == Decimal("100.00")


def test_the_curve_drawn_from_the_contract_schedule(world):
    project = running_project(world)  # contract 1 March - 30 November 2027
    plan_from_schedule(actor=world.agency_operator_a, project=project, shape="s", step="monthly")
    points = _points(project)
    assert points[0][0] == dt.date(2027, 3, 31) and points[-1] == (dt.date(2027, 11, 30), Decimal("100.00"))
    assert len(points) == 9
    values = [v for _d, v in points]
    assert values == sorted(values)
    entry = AuditEntry.objects.filter(action="project.plan_set").order_by("-seq").first()
    assert entry.after["source"] == "schedule:s:monthly"
    project.refresh_from_db()
    assert project.status_on is not None  # the status is recomputed from the new curve


def test_the_import_curves_command(world, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    road = running_project(world)
    good = _csv(
        tmp_path,
        f"kode_proyek,tanggal,rencana_kumulatif\n{road.pk},2027-06-30,40\n{road.pk},2027-10-31,100\n",
    )
    call_command("import_curves", str(good), pemda=world.pemda_a.code)
    assert "1 kurva S pekerjaan disimpan (2 titik)" in capsys.readouterr().out
    bad = _csv(tmp_path, f"kode_proyek,tanggal,rencana_kumulatif\n{road.pk},2027-06-30,140\n", name="bad.csv")
    with pytest.raises(CommandError):
        call_command("import_curves", str(bad), pemda=world.pemda_a.code)
    assert capsys.readouterr().err.startswith("row 2, column rencana_kumulatif: ")
    assert _points(road)[0] == (dt.date(2027, 6, 30), Decimal("40.00"))
