"""The event calendar (page, iCalendar feed, map data) and the IKM reports (page, PDF) are published
answers: replayed by the WSGI layer until a service changes what they show (lounge/speed.py)."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from spbe.core import published
from spbe.core.published import current_version
from spbe.lounge import events, queues

from .helpers import EDU, SERVICE_HEADER, SURVEY_HEADER, service_row, survey_row, write_csv
from .test_event_services import plan
from .test_queues import ANSWERS, served

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(published_app):
    """config.wsgi's stack: the published layer in front of Django, with a count of Django's calls."""
    return published_app


def get(app, path):
    """GET ``path`` through ``app`` as an anonymous visitor: (status, headers, body as text)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    result = app(environ, start_response)
    body = b"".join(result).decode("utf-8", "replace")  # a PDF too: compared, never read
    getattr(result, "close", lambda: None)()
    return seen["status"], seen["headers"], body


def _services(tmp_path, *rows):
    path = write_csv(tmp_path / "layanan.csv", [SERVICE_HEADER, *rows])
    call_command("import_services", "--pemda", "35.10", str(path), stdout=StringIO())


def _surveys(tmp_path, name, *rows):
    path = write_csv(tmp_path / name, [SURVEY_HEADER, *rows])
    call_command("import_survey", "--pemda", "35.10", str(path), stdout=StringIO())


def test_the_calendar_feed_and_map_are_replayed_until_an_event_changes(app, world):
    recorder, wsgi = app
    event = plan(world, title="Posko kesehatan Festival Gandrung Sewu")
    paths = ["/pemda/35.10/jemput-bola/", "/pemda/35.10/jemput-bola.ics", "/api/v1/pemda/35.10/events"]
    first = {path: get(wsgi, path) for path in paths}
    for path in paths:
        status, headers, _body = first[path]
        assert status == "200 OK", path
        assert headers["Cache-Control"] == "public, max-age=300" and "ETag" in headers, path
        assert "Set-Cookie" not in headers, path
    assert get(wsgi, "/pemda/35.10/jemput-bola.ics")[2] == first["/pemda/35.10/jemput-bola.ics"][2]
    assert get(wsgi, "/pemda/35.10/jemput-bola/")[2] == first["/pemda/35.10/jemput-bola/"][2]
    assert recorder.calls == 3  # each built once, then replayed

    events.event_update(actor=world.agency_operator_a, event=event, changes={"title": "Posko Gandrung Sewu"})
    status, _h, feed = get(wsgi, "/pemda/35.10/jemput-bola.ics")
    assert "SUMMARY:Posko Gandrung Sewu" in feed and recorder.calls == 4
    assert "Posko Gandrung Sewu" in get(wsgi, "/api/v1/pemda/35.10/events")[2]
    get(wsgi, "/pemda/35.10/jemput-bola/")
    assert recorder.calls == 6

    events.event_cancel(actor=world.agency_operator_a, event=event, reason="Cuaca buruk")
    assert "STATUS:CANCELLED" in get(wsgi, "/pemda/35.10/jemput-bola.ics")[2]
    assert recorder.calls == 7


def test_a_new_event_drops_the_kept_calendar(app, world):
    recorder, wsgi = app
    assert "BEGIN:VEVENT" not in get(wsgi, "/pemda/35.10/jemput-bola.ics")[2]
    plan(world)
    assert "BEGIN:VEVENT" in get(wsgi, "/pemda/35.10/jemput-bola.ics")[2]
    assert recorder.calls == 2


def test_the_published_calendar_carries_no_nonce_even_with_its_map(world):
    plan(world)
    first, second = Client().get("/pemda/35.10/jemput-bola/"), Client().get("/pemda/35.10/jemput-bola/")
    page = first.content.decode()
    assert "data-map" in page and "leaflet.js" in page
    assert "nonce=" not in page and "nonce-" not in first["Content-Security-Policy"]
    assert first.content == second.content
    assert Client().get("/pemda/35.10/jemput-bola/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_ikm_page_and_pdf_are_replayed_until_a_survey_import(app, world, tmp_path):
    recorder, wsgi = app
    _services(tmp_path, service_row("PU-01", "Izin Galian Jalan"), service_row("DIK-01", "Legalisir", EDU))
    _surveys(tmp_path, "a.csv", survey_row("PU-01", "2026-03-02", [4] * 9))
    page, pdf = "/pemda/35.10/ikm/2026/1/", "/pemda/35.10/ikm/2026/1/laporan.pdf"
    unit_page = f"/pemda/35.10/ikm/2026/1/skpd/{world.unit_a.code}/"
    status, headers, body = get(wsgi, page)
    assert status == "200 OK" and headers["Cache-Control"] == "public, max-age=300"
    assert get(wsgi, page)[2] == body
    status, headers, _pdf = get(wsgi, pdf)
    assert status == "200 OK" and headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("inline")
    get(wsgi, pdf)
    assert get(wsgi, unit_page)[0] == "200 OK"
    get(wsgi, unit_page)
    assert recorder.calls == 3

    _surveys(tmp_path, "b.csv", survey_row("PU-01", "2026-03-03", [1] * 9))
    assert get(wsgi, page)[2] != body
    get(wsgi, pdf)
    get(wsgi, unit_page)
    assert recorder.calls == 6


def test_a_catalogue_import_drops_the_calendar_and_the_reports(app, world, tmp_path):
    recorder, wsgi = app
    _services(tmp_path, service_row("PU-01", "Izin Galian Jalan"))
    _surveys(tmp_path, "a.csv", survey_row("PU-01", "2026-03-02", [3] * 9))
    unit_page = f"/pemda/35.10/ikm/2026/1/skpd/{world.unit_a.code}/"  # broken down by service
    assert "Izin Galian Jalan" in get(wsgi, unit_page)[2]
    get(wsgi, "/pemda/35.10/jemput-bola.ics")
    assert recorder.calls == 2
    _services(tmp_path, service_row("PU-01", "Izin Galian dan Utilitas"))
    assert "Izin Galian dan Utilitas" in get(wsgi, unit_page)[2]
    get(wsgi, "/pemda/35.10/jemput-bola.ics")
    assert recorder.calls == 4


def test_a_survey_answered_for_a_ticket_bumps_the_report(mall):
    ticket = served(mall)
    published.versions.forget()
    before = current_version("lounge-ikm:35.10")
    queues.survey_for_ticket(ticket=ticket, answers=ANSWERS, tanggal=dt.date(2026, 3, 2))
    published.versions.forget()
    assert current_version("lounge-ikm:35.10") == before + 1
