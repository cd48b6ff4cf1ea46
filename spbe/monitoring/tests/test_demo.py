"""The demo seed: a few works with photographed reports, once."""

from __future__ import annotations

import pytest

from conftest import TESTS
from spbe.monitoring import demo
from spbe.monitoring.models import (
    E81Target,
    Escalation,
    PlanPoint,
    ProgressReport,
    Project,
    ReportPhoto,
    ShowCauseMeeting,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_adds_works_with_located_photos_once(world, monkeypatch):
    monkeypatch.setattr(demo, "pemda_today", lambda pemda: TODAY)
    assert (
        demo.seed(world.pemda_a, actor=TESTS)
        == "monitoring: 3 pekerjaan, 4 laporan progres, 1 SCM, 3 baris E.81"
    )
    assert Project.objects.filter(pemda=world.pemda_a).count() == 3
    assert ProgressReport.objects.count() == 4
    assert ReportPhoto.objects.count() == 4
    assert not ReportPhoto.objects.filter(is_far=True).exists()
    assert not ReportPhoto.objects.filter(no_position=True).exists()
    assert not ReportPhoto.objects.filter(is_old=True).exists()
    assert list(Project.objects.filter(is_critical=True).values_list("name", flat=True)) == [
        "Peningkatan Jalan Rogojampi - Songgon"
    ]
    critical = Project.objects.get(is_critical=True)
    # Only the slipping contract turned critical (once), and it has its SCM I; the new work got its curve
    # from the generated file; the agency's E.81 rows came through the import.
    assert list(Escalation.objects.values_list("project_id", flat=True)) == [critical.pk]
    assert ShowCauseMeeting.objects.get().project_id == critical.pk
    started = Project.objects.get(name="Pemeliharaan Jalan Lingkar Muncar")
    assert PlanPoint.objects.filter(project=started).order_by("-on").first().percent == 100
    assert E81Target.objects.filter(unit__code=demo.UNIT_CODE).count() == 3
    assert demo.seed(world.pemda_a, actor=TESTS) == "monitoring: tidak ada yang ditambahkan"
    assert Project.objects.count() == 3
