"""Event services ("jemput bola"): planning them, the public calendar, the GeoJSON map and the iCalendar feed.

The feed is read back by a strict RFC 5545 reader written here: CRLF only, lines of at most 75 octets,
content-line grammar, component nesting, the required properties, and the TEXT escapes.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.lounge import events
from spbe.lounge.models import EventService, Service

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
NAME = re.compile(r"^[A-Za-z0-9-]+$")
UTC_TIME = re.compile(r"^\d{8}T\d{6}Z$")


def read_ics(body: bytes) -> list[dict[str, list[str]]]:
    """Parse strictly; return the VEVENTs as {property: [decoded values]}."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    assert re.search(r"(?<!\r)\n", text) is None, "bare LF"
    assert "\r" not in text.replace("\r\n", ""), "bare CR"
    physical = text[:-2].split("\r\n")
    logical: list[str] = []
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, f"longer than 75 octets: {line!r}"
        if line.startswith((" ", "\t")):
            assert logical, "continuation before any line"
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[str] = []
    calendar_props: dict[str, list[str]] = {}
    found: list[dict[str, list[str]]] = []
    for line in logical:
        head, sep, value = line.partition(":")
        assert sep, f"no colon: {line!r}"
        name = head.split(";")[0]
        assert NAME.match(name), f"bad property name {name!r}"
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                found.append({})
            continue
        if name == "END":
            assert stack and stack.pop() == value, f"END:{value} does not close"
            continue
        assert stack, "property outside a component"
        target = found[-1] if stack[-1] == "VEVENT" else calendar_props
        target.setdefault(name, []).append(value)
    assert stack == [], "unclosed component"
    assert calendar_props["VERSION"] == ["2.0"] and len(calendar_props["PRODID"]) == 1
    for event in found:
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert len(event.get(required, [])) == 1, f"{required} must occur once"
        for stamp in ("DTSTAMP", "DTSTART", "DTEND", "LAST-MODIFIED"):
            assert UTC_TIME.match(event[stamp][0]), event[stamp]
        assert event["DTEND"][0] > event["DTSTART"][0]
        for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
            if name in event:
                event[name] = [_unescape(v) for v in event[name]]
    return found


def _unescape(value: str) -> str:
    out, chars = [], iter(value)
    for c in chars:
        if c == "\\":
            nxt = next(chars)
            assert nxt in "\\;,nN", f"bad escape \\{nxt}"
            out.append("\n" if nxt in "nN" else nxt)
        else:
            assert c not in ";,", f"unescaped {c!r}"
            out.append(c)
    return "".join(out)


@pytest.fixture
def planner(world):
    return grant(make_user("mpp.events", world.pemda_a), world.pemda_a, Role.SERVICE_MANAGER)


@pytest.fixture
def service(world):
    return Service.objects.create(
        pemda=world.pemda_a, unit=world.unit_a, kode_layanan="KES-01", nama="Cek tekanan darah"
    )


def plan(world, actor=None, **fields):
    values = {
        "unit": world.unit_a,
        "title": "Posko kesehatan Festival Gandrung Sewu",
        "place_name": "Pantai Boom",
        "address": "Jl. Pantai Boom, Kampung Mandar",
        "starts_at": dt.datetime(2027, 10, 16, 7, 0, tzinfo=WIB),
        "ends_at": dt.datetime(2027, 10, 16, 18, 0, tzinfo=WIB),
        "latitude": Decimal("-8.2191"),
        "longitude": Decimal("114.3852"),
        "description": "Bawa KTP; gratis, untuk semua pengunjung.",
    }
    values.update(fields)
    return events.event_create(actor=actor or world.agency_operator_a, **values)


def test_an_agency_plans_its_own_events_only(world, service):
    event = plan(world, services=[service], offered="Donor darah\nKonsultasi gizi")
    assert event.pemda_id == "35.10" and event.sequence == 0
    assert list(event.services.all()) == [service]
    assert AuditEntry.objects.filter(action="event.create", object_id=str(event.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        plan(world, actor=world.agency_operator_a2)
    with pytest.raises(PermissionDenied):
        plan(world, actor=world.officer_b)
    assert EventService.objects.count() == 1


def test_the_service_manager_plans_for_any_agency(world, planner):
    assert plan(world, actor=planner, unit=world.unit_a2).unit_id == world.unit_a2.pk


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": dt.datetime(2027, 10, 16, 6, 0, tzinfo=WIB)}, "ends_at"),
        ({"ends_at": dt.datetime(2027, 12, 16, 6, 0, tzinfo=WIB)}, "ends_at"),
        ({"starts_at": dt.datetime(2027, 10, 16, 7, 0)}, "starts_at"),
        ({"latitude": None}, "latitude"),
        ({"latitude": Decimal("-91")}, "latitude"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_events_are_refused_with_their_field(world, fields, field):
    with pytest.raises(ValidationFailed) as caught:
        plan(world, **fields)
    assert caught.value.field == field
    assert not EventService.objects.exists()


def test_an_edit_bumps_the_revision_and_a_stale_edit_is_a_conflict(world):
    event = plan(world)
    stale = EventService.objects.get(pk=event.pk)
    events.event_update(actor=world.agency_head_a, event=event, changes={"place_name": "Taman Blambangan"})
    event.refresh_from_db()
    assert (event.place_name, event.sequence) == ("Taman Blambangan", 1)
    with pytest.raises(Conflict):
        events.event_update(actor=world.agency_head_a, event=stale, changes={"place_name": "Lain"})
    with pytest.raises(ValidationFailed):
        events.event_update(actor=world.agency_head_a, event=event, changes={"unit": world.unit_a2})
    event.refresh_from_db()
    assert event.place_name == "Taman Blambangan"


def test_a_cancelled_event_stays_in_the_feed_marked_cancelled(world):
    event = plan(
        world,
        starts_at=dt.datetime.now(WIB) + dt.timedelta(days=1),
        ends_at=dt.datetime.now(WIB) + dt.timedelta(days=1, hours=4),
    )
    uid_before = events.event_uid(event)
    events.event_cancel(actor=world.agency_operator_a, event=event, reason="Cuaca buruk")
    (found,) = read_ics(Client().get("/pemda/35.10/jemput-bola.ics").content)
    assert found["UID"] == [uid_before]
    assert found["STATUS"] == ["CANCELLED"] and found["SEQUENCE"] == ["1"]
    assert found["DESCRIPTION"][0].startswith("Dibatalkan: Cuaca buruk")
    # The map shows what one can still go to.
    assert Client().get("/api/v1/pemda/35.10/events").json()["features"] == []


def test_the_feed_is_strict_rfc5545_with_stable_uids(world, service):
    tricky = "Bawa KTP, KK; foto 3x4 \\ fotokopi.\nAntre sejak 06.00 — gratis ✓ " + "panjang " * 20
    now = dt.datetime.now(WIB)
    event = plan(
        world,
        title="Posko kesehatan; Festival, Gandrung \\ Sewu",
        description=tricky,
        services=[service],
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=5),
    )
    plan(
        world,
        title="Tanpa koordinat",
        latitude=None,
        longitude=None,
        starts_at=now + dt.timedelta(days=4),
        ends_at=now + dt.timedelta(days=4, hours=1),
    )
    response = Client().get("/pemda/35.10/jemput-bola.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    first, second = read_ics(response.content)
    assert first["UID"] == [f"{event.uid}@openspbe"]
    assert first["SUMMARY"] == ["Posko kesehatan; Festival, Gandrung \\ Sewu"]
    assert first["DESCRIPTION"][0].startswith(tricky.strip())
    assert (
        "- Cek tekanan darah" in first["DESCRIPTION"][0] and "Dinas PU Bina Marga" in first["DESCRIPTION"][0]
    )
    assert first["LOCATION"] == ["Pantai Boom, Jl. Pantai Boom, Kampung Mandar"]
    assert first["GEO"] == ["-8.219100;114.385200"]
    start = dt.datetime.strptime(first["DTSTART"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    event.refresh_from_db()
    assert start == event.starts_at.replace(microsecond=0)
    assert "GEO" not in second
    # The UID does not change with an edit; SEQUENCE does.
    events.event_update(actor=world.agency_operator_a, event=event, changes={"title": "Posko kesehatan"})
    again, _second = read_ics(Client().get("/pemda/35.10/jemput-bola.ics").content)
    assert again["UID"] == first["UID"] and again["SEQUENCE"] == ["1"]


def test_the_feed_of_a_pemda_without_events_is_an_empty_calendar(world):
    assert read_ics(Client().get("/pemda/19.06/jemput-bola.ics").content) == []
    assert Client().get("/pemda/99.99/jemput-bola.ics").status_code == 404


def test_the_geojson_is_map_ready(world, service):
    now = dt.datetime.now(WIB)
    event = plan(
        world,
        services=[service],
        starts_at=now + dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=1, hours=3),
    )
    plan(world, title="Sudah lewat", starts_at=now - dt.timedelta(days=3), ends_at=now - dt.timedelta(days=2))
    response = Client().get("/api/v1/pemda/35.10/events")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["id"] == str(event.uid)
    assert feature["geometry"] == {"type": "Point", "coordinates": [114.3852, -8.2191]}  # longitude first
    assert feature["properties"]["services"] == ["Cek tekanan darah"]
    assert feature["properties"]["starts_at"].endswith("+07:00")
    assert Client().get("/api/v1/pemda/99.99/events").status_code == 404


def test_the_month_calendar_counts_days_in_the_pemda_time_zone(world):
    # 23:30 WIB on 31 October is 16:30 UTC: the event belongs to 31 October, not 1 November.
    plan(
        world,
        title="Layanan malam",
        starts_at=dt.datetime(2027, 10, 31, 23, 30, tzinfo=WIB),
        ends_at=dt.datetime(2027, 10, 31, 23, 59, tzinfo=WIB),
    )
    month = events.month_of(world.pemda_a, 2027, 10)
    days = {d.date: d for week in month.weeks for d in week}
    assert [e.title for e in days[dt.date(2027, 10, 31)].events] == ["Layanan malam"]
    assert [e.title for e in month.events] == ["Layanan malam"]
    assert events.month_of(world.pemda_a, 2027, 11).events == []
    page = Client().get("/pemda/35.10/jemput-bola/", {"bulan": "2027-10"}).content.decode()
    assert "Layanan malam" in page and "23:30" in page
    assert (
        "Layanan malam"
        not in Client().get("/pemda/35.10/jemput-bola/", {"bulan": "2027-11"}).content.decode()
    )


def test_the_list_view_shows_upcoming_events_and_links_the_feed(world):
    now = dt.datetime.now(WIB)
    plan(
        world,
        title="Mobil Dispendukcapil di Pasar Rogojampi",
        starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=4),
    )
    page = Client().get("/pemda/35.10/jemput-bola/", {"tampilan": "daftar"}).content.decode()
    assert "Mobil Dispendukcapil di Pasar Rogojampi" in page
    assert 'href="/pemda/35.10/jemput-bola.ics"' in page
    assert 'href="/api/v1/pemda/35.10/events"' in page
    assert "openstreetmap.org/?mlat=-8.219100&amp;mlon=114.385200" in page


def test_a_bad_month_or_pemda_is_404(world):
    assert Client().get("/pemda/35.10/jemput-bola/", {"bulan": "2027-13"}).status_code == 404
    assert Client().get("/pemda/99.99/jemput-bola/").status_code == 404


def test_the_pemda_page_links_to_the_calendar(world):
    assert 'href="/pemda/35.10/jemput-bola/"' in Client().get("/pemda/35.10/").content.decode()


def test_the_demo_events_load_once_and_make_a_valid_feed(regions):
    from spbe.accounts.demo import SEED, seed_banyuwangi
    from spbe.accounts.models import Pemda

    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    added = events.seed_events(pemda, actor=SEED)
    assert added == len(events.DEMO_EVENTS)
    assert events.seed_events(pemda, actor=SEED) == 0
    found = read_ics(Client().get("/pemda/35.10/jemput-bola.ics").content)
    assert len(found) == added
    features = Client().get("/api/v1/pemda/35.10/events").json()["features"]
    assert len([f for f in features if f["geometry"]]) == added - 1


EVENT_FORM = {
    "title": "Posko kesehatan Pasar Genteng",
    "place_name": "Pasar Genteng",
    "start_date": "2027-10-20",
    "start_time": "07:00",
    "end_date": "2027-10-20",
    "end_time": "12:00",
    "latitude": "-8.3640",
    "longitude": "114.1510",
    "offered": "Cek gula darah",
}


def test_an_agency_plans_an_event_on_the_staff_page_in_local_time(world):
    client = world.client_for(world.agency_operator_a)
    page = client.get("/app/35.10/jemput-bola/").content.decode()
    assert 'id="event-form"' in page and "Dinas Pendidikan" not in page  # only their own agency is offered
    response = client.post("/app/35.10/jemput-bola/", {**EVENT_FORM, "unit": world.unit_a.pk})
    assert response.status_code == 302
    event = EventService.objects.get()
    assert event.starts_at == dt.datetime(2027, 10, 20, 0, 0, tzinfo=dt.UTC)  # 07:00 WIB
    assert event.unit_id == world.unit_a.pk
    refused = client.post("/app/35.10/jemput-bola/", {**EVENT_FORM, "unit": world.unit_a2.pk})
    assert refused.status_code == 200 and EventService.objects.count() == 1


def test_staff_cancel_an_event_of_their_agency_only(world):
    event = plan(world)
    other = world.client_for(world.agency_operator_a2)
    form = {"form": "cancel", "uid": str(event.uid), "reason": "Hujan"}
    assert other.post("/app/35.10/jemput-bola/", form).status_code == 403
    event.refresh_from_db()
    assert not event.cancelled
    assert world.client_for(world.agency_head_a).post("/app/35.10/jemput-bola/", form).status_code == 302
    event.refresh_from_db()
    assert event.cancelled and event.sequence == 1
    assert world.client_for(world.officer_b).get("/app/35.10/jemput-bola/").status_code == 404
