"""Reads of the queues: a ticket's place in line, the display board, the statistics of waiting and
service times. Public reads here show ticket numbers, services and counters, never who took a ticket
(nobody is asked)."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, CharField, Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, ExtractHour
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core.errors import NotFound, ValidationFailed
from spbe.core.http import strong_etag
from spbe.core.models import DataVersion
from spbe.core.published import current_version

from .models import Counter, Lounge, LoungeService, QueueTicket
from .queues import ACTIVE, BOARD_DATA_SET, State, board_data_set, local_day

# When nothing has been served yet, a ticket's wait is estimated at this many seconds a person ahead.
DEFAULT_SERVICE_SECONDS = 300
# How many recent services make the average an estimate rests on.
ESTIMATE_SAMPLE = 50
BOARD_RECENT = 8


def lounge_of(pemda: Pemda, code: str) -> Lounge:
    lounge = Lounge.objects.filter(pemda=pemda, code=code).select_related("pemda").first()
    if lounge is None:
        raise NotFound(_("Ruang layanan %(code)s tidak ada.") % {"code": code})
    return lounge


def public_lounge(pemda_code: str, code: str) -> Lounge:
    """A lounge of a hosted, active pemda, with the pemda, in one query (the board's poll)."""
    lounge = (
        Lounge.objects.filter(pemda_id=pemda_code, pemda__is_active=True, code=code)
        .select_related("pemda")
        .first()
    )
    if lounge is None:
        raise NotFound(_("Ruang layanan %(code)s tidak ada.") % {"code": code})
    return lounge


# Per process: (pemda code, lounge code) -> (when read, the lounge with its pemda). The board's poll reads
# its lounge from here, so a poll of an unchanged board runs no query at all; a lounge renamed, or a pemda
# deactivated, shows within this many seconds (the board's own data within a second, by its version).
LOUNGE_MEMO_SECONDS = 10.0
LOUNGE_MEMO_SIZE = 1_000
_LOUNGES: dict[tuple[str, str], tuple[float, Lounge]] = {}


def public_lounge_kept(pemda_code: str, code: str) -> Lounge:
    """:func:`public_lounge`, kept per process for :data:`LOUNGE_MEMO_SECONDS` (unknown ones never are)."""
    key = (pemda_code, code)
    now = time.monotonic()
    kept = _LOUNGES.get(key)
    if kept is not None and now - kept[0] < LOUNGE_MEMO_SECONDS:
        return kept[1]
    lounge = public_lounge(pemda_code, code)
    if len(_LOUNGES) >= LOUNGE_MEMO_SIZE:
        _LOUNGES.clear()  # a scan of made-up codes never gets here (404s are not kept)
    _LOUNGES[key] = (now, lounge)
    return lounge


def forget_kept() -> None:
    """Drop the lounges and boards kept in this process (a test's database is gone after it)."""
    _LOUNGES.clear()
    with _BOARDS_LOCK:
        _BOARDS.clear()


def lounges_of(pemda: Pemda) -> QuerySet[Lounge]:
    return Lounge.objects.filter(pemda=pemda).order_by("code")


def lounges_with_counts(pemda: Pemda) -> QuerySet[Lounge]:
    """The pemda's lounges with how many services, open counters and active kiosks each has."""
    return lounges_of(pemda).annotate(
        n_offers=Count("offers", distinct=True),
        n_counters=Count("counters", filter=Q(counters__is_active=True), distinct=True),
        n_kiosks=Count("kiosks", filter=Q(kiosks__is_active=True), distinct=True),
    )


def offers_in(lounge: Lounge, query: str = "") -> list[LoungeService]:
    """The services a ticket can be taken for in ``lounge`` (an open counter serves them), by name."""
    from .selectors import fold

    served = Counter.objects.filter(lounge=lounge, is_active=True).values_list("services", flat=True)
    offers = (
        LoungeService.objects.filter(lounge=lounge, service_id__in=served)
        .select_related("service", "service__unit")
        .order_by("service__nama")
    )
    for word in fold(query).split()[:8]:
        offers = offers.filter(service__search_text__contains=word)
    return list(offers)


def _served() -> Exists:
    """Whether an open counter of the offer's lounge serves its service (what a take needs first)."""
    return Exists(
        Counter.objects.filter(
            lounge_id=OuterRef("lounge_id"), is_active=True, services=OuterRef("service_id")
        )
    )


def offer_of(lounge: Lounge, kode: str) -> LoungeService:
    """The offer of service ``kode`` in ``lounge``, with the service, its agency and ``served``."""
    offer = (
        LoungeService.objects.filter(lounge=lounge, service__kode_layanan=kode)
        .select_related("service", "service__unit")
        .annotate(served=_served())
        .first()
    )
    if offer is None:
        raise NotFound(_("Layanan %(code)s tidak dibuka di ruang layanan ini.") % {"code": kode})
    return offer


def offer_to_take(pemda_code: str, lounge_code: str, kode: str) -> LoungeService | None:
    """What a take on a phone reads before it numbers, in one query: the offer of service ``kode`` in a
    lounge of a hosted, active pemda, with the lounge, pemda, service and agency and ``served``.

    None when any of them is missing: the caller then looks them up one by one for the right message.
    """
    return (
        LoungeService.objects.filter(
            lounge__pemda_id=pemda_code,
            lounge__pemda__is_active=True,
            lounge__code=lounge_code,
            service__kode_layanan=kode,
        )
        .select_related("lounge__pemda", "service__unit")
        .annotate(served=_served())
        .first()
    )


def ticket_of(pemda: Pemda, public_id: str, *, board_version: bool = False) -> QueueTicket:
    """The ticket ``public_id`` of ``pemda`` with its lounge, service and counter.

    With ``board_version``, also its lounge board's data version as ``board_version``, read by the same
    statement (one snapshot): a page built from this row and read after it is never older than that
    version, so an ETag naming it is safe to answer 304 to while the version stays.
    """
    tickets = QueueTicket.objects.filter(pemda=pemda, public_id=public_id).select_related(
        "lounge", "lounge__pemda", "service", "service__unit", "counter"
    )
    if board_version:
        name = Concat(
            Value(BOARD_DATA_SET.split("{", 1)[0]),
            OuterRef("pemda_id"),
            Value(":"),
            OuterRef("lounge__code"),
            output_field=CharField(),
        )
        version = DataVersion.objects.filter(name=name).values("version")[:1]
        tickets = tickets.annotate(board_version=Coalesce(Subquery(version), 0))
    ticket = tickets.first()
    if ticket is None:
        raise NotFound(_("Tiket tidak ditemukan."))
    return ticket


TICKET_CODE = re.compile(r"([A-Z]{1,3})\s*-?\s*0*(\d{1,6})")


def ticket_by_code(lounge: Lounge, code: str, at: dt.datetime | None = None) -> QueueTicket:
    """Today's ticket of ``lounge`` printed as ``code`` (``A-012``, ``a12``, ``A 012`` alike).

    What a citizen types on the kiosk to rate the service: only today's tickets of this lounge, so an
    old or another lounge's number finds nothing.
    """
    match = TICKET_CODE.fullmatch(code.strip().upper())
    if match is None:
        raise NotFound(_("Tulis nomor antrean seperti di tiket, misalnya A-012."))
    ticket = (
        QueueTicket.objects.filter(
            lounge=lounge, day=local_day(lounge.pemda, at), prefix=match[1], number=int(match[2])
        )
        .select_related("service")
        .first()
    )
    if ticket is None:
        raise NotFound(_("Nomor antrean %(code)s hari ini tidak ditemukan di sini.") % {"code": code.strip()})
    return ticket


@dataclass(frozen=True)
class TicketStatus:
    ticket: QueueTicket
    ahead: int  # waiting tickets of the same prefix called before this one
    estimate_minutes: int | None  # None once the ticket is no longer waiting
    surveyed: bool


def ticket_status(ticket: QueueTicket) -> TicketStatus:
    """Where the ticket stands: how many wait before it and roughly how long until its call.

    The estimate is the people ahead times the average service time of the prefix's recent tickets,
    shared among the open counters serving the service.
    """
    from .models import SurveyResponse

    surveyed = SurveyResponse.objects.filter(pemda_id=ticket.pemda_id, ticket=ticket.public_id).exists()
    if ticket.state != State.WAITING:
        return TicketStatus(ticket, 0, None, surveyed)
    ahead = QueueTicket.objects.filter(
        lounge_id=ticket.lounge_id,
        day=ticket.day,
        prefix=ticket.prefix,
        state=State.WAITING,
        number__lt=ticket.number,
    ).count()
    recent = list(
        QueueTicket.objects.filter(lounge_id=ticket.lounge_id, prefix=ticket.prefix, state=State.DONE)
        .exclude(service_seconds=None)
        .order_by("-finished_at")
        .values_list("service_seconds", flat=True)[:ESTIMATE_SAMPLE]
    )
    per_person = sum(s or 0 for s in recent) / len(recent) if recent else DEFAULT_SERVICE_SECONDS
    counters = max(
        1,
        Counter.objects.filter(
            lounge_id=ticket.lounge_id, is_active=True, services=ticket.service_id
        ).count(),
    )
    minutes = round((ahead + 1) * per_person / counters / 60)
    return TicketStatus(ticket, ahead, max(1, minutes), surveyed)


def board(lounge: Lounge, at: dt.datetime | None = None) -> dict[str, Any]:
    """What the display board shows: each open counter's current number, the latest calls, and how many
    wait per prefix. Holds no clock, so the same state always gives the same document (and ETag)."""
    day = local_day(lounge.pemda, at)
    current = {
        t.counter_id: t
        for t in QueueTicket.objects.filter(lounge=lounge, day=day, state__in=ACTIVE).order_by(
            "last_called_at"
        )
    }
    counters = [
        {
            "loket": c.name,
            "nomor": current[c.pk].code if c.pk in current else "",
            "status": current[c.pk].state if c.pk in current else "",
        }
        for c in Counter.objects.filter(lounge=lounge, is_active=True).order_by("name")
    ]
    names = dict(Counter.objects.filter(lounge=lounge).values_list("pk", "name"))
    recent = QueueTicket.objects.filter(lounge=lounge, day=day, state__in=ACTIVE).order_by(
        "-last_called_at", "-pk"
    )[:BOARD_RECENT]
    waiting = (
        QueueTicket.objects.filter(lounge=lounge, day=day, state=State.WAITING)
        .values("prefix")
        .annotate(n=Count("pk"))
        .order_by("prefix")
    )
    return {
        "ruang": lounge.name,
        "tanggal": day.isoformat(),
        "loket": counters,
        "panggilan": [
            {"nomor": t.code, "loket": names.get(t.counter_id or 0, ""), "panggilan_ke": t.calls}
            for t in recent
        ],
        "menunggu": {row["prefix"]: row["n"] for row in waiting},
    }


def board_etag(document: dict[str, Any]) -> str:
    return strong_etag(board_body(document))


def board_body(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False).encode()


# Per process: lounge -> (day, board version, ETag, body). Every poll of an unchanged board is answered
# from here without a query; any write that changes the board bumps its version (``queues.board_changed``),
# which every process sees within spbe.core.published.REFRESH_SECONDS.
_BOARDS: dict[int, tuple[dt.date, int, str, bytes]] = {}
_BOARDS_LOCK = threading.Lock()


def board_answer(lounge: Lounge) -> tuple[str, bytes]:
    """The board's (ETag, JSON body) now, built once per change of the board in this process.

    The version is read before the document: a change committed in between is in the document already
    and bumps the version again, so a kept body is never older than its version says.
    """
    day = local_day(lounge.pemda)
    version = current_version(board_data_set(lounge))
    with _BOARDS_LOCK:
        kept = _BOARDS.get(lounge.pk)
    if kept is not None and kept[0] == day and kept[1] == version:
        return kept[2], kept[3]
    body = board_body(board(lounge))
    etag = strong_etag(body)
    with _BOARDS_LOCK:
        _BOARDS[lounge.pk] = (day, version, etag, body)
    return etag, body


def counter_current(counter: Counter) -> QueueTicket | None:
    """The ticket called to or being served at ``counter`` (at most one: see ``ticket_call_next``)."""
    return QueueTicket.objects.filter(counter=counter, state__in=ACTIVE).select_related("service").first()


def counter_skipped(counter: Counter) -> list[QueueTicket]:
    """Today's tickets skipped at ``counter``, latest first: a late citizen is recalled from here."""
    day = local_day(counter.lounge.pemda)
    return list(
        QueueTicket.objects.filter(counter=counter, day=day, state=State.SKIPPED)
        .select_related("service")
        .order_by("-last_called_at")[:20]
    )


def waiting_for(counter: Counter) -> int:
    """How many of today's tickets wait for the services ``counter`` serves."""
    return QueueTicket.objects.filter(
        lounge_id=counter.lounge_id,
        day=local_day(counter.lounge.pemda),
        state=State.WAITING,
        service_id__in=counter.services.values("pk"),
    ).count()


def ticket_at_counter(counter: Counter, public_id: str) -> QueueTicket:
    """A ticket this counter called (the console's forms name it); NotFound for any other."""
    ticket = QueueTicket.objects.filter(counter=counter, public_id=public_id).first()
    if ticket is None:
        raise NotFound(_("Tiket tidak ditemukan di loket ini."))
    return ticket


# ---------------------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class StatRow:
    key: str
    tickets: int
    served: int
    avg_wait_minutes: float | None
    max_wait_minutes: float | None
    avg_service_minutes: float | None


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def queue_stats(
    pemda: Pemda, date_from: dt.date, date_to: dt.date, by: str, lounge: Lounge | None = None
) -> list[StatRow]:
    """Tickets, served tickets, average and longest wait and average service time per service, counter
    or hour of the day (the pemda's own hours), summed by the database from the stored seconds."""
    if date_from > date_to:
        raise ValidationFailed(_("Tanggal awal sesudah tanggal akhir."), field="from")
    tickets = QueueTicket.objects.filter(pemda=pemda, day__gte=date_from, day__lte=date_to)
    if lounge is not None:
        tickets = tickets.filter(lounge=lounge)
    if by == "service":
        grouped = tickets.values(key=F("service__nama"))
    elif by == "counter":
        grouped = tickets.exclude(counter=None).values(key=F("counter__name"))
    elif by == "hour":
        zone = zoneinfo.ZoneInfo(pemda.time_zone)
        grouped = tickets.annotate(hour=ExtractHour("taken_at", tzinfo=zone)).values(key=F("hour"))
    else:
        raise ValidationFailed(_("Kelompokkan menurut layanan, loket atau jam."), field="by")
    rows = grouped.annotate(
        tickets=Count("pk"),
        served=Count("pk", filter=_done()),
        avg_wait=Avg("wait_seconds"),
        max_wait=Max("wait_seconds"),
        avg_service=Avg("service_seconds"),
    ).order_by("key")
    out = []
    for row in rows:
        key = f"{row['key']:02d}.00" if by == "hour" else str(row["key"])
        out.append(
            StatRow(
                key,
                row["tickets"],
                row["served"],
                _minutes(row["avg_wait"]),
                _minutes(row["max_wait"]),
                _minutes(row["avg_service"]),
            )
        )
    return out


def _done() -> Q:
    return Q(state=State.DONE)
