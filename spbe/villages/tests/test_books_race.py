"""Executors asking for the same budget line at once on PostgreSQL: the line is never overdrawn.

Eight payment requests of 10,000,000 race for a line of 61,000,000, each on its own connection and
committing for real (a throwaway database and a script with one thread per request). The APBDes row lock
every bookkeeping write takes makes each check of what is left see the requests committed before it: six
pass, two are refused, and the numbers are 1..6 once each. The first request holds the lock until the
script has seen the seven others waiting for it in ``pg_stat_activity``. SQLite takes one writer at a
time, so the race cannot happen there; the sequential refusal is tested in test_books.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import json, sys, threading, uuid
import django
django.setup()
from pathlib import Path
from django.db import connection, connections, transaction
from spbe.core.testing import wait_for_lock_waiters
from spbe.accounts.models import VillageGovernment
from spbe.accounts.services import pemda_create
from spbe.core.actors import system
from spbe.reference.loader import load_bundled_reference
from spbe.regions.loader import load_regions
from spbe.villages import books
from spbe.villages.models import ApbdesLine
from spbe.villages.models_books import Spp
from spbe.villages.services import LineData, apbdes_adopt, apbdes_create, apbdes_line_save, apbdes_move

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
load_bundled_reference(2027, actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
desa = VillageGovernment.objects.get(region_id="35.10.02.2001")
apbdes = apbdes_create(actor=actor, village=desa, year=2027)
for data in [
    LineData("4.2.1", "", "DDS", "Dana Desa", "61000000"),
    LineData("5.3.5", "02.03.01", "DDS", "Jalan", "61000000"),
]:
    apbdes_line_save(actor=actor, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=data)
for step in ("agree", "submit", "approve"):
    apbdes_move(actor=actor, apbdes=apbdes, action=step)
apbdes_adopt(actor=actor, apbdes=apbdes)
road = ApbdesLine.objects.get(apbdes=apbdes, account_code="5.3.5")
connections.close_all()
results = {"created": 0, "refused": [], "errors": []}
guard = threading.Lock()
first_made, release = threading.Event(), threading.Event()

def ask(hold=False):
    try:
        with transaction.atomic():
            books.spp_create(
                actor=actor, village=desa, year=2027, kind="definitif", activity_code="02.03.01",
                description="Material", lines=[books.SppLineData(road.pk, "10000000")],
            )
            if hold:  # the first request keeps the APBDes lock until the seven others wait for it
                first_made.set()
                release.wait(90)
        with guard:
            results["created"] += 1
    except Exception as exc:
        with guard:
            key = "refused" if "melebihi sisa anggaran" in str(exc) else "errors"
            results[key].append(type(exc).__name__ + ": " + str(exc))
    finally:
        first_made.set()
        connection.close()

first = threading.Thread(target=ask, kwargs={"hold": True})
first.start()
first_made.wait(60)
others = [threading.Thread(target=ask) for _ in range(7)]
for t in others:
    t.start()
results["waiting"] = len(wait_for_lock_waiters("%villages_apbdes%FOR UPDATE%", at_least=7, timeout=60))
release.set()
for t in [first, *others]:
    t.join(120)
results["numbers"] = sorted(Spp.objects.values_list("number", flat=True))
results["held"] = str(books.committed(desa, 2027)[("02.03.01", "5.3.5", "", road.number)])
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_racing_requests_never_overdraw_a_line(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_books_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["errors"] == [], results
    assert results["waiting"] == 7, results  # the overlap is proven, not hoped for
    assert results["created"] == 6 and len(results["refused"]) == 2, results
    assert results["numbers"] == [1, 2, 3, 4, 5, 6]
    assert results["held"] == "60000000.00"
