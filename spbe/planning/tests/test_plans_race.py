"""Two planners link two accepted proposals to one RKPD item at once on PostgreSQL: the item's ceiling holds.

As in test_quota_race, the links must commit for real on two connections, so a script runs in its own
process against a throwaway database. The first planner's transaction holds the item's row lock until a
third connection sees the second planner's statement waiting on ``planning_planrow``; only then does the
first commit. Without the lock both would sum nothing linked yet and together pass the ceiling.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import json, sys, threading
import django
django.setup()
from decimal import Decimal
from pathlib import Path
from django.db import connection, connections, transaction
from spbe.accounts.models import Role, VillageGovernment
from spbe.accounts.services import membership_grant, pemda_create, unit_create, user_create
from spbe.core.actors import system
from spbe.core.errors import Conflict
from spbe.core.testing import wait_for_lock_waiters
from spbe.planning.models import Proposal
from spbe.planning.models_plans import Plan, PlanFunding, PlanRow
from spbe.planning.plans import proposal_fund
from spbe.planning.services import proposal_create, proposal_decide, proposal_submit
from spbe.regions.loader import load_regions

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
unit = unit_create(actor=actor, pemda=pemda, code="1.03.0.00.0.00.02.0000", name="Dinas PU", kind="dinas")
desa = VillageGovernment.objects.get(region_id="35.10.02.2001")
officers = []
for name in ("planner.satu", "planner.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.BAPPEDA_PLANNER)
    officers.append(user)
pks = []
for title in ("Jalan", "Jembatan"):
    proposal = proposal_create(
        actor=actor, village=desa, year=2028, source="musrenbang", title=title, problem="Rusak",
        volume=Decimal("10"), unit_of_measure="m", estimated_cost=Decimal("1000"), suggested_unit=unit,
    )
    proposal_submit(actor=actor, proposal=proposal)
    for _stage in range(5):
        proposal_decide(actor=actor, proposal=proposal, outcome="forward")
    pks.append(proposal.pk)
# The RKPD comes after the acceptances (set up directly: the race is about the links, not the import).
plan = Plan.objects.create(pemda=pemda, kind="rkpd", year=2028, nomenclature_year=2028)
item = PlanRow.objects.create(
    pemda=pemda, plan=plan, position=1, row_kind="sub_kegiatan", code="1.03.02.2.01.0013", name="Pompa",
    unit=unit, indicator="Pompa", measure="unit", target_1=Decimal("1"), ceiling_1=Decimal("1500"),
)
connections.close_all()

loaded = threading.Barrier(2)
first_linked = threading.Event()
second_waits = threading.Event()
results = {}

def first():
    try:
        seen = Proposal.objects.get(pk=pks[0])
        row = PlanRow.objects.select_related("plan", "unit").get(pk=item.pk)
        loaded.wait(30)
        with transaction.atomic():
            proposal_fund(actor=officers[0], proposal=seen, item=row, amount=Decimal("1000"))
            first_linked.set()
            if not second_waits.wait(60):
                raise RuntimeError("the second planner never waited for the item's lock")
        results["first"] = "ok"
    except Exception as exc:
        results["first"] = type(exc).__name__ + ": " + str(exc)
        first_linked.set()
    finally:
        connection.close()

def second():
    try:
        seen = Proposal.objects.get(pk=pks[1])
        row = PlanRow.objects.select_related("plan", "unit").get(pk=item.pk)
        loaded.wait(30)
        first_linked.wait(60)
        proposal_fund(actor=officers[1], proposal=seen, item=row, amount=Decimal("1000"))
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
first_linked.wait(60)
if wait_for_lock_waiters("%planning_planrow%"):
    results["overlapped"] = True
second_waits.set()
for t in threads:
    t.join(120)
results["linked"] = [str(a) for a in PlanFunding.objects.order_by("pk").values_list("amount", flat=True)]
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_two_planners_linking_to_one_item_at_once_never_pass_its_ceiling(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_plan_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["first"] == "ok"
    assert results.get("overlapped"), "the second link never waited for the first: no race was tested"
    assert results["second"].startswith("Conflict: Pagu indikatif 1.03.02.2.01.0013")
    assert results["linked"] == ["1000.00"]
