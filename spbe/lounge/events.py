"""Event services ("layanan jemput bola"): who may plan them, the writes, and the public reads.

An agency (its operator or head) or the service-mall manager plans where and when services are brought to
people: a health post at a festival, a civil-registry van at a market. Every write is audited and bumps
the event's ``sequence``, so calendars that subscribed to the feed (:mod:`spbe.core.ical`) replace their
copy; a cancelled event stays in the feed marked CANCELLED instead of silently disappearing.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Place, Policy, units_for_user
from spbe.accounts.models import Pemda, PerangkatDaerah, Role
from spbe.core import audit, ical
from spbe.core.actors import MaybeActor
from spbe.core.errors import NotFound, ValidationFailed
from spbe.core.text import InvalidText, clean_name
from spbe.core.workflow import update_unchanged

from .models import EventService, Service
from .speed import events_changed

EVENT = Policy(
    manage={Role.SERVICE_MANAGER, Role.AGENCY_OPERATOR, Role.AGENCY_HEAD},
)
COORDINATE_PLACES = Decimal("0.000001")
MAX_DAYS = 31
FEED_PAST_DAYS = 90
EDITABLE = frozenset(
    {
        "title",
        "description",
        "place_name",
        "address",
        "latitude",
        "longitude",
        "starts_at",
        "ends_at",
        "offered",
    }
)


def today_in(pemda: Pemda) -> dt.date:
    """The date it is now where the pemda is."""
    return timezone.localdate(timezone.now(), ZoneInfo(pemda.time_zone))


def local_time(pemda: Pemda, day: dt.date, time: dt.time) -> dt.datetime:
    """A wall-clock time in the pemda (``08:00`` in Banyuwangi is 01:00 UTC)."""
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(pemda.time_zone))


def _check(event: EventService) -> None:
    """Clean the text fields in place and refuse what breaks a rule, naming the field."""
    for name, label, limit in (("title", _("nama kegiatan"), 200), ("place_name", _("tempat"), 200)):
        try:
            setattr(event, name, clean_name(getattr(event, name), label=label, max_length=limit, field=name))
        except InvalidText as error:
            raise ValidationFailed(error.message, field=name) from error
    event.address = " ".join(event.address.split())[:255]
    event.description = event.description.strip()
    event.offered = event.offered.strip()
    for name in ("starts_at", "ends_at"):
        if timezone.is_naive(getattr(event, name)):
            raise ValidationFailed(_("Waktu harus menyebut zona waktunya."), field=name)
    if event.ends_at <= event.starts_at:
        raise ValidationFailed(_("Waktu selesai harus sesudah waktu mulai."), field="ends_at")
    if event.ends_at - event.starts_at > dt.timedelta(days=MAX_DAYS):
        raise ValidationFailed(
            _("Satu kegiatan paling lama %(days)d hari.") % {"days": MAX_DAYS}, field="ends_at"
        )
    lat, lon = event.latitude, event.longitude
    if (lat is None) != (lon is None):
        raise ValidationFailed(
            _("Isi lintang dan bujur bersama-sama."), field="latitude" if lat is None else "longitude"
        )
    if lat is not None and lon is not None:
        if not Decimal(-90) <= lat <= Decimal(90):
            raise ValidationFailed(_("Lintang harus antara -90 dan 90."), field="latitude")
        if not Decimal(-180) <= lon <= Decimal(180):
            raise ValidationFailed(_("Bujur harus antara -180 dan 180."), field="longitude")
        event.latitude = lat.quantize(COORDINATE_PLACES)
        event.longitude = lon.quantize(COORDINATE_PLACES)


def _services(event: EventService, services: Iterable[Service]) -> list[Service]:
    chosen = list(services)
    for service in chosen:
        if service.pemda_id != event.pemda_id:
            raise ValidationFailed(_("Layanan bukan bagian dari pemda ini."), field="services")
    return chosen


def _snapshot(event: EventService, services: list[Service] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": event.title,
        "place_name": event.place_name,
        "unit": event.unit_id,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "sequence": event.sequence,
        "cancelled": event.cancelled,
    }
    if services is not None:
        data["services"] = [s.kode_layanan for s in services]
    return data


def event_create(
    *,
    actor: MaybeActor,
    unit: PerangkatDaerah,
    title: str,
    place_name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str = "",
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    services: Iterable[Service] = (),
    offered: str = "",
) -> EventService:
    """Plan an event service of ``unit``: its agency's officers or the service-mall manager may."""
    EVENT.require(actor, Place.of_unit(unit), "manage")
    event = EventService(
        pemda_id=unit.pemda_id,
        unit=unit,
        title=title,
        place_name=place_name,
        starts_at=starts_at,
        ends_at=ends_at,
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        offered=offered,
    )
    _check(event)
    chosen = _services(event, services)
    with transaction.atomic():
        event.save()
        event.services.set(chosen)
        audit.record(
            actor=actor,
            action="event.create",
            obj=event,
            pemda_code=event.pemda_id,
            after=_snapshot(event, chosen),
        )
        events_changed(event.pemda_id)
    return event


def event_update(
    *,
    actor: MaybeActor,
    event: EventService,
    changes: dict[str, Any],
    services: Iterable[Service] | None = None,
) -> EventService:
    """Change an event; ``event`` carries the revision the editor saw (Conflict if it moved since)."""
    EVENT.require(actor, event.place(), "manage")
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise ValidationFailed(
            _("Kolom ini tidak dapat diubah: %(names)s.") % {"names": ", ".join(unknown)}, field=unknown[0]
        )
    edited = EventService.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(edited, name, value)
    _check(edited)
    chosen = _services(edited, services) if services is not None else None
    before = _snapshot(event)
    values = {name: getattr(edited, name) for name in changes}
    with transaction.atomic():
        update_unchanged(
            event,
            check={"sequence": event.sequence},
            values={**values, "sequence": event.sequence + 1, "updated_at": timezone.now()},
        )
        if chosen is not None:
            event.services.set(chosen)
        audit.record(
            actor=actor,
            action="event.update",
            obj=event,
            pemda_code=event.pemda_id,
            before=before,
            after=_snapshot(event, chosen),
        )
        events_changed(event.pemda_id)
    return event


def event_cancel(*, actor: MaybeActor, event: EventService, reason: str) -> EventService:
    """Call an event off: it stays in the calendar, marked cancelled with the reason."""
    EVENT.require(actor, event.place(), "manage")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Alasan pembatalan wajib diisi."), field="reason")
    note = _("Dibatalkan: %(reason)s") % {"reason": reason}
    description = f"{note}\n\n{event.description}".strip()
    with transaction.atomic():
        update_unchanged(
            event,
            check={"sequence": event.sequence, "cancelled": False},
            values={
                "cancelled": True,
                "description": description,
                "sequence": event.sequence + 1,
                "updated_at": timezone.now(),
            },
        )
        audit.record(
            actor=actor,
            action="event.cancel",
            obj=event,
            pemda_code=event.pemda_id,
            after={**_snapshot(event), "reason": reason},
        )
        events_changed(event.pemda_id)
    return event


# --- staff reads ---------------------------------------------------------------------------------------


def units_to_manage(user: MaybeActor, pemda: Pemda) -> QuerySet[PerangkatDaerah]:
    """The agencies whose event services ``user`` may plan (all for the service-mall manager)."""
    units = units_for_user(user, pemda)
    allowed = [u.pk for u in units if EVENT.can(user, Place.of_unit(u)).manage]
    return PerangkatDaerah.objects.filter(pk__in=allowed).order_by("name")


def staff_events(user: MaybeActor, pemda: Pemda) -> list[tuple[EventService, bool]]:
    """The pemda's events from 30 days back, each with whether ``user`` may change it."""
    since = timezone.now() - dt.timedelta(days=30)
    found = EventService.objects.filter(pemda=pemda, ends_at__gt=since).select_related("unit")
    return [(e, EVENT.can(user, e.place()).manage) for e in found.order_by("starts_at", "pk")[:300]]


def event_for_staff(pemda: Pemda, uid: str) -> EventService:
    """One event of the pemda by its calendar id (the service decides who may change it)."""
    try:
        key = uuid.UUID(uid)
    except ValueError as exc:
        raise NotFound(_("Data tidak ditemukan.")) from exc
    event = EventService.objects.filter(pemda=pemda, uid=key).first()
    if event is None:
        raise NotFound(_("Data tidak ditemukan."))
    return event


# --- public reads -------------------------------------------------------------------------------------


def public_pemda(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code, is_active=True).first()
    if pemda is None:
        raise NotFound(_("Pemda dengan kode %(code)s tidak ada.") % {"code": code})
    return pemda


def events_between(pemda: Pemda, start: dt.datetime, end: dt.datetime) -> QuerySet[EventService]:
    """The pemda's events that overlap ``start..end``, in time order, with their unit and services."""
    return (
        EventService.objects.filter(pemda=pemda, starts_at__lt=end, ends_at__gt=start)
        .select_related("unit")
        .prefetch_related("services")
        .order_by("starts_at", "pk")
    )


def upcoming(pemda: Pemda, now: dt.datetime | None = None) -> QuerySet[EventService]:
    """Events not over yet and not cancelled: what a map shows."""
    now = now or timezone.now()
    return (
        EventService.objects.filter(pemda=pemda, ends_at__gt=now, cancelled=False)
        .select_related("unit")
        .prefetch_related("services")
        .order_by("starts_at", "pk")
    )


def feed_events(pemda: Pemda, now: dt.datetime | None = None) -> QuerySet[EventService]:
    """What the calendar feed carries: from 90 days back on, cancelled ones included (marked)."""
    since = (now or timezone.now()) - dt.timedelta(days=FEED_PAST_DAYS)
    return (
        EventService.objects.filter(pemda=pemda, ends_at__gt=since)
        .select_related("unit")
        .prefetch_related("services")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    events: list[EventService]


@dataclass(frozen=True)
class Month:
    first: dt.date
    weeks: list[list[Day]]
    events: list[EventService]
    previous: dt.date
    next: dt.date


def month_of(pemda: Pemda, year: int, month: int) -> Month:
    """A month grid (weeks from Monday) of the pemda's events, days counted in its own time zone."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationFailed(_("Bulan tidak dikenal."), field="bulan")
    zone = ZoneInfo(pemda.time_zone)
    weeks_dates = month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start = dt.datetime.combine(weeks_dates[0][0], dt.time(), tzinfo=zone)
    end = dt.datetime.combine(weeks_dates[-1][-1] + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    events = list(events_between(pemda, start, end))
    by_day: dict[dt.date, list[EventService]] = {}
    for event in events:
        day = timezone.localtime(event.starts_at, zone).date()
        last = timezone.localtime(event.ends_at - dt.timedelta(microseconds=1), zone).date()
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += dt.timedelta(days=1)
    weeks = [[Day(d, d.month == month, by_day.get(d, [])) for d in week] for week in weeks_dates]
    first = dt.date(year, month, 1)
    in_month = [e for e in events if any(e in day.events for week in weeks for day in week if day.in_month)]
    return Month(
        first=first,
        weeks=weeks,
        events=in_month,
        previous=(first - dt.timedelta(days=1)).replace(day=1),
        next=(first + dt.timedelta(days=32)).replace(day=1),
    )


def event_uid(event: EventService) -> str:
    """The event's name in calendars: the same for its whole life, unique across deployments."""
    return f"{event.uid}@openspbe"


def _offered(event: EventService) -> list[str]:
    names = [s.nama for s in event.services.all()]
    if event.offered:
        names += [line.strip() for line in event.offered.splitlines() if line.strip()]
    return names


def feed_text(pemda: Pemda, events: Iterable[EventService], page_url: str) -> str:
    """The pemda's iCalendar feed (RFC 5545) of ``events``."""
    items = []
    for event in events:
        offered = _offered(event)
        description = event.description
        if offered:
            description = "\n".join(
                [*([description, ""] if description else []), _("Layanan:"), *(f"- {n}" for n in offered)]
            )
        items.append(
            ical.Event(
                uid=event_uid(event),
                start=event.starts_at,
                end=event.ends_at,
                summary=event.title,
                stamp=event.updated_at,
                description=f"{description}\n\n{event.unit.name}".strip(),
                location=", ".join(p for p in (event.place_name, event.address) if p),
                latitude=event.latitude,
                longitude=event.longitude,
                url=page_url,
                sequence=event.sequence,
                cancelled=event.cancelled,
            )
        )
    name = _("Layanan jemput bola %(pemda)s") % {"pemda": pemda.name}
    return ical.calendar(items, name=name)


def _map_lines(event: EventService, zone: ZoneInfo) -> list[str]:
    starts, ends = timezone.localtime(event.starts_at, zone), timezone.localtime(event.ends_at, zone)
    when = (
        f"{starts:%d-%m-%Y %H.%M}-{ends:%H.%M}"
        if starts.date() == ends.date()
        else (f"{starts:%d-%m-%Y %H.%M} - {ends:%d-%m-%Y %H.%M}")
    )
    lines = [event.place_name, when, event.unit.name]
    if event.cancelled:
        lines.append(_("Dibatalkan"))
    return [line for line in lines if line]


def geojson(pemda: Pemda, events: Iterable[EventService]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946: longitude first); events without a place have no geometry."""
    zone = ZoneInfo(pemda.time_zone)
    features = []
    for event in events:
        geometry = None
        if event.latitude is not None and event.longitude is not None:
            # GeoJSON positions are JSON numbers; six decimals (about 10 cm) survive a double exactly enough.
            geometry = {"type": "Point", "coordinates": [float(event.longitude), float(event.latitude)]}
        features.append(
            {
                "type": "Feature",
                "id": str(event.uid),
                "geometry": geometry,
                "properties": {
                    # What the page's map widget shows in a popup (spbe/core/templatetags/maps.py).
                    "name": event.title,
                    "lines": _map_lines(event, zone),
                    "marker": "warn" if event.cancelled else "",
                    "title": event.title,
                    "place": event.place_name,
                    "address": event.address,
                    "starts_at": timezone.localtime(event.starts_at, zone).isoformat(),
                    "ends_at": timezone.localtime(event.ends_at, zone).isoformat(),
                    "unit": {"code": event.unit.code, "name": event.unit.name},
                    "services": _offered(event),
                    "cancelled": event.cancelled,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- demo ---------------------------------------------------------------------------------------------

# (title, place, address, latitude, longitude, agency code, service codes prefix, days from today, hours)
DEMO_EVENTS = [
    (
        "Posko kesehatan Festival Gandrung Sewu",
        "Pantai Boom",
        "Kampung Mandar, Banyuwangi",
        "-8.2040",
        "114.3800",
        "1.02.0.00.0.00.01.0000",
        "",
        12,
        (6, 18),
    ),
    (
        "Mobil layanan Dispendukcapil di Pasar Rogojampi",
        "Pasar Rogojampi",
        "Jl. Raya Rogojampi",
        "-8.3110",
        "114.2850",
        "2.12.0.00.0.00.01.0000",
        "CAPIL",
        3,
        (7, 12),
    ),
    (
        "Perekaman KTP-el keliling: Alun-alun Genteng",
        "Alun-alun Genteng",
        "Genteng",
        "-8.3640",
        "114.1510",
        "2.12.0.00.0.00.01.0000",
        "CAPIL",
        9,
        (8, 14),
    ),
    (
        "Cek kesehatan gratis Car Free Day",
        "Taman Blambangan",
        "Jl. Veteran, Banyuwangi",
        "-8.2155",
        "114.3680",
        "1.02.0.00.0.00.01.0000",
        "",
        5,
        (6, 10),
    ),
    (
        "Posko mudik Pelabuhan Ketapang",
        "Pelabuhan Ketapang",
        "Kalipuro",
        "-8.1430",
        "114.3980",
        "2.15.0.00.0.00.01.0000",
        "",
        20,
        (0, 23),
    ),
    (
        "Layanan akta kelahiran di Balai Desa Sukorejo",
        "Balai Desa Sukorejo",
        "Bangorejo",
        None,
        None,
        "2.12.0.00.0.00.01.0000",
        "CAPIL",
        16,
        (8, 13),
    ),
]


def seed_events(pemda: Pemda, *, actor: MaybeActor) -> int:
    """Add the demo's event services once (a pemda with events gets none); return how many were added."""
    if EventService.objects.filter(pemda=pemda).exists():
        return 0
    units = {u.code: u for u in PerangkatDaerah.objects.filter(pemda=pemda)}
    today = today_in(pemda)
    added = 0
    for title, place, address, lat, lon, code, prefix, days, (start, end) in DEMO_EVENTS:
        unit = units.get(code)
        if unit is None:
            continue
        day = today + dt.timedelta(days=days)
        offered = (
            list(Service.objects.filter(pemda=pemda, kode_layanan__startswith=prefix)[:4]) if prefix else []
        )
        event_create(
            actor=actor,
            unit=unit,
            title=title,
            place_name=place,
            address=address,
            starts_at=local_time(pemda, day, dt.time(start)),
            ends_at=local_time(pemda, day, dt.time(end, 59 if end == 23 else 0)),
            latitude=Decimal(lat) if lat else None,
            longitude=Decimal(lon) if lon else None,
            services=offered,
            offered="" if prefix else "Cek tekanan darah dan gula darah\nKonsultasi dokter umum",
        )
        added += 1
    return added
