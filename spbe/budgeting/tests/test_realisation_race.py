"""Two treasurers pay on one DPA line at the same moment, and a perubahan is adopted while a payment is in
flight, on PostgreSQL with real commits on several connections (``spbe.core.testing``).

1. The first payment's transaction holds the line's lock until a third connection sees the second payment
   waiting for a lock on ``budgeting_rkaline``; only then does the first commit. Without the line lock the
   second would sum the line without the first's uncommitted row, and both would pass the DPA amount.
2. A payment holds its share lock on the adopted version while the TAPD adopts a perubahan lowering the
   line below it: the adoption waits (a lock on ``budgeting_budgetversion``), then sees the payment and is
   refused, so the newest adopted version never allows less than was paid. (Every audited write of a pemda
   also queues on its audit chain's head row, so the payment pauses after taking its version lock and
   before writing, to show that it is the version lock the adoption waits for.)
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import datetime as dt, json, sys, threading, time
import django
django.setup()
from spbe.core.testing import wait_for_lock_waiters
from decimal import Decimal
from pathlib import Path
from django.db import connection, transaction
from spbe.accounts.models import Role
from spbe.accounts.services import membership_grant, pemda_create, unit_create, user_create
from spbe.budgeting.models import BudgetVersion, RkaDetail, RkaLine, Sp2d
from spbe.budgeting.realisation import Sp2dInput, _lock_newest_adopted, sp2d_record
from spbe.budgeting.services import (
    DetailInput, detail_add, detail_change, line_create, line_review, rka_open, rka_submit, rka_verify,
    version_adopt, version_create, version_revise,
)
from spbe.budgeting.tests.conftest import _account_rows, _nomenclature_rows
from spbe.core.actors import system
from spbe.core.errors import Conflict
from spbe.reference.models import Account, Nomenclature
from spbe.regions.loader import load_regions

actor = system("tests")
ROAD, JALAN = "1.03.02.2.01.0001", "5.2.04.01.01.0001"
load_regions(Path(sys.argv[1]), actor=actor)
Nomenclature.objects.bulk_create(_nomenclature_rows())
Account.objects.bulk_create(_account_rows())
pemda = pemda_create(actor=actor, region_code="35.10").pemda
unit = unit_create(actor=actor, pemda=pemda, code="1.03.0.00.0.00.02.0000", name="Dinas PU", kind="dinas")
treasurers = []
for name in ("bud.satu", "bud.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.TAPD)
    treasurers.append(user)

def adopt(version):
    for rka in version.rkas.all():
        rka_submit(actor=actor, rka=rka)
        for line in RkaLine.objects.filter(rka=rka):
            line_review(actor=actor, line=line, accept=True)
        rka_verify(actor=actor, rka=rka)
    return version_adopt(actor=actor, version=version)

version = version_create(actor=actor, pemda=pemda, year=2028)
rka = rka_open(actor=actor, version=version, unit=unit)
line = line_create(actor=actor, rka=rka, account=JALAN, sub_kegiatan=ROAD)
detail_add(actor=actor, line=line, detail=DetailInput("Aspal", [("1", "paket")], Decimal("1000")))
adopt(version)
connection.close()

def entry(number, amount):
    return Sp2dInput(unit, number, dt.date(2028, 3, 1), "LS", ROAD, JALAN, "", "Bayar", amount)

def wait_for(fragment, results, key):
    waiting = wait_for_lock_waiters("%" + fragment + "%")
    if waiting:
        results[key] = waiting[0]

# 1. two payments of 600 on a line of 1000 at once
first_added, second_waits = threading.Event(), threading.Event()
results = {}

def first():
    try:
        with transaction.atomic():
            sp2d_record(actor=treasurers[0], pemda=pemda, year=2028, entry=entry("SP2D-1", "600"))
            first_added.set()
            if not second_waits.wait(60):
                raise RuntimeError("the second payment never waited for a lock")
        results["first"] = "ok"
    except Exception as exc:
        results["first"] = type(exc).__name__ + ": " + str(exc)
        first_added.set()
    finally:
        connection.close()

def second():
    try:
        first_added.wait(60)
        sp2d_record(actor=treasurers[1], pemda=pemda, year=2028, entry=entry("SP2D-2", "600"))
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
wait_for("budgeting_rkaline", results, "waited_on")
second_waits.set()
for t in threads:
    t.join(120)

# 2. a perubahan lowering the line to 700 adopted while a payment of 200 is in flight (600 paid already)
draft = version_revise(actor=actor, version=version)
detail = RkaDetail.objects.get(line__version=draft)
detail_change(actor=actor, detail=detail, change=DetailInput("Aspal", [("1", "paket")], Decimal("700")))
connection.close()
paid, adoption_waits = threading.Event(), threading.Event()

def payment():
    try:
        with transaction.atomic():
            # The payment's first step (its share lock on the adopted version) and a pause, so the
            # adoption's earlier, separately committed steps (submit, review, verify) run meanwhile.
            _lock_newest_adopted(pemda, 2028)
            paid.set()
            if not adoption_waits.wait(60):
                raise RuntimeError("the adoption never waited for a lock")
            sp2d_record(actor=treasurers[0], pemda=pemda, year=2028, entry=entry("SP2D-3", "200"))
        results["payment"] = "ok"
    except Exception as exc:
        results["payment"] = type(exc).__name__ + ": " + str(exc)
        paid.set()
    finally:
        connection.close()

def adoption():
    try:
        paid.wait(60)
        adopt(BudgetVersion.objects.get(pk=draft.pk))
        results["adoption"] = "ok"
    except Conflict as exc:
        results["adoption"] = "Conflict: " + exc.message
    except Exception as exc:
        results["adoption"] = type(exc).__name__ + ": " + str(exc)
    finally:
        connection.close()

threads = [threading.Thread(target=payment), threading.Thread(target=adoption)]
for t in threads:
    t.start()
paid.wait(60)
wait_for("budgeting_budgetversion", results, "adoption_waited_on")
adoption_waits.set()
for t in threads:
    t.join(120)
results["spent"] = str(sum(Sp2d.objects.values_list("amount", flat=True)))
results["payments"] = sorted(Sp2d.objects.values_list("number", flat=True))
results["draft_state"] = BudgetVersion.objects.get(pk=draft.pk).version_state
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time (IMMEDIATE)")
def test_concurrent_payments_and_a_perubahan_never_pass_the_dpa_line(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_sp2d_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert "budgeting_rkaline" in results.get("waited_on", ""), results
    assert results["first"] == "ok", results
    assert results["second"].startswith("Conflict: ") and "terlampaui" in results["second"], results
    assert "budgeting_budgetversion" in results.get("adoption_waited_on", ""), results
    assert results["payment"] == "ok", results
    assert results["adoption"].startswith("Conflict: ") and "realisasi" in results["adoption"], results
    assert results["spent"] == "800.00"
    assert results["payments"] == ["SP2D-1", "SP2D-3"]
    assert results["draft_state"] == "draft"
