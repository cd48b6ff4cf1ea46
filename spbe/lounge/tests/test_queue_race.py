"""Citizens taking numbers at once on PostgreSQL: every number handed out once, none skipped.

The takes must commit for real on several connections, so the run uses its own throwaway database and a
script in a separate process with one thread (one connection) per kiosk. A holder thread takes the day's
numbering row lock first and keeps it until the script has seen, in ``pg_stat_activity``, other takers
waiting for that lock: the overlap is proven, not hoped for. Two counters then call at once and never get
the same ticket.
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

SCRIPT = r"""
import json, sys, threading, time
from pathlib import Path
import django
django.setup()
from spbe.core.testing import wait_for_lock_waiters
from django.db import connection, transaction
from spbe.accounts.models import Role
from spbe.accounts.services import membership_grant, pemda_create, unit_create, user_create
from spbe.core.actors import system
from spbe.lounge import queues
from spbe.lounge.models import QueueDay, QueueTicket, Service
from spbe.regions.loader import load_regions
from django.db.backends.signals import connection_created


def bounded(sender, connection, **kwargs):
    # A blocked statement fails after a minute instead of waiting forever (a CI run must never hang).
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '60s'")


connection_created.connect(bounded)
actor = system("tests")
load_regions(Path(sys.argv[1]), actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
unit = unit_create(actor=actor, pemda=pemda, code="1.03.0.00.0.00.02.0000", name="Dinas PU", kind="dinas")
izin = Service.objects.create(pemda=pemda, unit=unit, kode_layanan="PU-01", nama="Izin Galian")
reklame = Service.objects.create(pemda=pemda, unit=unit, kode_layanan="PU-02", nama="Izin Reklame")
lounge = queues.lounge_create(actor=actor, pemda=pemda, code="mpp", name="MPP")
queues.lounge_offer(actor=actor, lounge=lounge, service=izin, prefix="A")
queues.lounge_offer(actor=actor, lounge=lounge, service=reklame, prefix="A")
counters = [
    queues.counter_create(actor=actor, lounge=lounge, unit=unit, name=f"Loket {i}", services=[izin, reklame])
    for i in (1, 2)
]
officers = []
for name in ("loket.satu", "loket.dua"):
    user = user_create(actor=actor, username=name, password="rahasia-yang-panjang-1", pemda=pemda)
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.COUNTER_OFFICER, unit=unit)
    officers.append(user)
# The day's numbering row exists, so the holder below can lock it before anyone takes.
queues.ticket_take(taker=queues.Taker(), lounge=lounge, service=izin)
day = queues.local_day(pemda)
connection.close()

TAKERS, EACH = 6, 8
held = threading.Event()
release = threading.Event()
start = threading.Barrier(TAKERS)
errors = []
results = {}

def holder():
    try:
        with transaction.atomic():
            QueueDay.objects.select_for_update().get(lounge=lounge, prefix="A", day=day)
            held.set()
            release.wait(60)
    finally:
        connection.close()

def taker(i):
    try:
        held.wait(30)
        start.wait(30)
        for n in range(EACH):
            queues.ticket_take(taker=queues.Taker(), lounge=lounge, service=izin if (i + n) % 2 else reklame)
    except Exception as exc:
        errors.append(type(exc).__name__ + ": " + str(exc))
    finally:
        connection.close()

h = threading.Thread(target=holder, daemon=True)
h.start()
held.wait(30)
threads = [threading.Thread(target=taker, args=(i,), daemon=True) for i in range(TAKERS)]
for t in threads:
    t.start()
# The takers wait in the numbering upsert (INSERT .. ON CONFLICT DO UPDATE) on the held row.
waiting = wait_for_lock_waiters("%lounge_queueday%ON CONFLICT%", at_least=2)
if waiting:
    results["waited"] = len(waiting)
release.set()
h.join(60)
for t in threads:
    t.join(120)
results["errors"] = errors
results["numbers"] = sorted(QueueTicket.objects.filter(prefix="A", day=day).values_list("number", flat=True))
results["last"] = QueueDay.objects.get(lounge=lounge, prefix="A", day=day).last

# One phone presses six times at once: the daily limit of 2 holds, and the refused presses leave no gap.
from spbe.lounge.models import Lounge
Lounge.objects.filter(pk=lounge.pk).update(max_per_visitor=2)
lounge.refresh_from_db()
same = threading.Barrier(6)
outcomes = []

def phone():
    try:
        same.wait(30)
        queues.ticket_take(taker=queues.Taker(visitor="one-phone"), lounge=lounge, service=izin)
        outcomes.append("ok")
    except queues.TooManyTickets:
        outcomes.append("refused")
    except Exception as exc:
        outcomes.append(type(exc).__name__ + ": " + str(exc))
    finally:
        connection.close()

phones = [threading.Thread(target=phone, daemon=True) for _ in range(6)]
for t in phones:
    t.start()
for t in phones:
    t.join(120)
results["phone"] = sorted(outcomes)
results["after_phone"] = sorted(
    QueueTicket.objects.filter(prefix="A", day=day).values_list("number", flat=True)
)

# Two counters press "call next" at the same moment, again and again: no ticket is called twice.
go = threading.Barrier(2)
called = {0: [], 1: []}

def call(i):
    try:
        for _ in range(5):
            go.wait(30)
            ticket = queues.ticket_call_next(actor=officers[i], counter=counters[i])
            called[i].append(ticket.pk)
            queues.ticket_finish(actor=officers[i], counter=counters[i], ticket=ticket)
    except Exception as exc:
        errors.append(type(exc).__name__ + ": " + str(exc))
    finally:
        connection.close()

callers = [threading.Thread(target=call, args=(i,), daemon=True) for i in (0, 1)]
for t in callers:
    t.start()
for t in callers:
    t.join(120)
results["called"] = called[0] + called[1]
results["call_errors"] = errors
print(json.dumps(results))
"""


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_concurrent_takes_never_duplicate_or_skip_a_number(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_queue_race") as env:
        results = run_script(SCRIPT, str(MINI_REGIONS), env=env)
    assert results["waited"] >= 2, results
    assert results["errors"] == [], results
    total = 1 + 6 * 8
    assert results["numbers"] == list(range(1, total + 1))
    assert results["last"] == total
    assert results["phone"] == ["ok", "ok", "refused", "refused", "refused", "refused"], results
    assert results["after_phone"] == list(range(1, total + 3))
    assert results["call_errors"] == [], results
    assert len(results["called"]) == 10 and len(set(results["called"])) == 10
