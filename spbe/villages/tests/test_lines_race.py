"""A save and its retry racing on PostgreSQL: one line, never two; parallel saves number lines once each.

The retry of a save whose answer was lost can reach the server while the original is still committing.
Both must commit for real on two connections, so the run uses its own throwaway database and a script
with one thread per request. The first save holds the APBDes row lock until the script has seen, in
``pg_stat_activity``, the retry waiting for it: the overlap is proven, not hoped for. SQLite takes one
writer at a time, so the same race cannot happen there; the sequential retry is tested in test_lines.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import json, sys, threading, time, uuid
import django
django.setup()
from spbe.core.testing import wait_for_lock_waiters
from pathlib import Path
from django.db import connection, connections, transaction
from spbe.accounts.models import Role, VillageGovernment
from spbe.accounts.services import membership_grant, pemda_create, user_create
from spbe.core.actors import system
from spbe.reference.loader import load_bundled_reference
from spbe.regions.loader import load_regions
from spbe.villages.models import ApbdesLine
from spbe.villages.services import LineData, apbdes_create, apbdes_line_save

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
load_bundled_reference(2027, actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
desa = VillageGovernment.objects.get(region_id="35.10.02.2001")
operator = user_create(actor=actor, username="operator.x", password="rahasia-yang-panjang-1", pemda=pemda)
membership_grant(actor=actor, user=operator, pemda=pemda, role=Role.VILLAGE_OPERATOR, village=desa)
apbdes = apbdes_create(actor=operator, village=desa, year=2027)
connections.close_all()
data = LineData("5.1.1", "01.01.01", "ADD", "Siltap kepala desa", "36000000")
key = uuid.uuid4()
first_saved = threading.Event()
retry_waits = threading.Event()
results = {}

def original():
    try:
        with transaction.atomic():
            line, created = apbdes_line_save(actor=operator, apbdes=apbdes, idempotency_key=key, data=data)
            first_saved.set()
            if not retry_waits.wait(60):
                raise RuntimeError("the retry never waited for the lock")
        results["original"] = [line.pk, created]
    except Exception as exc:
        results["original"] = type(exc).__name__ + ": " + str(exc)
        first_saved.set()
    finally:
        connection.close()

def retry():
    try:
        first_saved.wait(60)
        line, created = apbdes_line_save(actor=operator, apbdes=apbdes, idempotency_key=key, data=data)
        results["retry"] = [line.pk, created]
    except Exception as exc:
        results["retry"] = type(exc).__name__ + ": " + str(exc)
    finally:
        connection.close()

threads = [threading.Thread(target=original), threading.Thread(target=retry)]
for t in threads:
    t.start()
first_saved.wait(60)
if wait_for_lock_waiters("%villages_apbdes%FOR UPDATE%"):
    results["overlapped"] = True
retry_waits.set()
for t in threads:
    t.join(120)

# Eight operators' saves at once, each with its own key: eight lines, numbered 2..9 once each.
start = threading.Barrier(8)
errors = []

def save_one():
    try:
        start.wait(30)
        apbdes_line_save(actor=operator, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=data)
    except Exception as exc:
        errors.append(type(exc).__name__ + ": " + str(exc))
    finally:
        connection.close()

writers = [threading.Thread(target=save_one) for _ in range(8)]
for t in writers:
    t.start()
for t in writers:
    t.join(120)
results["errors"] = errors
results["numbers"] = sorted(ApbdesLine.objects.filter(apbdes=apbdes).values_list("number", flat=True))
results["with_key"] = ApbdesLine.objects.filter(apbdes=apbdes, idempotency_key=key).count()
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_a_retry_racing_its_original_makes_one_line(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_villages_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["overlapped"] is True, results
    assert results["original"][1] is True, results
    assert results["retry"] == [results["original"][0], False], results
    assert results["with_key"] == 1
    assert results["errors"] == []
    assert results["numbers"] == list(range(1, 10))
