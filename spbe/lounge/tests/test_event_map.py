"""The event calendar shows its upcoming events on a map (issue 10, point 6: a calendar and a map)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from spbe.lounge import events

from .test_event_services import WIB, plan

pytestmark = pytest.mark.django_db


def test_the_calendar_page_draws_the_events_geojson_on_the_map_widget(world):
    page = Client().get("/pemda/35.10/jemput-bola/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-geojson="/api/v1/pemda/35.10/events"' in body
    assert "Peta layanan jemput bola mendatang" in body


def test_each_feature_carries_what_the_map_popup_shows(world):
    now = dt.datetime.now(WIB).replace(hour=8, minute=0, second=0, microsecond=0)
    event = plan(world, starts_at=now + dt.timedelta(days=2), ends_at=now + dt.timedelta(days=2, hours=4))
    (feature,) = Client().get("/api/v1/pemda/35.10/events").json()["features"]
    props = feature["properties"]
    assert props["name"] == "Posko kesehatan Festival Gandrung Sewu"
    day = (now + dt.timedelta(days=2)).strftime("%d-%m-%Y")
    assert props["lines"] == ["Pantai Boom", f"{day} 08.00-12.00", world.unit_a.name]
    assert props["marker"] == ""
    events.event_cancel(actor=world.agency_operator_a, event=event, reason="Hujan lebat")
    assert Client().get("/api/v1/pemda/35.10/events").json()["features"] == []  # off the map
    (cancelled,) = events.geojson(world.pemda_a, [event])["features"]
    assert cancelled["properties"]["marker"] == "warn"
    assert cancelled["properties"]["lines"][-1] == "Dibatalkan"
