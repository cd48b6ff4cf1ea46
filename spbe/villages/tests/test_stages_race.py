"""Two DPMD officers release the same stage to the same desa at once on PostgreSQL: one release, one refusal.

The release must commit for real on two connections, so a script runs in its own process against a
throwaway database. The first release holds the stage row's lock until a third connection sees the second
waiting on ``villages_disbursementstage``; the second then evaluates the conditions again under the lock,
finds the stage released and is refused with a Conflict, never a second payment.
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
from spbe.villages.models import Apbdes, DisbursementStage, StageRelease
from spbe.villages.stages import StageSpec, stage_plan_set, stage_release
from spbe.villages.transfer_lines import allocation_adopt
from spbe.villages.transfers import transfer_scenario_import_published

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
villages = list(VillageGovernment.objects.filter(pemda=pemda).order_by("region_id"))
officers = []
for name in ("dpmd.satu", "dpmd.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.DPMD)
    officers.append(user)
with tempfile.TemporaryDirectory() as directory:
    path = Path(directory) / "dd.csv"
    rows = "".join(f"{v.region_id},1000000001\n" for v in villages)
    path.write_text("kode_desa,pagu\n" + rows, encoding="utf-8")
    scenario = transfer_scenario_import_published(actor=actor, pemda=pemda, year=2027, name="DD", path=path)
allocation_adopt(actor=actor, scenario=scenario)
stage_plan_set(actor=actor, pemda=pemda, year=2027, kind="DD", stages=[StageSpec("40"), StageSpec("60")])
desa = villages[0]
# An adopted APBDes (its lines do not matter to the release).
Apbdes.objects.create(
    pemda=pemda, village=desa, year=2027, version_state="frozen", stage="adopted", content_hash="0" * 64
)
stage = DisbursementStage.objects.get(pemda=pemda, year=2027, number=1)
connections.close_all()

loaded = threading.Barrier(2)
first_released = threading.Event()
second_waits = threading.Event()
results = {}

def first():
    try:
        loaded.wait(30)
        with transaction.atomic():
            stage_release(actor=officers[0], stage=stage, village=desa)
            first_released.set()
            if not second_waits.wait(60):
                raise RuntimeError("the second release never waited for the lock")
        results["first"] = "ok"
    except Exception as exc:
        results["first"] = type(exc).__name__ + ": " + str(exc)
        first_released.set()
    finally:
        connection.close()

def second():
    try:
        loaded.wait(30)
        first_released.wait(60)
        stage_release(actor=officers[1], stage=stage, village=desa)
        results["second"] = "ok"
    except Exception as exc:
        results["second"] = type(exc).__name__
    finally:
        connection.close()

threads = [threading.Thread(target=first), threading.Thread(target=second)]
for t in threads:
    t.start()
first_released.wait(60)
if wait_for_lock_waiters("%villages_disbursementstage%"):
    results["overlapped"] = True
second_waits.set()
for t in threads:
    t.join(120)
results["releases"] = [str(a) for a in StageRelease.objects.values_list("amount", flat=True)]
results["audited"] = AuditEntry.objects.filter(action="disbursement_stage.release").count()
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_releases_at_once_make_one_payment(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_stage_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["overlapped"] is True, results
    assert (results["first"], results["second"]) == ("ok", "Conflict"), results
    assert results["releases"] == ["400000000.00"]  # 40% of 1,000,000,001; the odd rupiah is 60%'s
    assert results["audited"] == 1
