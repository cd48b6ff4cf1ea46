"""Published responses: public, immutable reads answered from worker memory before Django runs.

The public region API answers the same bytes to everyone until the next official region list is loaded.
Django builds each such response once per worker process (with every middleware and header it normally
has); :class:`PublishedResponses` keeps it and replays it for later requests that Django would answer
identically, so a busy deadline day does not spend a few hundred microseconds of Django per request on
data that cannot change.

What is replayed is always something Django itself answered to an equivalent request, never a variation
built here:

* A response is kept only if it is a 200 that Django marked ``Cache-Control: public`` with an ETag, no
  ``Set-Cookie`` and no ``Vary: *``. The key holds the method (GET and HEAD are kept apart), the scheme,
  the host (only hosts Django accepted are ever stored), the path, and the value of every request header
  the response names in ``Vary``.
* A revalidation (``If-None-Match`` equal to the kept ETag) is answered with the 304 Django gave the first
  such request; any other ``If-None-Match`` goes to Django.
* A kept answer is replayed only while it is fresh by its own ``Cache-Control: max-age`` (if it has one),
  as any shared cache would: data that can change without a version bump (an agency's name on a public
  page) is then at most that old.
* Requests with an ``Authorization`` header or any cookie always go to Django: the session and CSRF
  middleware answer a stale or malformed cookie with ``Set-Cookie`` whatever the response's ``Vary``
  says, and API clients send no cookies.
* A query string sends the request to Django, unless its route declares that it takes one
  (:class:`Route` with ``query=True``: a filtered public list). Its answers are then kept per normalised
  query (:func:`normal_query`: parameters in name order, the values of one name in their order, names
  given only empty values dropped), so ``?year=2028&kecamatan=35.10.01`` and
  ``?kecamatan=35.10.01&year=2028&bidang=`` share one answer. Such a route promises that its answer
  depends on the parameters by name and value only (Django's own parsing); the entry it replays may
  then differ from Django's answer to the other spelling only in the order of the parameters its links
  repeat. A query longer than :data:`MAX_QUERY_LENGTH`, with more than :data:`MAX_QUERY_PARAMS`
  parameters or with raw non-ASCII bytes goes to Django.

Memory is bounded in bytes (:data:`MAX_BYTES` per process): the least recently used entries go first, so
the hot ones stay. Answers kept per query may hold at most a :data:`MAX_QUERY_SHARE`-th of it, so a scan
of made-up filters evicts other filters' answers, never the unfiltered pages and the detail answers.
Entries belong to a data set whose :class:`~spbe.core.models.DataVersion` is re-read at most once a
second per process, so a reload is visible everywhere within a second. Nothing here touches tenant data.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import F

from .models import DataVersion

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

REFRESH_SECONDS = 1.0
# Per worker process. The whole region API (every region and every children list) is about 40 MB.
MAX_BYTES = 64 * 1024 * 1024
# One entry may take at most this share of the budget, so one huge answer cannot flush the hot ones.
MAX_ENTRY_SHARE = 16
# Bookkeeping per entry beyond its body and headers (key, objects, dict slots), counted in the budget.
ENTRY_OVERHEAD = 512
# Paths whose data set (or absence of one) is remembered, per process; the memo starts over when full, so
# a scan of made-up paths costs regex matching again, never memory.
MAX_PATHS = 20_000
# Queries kept at all: a real filter is a handful of short parameters (year, kecamatan, desa, bidang,
# status, page is about 80 characters); anything larger is answered by Django every time.
MAX_QUERY_LENGTH = 256
MAX_QUERY_PARAMS = 8
# Answers kept per query may take at most this share of the byte budget (the rest stays for the rest).
MAX_QUERY_SHARE = 4


class Route(NamedTuple):
    """A published route: a full-match path regex, its data set (may use the regex's named groups), and
    whether its answers are kept per query string (else a request with one always goes to Django).

    Apps list them in ``PUBLISHED_ROUTES``; a plain ``(regex, data set)`` pair is a route without query.
    """

    pattern: str
    data_set: str
    query: bool = False


RouteSpec = Route | tuple[str, str]


class _Versions:
    """Per-process view of the data versions, refreshed at most every REFRESH_SECONDS."""

    def __init__(self) -> None:
        self._values: dict[str, int] = {}
        self._read_at = 0.0
        self._lock = threading.Lock()

    def get(self, name: str) -> int:
        now = time.monotonic()
        # A data set nobody has changed yet has no row: it is version 0 until the next read, not a reason
        # to query on every request (a pemda-year of proposals is such a set until its first decision).
        if now - self._read_at > REFRESH_SECONDS:
            with self._lock:
                self._values = dict(DataVersion.objects.values_list("name", "version"))
                self._read_at = now
        return self._values.get(name, 0)

    def forget(self) -> None:
        self._read_at = 0.0


versions = _Versions()


def current_version(name: str) -> int:
    return versions.get(name)


def collect_routes() -> list[Route]:
    """Every app's published routes: ``PUBLISHED_ROUTES`` in its ``api`` module, as :class:`Route`.

    A data set name may use the regex's named groups (``proposals:{pemda}:{year}``); whoever changes that
    data calls :func:`bump_version` with the filled-in name in the same transaction.
    """
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    routes: list[Route] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.api"
        if not config.name.startswith("spbe.") or find_spec(name) is None:
            continue
        routes += [Route(*spec) for spec in getattr(import_module(name), "PUBLISHED_ROUTES", [])]
    return routes


def normal_query(raw: str) -> str | None:
    """The query string ``raw`` as it keys a kept answer, or None when it is not to be kept.

    Decoded as Django decodes it (UTF-8, ``+`` as space, bad bytes replaced), then re-encoded with the
    names in order. The values of one name keep their order (Django's ``GET.get`` reads the last one),
    and a name is dropped only when every value it was given is empty: ``?year=`` filters nothing,
    while ``?year=2028&year=`` is not ``?year=2028`` to Django.
    """
    if len(raw) > MAX_QUERY_LENGTH or not raw.isascii():
        return None
    pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="replace")
    if len(pairs) > MAX_QUERY_PARAMS:
        return None
    given = {name for name, value in pairs if value}
    return urlencode(sorted(((n, v) for n, v in pairs if n in given), key=lambda pair: pair[0]))


def bump_version(name: str) -> None:
    """Mark the data set changed; call inside the transaction that changes it."""
    with transaction.atomic():
        if not DataVersion.objects.filter(name=name).update(version=F("version") + 1):
            DataVersion.objects.create(name=name, version=1)
    # This process sees the new version at once; the others within REFRESH_SECONDS of the commit.
    versions.forget()
    transaction.on_commit(versions.forget)


Headers = list[tuple[str, str]]
# Method, path, normalised query ("" without one), scheme, host, script name, and the names and values of
# the request headers in Vary.
Key = tuple[str, ...]


MAX_AGE = re.compile(r"max-age=(\d{1,10})")


def _fresh_until(cache_control: str) -> float:
    """When an answer with this ``Cache-Control`` stops being fresh, on the monotonic clock; without a
    ``max-age`` only a version bump ends it."""
    found = MAX_AGE.search(cache_control)
    return time.monotonic() + int(found[1]) if found else float("inf")


@dataclass
class _Entry:
    version: int
    status: str
    headers: Headers
    body: bytes
    etag: str
    fresh_until: float
    # Django's own answer to If-None-Match: <etag>, once a client has asked.
    not_modified: tuple[str, Headers] | None = None
    size: int = field(default=0)


def _headers_size(headers: Headers) -> int:
    return sum(len(k) + len(v) + 16 for k, v in headers)


def _vary_names(headers: Headers) -> tuple[str, ...] | None:
    """The request headers a response varies on, as WSGI environ keys; None for ``Vary: *``."""
    names: set[str] = set()
    for name, value in headers:
        if name.lower() != "vary":
            continue
        for part in value.split(","):
            part = part.strip()
            if part == "*":
                return None
            if part:
                names.add("HTTP_" + part.upper().replace("-", "_"))
    return tuple(sorted(names))


class PublishedResponses:
    """WSGI middleware that replays published responses; everything else goes to ``app`` untouched."""

    def __init__(self, app: WSGIApp, routes: Sequence[RouteSpec], max_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.routes = [(re.compile(route.pattern), route) for route in (Route(*spec) for spec in routes)]
        self.max_bytes = max_bytes
        self.entries: OrderedDict[Key, _Entry] = OrderedDict()
        self.total_bytes = 0
        # The entries kept per query, least recently used first, and their bytes (within total_bytes).
        self.query_entries: OrderedDict[Key, None] = OrderedDict()
        self.query_bytes = 0
        # Per resource (the key without the Vary part): the request headers its last response varied on,
        # and how many entries it has, so this map shrinks with the entries.
        self.vary: dict[Key, tuple[tuple[str, ...], int]] = {}
        self._lock = threading.Lock()
        self._paths: dict[str, tuple[str, bool] | None] = {}
        # Raw query strings of routes that take one, and their normalised form (bounded as the paths).
        self._queries: dict[str, str | None] = {}
        # Request headers Django itself reads to decide the scheme and the host, when configured to.
        self.request_facts = ["wsgi.url_scheme", "HTTP_HOST", "SCRIPT_NAME"]
        proxy_ssl = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        if proxy_ssl:
            self.request_facts.append(proxy_ssl[0])
        if getattr(settings, "USE_X_FORWARDED_HOST", False):
            self.request_facts.append("HTTP_X_FORWARDED_HOST")
        if getattr(settings, "USE_X_FORWARDED_PORT", False):
            self.request_facts.append("HTTP_X_FORWARDED_PORT")
        # CommonMiddleware refuses these user agents: the agent then decides the answer.
        if getattr(settings, "DISALLOWED_USER_AGENTS", None):
            self.request_facts.append("HTTP_USER_AGENT")

    def _data_set(self, path: str) -> str | None:
        """The data set of ``path`` (None when no route publishes it)."""
        route = self._route(path)
        return route[0] if route is not None else None

    def _route(self, path: str) -> tuple[str, bool] | None:
        """The data set of ``path`` and whether its route takes a query, matched against the routes once
        per path (measured: matching every route's regex, filling the name and building the key were
        most of a replayed answer's time)."""
        try:
            return self._paths[path]
        except KeyError:
            pass
        found = self._match(path)
        if len(self._paths) >= MAX_PATHS:
            self._paths.clear()
        self._paths[path] = found
        return found

    def _normal_query(self, raw: str) -> str | None:
        """:func:`normal_query`, remembered per raw query like the paths (measured: parsing and
        re-encoding a filter was five sixths of a replayed filtered list's own time)."""
        try:
            return self._queries[raw]
        except KeyError:
            pass
        found = normal_query(raw)
        if len(self._queries) >= MAX_PATHS:
            self._queries.clear()
        self._queries[raw] = found
        return found

    def _match(self, path: str) -> tuple[str, bool] | None:
        for pattern, route in self.routes:
            match = pattern.fullmatch(path)
            if match:
                # A route may name its data set after parts of the path ("proposals:{pemda}:{year}"), so a
                # change in one tenant's year does not drop every other tenant's answers.
                name = route.data_set
                return (name.format(**match.groupdict()) if match.groupdict() else name), route.query
        return None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (
            method not in {"GET", "HEAD"}
            or environ.get("HTTP_AUTHORIZATION")
            or environ.get("HTTP_COOKIE")
            or not environ.get("HTTP_HOST")
        ):
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        route = self._route(path)
        if route is None:
            return self.app(environ, start_response)
        data_set, takes_query = route
        query = ""
        raw_query = environ.get("QUERY_STRING")
        if raw_query:
            normal = self._normal_query(raw_query) if takes_query else None
            if normal is None:
                return self.app(environ, start_response)
            query = normal
        resource: Key = (method, path, query, *[str(environ.get(name, "")) for name in self.request_facts])
        version = current_version(data_set)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        with self._lock:
            entry = self._lookup(resource, environ, version)
        if entry is not None:
            if if_none_match is None:
                # A copy: some servers add their own headers (Date, Server) to the list they are given.
                start_response(entry.status, list(entry.headers))
                return [entry.body]
            if if_none_match == entry.etag and entry.not_modified is not None:
                start_response(entry.not_modified[0], list(entry.not_modified[1]))
                return []
        return self._fill(environ, start_response, resource, version, if_none_match)

    def _lookup(self, resource: Key, environ: dict[str, Any], version: int) -> _Entry | None:
        """The current entry for this request, marked as just used; call with the lock held."""
        vary = self.vary.get(resource)
        if vary is None:
            return None
        key = self._key(resource, vary[0], environ)
        entry = self.entries.get(key)
        if entry is None or entry.version != version or entry.fresh_until <= time.monotonic():
            return None
        self.entries.move_to_end(key)
        if key[2]:
            self.query_entries.move_to_end(key)
        return entry

    @staticmethod
    def _key(resource: Key, vary: tuple[str, ...], environ: dict[str, Any]) -> Key:
        if not vary:
            return resource
        return (*resource, *vary, *[str(environ.get(name, "")) for name in vary])

    def _fill(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        resource: Key,
        version: int,
        if_none_match: str | None,
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: Headers, exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, list(headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status: str = captured.get("status", "")
        headers: Headers = captured.get("headers", [])
        lowered = {k.lower(): v for k, v in headers}
        vary = _vary_names(headers)
        if (
            vary is None
            or "set-cookie" in lowered
            or "public" not in lowered.get("cache-control", "")
            or "etag" not in lowered
        ):
            return [body]
        key = self._key(resource, vary, environ)
        with self._lock:
            if if_none_match is None and status.startswith("200 "):
                fresh_until = _fresh_until(lowered["cache-control"])
                kept = _Entry(version, status, headers, body, lowered["etag"], fresh_until)
                self._store(resource, vary, key, kept)
            elif status.startswith("304 ") and if_none_match is not None:
                entry = self.entries.get(key)
                # Only for the ETag the kept 200 carries: then this 304 is Django's answer for that entry.
                if (
                    entry is not None
                    and entry.version == version
                    and entry.not_modified is None
                    and entry.etag == if_none_match == lowered["etag"]
                ):
                    entry.not_modified = (status, headers)
                    grown = _headers_size(headers)
                    entry.size += grown
                    self.total_bytes += grown
                    if key[2]:
                        self.query_bytes += grown
                    self._evict()
        return [body]

    def _store(self, resource: Key, vary: tuple[str, ...], key: Key, entry: _Entry) -> None:
        entry.size = len(entry.body) + _headers_size(entry.headers) + ENTRY_OVERHEAD + len(key[2])
        if entry.size * MAX_ENTRY_SHARE > self.max_bytes:
            return
        self._discard(key)
        known = self.vary.get(resource)
        count = known[1] if known is not None else 0
        # A new Vary list orphans the variants kept under the old one; they age out of the LRU.
        self.vary[resource] = (vary, count + 1)
        self.entries[key] = entry
        self.total_bytes += entry.size
        if key[2]:
            self.query_entries[key] = None
            self.query_bytes += entry.size
        self._evict()

    def _discard(self, key: Key) -> None:
        entry = self.entries.pop(key, None)
        if entry is None:
            return
        self.total_bytes -= entry.size
        if key[2]:
            del self.query_entries[key]
            self.query_bytes -= entry.size
        resource = key[: 3 + len(self.request_facts)]
        known = self.vary.get(resource)
        if known is not None:
            if known[1] <= 1:
                del self.vary[resource]
            else:
                self.vary[resource] = (known[0], known[1] - 1)

    def _evict(self) -> None:
        while self.query_bytes * MAX_QUERY_SHARE > self.max_bytes and self.query_entries:
            self._discard(next(iter(self.query_entries)))
        while self.total_bytes > self.max_bytes and self.entries:
            self._discard(next(iter(self.entries)))
