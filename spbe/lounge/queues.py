"""Every write of the lounge's queues and kiosks: lounges and their counters, tickets, kiosk devices.

Taking a number is the public's act, not a staff one: nobody signs in to stand in a queue, so
:func:`ticket_take` takes the channel (web, kiosk, counter) instead of an actor and writes no audit entry.
The ticket row is the record (numbered without gaps per prefix and day, with its time, channel and kiosk,
and no personal data); an audit entry per ticket would add nothing to it, and at a mall's morning peak
would make every take wait on the pemda's audit chain head behind every other audited write. What staff
do to a ticket (call, recall, start, skip, finish) is a staff act and is audited, through the workflow.
A survey answered for a ticket is the public's too, and for the same reasons the response row is its
record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core import audit
from spbe.core.actors import MaybeActor, system
from spbe.core.errors import Conflict, NotFound, SpbeError, ValidationFailed
from spbe.core.models import DataVersion
from spbe.core.published import versions as published_versions
from spbe.core.text import InvalidText, clean_name
from spbe.core.workflow import Transition, Workflow

from .ikm import ELEMENT_KEYS, MAX_ANSWER, MIN_ANSWER
from .models import (
    Counter,
    KioskDevice,
    Lounge,
    LoungeService,
    QueueDay,
    QueueTicket,
    Service,
    SurveyResponse,
)
from .queue_access import COUNTER, LOUNGE
from .speed import ikm_changed

State = QueueTicket.State
ACTIVE = (State.CALLED, State.SERVING)
PREFIX = re.compile(r"[A-Z]{1,3}")
LOUNGE_CODE = re.compile(r"[a-z0-9][a-z0-9-]*")
# A counter officer racing others for the next ticket tries this many candidates before giving up.
CALL_ATTEMPTS = 10

TICKET_FLOW = Workflow(
    "queue_ticket",
    [
        Transition("call", source={State.WAITING}, target=State.CALLED, capability="call"),
        # A recall keeps the ticket: calling it again, or once more after it was skipped (came late).
        Transition("recall", source={State.CALLED, State.SKIPPED}, target=State.CALLED, capability="call"),
        Transition("start", source={State.CALLED}, target=State.SERVING, capability="call"),
        Transition("finish", source={State.CALLED, State.SERVING}, target=State.DONE, capability="call"),
        Transition("skip", source={State.CALLED}, target=State.SKIPPED, capability="call"),
    ],
)


# The display board of one lounge (see spbe.core.published): bumped by every write that changes it.
BOARD_DATA_SET = "lounge-board:{pemda}:{lounge}"


def board_data_set(lounge: Lounge) -> str:
    return BOARD_DATA_SET.format(pemda=lounge.pemda_id, lounge=lounge.code)


def board_changed(lounge: Lounge) -> None:
    """What the lounge's display board shows has changed: its cached answers are stale from this commit.

    Called last in the writing transaction, so the version row is held only for the rest of it (after
    the numbering or audit-head lock, always in that order: no lock cycle). Every take and every move at
    every counter of the lounge passes here, so it is one statement: ``INSERT .. ON CONFLICT DO UPDATE``
    creates or counts the row at once, where ``core.published.bump_version`` spends a savepoint, an
    UPDATE, its release (and on a race an INSERT) -- three round trips more with the row held.
    """
    quote = connection.ops.quote_name
    table, name, version = (
        quote(DataVersion._meta.db_table),
        quote("name"),
        quote("version"),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({name}, {version}) VALUES (%s, 1) "  # noqa: S608 - quoted names only
            f"ON CONFLICT ({name}) DO UPDATE SET {version} = {table}.{version} + 1",
            [board_data_set(lounge)],
        )
    # As bump_version does: this process sees the new version at once, the others within a second.
    published_versions.forget()
    transaction.on_commit(published_versions.forget)


def local_day(pemda: Pemda, at: dt.datetime | None = None) -> dt.date:
    """The pemda's own calendar day (WIB, WITA or WIT) at ``at``: numbers start again at its midnight."""
    return (at or timezone.now()).astimezone(zoneinfo.ZoneInfo(pemda.time_zone)).date()


def _seconds(start: dt.datetime | None, end: dt.datetime) -> int:
    return max(0, int((end - start).total_seconds())) if start is not None else 0


# ---------------------------------------------------------------------------------------- set-up


def lounge_create(*, actor: MaybeActor, pemda: Pemda, code: str, name: str) -> Lounge:
    LOUNGE.require(actor, Place.of_pemda(pemda), "manage")
    code = code.strip().lower()
    if not LOUNGE_CODE.fullmatch(code) or len(code) > 40:
        raise ValidationFailed(_("Kode ruang layanan hanya huruf kecil, angka dan tanda -."), field="code")
    lounge = Lounge(
        pemda=pemda, code=code, name=clean_name(name, label=_("Nama ruang layanan"), max_length=200)
    )
    try:
        with transaction.atomic():
            lounge.save()
            audit.record(
                actor=actor,
                action="lounge.create",
                obj=lounge,
                pemda_code=pemda.code,
                after=audit.snapshot(lounge, ["code", "name"]),
            )
    except IntegrityError:
        raise Conflict(_("Ruang layanan dengan kode %(code)s sudah ada.") % {"code": code}) from None
    return lounge


def lounge_offer(*, actor: MaybeActor, lounge: Lounge, service: Service, prefix: str) -> LoungeService:
    """Offer ``service`` in ``lounge`` under ``prefix`` (services sharing a prefix share its numbering)."""
    LOUNGE.require(actor, Place.of_pemda(lounge.pemda_id), "manage")
    prefix = prefix.strip().upper()
    if not PREFIX.fullmatch(prefix):
        raise ValidationFailed(_("Huruf antrean harus 1-3 huruf A-Z, misalnya A."), field="prefix")
    if service.pemda_id != lounge.pemda_id:
        raise NotFound(_("Layanan tidak ditemukan."))
    with transaction.atomic():
        offer, created = LoungeService.objects.select_for_update().get_or_create(
            pemda_id=lounge.pemda_id, lounge=lounge, service=service, defaults={"prefix": prefix}
        )
        before = None if created else {"prefix": offer.prefix}
        if not created and offer.prefix != prefix:
            offer.prefix = prefix
            offer.save(update_fields=["prefix", "updated_at"])
        audit.record(
            actor=actor,
            action="lounge.offer",
            obj=offer,
            pemda_code=lounge.pemda_id,
            before=before,
            after={"lounge": lounge.code, "service": service.kode_layanan, "prefix": prefix},
        )
    return offer


def counter_create(
    *, actor: MaybeActor, lounge: Lounge, unit: PerangkatDaerah, name: str, services: Iterable[Service]
) -> Counter:
    """Open a counter of ``unit`` in ``lounge`` for some of that unit's services offered there."""
    LOUNGE.require(actor, Place.of_pemda(lounge.pemda_id), "manage")
    chosen = list(services)
    _counter_services(lounge, unit.pk, unit.name, chosen)
    counter = Counter(
        pemda_id=lounge.pemda_id,
        lounge=lounge,
        unit=unit,
        name=clean_name(name, label=_("Nama loket"), max_length=60),
    )
    try:
        with transaction.atomic():
            counter.save()
            counter.services.set(chosen)
            audit.record(
                actor=actor,
                action="counter.create",
                obj=counter,
                pemda_code=lounge.pemda_id,
                after={
                    "lounge": lounge.code,
                    "name": counter.name,
                    "unit": unit.pk,
                    "services": sorted(s.kode_layanan for s in chosen),
                },
            )
            board_changed(lounge)
    except IntegrityError:
        raise Conflict(
            _("Loket bernama %(name)s sudah ada di ruang layanan ini.") % {"name": counter.name}
        ) from None
    return counter


MAX_LIMIT = 10_000


def _limit(value: int, field: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= MAX_LIMIT:
        raise ValidationFailed(_("Batas harus bilangan 0 sampai 10.000 (0: tanpa batas)."), field=field)
    return value


LIMIT_FIELDS = ("max_per_visitor", "max_per_network", "max_per_kiosk")


def lounge_update(
    *,
    actor: MaybeActor,
    lounge: Lounge,
    name: str,
    max_per_visitor: int,
    max_per_network: int,
    max_per_kiosk: int,
) -> Lounge:
    """Rename a lounge or change its daily ticket limits (its code stays: links and screens use it)."""
    LOUNGE.require(actor, Place.of_pemda(lounge.pemda_id), "manage")
    try:
        clean = clean_name(name, label=_("Nama ruang layanan"), max_length=200)
    except InvalidText as exc:
        raise ValidationFailed(exc.message, field="name") from None
    values = {
        "name": clean,
        "max_per_visitor": _limit(max_per_visitor, "max_per_visitor"),
        "max_per_network": _limit(max_per_network, "max_per_network"),
        "max_per_kiosk": _limit(max_per_kiosk, "max_per_kiosk"),
    }
    fields = ["name", *LIMIT_FIELDS]
    with transaction.atomic():
        locked = Lounge.objects.select_for_update().get(pk=lounge.pk)
        before = audit.snapshot(locked, fields)
        if before == values:
            return locked
        for key, value in values.items():
            setattr(locked, key, value)
        locked.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor=actor,
            action="lounge.update",
            obj=locked,
            pemda_code=locked.pemda_id,
            before=before,
            after=values,
        )
        board_changed(locked)
    return locked


def lounge_offer_unit(*, actor: MaybeActor, lounge: Lounge, unit: PerangkatDaerah, prefix: str) -> int:
    """Offer every service of ``unit`` in ``lounge`` under ``prefix`` at once; return how many changed.

    An agency moving into the mall brings all its services: one batch, one audit entry per offer.
    """
    LOUNGE.require(actor, Place.of_pemda(lounge.pemda_id), "manage")
    prefix = prefix.strip().upper()
    if not PREFIX.fullmatch(prefix):
        raise ValidationFailed(_("Huruf antrean harus 1-3 huruf A-Z, misalnya A."), field="prefix")
    if unit.pemda_id != lounge.pemda_id:
        raise NotFound(_("Perangkat daerah tidak ditemukan."))
    services = list(Service.objects.filter(pemda_id=lounge.pemda_id, unit=unit).order_by("kode_layanan"))
    if not services:
        raise ValidationFailed(_("Perangkat daerah ini belum punya layanan di katalog."), field="unit")
    with transaction.atomic():
        existing = {
            o.service_id: o
            for o in LoungeService.objects.select_for_update().filter(lounge=lounge, service__in=services)
        }
        new = [
            LoungeService(pemda_id=lounge.pemda_id, lounge=lounge, service=service, prefix=prefix)
            for service in services
            if service.pk not in existing
        ]
        moved = [offer for offer in existing.values() if offer.prefix != prefix]
        before = {offer.pk: offer.prefix for offer in moved}
        for offer in moved:
            offer.prefix = prefix
        LoungeService.objects.bulk_create(new)  # gives the rows their keys: the entries name them
        LoungeService.objects.bulk_update(moved, ["prefix"])
        codes = {service.pk: service.kode_layanan for service in services}
        changes = [
            audit.Change(
                "lounge.offer",
                obj=offer,
                pemda_code=lounge.pemda_id,
                before={"prefix": before[offer.pk]} if offer.pk in before else None,
                after={"lounge": lounge.code, "service": codes[offer.service_id], "prefix": prefix},
            )
            for offer in [*new, *moved]
        ]
        if changes:
            audit.record_many(actor=actor, changes=changes)
    return len(changes)


def lounge_withdraw(*, actor: MaybeActor, offer: LoungeService) -> None:
    """Stop offering a service in a lounge; refused while a counter there still serves it."""
    LOUNGE.require(actor, Place.of_pemda(offer.pemda_id), "manage")
    with transaction.atomic():
        locked = (
            LoungeService.objects.select_for_update().select_related("service", "lounge").get(pk=offer.pk)
        )
        serving = list(
            Counter.objects.filter(lounge_id=locked.lounge_id, services=locked.service_id).values_list(
                "name", flat=True
            )
        )
        if serving:
            raise Conflict(
                _("Layanan ini masih dilayani di %(counters)s: lepaskan dulu dari loket itu.")
                % {"counters": ", ".join(sorted(serving))}
            )
        before = {
            "lounge": locked.lounge.code,
            "service": locked.service.kode_layanan,
            "prefix": locked.prefix,
        }
        audit.record(
            actor=actor, action="lounge.withdraw", obj=locked, pemda_code=locked.pemda_id, before=before
        )
        locked.delete()


def _counter_services(lounge: Lounge, unit_id: int, unit_name: str, chosen: list[Service]) -> None:
    for service in chosen:
        if service.unit_id != unit_id:
            raise ValidationFailed(
                _("Layanan %(code)s bukan layanan %(unit)s.")
                % {"code": service.kode_layanan, "unit": unit_name},
                field="services",
            )
    offered = set(LoungeService.objects.filter(lounge=lounge).values_list("service_id", flat=True))
    missing = [s.kode_layanan for s in chosen if s.pk not in offered]
    if missing:
        raise ValidationFailed(
            _("Layanan %(codes)s belum dibuka di ruang layanan ini.") % {"codes": ", ".join(missing)},
            field="services",
        )


def counter_update(
    *, actor: MaybeActor, counter: Counter, name: str, services: Iterable[Service], is_active: bool
) -> Counter:
    """Rename a counter, change the services it calls, or close and reopen it (its agency stays).

    Closing a counter with a ticket at it is refused: the officer finishes or skips it first, so no
    citizen is left called to a counter nobody works.
    """
    LOUNGE.require(actor, Place.of_pemda(counter.pemda_id), "manage")
    chosen = list(services)
    try:
        clean = clean_name(name, label=_("Nama loket"), max_length=60)
    except InvalidText as exc:
        raise ValidationFailed(exc.message, field="name") from None
    try:
        with transaction.atomic():
            locked = Counter.objects.select_for_update().select_related("lounge", "unit").get(pk=counter.pk)
            _counter_services(locked.lounge, locked.unit_id, locked.unit.name, chosen)
            if not is_active and locked.is_active and _busy(locked) is not None:
                raise Conflict(
                    _("Masih ada tiket di loket ini: selesaikan atau lewati dulu sebelum menutup.")
                )
            before = {
                "name": locked.name,
                "is_active": locked.is_active,
                "services": sorted(locked.services.values_list("kode_layanan", flat=True)),
            }
            after = {
                "name": clean,
                "is_active": is_active,
                "services": sorted(s.kode_layanan for s in chosen),
            }
            if before == after:
                return locked
            locked.name, locked.is_active = clean, is_active
            locked.save(update_fields=["name", "is_active", "updated_at"])
            locked.services.set(chosen)
            audit.record(
                actor=actor,
                action="counter.update",
                obj=locked,
                pemda_code=locked.pemda_id,
                before=before,
                after=after,
            )
            board_changed(locked.lounge)
    except IntegrityError:
        raise Conflict(
            _("Loket bernama %(name)s sudah ada di ruang layanan ini.") % {"name": clean}
        ) from None
    return locked


# ---------------------------------------------------------------------------------------- tickets


@dataclass(frozen=True)
class Taker:
    """Where a ticket was taken: the channel, and the kiosk when it was one (never who took it).

    A phone names itself by ``visitor`` (a random value its browser keeps in a cookie) and ``network``
    (:func:`spbe.accounts.signin.client_key`); both are kept only as keyed hashes, for the daily limit.
    """

    channel: str = QueueTicket.Channel.WEB
    kiosk: KioskDevice | None = None
    visitor: str = ""
    network: str = ""


class TooManyTickets(SpbeError):
    """One phone, network or kiosk asked for more numbers of a service today than the lounge allows."""

    code = "too-many-requests"
    status = 429


def visitor_hash(value: str) -> str:
    """A keyed hash of a visitor's cookie or network: equal for the same one, useless without the key."""
    return salted_hmac("spbe.lounge.visitor", value, algorithm="sha256").hexdigest() if value else ""


def _check_limit(lounge: Lounge, service: Service, day: dt.date, taker: Taker) -> tuple[str, str]:
    """Refuse a take over the lounge's daily limits; return the hashes to store on the ticket.

    Runs under the day's numbering lock, which every take of this service waits for, so the count is
    exact even when one phone presses twice at once.
    """
    today = QueueTicket.objects.filter(lounge=lounge, day=day, service=service)
    visitor, network = visitor_hash(taker.visitor), visitor_hash(taker.network)
    checks: list[tuple[int, Q]] = []
    if taker.kiosk is not None:
        checks.append((lounge.max_per_kiosk, Q(kiosk=taker.kiosk)))
    elif taker.channel == QueueTicket.Channel.WEB:
        if visitor:
            checks.append((lounge.max_per_visitor, Q(visitor_hash=visitor)))
        if network:
            checks.append((lounge.max_per_network, Q(network_hash=network)))
    for limit, mine in checks:
        if limit and today.filter(mine).count() >= limit:
            raise TooManyTickets(
                _(
                    "Batas %(limit)d nomor antrean %(service)s per hari dari perangkat ini sudah tercapai. "
                    "Gunakan nomor yang sudah Anda ambil, atau tanyakan petugas."
                )
                % {"limit": limit, "service": service.nama}
            )
    return visitor, network


def offers_of(lounge: Lounge) -> Mapping[int, LoungeService]:
    return {o.service_id: o for o in LoungeService.objects.filter(lounge=lounge)}


def _next_number(lounge: Lounge, prefix: str, day: dt.date) -> int:
    """Count one more number for the prefix today, in one statement that locks the day's row until commit.

    ``INSERT .. ON CONFLICT DO UPDATE .. RETURNING`` (PostgreSQL and SQLite >= 3.35) creates the day's row
    or increments it and reads the new value at once, where a get-or-create, a locking read and an update
    took four to six round trips; the row stays locked for the rest of the take, and a take that fails
    afterwards rolls its number back with it.
    """
    quote = connection.ops.quote_name
    table = quote(QueueDay._meta.db_table)
    last = quote("last")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('lounge_id')}, {quote('prefix')}, {quote('day')}, {last}) "  # noqa: S608
            f"VALUES (%s, %s, %s, 1) ON CONFLICT ({quote('lounge_id')}, {quote('prefix')}, {quote('day')}) "
            f"DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            [lounge.pk, prefix, day],
        )
        row = cursor.fetchone()
    return int(row[0])


def ticket_take(
    *,
    taker: Taker,
    lounge: Lounge,
    service: Service,
    at: dt.datetime | None = None,
    offer: LoungeService | None = None,
    served: bool | None = None,
) -> QueueTicket:
    """Give the next number of the service's prefix today; never the same number twice, none skipped.

    A phone, network or kiosk over the lounge's daily limit for the service is refused (429) before a
    number is drawn, so a refusal never leaves a gap.

    The day's :class:`QueueDay` row is locked until the ticket is written, so concurrent takes queue up
    behind it one by one (on SQLite the write lock does the same), and a take that fails rolls its number
    back with it. ``offer`` is the service's :class:`LoungeService` when the caller already read it, and
    ``served`` whether an open counter serves the service, when the caller read that with it
    (``queue_selectors.offer_of`` does): a take on a busy morning then reads nothing more before it numbers.
    """
    if taker.channel not in QueueTicket.Channel.values:
        raise ValidationFailed(_("Saluran tidak dikenal."), field="channel")
    if taker.kiosk is not None and (not taker.kiosk.is_active or taker.kiosk.lounge_id != lounge.pk):
        raise NotFound(_("Perangkat kios tidak dikenal."))
    if offer is None or offer.lounge_id != lounge.pk or offer.service_id != service.pk:
        offer = LoungeService.objects.filter(lounge=lounge, service=service).first()
    if offer is None:
        raise NotFound(_("Layanan ini tidak dibuka di ruang layanan ini."))
    if served is None:
        served = Counter.objects.filter(lounge=lounge, is_active=True, services=service).exists()
    if not served:
        raise Conflict(_("Belum ada loket yang melayani %(name)s hari ini.") % {"name": service.nama})
    now = at or timezone.now()
    day = local_day(lounge.pemda, now)
    with transaction.atomic():
        number = _next_number(lounge, offer.prefix, day)
        # Under the day's lock: a refusal raises and rolls the number just counted back.
        visitor, network = _check_limit(lounge, service, day, taker)
        # The unit itself when the caller read it with the service: the tenant check then needs no query.
        unit: dict[str, object] = (
            {"unit": service.unit} if Service.unit.is_cached(service) else {"unit_id": service.unit_id}
        )
        ticket = QueueTicket.objects.create(
            pemda_id=lounge.pemda_id,
            lounge=lounge,
            service=service,
            day=day,
            prefix=offer.prefix,
            number=number,
            public_id=secrets.token_urlsafe(12),
            channel=taker.channel,
            kiosk=taker.kiosk,
            visitor_hash=visitor,
            network_hash=network,
            taken_at=now,
            **unit,
        )
        board_changed(lounge)
    return ticket


def _busy(counter: Counter) -> QueueTicket | None:
    return QueueTicket.objects.filter(counter=counter, state__in=ACTIVE).first()


def ticket_call_next(*, actor: MaybeActor, counter: Counter) -> QueueTicket | None:
    """Call the longest-waiting ticket of today for the counter's services; None when nobody waits.

    The counter row is locked first, so a double press never calls two tickets to one counter; two
    counters racing for the same ticket are settled by the workflow's conditional UPDATE, and the loser
    simply takes the next one.
    """
    can = COUNTER.require(actor, counter.place(), "call")
    with transaction.atomic():
        # Only the counter's row is locked (``of``); its lounge and pemda come along for the local day.
        locked = (
            Counter.objects.select_for_update(of=("self",)).select_related("lounge__pemda").get(pk=counter.pk)
        )
        if not locked.is_active:
            raise Conflict(_("Loket ini sudah ditutup."))
        busy = _busy(locked)
        if busy is not None:
            raise Conflict(
                _("Tiket %(code)s masih di loket ini: selesaikan atau lewati dulu.") % {"code": busy.code}
            )
        day = local_day(locked.lounge.pemda)
        # The counter's services as a subquery of the search below: one round trip less.
        services = Counter.services.through.objects.filter(counter_id=locked.pk).values("service_id")
        for _attempt in range(CALL_ATTEMPTS):
            ticket = (
                QueueTicket.objects.filter(
                    lounge_id=locked.lounge_id, day=day, state=State.WAITING, service_id__in=services
                )
                .order_by("taken_at", "pk")
                .first()
            )
            if ticket is None:
                return None
            now = timezone.now()
            try:
                TICKET_FLOW.apply(
                    ticket,
                    "call",
                    actor=actor,
                    can=can,
                    updates={
                        "counter": locked,
                        "called_at": now,
                        "last_called_at": now,
                        "calls": 1,
                        "wait_seconds": _seconds(ticket.taken_at, now),
                    },
                    audit_extra={"ticket": ticket.code, "counter": locked.name},
                )
            except Conflict:
                continue  # another counter called it first
            board_changed(locked.lounge)
            return ticket
    raise Conflict(_("Banyak loket memanggil bersamaan; tekan Panggil lagi."))


def _at_counter(ticket: QueueTicket, counter: Counter) -> None:
    if ticket.counter_id != counter.pk:
        raise NotFound(_("Tiket tidak ditemukan di loket ini."))


def ticket_recall(*, actor: MaybeActor, counter: Counter, ticket: QueueTicket) -> QueueTicket:
    """Call the counter's ticket again (the citizen did not hear), or a skipped one that came late."""
    can = COUNTER.require(actor, counter.place(), "call")
    _at_counter(ticket, counter)
    with transaction.atomic():
        Counter.objects.select_for_update().get(pk=counter.pk)
        busy = _busy(counter)
        if busy is not None and busy.pk != ticket.pk:
            raise Conflict(
                _("Tiket %(code)s masih di loket ini: selesaikan atau lewati dulu.") % {"code": busy.code}
            )
        TICKET_FLOW.apply(
            ticket,
            "recall",
            actor=actor,
            can=can,
            updates={"last_called_at": timezone.now(), "calls": ticket.calls + 1},
            audit_extra={"ticket": ticket.code, "counter": counter.name},
        )
        board_changed(counter.lounge)
    return ticket


def ticket_start(*, actor: MaybeActor, counter: Counter, ticket: QueueTicket) -> QueueTicket:
    can = COUNTER.require(actor, counter.place(), "call")
    _at_counter(ticket, counter)
    with transaction.atomic():
        TICKET_FLOW.apply(
            ticket,
            "start",
            actor=actor,
            can=can,
            updates={"serving_at": timezone.now()},
            audit_extra={"ticket": ticket.code, "counter": counter.name},
        )
        board_changed(counter.lounge)
    return ticket


def ticket_finish(*, actor: MaybeActor, counter: Counter, ticket: QueueTicket) -> QueueTicket:
    """Close a served ticket; one finished straight from a call was served from that call."""
    can = COUNTER.require(actor, counter.place(), "call")
    _at_counter(ticket, counter)
    now = timezone.now()
    began = ticket.serving_at or ticket.last_called_at
    with transaction.atomic():
        TICKET_FLOW.apply(
            ticket,
            "finish",
            actor=actor,
            can=can,
            updates={"finished_at": now, "serving_at": began, "service_seconds": _seconds(began, now)},
            audit_extra={"ticket": ticket.code, "counter": counter.name},
        )
        board_changed(counter.lounge)
    return ticket


def ticket_skip(*, actor: MaybeActor, counter: Counter, ticket: QueueTicket) -> QueueTicket:
    """Nobody came: the ticket stays at this counter as skipped, so a recall can still serve it."""
    can = COUNTER.require(actor, counter.place(), "call")
    _at_counter(ticket, counter)
    with transaction.atomic():
        TICKET_FLOW.apply(
            ticket, "skip", actor=actor, can=can, audit_extra={"ticket": ticket.code, "counter": counter.name}
        )
        board_changed(counter.lounge)
    return ticket


# ---------------------------------------------------------------------------------------- survey


def survey_for_ticket(
    *, ticket: QueueTicket, answers: Mapping[str, int], tanggal: dt.date | None = None
) -> SurveyResponse:
    """Record the nine answers of the citizen who was served on ``ticket``; once per ticket."""
    if ticket.state != State.DONE:
        raise Conflict(_("Survei dapat diisi setelah layanan selesai."))
    values: dict[str, int] = {}
    for key in ELEMENT_KEYS:
        value = answers.get(key)
        if not isinstance(value, int) or not MIN_ANSWER <= value <= MAX_ANSWER:
            raise ValidationFailed(_("Pilih jawaban 1-4 untuk setiap pertanyaan."), field=key)
        values[key] = value
    response = SurveyResponse(
        pemda_id=ticket.pemda_id,
        unit_id=ticket.unit_id,
        service_id=ticket.service_id,
        tanggal=tanggal or local_day(ticket.lounge.pemda),
        ticket=ticket.public_id,
        **values,
    )
    try:
        with transaction.atomic():
            response.save()
            ikm_changed(ticket.pemda_id)
    except IntegrityError:
        raise Conflict(_("Survei untuk tiket ini sudah diisi. Terima kasih.")) from None
    return response


# ---------------------------------------------------------------------------------------- kiosks


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def kiosk_register(*, actor: MaybeActor, lounge: Lounge, name: str) -> tuple[KioskDevice, str]:
    """Register a kiosk; return it with its enrolment token, which is shown this once and never kept."""
    LOUNGE.require(actor, Place.of_pemda(lounge.pemda_id), "manage")
    try:
        clean = clean_name(name, label=_("Nama perangkat"), max_length=100)
    except InvalidText as exc:
        raise ValidationFailed(exc.message, field="name") from None
    token = secrets.token_urlsafe(24)
    device = KioskDevice(pemda_id=lounge.pemda_id, lounge=lounge, name=clean, token_hash=token_hash(token))
    try:
        with transaction.atomic():
            device.save()
            audit.record(
                actor=actor,
                action="kiosk.register",
                obj=device,
                pemda_code=lounge.pemda_id,
                after={"lounge": lounge.code, "name": clean},
            )
    except IntegrityError:
        raise Conflict(_("Perangkat bernama %(name)s sudah terdaftar di sini.") % {"name": clean}) from None
    return device, token


def kiosk_deactivate(*, actor: MaybeActor, device: KioskDevice) -> KioskDevice:
    LOUNGE.require(actor, Place.of_pemda(device.pemda_id), "manage")
    with transaction.atomic():
        if not KioskDevice.objects.filter(pk=device.pk, is_active=True).update(is_active=False):
            raise Conflict(_("Perangkat ini sudah nonaktif."))
        device.is_active = False
        audit.record(
            actor=actor,
            action="kiosk.deactivate",
            obj=device,
            pemda_code=device.pemda_id,
            before={"is_active": True},
            after={"is_active": False},
        )
    return device


def kiosk_enroll(*, token: str) -> KioskDevice:
    """The device that ``token`` was issued for, marked enrolled; NotFound for any other token.

    Whoever holds the token vouches for the device, so the entry names the kiosk itself as the actor.
    """
    device = KioskDevice.objects.filter(token_hash=token_hash(token.strip()), is_active=True).first()
    if device is None:
        raise NotFound(_("Token perangkat tidak dikenal atau sudah dinonaktifkan."))
    with transaction.atomic():
        device.enrolled_at = timezone.now()
        device.save(update_fields=["enrolled_at", "updated_at"])
        audit.record(
            actor=system(f"kios:{device.pk}"),
            action="kiosk.enroll",
            obj=device,
            pemda_code=device.pemda_id,
            after={"enrolled_at": device.enrolled_at},
        )
    return device
