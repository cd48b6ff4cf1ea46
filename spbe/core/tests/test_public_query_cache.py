"""Published answers of filtered lists: kept per normalised query string, only for routes that take one."""

from __future__ import annotations

import json

import pytest
from django.http import QueryDict

from spbe.core import published
from spbe.core.published import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_PARAMS,
    MAX_QUERY_SHARE,
    PublishedResponses,
    Route,
    bump_version,
    normal_query,
)
from spbe.core.tests.test_published import call

pytestmark = pytest.mark.django_db


class FilterApp:
    """A published filtered list: answers what Django's QueryDict makes of the query, as a view would
    (the last value of each name; an empty value filters nothing). Counts the queries it really answers."""

    def __init__(self, vary: str = "", cookie: bool = False) -> None:
        self.asked: list[str] = []
        self.vary = vary
        self.cookie = cookie

    def __call__(self, environ, start_response):
        self.asked.append(environ.get("QUERY_STRING", ""))
        query = QueryDict(environ.get("QUERY_STRING", ""))
        chosen = {name: query.get(name) for name in sorted(query) if query.get(name)}
        body = json.dumps({"path": environ["PATH_INFO"], "filter": chosen}).encode()
        headers = [("Content-Type", "application/json"), ("Cache-Control", "public"), ("ETag", '"e"')]
        if self.vary:
            headers.append(("Vary", self.vary))
        if self.cookie:
            headers.append(("Set-Cookie", "csrftoken=x"))
        start_response("200 OK", headers)
        return [body]


ROUTES = [
    Route(r"/list/(?P<pemda>\d\d\.\d\d)", "lists:{pemda}", query=True),
    (r"/detail/\d+", "details"),  # a plain pair: no query
]


@pytest.fixture
def lists():
    published.versions.forget()
    app = FilterApp()
    return app, PublishedResponses(app, routes=ROUTES)


def answer(cached, path, query="", **extra):
    return call(cached, path, QUERY_STRING=query, **extra)


def test_each_filter_gets_its_own_answer_and_spellings_of_one_filter_share_it(lists):
    app, cached = lists
    by_year = answer(cached, "/list/35.10", "year=2028&kecamatan=35.10.01")
    other = answer(cached, "/list/35.10", "year=2027&kecamatan=35.10.01")
    assert json.loads(by_year[2])["filter"] == {"kecamatan": "35.10.01", "year": "2028"}
    assert json.loads(other[2])["filter"] == {"kecamatan": "35.10.01", "year": "2027"}
    # The same filter in another order, with empty parameters, with encoded characters: replayed.
    for spelling in [
        "kecamatan=35.10.01&year=2028",
        "year=2028&bidang=&kecamatan=35.10.01&status=",
        "kecamatan=35%2E10%2E01&year=2028",
    ]:
        assert answer(cached, "/list/35.10", spelling) == by_year
    assert answer(cached, "/list/35.10", "year=2027&kecamatan=35.10.01") == other
    assert len(app.asked) == 2
    # No filter at all is one more answer, and a query of empty parameters only is that one.
    everything = answer(cached, "/list/35.10")
    assert answer(cached, "/list/35.10", "year=&kecamatan=") == everything
    assert json.loads(everything[2])["filter"] == {}
    assert len(app.asked) == 3


def test_a_repeated_name_keeps_its_values_and_their_order(lists):
    """Django reads the last value of a name: ``year=2028&year=`` filters nothing, unlike ``year=2028``."""
    app, cached = lists
    one = answer(cached, "/list/35.10", "year=2028")
    two = answer(cached, "/list/35.10", "year=2028&year=")
    three = answer(cached, "/list/35.10", "year=&year=2028")
    assert json.loads(one[2])["filter"] == {"year": "2028"}
    assert json.loads(two[2])["filter"] == {}
    assert json.loads(three[2])["filter"] == {"year": "2028"}
    assert len(app.asked) == 3


def test_a_changed_data_set_drops_its_filtered_answers_only(lists):
    app, cached = lists
    answer(cached, "/list/35.10", "year=2028")
    answer(cached, "/list/19.06", "year=2028")
    bump_version("lists:35.10")
    answer(cached, "/list/35.10", "year=2028")
    answer(cached, "/list/19.06", "year=2028")
    assert app.asked == ["year=2028", "year=2028", "year=2028"]


def test_a_route_without_query_sends_every_query_to_django(lists):
    app, cached = lists
    for _ in range(2):
        answer(cached, "/detail/1", "year=2028")
    answer(cached, "/detail/1")
    answer(cached, "/detail/1")
    assert app.asked == ["year=2028", "year=2028", ""]


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_COOKIE": "django_language=en"},
        {"HTTP_COOKIE": "sessionid=x"},
        {"HTTP_AUTHORIZATION": "Bearer x"},
        {"REQUEST_METHOD": "POST"},
    ],
)
def test_cookies_authorization_and_writes_always_go_to_django(lists, extra):
    app, cached = lists
    answer(cached, "/list/35.10", "year=2028")
    answer(cached, "/list/35.10", "year=2028", **extra)
    answer(cached, "/list/35.10", "year=2028", **extra)
    assert len(app.asked) == 3


def test_each_value_of_a_vary_header_is_kept_apart_per_query(db):
    app = FilterApp(vary="Accept-Encoding")
    cached = PublishedResponses(app, routes=ROUTES)
    for encoding in ["gzip", "br", "gzip", "br"]:
        answer(cached, "/list/35.10", "year=2028", HTTP_ACCEPT_ENCODING=encoding)
    answer(cached, "/list/35.10", "year=2027", HTTP_ACCEPT_ENCODING="gzip")
    assert len(app.asked) == 3


@pytest.mark.parametrize("vary", ["*"])
def test_vary_star_or_a_cookie_is_never_kept(db, vary):
    for app in (FilterApp(vary=vary), FilterApp(cookie=True)):
        cached = PublishedResponses(app, routes=ROUTES)
        answer(cached, "/list/35.10", "year=2028")
        answer(cached, "/list/35.10", "year=2028")
        assert len(app.asked) == 2
        assert cached.total_bytes == 0


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "x" * MAX_QUERY_LENGTH,
        "&".join(f"p{n}=1" for n in range(MAX_QUERY_PARAMS + 1)),
        "desa=Sukaj\u00e4di",  # raw non-ASCII: Django decodes the WSGI string's bytes, not this string
    ],
    ids=["too long", "too many parameters", "raw non-ascii"],
)
def test_an_outsized_or_raw_query_is_answered_by_django_every_time(lists, query):
    app, cached = lists
    answer(cached, "/list/35.10", query)
    answer(cached, "/list/35.10", query)
    assert len(app.asked) == 2
    assert cached.total_bytes == 0


def test_normal_query():
    assert normal_query("year=2028&kecamatan=35.10.01&page=2") == "kecamatan=35.10.01&page=2&year=2028"
    assert normal_query("b=2&a=1&b=1&c=") == "a=1&b=2&b=1"
    assert normal_query("judul=jalan+desa") == normal_query("judul=jalan%20desa") == "judul=jalan+desa"
    assert normal_query("a=&b=") == ""
    assert normal_query("x" * (MAX_QUERY_LENGTH + 1)) is None


def test_a_scan_of_made_up_filters_stays_in_its_share_and_keeps_the_hot_answers(db):
    app = FilterApp()
    budget = 60_000
    cached = PublishedResponses(app, routes=ROUTES, max_bytes=budget)
    answer(cached, "/detail/1")
    answer(cached, "/list/35.10", "year=2028")
    for n in range(400):
        answer(cached, "/list/35.10", f"desa=35.10.{n:06d}")
        answer(cached, "/detail/1")  # hot and unfiltered
        assert cached.query_bytes * MAX_QUERY_SHARE <= budget
        assert cached.total_bytes <= budget
    assert cached.total_bytes == sum(e.size for e in cached.entries.values())
    assert cached.query_bytes == sum(e.size for k, e in cached.entries.items() if k[2])
    assert set(cached.query_entries) == {k for k in cached.entries if k[2]}
    assert len(cached.vary) == len(cached.entries)
    assert 10 < len(cached.query_entries) < 400  # the share is used, and it bounds the scan
    assert app.asked.count("") == 1  # the unfiltered detail answer was never evicted
    app.asked.clear()
    answer(cached, "/list/35.10", "desa=35.10.000399")  # the newest filter is still kept
    answer(cached, "/list/35.10", "year=2028")  # the oldest filter went first
    assert app.asked == ["year=2028"]


def test_the_memo_of_normalised_queries_starts_over_when_full(lists, monkeypatch):
    # Measured: parsing a filter on every replay was most of a replayed filtered list's own time.
    app, cached = lists
    monkeypatch.setattr(published, "MAX_PATHS", 2)
    first = answer(cached, "/list/35.10", "year=2028")
    for n in range(5):
        answer(cached, "/list/35.10", f"page={n + 1}")
        assert len(cached._queries) <= 2
    assert answer(cached, "/list/35.10", "year=2028") == first
    assert app.asked.count("year=2028") == 1  # the kept answer is found again after the memo started over
