"""Demo data for the queues: Banyuwangi's service mall with a counter group per agency, every catalogue
service offered under its agency's letter, and some weeks of served tickets for the statistics.

Set-up goes through the services (each audited); past tickets are a batch of finished rows with their
numbering rows, as an import of a ticketing system's history would be. Safe to run again: a lounge that
exists is left as it is. The kiosk device is registered by the manager in the product (its token is shown
once), so the demo registers none.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import string
import zoneinfo

from django.db import transaction
from django.utils import timezone

from spbe.accounts.models import Pemda
from spbe.core import audit
from spbe.core.actors import Actor

from .models import Counter, Lounge, QueueDay, QueueTicket, Service
from .queues import counter_create, kiosk_register, lounge_create, lounge_offer

LOUNGE_CODE = "mpp"
HISTORY_DAYS = 21
# Dispendukcapil is the busiest: three counters; every other agency has one.
COUNTERS_PER_AGENCY = {"2.12.0.00.0.00.01.0000": 3}


def seed_queues(
    pemda: Pemda, catalogue: dict[str, tuple[str, str, list[tuple[str, str, str, str]]]], *, actor: Actor
) -> str:
    if Lounge.objects.filter(pemda=pemda, code=LOUNGE_CODE).exists():
        return "antrean: mal pelayanan publik sudah ada"
    lounge = lounge_create(actor=actor, pemda=pemda, code=LOUNGE_CODE, name="Mal Pelayanan Publik Banyuwangi")
    units = {u.code: u for u in pemda.units.all()}
    number = 0
    for letter, (unit_code, (service_prefix, _label, _services)) in zip(
        _letters(), catalogue.items(), strict=False
    ):
        unit = units.get(unit_code)
        if unit is None:
            continue
        services = list(
            Service.objects.filter(pemda=pemda, unit=unit, kode_layanan__startswith=f"{service_prefix}-")
        )
        for service in services:
            lounge_offer(actor=actor, lounge=lounge, service=service, prefix=letter)
        for _ in range(COUNTERS_PER_AGENCY.get(unit_code, 1)):
            number += 1
            counter_create(
                actor=actor, lounge=lounge, unit=unit, name=f"Loket {number:02d}", services=services
            )
    tickets = _history(pemda, lounge, actor=actor)
    # One touch screen in the lobby; its token is shown once, here, to enrol a browser at /kios/daftar/.
    _device, token = kiosk_register(actor=actor, lounge=lounge, name="Kios Lobi Utama")
    return (
        f"antrean: 1 mal pelayanan publik, {number} loket, {tickets} tiket riwayat, "
        f"1 kios (token pendaftaran di /kios/daftar/: {token})"
    )


def _letters() -> list[str]:
    """A, B, ..., Z, then AA, AB, ...: one ticket letter per agency, as many as there are agencies."""
    single = list(string.ascii_uppercase)
    return single + [a + b for a in single for b in single]


def _history(pemda: Pemda, lounge: Lounge, *, actor: Actor) -> int:
    """Finished tickets on the last weekdays before today, 08.00-15.00 local time, at each counter."""
    rng = random.Random(3510)  # the same demo every time
    zone = zoneinfo.ZoneInfo(pemda.time_zone)
    today = timezone.now().astimezone(zone).date()
    counters = list(Counter.objects.filter(lounge=lounge).prefetch_related("services"))
    offers = {o.service_id: o.prefix for o in lounge.offers.all()}
    tickets: list[QueueTicket] = []
    numbering: list[QueueDay] = []
    day = today
    for _ in range(HISTORY_DAYS):
        day -= dt.timedelta(days=1)
        if day.weekday() >= 5:
            continue
        last: dict[str, int] = {}
        for counter in counters:
            services = list(counter.services.all())
            if not services:
                continue
            clock = dt.datetime.combine(day, dt.time(8, 0), tzinfo=zone)
            for _n in range(rng.randint(6, 14)):
                service = rng.choice(services)
                prefix = offers[service.pk]
                last[prefix] = last.get(prefix, 0) + 1
                taken = clock + dt.timedelta(minutes=rng.randint(0, 25))
                wait = rng.randint(2 * 60, 35 * 60)
                serve = rng.randint(3 * 60, 20 * 60)
                called = taken + dt.timedelta(seconds=wait)
                done = called + dt.timedelta(seconds=serve)
                tickets.append(
                    QueueTicket(
                        pemda=pemda, unit_id=counter.unit_id, lounge=lounge, service=service, day=day,
                        prefix=prefix, number=last[prefix], public_id=secrets.token_urlsafe(12),
                        state=QueueTicket.State.DONE, channel=rng.choice(["kiosk", "web", "kiosk"]),
                        counter=counter, taken_at=taken, called_at=called, last_called_at=called,
                        serving_at=called, finished_at=done, calls=1, wait_seconds=wait,
                        service_seconds=serve,
                    )
                )  # fmt: skip
                clock = done
                if clock.hour >= 15:
                    break
        numbering += [QueueDay(lounge=lounge, prefix=p, day=day, last=n) for p, n in last.items()]
    # Numbers per prefix follow the taking order within a day, as the locked counter would have given them.
    tickets.sort(key=lambda t: (t.day, t.prefix, t.taken_at))
    seen: dict[tuple[dt.date, str], int] = {}
    for ticket in tickets:
        key = (ticket.day, ticket.prefix)
        seen[key] = seen.get(key, 0) + 1
        ticket.number = seen[key]
    with transaction.atomic():
        QueueDay.objects.bulk_create(numbering, batch_size=2_000)
        QueueTicket.objects.bulk_create(tickets, batch_size=2_000)
        # One entry for the whole history, as an import of a ticketing system's records would leave.
        audit.record(
            actor=actor,
            action="lounge.queue_history_load",
            obj=lounge,
            pemda_code=pemda.code,
            after={"tickets": len(tickets), "days": len({t.day for t in tickets})},
        )
    return len(tickets)
