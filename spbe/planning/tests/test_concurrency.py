"""Two officers decide the same proposal at once on PostgreSQL: one wins, the other gets Conflict.

The deciders must commit for real on two connections, which a test's rolled-back transaction cannot do,
so the run uses its own throwaway database (migrated from scratch) and a script in a separate process
with one thread (and so one connection) per officer. The first officer's transaction holds the row until
the script has seen, in ``pg_stat_activity``, the second officer waiting for its row: the overlap is proven,
not hoped for. SQLite takes one writer at a time, so the same race cannot happen there; the stale-state
Conflict is tested on both in test_services.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import json, sys, threading, time
import django
django.setup()
from spbe.core.testing import wait_for_lock_waiters
from decimal import Decimal
from django.db import connection, connections, transaction
from spbe.accounts.models import Role, VillageGovernment
from spbe.accounts.services import membership_grant, pemda_create, unit_create, user_create
from spbe.core.actors import system
from spbe.core.errors import Conflict
from spbe.planning.models import Decision, Proposal
from spbe.planning.services import proposal_create, proposal_decide, proposal_submit
from spbe.regions.loader import load_regions

actor = system("tests")
from pathlib import Path
load_regions(Path(sys.argv[1]), actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
unit = unit_create(actor=actor, pemda=pemda, code="1.03.0.00.0.00.02.0000", name="Dinas PU", kind="dinas")
desa = VillageGovernment.objects.get(region_id="35.10.02.2001")
officers = []
for name in ("camat.satu", "camat.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.CAMAT, unit=desa.kecamatan)
    officers.append(user)
proposal = proposal_create(
    actor=actor, village=desa, year=2028, source="musrenbang", title="Jalan", problem="Rusak",
    volume=Decimal("10"), unit_of_measure="m", estimated_cost=Decimal("1000"), suggested_unit=unit,
)
proposal_submit(actor=actor, proposal=proposal)
proposal_decide(actor=actor, proposal=proposal, outcome="forward")
pk = proposal.pk
connections.close_all()

loaded = threading.Barrier(2)
first_updated = threading.Event()
second_waits = threading.Event()
results = {}

def first():
    try:
        seen = Proposal.objects.get(pk=pk)
        loaded.wait(30)
        with transaction.atomic():
            proposal_decide(actor=officers[0], proposal=seen, outcome="forward")
            first_updated.set()
            if not second_waits.wait(60):
                raise RuntimeError("the second officer never waited for the row")
        results["first"] = "ok"
    except Exception as exc:
        results["first"] = type(exc).__name__ + ": " + str(exc)
        first_updated.set()
    finally:
        connection.close()

def second():
    try:
        seen = Proposal.objects.get(pk=pk)
        loaded.wait(30)
        first_updated.wait(60)
        proposal_decide(actor=officers[1], proposal=seen, outcome="reject", note="Tidak prioritas")
        results["second"] = "ok"
    except Conflict as exc:
        results["second"] = "Conflict: " + exc.message
    except Exception as exc:
        results["second"] = type(exc).__name__ + ": " + str(exc)
    finally:
        connection.close()

threads = [threading.Thread(target=first), threading.Thread(target=second)]
for t in threads:
    t.start()
first_updated.wait(60)
# A third connection watches for the second officer blocked on the first officer's lock of the proposal
# row (its SELECT ... FOR UPDATE in _move, or the workflow's conditional UPDATE).
if wait_for_lock_waiters("%planning_proposal%", not_like="%accounts_pemda%"):
    results["overlapped"] = True
second_waits.set()
for t in threads:
    t.join(120)
final = Proposal.objects.get(pk=pk)
results["state"] = final.state
results["kecamatan_decisions"] = list(
    Decision.objects.filter(proposal_id=pk, stage="kecamatan").values_list("outcome", "actor_label")
)

# Two writers numbering the same new year at once (no counter row yet): every id is handed out once.
start = threading.Barrier(2)
numbers = []

def create_five():
    try:
        start.wait(30)
        for _ in range(5):
            created = proposal_create(
                actor=actor, village=desa, year=2029, source="musrenbang", title="Sumur", problem="Kering",
                volume=Decimal("1"), unit_of_measure="unit", estimated_cost=Decimal("1000"),
            )
            numbers.append(created.number)
    finally:
        connection.close()

writers = [threading.Thread(target=create_five) for _ in range(2)]
for t in writers:
    t.start()
for t in writers:
    t.join(120)
results["numbers_2029"] = sorted(numbers)
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_officers_deciding_at_once_one_wins_the_other_gets_conflict(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_planning_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results.get("overlapped") is True, results
    assert results["first"] == "ok", results
    assert results["second"].startswith("Conflict: "), results
    assert results["state"] == "agency"
    assert results["kecamatan_decisions"] == [["agency", "camat.satu"]]
    assert results["numbers_2029"] == list(range(1, 11))
