"""Two people change the same APBDes line at once on PostgreSQL: one change wins, the other is refused.

Both opened the form on the same line (the same fingerprint). The first change holds the APBDes row lock
until the script has seen, in ``pg_stat_activity``, the second waiting for it: the overlap is proven, not
hoped for. The second then re-reads the line under the lock, finds it changed, and is refused with
Conflict: never a silent overwrite. SQLite takes one writer at a time; the sequential stale edit is tested
in test_entry_pages.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import json, sys, threading, uuid
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
from spbe.villages import entry
from spbe.villages.models import ApbdesLine
from spbe.villages.services import LineData, apbdes_create, apbdes_line_save

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
load_bundled_reference(2027, actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
desa = VillageGovernment.objects.get(region_id="35.10.02.2001")
people = []
for name, role in (("operator.x", Role.VILLAGE_OPERATOR), ("sekdes.x", Role.VILLAGE_SECRETARY)):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=role, village=desa)
    people.append(user)
operator, sekdes = people
apbdes = apbdes_create(actor=operator, village=desa, year=2027)
line, _ = apbdes_line_save(
    actor=operator, apbdes=apbdes, idempotency_key=uuid.uuid4(),
    data=LineData("5.3.5", "02.03.01", "DDS", "Rabat beton", "60000000"),
)
seen = entry.line_fingerprint(line)
connections.close_all()
first_changed = threading.Event()
second_waits = threading.Event()
results = {}

def change(who, amount, *, hold):
    try:
        with transaction.atomic():
            entry.apbdes_line_change(
                actor=who, apbdes=apbdes, line_id=line.pk, seen=seen,
                data=LineData("5.3.5", "02.03.01", "DDS", "Rabat beton", amount),
            )
            if hold:
                first_changed.set()
                if not second_waits.wait(60):
                    raise RuntimeError("the second change never waited for the lock")
        results[who.username] = "changed"
    except Exception as exc:
        results[who.username] = type(exc).__name__
        first_changed.set()
    finally:
        connection.close()

def second():
    first_changed.wait(60)
    change(sekdes, "70000000", hold=False)

threads = [threading.Thread(target=change, args=(operator, "65000000"), kwargs={"hold": True}),
           threading.Thread(target=second)]
for t in threads:
    t.start()
first_changed.wait(60)
if wait_for_lock_waiters("%villages_apbdes%FOR UPDATE%"):
    results["overlapped"] = True
second_waits.set()
for t in threads:
    t.join(120)
results["amount"] = str(ApbdesLine.objects.get(pk=line.pk).amount)
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_changes_of_the_same_line_one_wins_the_other_is_refused(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_villages_entry_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["overlapped"] is True, results
    assert results["operator.x"] == "changed", results
    assert results["sekdes.x"] == "Conflict", results
    assert results["amount"] == "65000000.00"
