"""Village works packages: a desa's kegiatan monitored like a regency project, read by the stage check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.core.errors import NotFound, PermissionDenied, ValidationFailed
from spbe.monitoring import village_works
from spbe.monitoring.access import project_for_user, projects_for_user
from spbe.monitoring.models import Project
from spbe.monitoring.services import contract_create, report_submit, report_verify
from spbe.villages.models import DisbursementStage
from spbe.villages.stages import stage_status
from spbe.villages.tests.stage_helpers import YEAR, released_stage

from .helpers import SITE

pytestmark = pytest.mark.django_db


def blocking(stage: Any, village: Any) -> list[str]:
    (entry,) = stage_status(stage, [village])
    return [b.code for b in entry.blockers]


def package(world: Any, kegiatan: str = "02.03.01") -> Project:
    released_stage(world)  # desa X: adopted APBDes 2027 with kegiatan 02.03.01, stage 1 released and reported
    return village_works.works_create(
        actor=world.kades_x,
        village=world.desa_x,
        year=YEAR,
        kegiatan=kegiatan,
        name="Rabat beton jalan dusun Krajan",
        location_kind="point",
        points=[SITE],
    )


def executor(world: Any) -> Any:
    return grant(
        make_user("kasi.x", world.pemda_a), world.pemda_a, Role.VILLAGE_EXECUTOR, village=world.desa_x
    )


def test_a_package_belongs_to_a_kegiatan_of_the_adopted_apbdes(world, reference_year):
    works = package(world)
    assert (works.unit_id, works.sub_kegiatan_code, works.apbdes_kegiatan) == (None, "", "02.03.01")
    assert works.place().village_id == world.desa_x.pk
    with pytest.raises(ValidationFailed, match=r"09\.09\.09"):
        package(world, kegiatan="09.09.09")
    with pytest.raises(PermissionDenied):
        village_works.works_create(
            actor=world.agency_operator_a,
            village=world.desa_x,
            year=YEAR,
            kegiatan="02.03.01",
            name="Bukan wewenang dinas",
            location_kind="point",
            points=[SITE],
        )
    assert Project.objects.count() == 1


def test_the_database_keeps_exactly_one_budget_link(world, reference_year):
    works = package(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=works.pk).update(unit=world.unit_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=works.pk).update(sub_kegiatan_code="1.03.10.2.01.0028")
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=works.pk).update(apbdes_kegiatan="")


def test_the_desa_its_camat_and_dpmd_read_it_and_others_get_404(world, reference_year):
    works = package(world)
    dpmd = grant(make_user("dpmd.works", world.pemda_a), world.pemda_a, Role.DPMD)
    for reader in (world.kades_x, world.operator_x, world.camat_x, dpmd):
        found, _can = project_for_user(reader, world.pemda_a.code, works.pk)
        assert found.pk == works.pk
    for outsider in (world.camat_y, world.agency_operator_a, world.agency_head_a):
        with pytest.raises(NotFound):
            project_for_user(outsider, world.pemda_a.code, works.pk)
    assert list(village_works.works_for_user(world.camat_x, world.pemda_a)) == [works]
    assert not village_works.works_for_user(world.camat_y, world.pemda_a).exists()
    # The regency's lists and dashboards stay the agencies' projects.
    assert not projects_for_user(world.agency_operator_a, world.pemda_a).filter(pk=works.pk).exists()


def test_the_executor_reports_the_kades_verifies_and_the_stage_check_reads_it(
    world, reference_year, monkeypatch
):
    from spbe.monitoring import services

    works = package(world)
    kasi = executor(world)
    today = dt.date(2027, 6, 30)
    monkeypatch.setattr(services, "pemda_today", lambda pemda: today)
    contract_create(
        actor=world.kades_x,
        project=works,
        method="swakelola",
        number="141/05/KRAJAN/2027",
        value="150000000",
        signed_on=dt.date(2027, 4, 1),
        starts_on=dt.date(2027, 4, 5),
        ends_on=dt.date(2027, 7, 31),
        ocid="ocds-desa01-3510-2027-0001",
    )
    two = DisbursementStage.objects.get(pemda=world.pemda_a, year=YEAR, kind="DD", number=2)
    assert "activities" in blocking(two, world.desa_x)  # stage 1 funded 02.03.01; nothing says it is done
    with pytest.raises(PermissionDenied):
        report_submit(actor=world.kades_x, project=works, reported_on=today, percent="60")
    half = report_submit(actor=kasi, project=works, reported_on=dt.date(2027, 6, 1), percent="60")
    report_verify(actor=world.kades_x, report=half)
    assert "activities" in blocking(two, world.desa_x)  # verified at 60%: unfinished
    assert village_works.kegiatan_done([world.desa_x.pk], YEAR) == [(world.desa_x.pk, "02.03.01", False)]
    done = report_submit(actor=kasi, project=works, reported_on=today, percent="100")
    assert "activities" in blocking(two, world.desa_x)  # 100% reported, not yet verified
    with pytest.raises(PermissionDenied):
        report_verify(actor=kasi, report=done)  # never by whoever submitted it
    report_verify(actor=world.kades_x, report=done)
    assert "activities" not in blocking(two, world.desa_x)
    assert village_works.kegiatan_done([world.desa_x.pk], YEAR) == [(world.desa_x.pk, "02.03.01", True)]
    finance = village_works.works_finance(works)
    assert finance.budget > 0 and finance.realised == Decimal("100000000.00")


def test_the_public_list_and_page_show_a_package_under_its_desa(world, reference_year, client):
    # Found by opening the demo: a package has no agency, and the list's agency filter sorted None with names.
    works = package(world)
    listed = client.get(f"/pemda/{world.pemda_a.code}/proyek/")
    assert listed.status_code == 200
    page = listed.content.decode()
    assert works.name in page and f"{world.desa_x.name} (pekerjaan desa)" in page
    assert '<option value="None"' not in page
    shown = client.get(f"/pemda/{world.pemda_a.code}/proyek/{works.pk}/")
    assert shown.status_code == 200
    assert "02.03.01" in shown.content.decode() and world.desa_x.name in shown.content.decode()
