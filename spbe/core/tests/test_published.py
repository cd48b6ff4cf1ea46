"""The published-response cache in front of Django: what it replays, what it never keeps, when it forgets."""

from __future__ import annotations

import io
import re

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from spbe.core import published
from spbe.core.published import PublishedResponses, bump_version
from spbe.regions.api import PUBLISHED_ROUTES
from spbe.regions.models import Region

pytestmark = pytest.mark.django_db

PLAIN: dict[str, str] = {}


class Recorder:
    """A WSGI application (Django unless told otherwise), counting how often it is really called."""

    def __init__(self, app=None):
        self.app = app or WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def answer(app, path, method="GET", **extra):
    """(status, headers in order, body) of one request, as a WSGI server would see them."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        **extra,
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, list(headers)
        headers.append(("Date", "a server adds this"))  # servers may; the cache must not keep it

    result = app(environ, start_response)
    body = b"".join(result)
    getattr(result, "close", lambda: None)()
    return seen["status"], seen["headers"], body


def comparable(response):
    """A response without what legitimately differs between two identical requests to Django alone:
    the server's Date, and in a freshly issued cookie its random value and the clock time of its expiry
    (its name, Max-Age and flags stay)."""
    status, headers, body = response

    def cookie(value):
        return re.sub(r"expires=[^;]*", "expires=<then>", re.sub(r"^([^=]+)=[^;]*", r"\1=<new value>", value))

    kept = [(k, cookie(v) if k == "Set-Cookie" else v) for k, v in headers if k != "Date"]
    return status, kept, body


def call(app, path, method="GET", **extra):
    status, headers, body = answer(app, path, method, **extra)
    return status, dict(headers), body


@pytest.fixture
def django_app(regions, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    published.versions.forget()
    # As Django's test client does: keep the test's connection (and its transaction) open across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def app(django_app):
    recorder = Recorder(django_app)
    return recorder, PublishedResponses(recorder, routes=PUBLISHED_ROUTES)


def test_it_replays_the_response_django_built_once(app):
    recorder, cached = app
    first = call(cached, "/api/v1/regions/35.10")
    second = call(cached, "/api/v1/regions/35.10")
    assert first == second
    assert first[0] == "200 OK"
    assert b'"Kabupaten Banyuwangi"' in first[2]
    assert first[1]["X-Content-Type-Options"] == "nosniff"  # Django's headers are kept as they were
    assert recorder.calls == 1


def test_it_answers_304_to_a_matching_etag_as_django_did(app):
    recorder, cached = app
    _status, headers, _body = call(cached, "/api/v1/regions/35.10")
    first = call(cached, "/api/v1/regions/35.10", HTTP_IF_NONE_MATCH=headers["ETag"])
    second = call(cached, "/api/v1/regions/35.10", HTTP_IF_NONE_MATCH=headers["ETag"])
    assert first == second
    status, headers2, body = second
    assert (status, body, headers2["ETag"]) == ("304 Not Modified", b"", headers["ETag"])
    assert recorder.calls == 2  # the 200, then the first 304; the second 304 is replayed


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
        ("/api/v1/regions/35.10", {"HTTP_COOKIE": "django_language=en"}),
        ("/api/v1/regions/35.10", {"HTTP_IF_NONE_MATCH": '"not-the-etag"'}),
        ("/api/v1/regions/35.10", {"REQUEST_METHOD": "OPTIONS"}),
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


def test_get_and_head_are_kept_apart(app):
    recorder, cached = app
    get = call(cached, "/api/v1/regions/35.10")
    head = call(cached, "/api/v1/regions/35.10", method="HEAD")
    assert call(cached, "/api/v1/regions/35.10", method="HEAD") == head
    assert call(cached, "/api/v1/regions/35.10") == get
    assert (head[0], head[1], head[2]) == (get[0], get[1], b"")
    assert recorder.calls == 2


# Requests that differ from a plain GET in every way a client may: cookies (language, session, CSRF,
# valid and malformed), the headers Django could read, conditional requests and HEAD. "{etag}" is the
# region's current ETag. The last field says whether the cache may answer it without Django.
SESSION = "s" * 32
VARIANTS = [
    ("plain", "GET", {}, True),
    ("english cookie", "GET", {"HTTP_COOKIE": "django_language=en"}, False),
    ("indonesian cookie", "GET", {"HTTP_COOKIE": "django_language=id"}, False),
    ("session cookie", "GET", {"HTTP_COOKIE": f"sessionid={SESSION}"}, False),
    ("short session cookie", "GET", {"HTTP_COOKIE": "sessionid=x"}, False),
    ("csrf cookie", "GET", {"HTTP_COOKIE": "csrftoken=" + "a" * 32}, False),
    ("malformed csrf cookie", "GET", {"HTTP_COOKIE": "csrftoken=%%%"}, False),
    ("all cookies", "GET", {"HTTP_COOKIE": f"django_language=en; sessionid={SESSION}; csrftoken=bad"}, False),
    ("accept-language", "GET", {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}, True),
    ("accept-encoding", "GET", {"HTTP_ACCEPT_ENCODING": "gzip, br"}, True),
    ("matching etag", "GET", {"HTTP_IF_NONE_MATCH": "{etag}"}, True),
    ("stale etag", "GET", {"HTTP_IF_NONE_MATCH": '"0123"'}, False),
    ("any etag", "GET", {"HTTP_IF_NONE_MATCH": "*"}, False),
    ("head", "HEAD", {}, True),
    ("head with etag", "HEAD", {"HTTP_IF_NONE_MATCH": "{etag}"}, True),
    ("head with english cookie", "HEAD", {"HTTP_COOKIE": "django_language=en"}, False),
]


PATHS = ["/api/v1/regions", "/api/v1/regions/35.10", "/api/v1/regions/35.10/children"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("name", "method", "headers", "replayable"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_a_replay_equals_what_django_alone_answers(django_app, path, name, method, headers, replayable):
    etag = dict(answer(django_app, path)[1])["ETag"]
    extra = {k: v.replace("{etag}", etag) for k, v in headers.items()}

    def alone(method, **extra):
        return comparable(answer(django_app, path, method, **extra))

    def via(cached, method="GET", **extra):
        return comparable(answer(cached, path, method, **extra))

    expected, expected_plain = alone(method, **extra), alone("GET")

    # The cache already holds the plain answers to GET and HEAD, then this request comes (twice).
    recorder = Recorder(django_app)
    cached = PublishedResponses(recorder, routes=PUBLISHED_ROUTES)
    via(cached)
    via(cached, "HEAD")
    assert via(cached, method, **extra) == expected
    calls = recorder.calls
    assert via(cached, method, **extra) == expected
    assert (recorder.calls == calls) is replayable
    assert via(cached) == expected_plain

    # This request comes first, to an empty cache: what everyone gets next is still Django's plain answer.
    recorder = Recorder(django_app)
    cached = PublishedResponses(recorder, routes=PUBLISHED_ROUTES)
    assert via(cached, method, **extra) == expected
    assert via(cached) == expected_plain
    assert via(cached) == expected_plain
    assert via(cached, method, **extra) == expected


def test_english_first_does_not_make_everyone_english(django_app):
    recorder = Recorder(django_app)
    cached = PublishedResponses(recorder, routes=PUBLISHED_ROUTES)
    call(cached, "/api/v1/regions/35.10", HTTP_COOKIE="django_language=en")
    _status, headers, _body = call(cached, "/api/v1/regions/35.10")
    assert headers.get("Content-Language") in {None, "id"}
    assert "Cookie" not in headers.get("Vary", "")


def test_a_malformed_csrf_cookie_is_answered_by_django(django_app):
    """Why cookies bypass the cache: Django answers them with Set-Cookie although nothing says Vary."""
    status, headers, _body = call(django_app, "/api/v1/regions/35.10", HTTP_COOKIE="sessionid=x")
    assert status == "200 OK"
    assert "sessionid=" in headers.get("Set-Cookie", "")


def test_region_answers_do_not_vary_on_language_but_api_errors_do(django_app):
    _status, ok, _body = call(django_app, "/api/v1/regions/35.10", HTTP_COOKIE="django_language=en")
    assert "Content-Language" not in ok
    assert "Vary" not in ok
    status, error, _body = call(django_app, "/api/v1/regions/99.99", HTTP_COOKIE="django_language=en")
    assert status.startswith("404")
    assert (error["Content-Language"], error["Vary"]) == ("en", "Cookie")


class VaryingApp:
    """A published resource whose answer depends on Accept-Encoding, and says so with Vary."""

    def __init__(self, vary="Accept-Encoding"):
        self.vary = vary
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        body = environ.get("HTTP_ACCEPT_ENCODING", "none").encode()
        start_response(
            "200 OK",
            [("Cache-Control", "public"), ("ETag", '"e"'), ("Vary", self.vary)],
        )
        return [body]


def test_each_value_of_a_vary_header_is_kept_apart(db):
    app = VaryingApp()
    cached = PublishedResponses(app, routes=[(r"/v", "varying")])
    for encoding in ["gzip", "br", "gzip", "br", "gzip"]:
        assert call(cached, "/v", HTTP_ACCEPT_ENCODING=encoding)[2] == encoding.encode()
    assert call(cached, "/v")[2] == b"none"
    assert app.calls == 3


def test_vary_star_is_never_kept(db):
    app = VaryingApp(vary="*")
    cached = PublishedResponses(app, routes=[(r"/v", "varying")])
    call(cached, "/v")
    call(cached, "/v")
    assert app.calls == 2
    assert cached.total_bytes == 0


class SizedApp:
    """Published resources /x/<n> whose bodies are n bytes long, or 1000 bytes for n up to 1000."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        self.calls.append(path)
        size = int(path.rsplit("/", 1)[1])
        body = b"x" * (size if size > 1000 else 1000)
        start_response("200 OK", [("Cache-Control", "public"), ("ETag", f'"{size}"')])
        return [body]


def test_memory_stays_within_its_byte_budget_and_keeps_the_hot_entries(db):
    app = SizedApp()
    budget = 40_000
    cached = PublishedResponses(app, routes=[(r"/x/[0-9]+", "sized")], max_bytes=budget)
    call(cached, "/x/1")
    call(cached, "/x/2")
    for n in range(3, 203):
        call(cached, f"/x/{n}")
        call(cached, "/x/1")  # hot: asked between every other request
        assert cached.total_bytes <= budget
    assert cached.total_bytes == sum(e.size for e in cached.entries.values())
    assert len(cached.entries) > 10  # the budget is used, not emptied
    assert app.calls.count("/x/1") == 1  # never evicted
    app.calls.clear()
    call(cached, "/x/2")  # cold: the least recently used went first
    call(cached, "/x/202")  # the newest is still there
    assert app.calls == ["/x/2"]
    # Every resource's Vary bookkeeping leaves with its last entry.
    assert len(cached.vary) == len(cached.entries)


def test_one_answer_too_big_for_the_budget_does_not_flush_it(db):
    app = SizedApp()
    cached = PublishedResponses(app, routes=[(r"/x/[0-9]+", "sized")], max_bytes=40_000)
    call(cached, "/x/1")
    call(cached, "/x/30000")
    call(cached, "/x/30000")
    call(cached, "/x/1")
    assert app.calls == ["/x/1", "/x/30000", "/x/30000"]


def test_a_data_set_never_changed_is_version_0_without_a_query_per_request(
    django_app, django_assert_num_queries
):
    published.versions.forget()
    published.current_version("regions")  # the one read of the versions table for this second
    with django_assert_num_queries(0):
        for _ in range(5):
            assert published.current_version("proposals:35.10:2099") == 0
    bump_version("proposals:35.10:2099")
    assert published.current_version("proposals:35.10:2099") == 1


class CountingPattern:
    """A compiled route regex that counts how often it is asked to match."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.calls = 0

    def fullmatch(self, path):
        self.calls += 1
        return self.pattern.fullmatch(path)


def test_a_replay_matches_the_routes_once_per_path(app, monkeypatch):
    # Measured: matching every route's regex on every request was most of a replayed answer's own time.
    recorder, cached = app
    cached.routes = [(CountingPattern(pattern), name) for pattern, name in cached.routes]
    first = call(cached, "/api/v1/regions/35.10")
    for _ in range(3):
        assert call(cached, "/api/v1/regions/35.10") == first
    call(cached, "/api/v1/regions/35.10/children")
    assert recorder.calls == 2  # the region once, its children once; the rest replayed
    # One match attempt per route for each of the two paths, however often they were asked for.
    assert sum(p.calls for p, _name in cached.routes) <= 2 * len(cached.routes)
    # The memo of paths starts over when full, and answers stay right.
    monkeypatch.setattr(published, "MAX_PATHS", 1)
    call(cached, "/api/v1/regions/35")
    assert call(cached, "/api/v1/regions/35.10") == first
    assert list(cached._paths) == ["/api/v1/regions/35.10"]
