"""The demo year, shrunk to a few projects on one sub-kegiatan: every piece goes through the batch paths."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import TESTS
from spbe.monitoring import demo_scale
from spbe.monitoring.models import Contract, PlanPoint, ProgressReport, Project, ReportPhoto, ReportState

from .helpers import SUB_KEGIATAN

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2027, 11, 15)


def test_the_year_seeds_contracted_projects_with_curves_located_photos_and_decisions_once(world, monkeypatch):
    monkeypatch.setattr(demo_scale, "YEAR", 2027)
    monkeypatch.setattr(demo_scale, "AS_OF", AS_OF)
    monkeypatch.setattr(demo_scale, "PHASES", tuple(AS_OF - dt.timedelta(days=d) for d in (63, 35, 12, 0)))
    monkeypatch.setattr(
        demo_scale, "_capital_subs", lambda pemda: [(world.unit_a, SUB_KEGIATAN, Decimal("4000000000.00"))]
    )
    summary = demo_scale.seed_year(world.pemda_a, actor=TESTS)
    assert summary.startswith("setahun 2027 per 2027-11-15: 8 pekerjaan")
    projects = list(Project.objects.filter(pemda=world.pemda_a))
    assert len(projects) == 8
    contracts = Contract.objects.filter(project__in=projects)
    # The packages share out part of the sub-kegiatan's capital budget, exactly in rupiah.
    total = sum(c.value for c in contracts)
    assert Decimal("2800000000") <= total <= Decimal("3800000000")
    assert all(c.ocid.startswith(demo_scale.OCID_PREFIX) for c in contracts)
    for project in projects:
        last = PlanPoint.objects.filter(project=project).order_by("-on").first()
        assert last is not None and last.percent == 100
        assert project.status_on == AS_OF  # judged on the demo's day, by the last batch
    reports = ProgressReport.objects.filter(project__in=projects)
    assert reports.filter(state=ReportState.VERIFIED).exists()
    assert reports.filter(reported_on__gt=AS_OF - dt.timedelta(days=14), state=ReportState.SUBMITTED).exists()
    assert not reports.filter(reported_on__gt=AS_OF).exists()
    located = ReportPhoto.objects.filter(report__project__in=projects, latitude__isnull=False)
    assert located.exists()
    for lat, lon in located.values_list("latitude", "longitude"):
        assert Decimal("-8.9") < lat < Decimal("-7.9") and Decimal("113.8") < lon < Decimal("114.7")
    assert demo_scale.seed_year(world.pemda_a, actor=TESTS) == ""
    assert Project.objects.filter(pemda=world.pemda_a).count() == 8


def test_the_year_needs_an_adopted_budget(world):
    assert demo_scale.seed_year(world.pemda_a, actor=TESTS) == ""
    assert demo_scale.seed_village_works(world.pemda_a, actor=TESTS) == ""
    assert not Project.objects.exists()
