"""Two camat of one kecamatan race for the last place of its quota on PostgreSQL: one gets it.

As in test_concurrency, the forwarding must commit for real on two connections, so a script runs in its
own process against a throwaway database. The first camat's transaction holds the kecamatan's lock until a
third connection sees the second camat's statement waiting on ``planning_kecamatanyear``; only then does
the first commit. Without the lock both would count 0 forwarded and both would pass a quota of 1.
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
from pathlib import Path
from django.db import connection, connections, transaction
from spbe.accounts.models import Role, VillageGovernment
from spbe.accounts.services import membership_grant, pemda_create, unit_create, user_create
from spbe.core.actors import system
from spbe.core.errors import Conflict
from spbe.planning.models import Decision, Proposal
from spbe.planning.services import planning_year_set, proposal_create, proposal_decide, proposal_submit
from spbe.regions.loader import load_regions

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
unit = unit_create(actor=actor, pemda=pemda, code="1.03.0.00.0.00.02.0000", name="Dinas PU", kind="dinas")
desa = VillageGovernment.objects.get(region_id="35.10.02.2001")
planning_year_set(actor=actor, pemda=pemda, year=2028, kecamatan_quota=2)
officers = []
for name in ("camat.satu", "camat.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.CAMAT, unit=desa.kecamatan)
    officers.append(user)
pks = []
for title in ("Sumur", "Jalan", "Jembatan"):
    proposal = proposal_create(
        actor=actor, village=desa, year=2028, source="musrenbang", title=title, problem="Rusak",
        volume=Decimal("10"), unit_of_measure="m", estimated_cost=Decimal("1000"), suggested_unit=unit,
    )
    proposal_submit(actor=actor, proposal=proposal)
    proposal_decide(actor=actor, proposal=proposal, outcome="forward")
    pks.append(proposal.pk)
# One place of two is taken already, so the kecamatan's lock row exists: the race is for the last place
# and only the row lock (not the unique index of a new row) can keep the two camat apart.
proposal_decide(actor=actor, proposal=Proposal.objects.get(pk=pks.pop(0)), outcome="forward")
connections.close_all()

loaded = threading.Barrier(2)
first_forwarded = threading.Event()
second_waits = threading.Event()
results = {}

def first():
    try:
        seen = Proposal.objects.get(pk=pks[0])
        loaded.wait(30)
        with transaction.atomic():
            proposal_decide(actor=officers[0], proposal=seen, outcome="forward")
            first_forwarded.set()
            if not second_waits.wait(60):
                raise RuntimeError("the second camat never waited for the kecamatan's lock")
        results["first"] = "ok"
    except Exception as exc:
        results["first"] = type(exc).__name__ + ": " + str(exc)
        first_forwarded.set()
    finally:
        connection.close()

def second():
    try:
        seen = Proposal.objects.get(pk=pks[1])
        loaded.wait(30)
        first_forwarded.wait(60)
        proposal_decide(actor=officers[1], proposal=seen, outcome="forward")
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
first_forwarded.wait(60)
if wait_for_lock_waiters("%planning_kecamatanyear%"):
    results["overlapped"] = True
second_waits.set()
for t in threads:
    t.join(120)
results["states"] = [Proposal.objects.get(pk=pk).state for pk in pks]
results["forwarded"] = Decision.objects.filter(action="forward_kecamatan").count()
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_camat_forwarding_the_last_place_at_once_one_gets_conflict(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_quota_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results.get("overlapped") is True, results
    assert results["first"] == "ok", results
    assert results["second"].startswith("Conflict: "), results
    assert "2 dari 2" in results["second"], results
    assert results["states"] == ["agency", "kecamatan"]
    assert results["forwarded"] == 2
