"""Real commits on PostgreSQL: tickets handed out once under concurrent submissions, escalation once.

Writers run as threads of a script in its own process against a throwaway database
(:mod:`spbe.core.testing`), because a test's rolled-back transaction cannot commit on two connections.
SQLite takes one writer at a time, so the same races cannot happen there.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import datetime as dt, json, sys, threading
import django
django.setup()
from pathlib import Path
from django.db import connection
from spbe.accounts.services import pemda_create
from spbe.complaints.models import Complaint, ComplaintEntry
from spbe.complaints.services import ComplainantData, complaint_submit, complaints_escalate
from spbe.core.actors import system
from spbe.core.models import AuditEntry
from spbe.regions.loader import load_regions

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
results = {"errors": []}
start = threading.Barrier(3)
tickets = []

def submit_five():
    try:
        start.wait(30)
        for _ in range(5):
            c = complaint_submit(
                actor=system("pengaduan-web"), pemda=pemda, channel="web", subject="Lampu mati",
                description="Gelap", complainant=ComplainantData(name="Warga"),
            )
            tickets.append(c.ticket)
    except Exception as exc:
        results["errors"].append(repr(exc))
    finally:
        connection.close()

writers = [threading.Thread(target=submit_five) for _ in range(3)]
for t in writers:
    t.start()
for t in writers:
    t.join(120)
results["numbers"] = sorted(int(t.rsplit("-", 1)[1]) for t in tickets)
results["unique"] = len(set(tickets))

Complaint.objects.update(due_on=dt.date(2000, 1, 1))
later = dt.datetime(2000, 2, 1, tzinfo=dt.UTC)
go = threading.Barrier(2)
counts = []

def escalate():
    try:
        go.wait(30)
        counts.append(len(complaints_escalate(actor=system("escalate_complaints"), now=later)))
    except Exception as exc:
        results["errors"].append(repr(exc))
    finally:
        connection.close()

runners = [threading.Thread(target=escalate) for _ in range(2)]
for t in runners:
    t.start()
for t in runners:
    t.join(120)
results["escalated"] = sum(counts)
results["escalation_entries"] = ComplaintEntry.objects.filter(kind="escalated").count()
results["escalation_audit"] = AuditEntry.objects.filter(action="complaint.escalate").count()
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_concurrent_submissions_and_escalations_never_repeat(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_complaints_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["errors"] == [], results
    assert results["numbers"] == list(range(1, 16))
    assert results["unique"] == 15
    assert results["escalated"] == 15
    assert results["escalation_entries"] == 15
    assert results["escalation_audit"] == 15
