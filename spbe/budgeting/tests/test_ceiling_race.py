"""Two operators of one agency add detail rows under one ceiling at the same moment, on PostgreSQL: the
second waits for the ceiling row, then sums the lines with the first's committed, and is refused.

The adds must commit for real on two connections, so a script runs in its own process against a throwaway
database (``spbe.core.testing``). The first operator's transaction holds the ceiling's lock until a third
connection sees the second operator's statement waiting for a lock; only then does the first commit.
Without the ceiling lock the second would sum the lines without the first's uncommitted row, and both would
pass a ceiling that together they exceed.
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
from django.db import connection, transaction
from spbe.accounts.models import Role
from spbe.accounts.services import membership_grant, pemda_create, unit_create, user_create
from spbe.budgeting.models import RkaDetail, RkaLine
from spbe.budgeting.services import DetailInput, ceiling_set, detail_add, line_create, rka_open
from spbe.budgeting.services import version_create
from spbe.budgeting.tests.conftest import _account_rows, _nomenclature_rows
from spbe.core.actors import system
from spbe.core.errors import Conflict
from spbe.reference.models import Account, Nomenclature
from spbe.regions.loader import load_regions

actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
Nomenclature.objects.bulk_create(_nomenclature_rows())
Account.objects.bulk_create(_account_rows())
pemda = pemda_create(actor=actor, region_code="35.10").pemda
unit = unit_create(actor=actor, pemda=pemda, code="1.03.0.00.0.00.02.0000", name="Dinas PU", kind="dinas")
operators = []
for name in ("operator.satu", "operator.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.AGENCY_OPERATOR, unit=unit)
    operators.append(user)
version = version_create(actor=actor, pemda=pemda, year=2028)
rka = rka_open(actor=actor, version=version, unit=unit)
lines = [
    line_create(actor=actor, rka=rka, account="5.2.04.01.01.0001", sub_kegiatan=code)
    for code in ("1.03.02.2.01.0001", "1.03.02.2.01.0002")
]
ceiling_set(actor=actor, version=version, unit=unit, code="1.03.02", amount="1000")
detail_add(actor=actor, line=lines[0], detail=DetailInput("Aspal", [("1", "paket")], Decimal("400")))
connection.close()

loaded = threading.Barrier(2)
first_added = threading.Event()
second_waits = threading.Event()
results = {}

def row(price):
    return DetailInput("Beton", [("1", "paket")], Decimal(price))

def first():
    try:
        seen = RkaLine.objects.select_related("rka").get(pk=lines[0].pk)
        loaded.wait(30)
        with transaction.atomic():
            detail_add(actor=operators[0], line=seen, detail=row("500"))
            first_added.set()
            if not second_waits.wait(60):
                raise RuntimeError("the second operator never waited for a lock")
        results["first"] = "ok"
    except Exception as exc:
        results["first"] = type(exc).__name__ + ": " + str(exc)
        first_added.set()
    finally:
        connection.close()

def second():
    try:
        seen = RkaLine.objects.select_related("rka").get(pk=lines[1].pk)
        loaded.wait(30)
        first_added.wait(60)
        detail_add(actor=operators[1], line=seen, detail=row("500"))
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
first_added.wait(60)
waiting = wait_for_lock_waiters("%budgeting_ceiling%")
if waiting:
    results["waited_on"] = waiting[0]
second_waits.set()
for t in threads:
    t.join(120)
results["spent"] = str(sum(RkaLine.objects.filter(version=version).values_list("amount", flat=True)))
results["details"] = RkaDetail.objects.filter(line__version=version).count()
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time (IMMEDIATE)")
def test_two_operators_adding_under_one_ceiling_at_once_cannot_pass_it(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_ceiling_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert "budgeting_ceiling" in results.get("waited_on", ""), results
    assert results["first"] == "ok", results
    assert results["second"].startswith("Conflict: "), results
    assert "terlampaui" in results["second"], results
    assert results["spent"] == "900.00"
    assert results["details"] == 2
