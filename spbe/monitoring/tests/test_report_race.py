"""Two supervisors report on one project at once on PostgreSQL: the status counts both reports.

Reports must commit for real on two connections, so a script runs in its own process against a throwaway
database. The first report's transaction stays open until a third connection sees the second report
waiting on ``monitoring_project``; only then does it commit. Without the project lock taken first, the
second would compute its status without the first (uncommitted) report and overwrite the first's status
with it: 40% reported, when 80% is the latest.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import datetime as dt, json, sys, threading, time
import django
django.setup()
from spbe.core.testing import wait_for_lock_waiters
from decimal import Decimal
from pathlib import Path
from django.db import connection, connections, transaction
from spbe.accounts.models import Role
from spbe.accounts.services import membership_grant, pemda_create, unit_create, user_create
from spbe.core.actors import system
from spbe.monitoring import escalation
from spbe.monitoring.models import ProgressReport, Project
from spbe.monitoring.services import contract_create, pemda_today, plan_set, project_create, report_submit
from spbe.reference.loader import load_bundled_reference
from spbe.regions.loader import load_regions

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
load_bundled_reference(2027, actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
unit = unit_create(actor=actor, pemda=pemda, code="1.03.0.00.0.00.02.0000", name="Dinas PU", kind="dinas")
supervisors = []
for name in ("pengawas.satu", "pengawas.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.FIELD_SUPERVISOR, unit=unit)
    supervisors.append(user)
today = pemda_today(pemda)
project = project_create(
    actor=actor, unit=unit, year=2027, sub_kegiatan_code="1.03.10.2.01.0028", name="Jalan",
    location_kind="point", points=[(Decimal("-8.2192"), Decimal("114.3691"))],
)
contract_create(
    actor=actor, project=project, method="penyedia", number="K-1", vendor_name="CV A", value="1000",
    signed_on=today - dt.timedelta(days=90), starts_on=today - dt.timedelta(days=90),
    ends_on=today + dt.timedelta(days=90), ocid="ocds-abc123-race",
)
plan_set(actor=actor, project=project, points=[(today, "80"), (today + dt.timedelta(days=90), "100")])
connections.close_all()

loaded = threading.Barrier(2)
first_reported = threading.Event()
second_waits = threading.Event()
results = {}

# The first report keeps its transaction open from inside the service (report_submit runs its own durable
# transaction, which no test may wrap): after its status work, before its commit.
decide_outcomes = escalation.decide_outcomes

def held(actor, report):
    decide_outcomes(actor, report)
    if threading.current_thread().name == "first":
        first_reported.set()
        if not second_waits.wait(60):
            raise RuntimeError("the second report never waited for the project")

escalation.decide_outcomes = held

def first():
    try:
        seen = Project.objects.select_related("pemda").get(pk=project.pk)
        loaded.wait(30)
        report_submit(actor=supervisors[0], project=seen, reported_on=today, percent="80")
        results["first"] = "ok"
    except Exception as exc:
        results["first"] = type(exc).__name__ + ": " + str(exc)
        first_reported.set()
    finally:
        connection.close()

def second():
    try:
        seen = Project.objects.select_related("pemda").get(pk=project.pk)
        loaded.wait(30)
        first_reported.wait(60)
        earlier = today - dt.timedelta(days=5)
        report_submit(actor=supervisors[1], project=seen, reported_on=earlier, percent="40")
        results["second"] = "ok"
    except Exception as exc:
        results["second"] = type(exc).__name__ + ": " + str(exc)
    finally:
        connection.close()

threads = [threading.Thread(target=first, name="first"), threading.Thread(target=second, name="second")]
for t in threads:
    t.start()
first_reported.wait(60)
if wait_for_lock_waiters("%monitoring_project%"):
    results["overlapped"] = True
second_waits.set()
for t in threads:
    t.join(120)
stored = Project.objects.get(pk=project.pk)
results["reports"] = ProgressReport.objects.filter(project=project).count()
results["actual"] = str(stored.actual_percent)
results["critical"] = stored.is_critical
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_reports_at_once_both_count_in_the_status(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_report_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["first"] == "ok", results
    assert results["second"] == "ok", results
    assert results.get("overlapped") is True, results
    assert results["reports"] == 2
    assert results["actual"] == "80.00"
    assert results["critical"] is False
