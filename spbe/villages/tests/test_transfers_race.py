"""Two DPMD officers adopt two scenarios of one kind and year at once on PostgreSQL: both succeed, in turn.

Adoption must commit for real on two connections, so a script runs in its own process against a throwaway
database (as the planning race tests do). The first adoption holds the lock on the group's scenarios until
a third connection sees the second one waiting on ``villages_transferscenario``; only then does it commit.
The second then finds the first's scenario adopted and un-adopts it. Without the lock both would un-adopt
the previously adopted scenario and the second adoption would break the one-adopted constraint.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import json, sys, tempfile, threading, time
import django
django.setup()
from spbe.core.testing import wait_for_lock_waiters
from pathlib import Path
from django.db import connection, connections, transaction
from spbe.accounts.models import Role, VillageGovernment
from spbe.accounts.services import membership_grant, pemda_create, user_create
from spbe.core.actors import system
from spbe.core.models import AuditEntry
from spbe.regions.loader import load_regions
from spbe.villages.models import TransferScenario
from spbe.villages.transfers import transfer_scenario_adopt, transfer_scenario_import_published

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
codes = sorted(VillageGovernment.objects.filter(pemda=pemda).values_list("region_id", flat=True))
officers = []
for name in ("dpmd.satu", "dpmd.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.DPMD)
    officers.append(user)
pks = []
with tempfile.TemporaryDirectory() as directory:
    for n, name in enumerate(("Lama", "Satu", "Dua"), start=1):
        path = Path(directory) / f"{name}.csv"
        path.write_text("kode_desa,pagu\n" + "".join(f"{c},{n * 1000}\n" for c in codes), encoding="utf-8")
        scenario = transfer_scenario_import_published(
            actor=actor, pemda=pemda, year=2027, name=name, path=path
        )
        pks.append(scenario.pk)
transfer_scenario_adopt(actor=actor, scenario=TransferScenario.objects.get(pk=pks[0]))
connections.close_all()

loaded = threading.Barrier(2)
first_adopted = threading.Event()
second_waits = threading.Event()
results = {}

def first():
    try:
        seen = TransferScenario.objects.get(pk=pks[1])
        loaded.wait(30)
        with transaction.atomic():
            transfer_scenario_adopt(actor=officers[0], scenario=seen)
            first_adopted.set()
            if not second_waits.wait(60):
                raise RuntimeError("the second adoption never waited for the lock")
        results["first"] = "ok"
    except Exception as exc:
        results["first"] = type(exc).__name__ + ": " + str(exc)
        first_adopted.set()
    finally:
        connection.close()

def second():
    try:
        seen = TransferScenario.objects.get(pk=pks[2])
        loaded.wait(30)
        first_adopted.wait(60)
        transfer_scenario_adopt(actor=officers[1], scenario=seen)
        results["second"] = "ok"
    except Exception as exc:
        results["second"] = type(exc).__name__ + ": " + str(exc)
    finally:
        connection.close()

threads = [threading.Thread(target=first), threading.Thread(target=second)]
for t in threads:
    t.start()
first_adopted.wait(60)
if wait_for_lock_waiters("%villages_transferscenario%"):
    results["overlapped"] = True
second_waits.set()
for t in threads:
    t.join(120)
results["adopted"] = list(TransferScenario.objects.filter(adopted=True).values_list("name", flat=True))
entries = AuditEntry.objects.filter(action__in=["transfer_scenario.adopt", "transfer_scenario.unadopt"])
results["trail"] = [
    [action.split(".")[1], TransferScenario.objects.get(pk=int(object_id)).name]
    for action, object_id in entries.order_by("seq").values_list("action", "object_id")
]
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_adoptions_at_once_take_turns_and_leave_one_adopted(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_transfer_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["overlapped"] is True, results
    assert (results["first"], results["second"]) == ("ok", "ok"), results
    assert results["adopted"] == ["Dua"]
    assert results["trail"] == [
        ["adopt", "Lama"],
        ["unadopt", "Lama"],
        ["adopt", "Satu"],
        ["unadopt", "Satu"],
        ["adopt", "Dua"],
    ]
