"""Published responses: public, immutable reads answered from worker memory before Django runs.

The public region API answers the same bytes to everyone until the next official region list is loaded.
Django builds each such response once per worker process (with every middleware and header it normally
has); :class:`PublishedResponses` keeps it and replays it for later plain GETs of the same URL, so a busy
deadline day does not spend a few hundred microseconds of Django per request on data that cannot change.

A response is kept only if it is a 200 that Django marked ``Cache-Control: public`` with an ETag and no
``Set-Cookie``. Requests with a query string or an ``Authorization`` header always go to Django. Entries
belong to a data set whose :class:`~spbe.core.models.DataVersion` is re-read at most once a second per
process, so a reload is visible everywhere within a second. Nothing here touches tenant data.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

from .models import DataVersion

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

REFRESH_SECONDS = 1.0
MAX_ENTRIES = 20_000


class _Versions:
    """Per-process view of the data versions, refreshed at most every REFRESH_SECONDS."""

    def __init__(self) -> None:
        self._values: dict[str, int] = {}
        self._read_at = 0.0
        self._lock = threading.Lock()

    def get(self, name: str) -> int:
        now = time.monotonic()
        if now - self._read_at > REFRESH_SECONDS or name not in self._values:
            with self._lock:
                self._values = dict(DataVersion.objects.values_list("name", "version"))
                self._read_at = now
        return self._values.get(name, 0)

    def forget(self) -> None:
        self._read_at = 0.0


versions = _Versions()


def current_version(name: str) -> int:
    return versions.get(name)


def bump_version(name: str) -> None:
    """Mark the data set changed; call inside the transaction that changes it."""
    with transaction.atomic():
        if not DataVersion.objects.filter(name=name).update(version=F("version") + 1):
            DataVersion.objects.create(name=name, version=1)
    # This process sees the new version at once; the others within REFRESH_SECONDS of the commit.
    versions.forget()
    transaction.on_commit(versions.forget)


@dataclass(frozen=True)
class _Entry:
    version: int
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str


class PublishedResponses:
    """WSGI middleware that replays published responses; everything else goes to ``app`` untouched."""

    def __init__(self, app: WSGIApp, routes: list[tuple[str, str]], max_entries: int = MAX_ENTRIES) -> None:
        self.app = app
        self.routes = [(re.compile(pattern), name) for pattern, name in routes]
        self.max_entries = max_entries
        self.entries: dict[tuple[str, str], _Entry] = {}

    def _data_set(self, path: str) -> str | None:
        for pattern, name in self.routes:
            if pattern.fullmatch(path):
                return name
        return None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
            or environ.get("HTTP_AUTHORIZATION")
        ):
            return self.app(environ, start_response)
        data_set = self._data_set(path)
        if data_set is None:
            return self.app(environ, start_response)
        # The host is part of the key: only hosts Django already accepted (ALLOWED_HOSTS) are ever replayed.
        key = (environ.get("HTTP_HOST", ""), path)
        version = current_version(data_set)
        entry = self.entries.get(key)
        if entry is not None and entry.version == version:
            if environ.get("HTTP_IF_NONE_MATCH") == entry.etag:
                headers = [
                    (k, v) for k, v in entry.headers if k.lower() not in {"content-type", "content-length"}
                ]
                start_response("304 Not Modified", headers)
                return []
            start_response(entry.status, entry.headers)
            return [entry.body]
        return self._fill(environ, start_response, key, version)

    def _fill(
        self, environ: dict[str, Any], start_response: Callable[..., Any], key: tuple[str, str], version: int
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = {k.lower(): v for k, v in captured.get("headers", [])}
        if (
            captured.get("status", "").startswith("200")
            and "public" in headers.get("cache-control", "")
            and "etag" in headers
            and "set-cookie" not in headers
        ):
            if len(self.entries) >= self.max_entries:
                self.entries.clear()  # bounded memory; the hot entries come back at once
            self.entries[key] = _Entry(
                version, captured["status"], list(captured["headers"]), body, headers["etag"]
            )
        return [body]
