"""The published-response cache in front of Django: what it replays, what it never keeps, when it forgets."""

from __future__ import annotations

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from spbe.core import published
from spbe.core.published import PublishedResponses, bump_version
from spbe.regions.api import PUBLISHED_ROUTES
from spbe.regions.models import Region

pytestmark = pytest.mark.django_db


class Recorder:
    """The Django application, counting how often it is really called."""

    def __init__(self):
        self.django = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


def call(app, path, method="GET", **extra):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": __import__("io").BytesIO(b""),
        "wsgi.errors": __import__("io").StringIO(),
        **extra,
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.fixture
def app(regions, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    published.versions.forget()
    recorder = Recorder()
    # As Django's test client does: keep the test's connection (and its transaction) open across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield recorder, PublishedResponses(recorder, routes=PUBLISHED_ROUTES)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_it_replays_the_response_django_built_once(app):
    recorder, cached = app
    first = call(cached, "/api/v1/regions/35.10")
    second = call(cached, "/api/v1/regions/35.10")
    assert first == second
    assert first[0] == "200 OK"
    assert b'"Kabupaten Banyuwangi"' in first[2]
    assert first[1]["X-Content-Type-Options"] == "nosniff"  # Django's headers are kept as they were
    assert recorder.calls == 1


def test_it_answers_304_to_a_matching_etag(app):
    recorder, cached = app
    _status, headers, _body = call(cached, "/api/v1/regions/35.10")
    status, headers2, body = call(cached, "/api/v1/regions/35.10", HTTP_IF_NONE_MATCH=headers["ETag"])
    assert (status, body, headers2["ETag"]) == ("304 Not Modified", b"", headers["ETag"])
    assert recorder.calls == 1


def test_it_forgets_everything_when_the_data_set_changes(app):
    recorder, cached = app
    call(cached, "/api/v1/regions/35.10")
    Region.objects.filter(code="35.10").update(name="Kabupaten Blambangan")
    bump_version("regions")
    _status, _headers, body = call(cached, "/api/v1/regions/35.10")
    assert b"Blambangan" in body
    assert recorder.calls == 2


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/api/v1/regions/99.99", {}),  # a 404 is not published data
        ("/api/v1/regions/35.10", {"QUERY_STRING": "x=1"}),
        ("/api/v1/regions/35.10", {"HTTP_AUTHORIZATION": "Bearer x"}),
        ("/api/v1/regions/35.10", {"REQUEST_METHOD": "HEAD"}),
        ("/wilayah/35.10/", {}),  # pages are not on the published list
    ],
)
def test_it_always_asks_django_for_other_requests(app, path, extra):
    recorder, cached = app
    call(cached, path, **extra)
    call(cached, path, **extra)
    assert recorder.calls == 2


def test_a_host_django_refuses_is_never_replayed(app):
    recorder, cached = app
    call(cached, "/api/v1/regions/35.10")
    status, _headers, _body = call(cached, "/api/v1/regions/35.10", HTTP_HOST="evil.example")
    assert status.startswith("400")
    assert recorder.calls == 2
