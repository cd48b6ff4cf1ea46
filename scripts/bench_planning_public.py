"""The public proposal API and tracker, measured in-process (helper of ``scripts/bench_planning.py``).

Run as ``python -m scripts.bench_planning_public PUBLIC_ID DESA_CODE...`` with the environment of the
benchmark server (SPBE_VAR_DIR or DATABASE_URL at the benchmark's data, SPBE_DEBUG=0). It calls the WSGI
applications directly, without server or socket, on one thread, and measures CPU time per request
(``time.process_time``), so other processes on a busy machine slow the wall clock but not the figures:

* ``static_us``: the constant-body app of ``scripts/bench_static.py`` (the ceiling's app);
* ``detail_us``: ``GET /api/v1/proposals/<id>`` through ``config.wsgi.application`` as the server calls it
  (the published layer replays it after the first request), and ``detail_django_us`` the same answered by
  Django every time (what a request costs when nothing is kept);
* ``list_cold_us`` / ``list_warm_us``: the public list API with the benchmark's filters answered by
  Django (what a filter not kept yet costs) and replayed by the published layer; ``tracker_cold_us`` /
  ``tracker_warm_us`` the same for the public tracker page;
* ``queries``: SQL statements of one cold list API request and of one cold tracker page.

It prints one JSON object on the last line of stdout.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

PEMDA = "35.10"
YEAR = 2028
ROUNDS = 7
COLD_ROUNDS = 2  # passes over every distinct filter (190 in the benchmark), each answered by Django
DETAIL_CALLS = 300
STATIC_CALLS = 3000


def environ(path: str, query: str = "") -> dict[str, Any]:
    """What granian hands a WSGI app for a plain GET with only a Host header."""
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app: Any, url: str) -> str:
    """One request as a server makes it: call, read the whole body, close. Returns the status line."""
    path, _sep, query = url.partition("?")
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
        status.append(line)
        return lambda data: None

    result = app(environ(path, query), start_response)
    try:
        b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not status[0].startswith("200"):
        raise SystemExit(f"{url} answered {status[0]}")
    return status[0]


def cpu_us(action: Callable[[], object], calls: int, rounds: int = ROUNDS) -> float:
    """CPU microseconds per call of ``action``: the least of ``rounds`` rounds of ``calls`` calls."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(calls):
            action()
        best = min(best, (time.process_time() - started) / calls)
    return best * 1e6


def list_urls(desa: list[str]) -> dict[str, list[str]]:
    """The list API's and the tracker's filters as ``scripts/bench_planning.list_paths`` asks them."""
    from scripts.bench_planning import list_paths

    paths = list_paths(desa)
    return {"api": paths["api"], "tracker": paths["tracker"]}


def cold_and_warm(app: Any, django_only: Any, urls: list[str]) -> tuple[float, float]:
    """CPU microseconds per request of the distinct URLs answered by Django (what a filter not kept yet
    costs: the least of COLD_ROUNDS passes), then replayed by ``app`` after one pass has filled it."""
    distinct = list(dict.fromkeys(urls))
    cold = min(cpu_us(lambda: [call(django_only, url) for url in distinct], 1) for _ in range(COLD_ROUNDS))
    for url in distinct:
        call(app, url)
    warm = cpu_us(lambda: [call(app, url) for url in distinct], 1)
    return cold / len(distinct), warm / len(distinct)


def queries_of(app: Any, url: str) -> int:
    from django.db import connection

    connection.force_debug_cursor = True
    try:
        before = len(connection.queries)
        call(app, url)
        return len(connection.queries) - before
    finally:
        connection.force_debug_cursor = False


def main() -> None:
    public_id, desa = sys.argv[1], sys.argv[2:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.handlers.wsgi import WSGIHandler

    from config.wsgi import application
    from scripts.bench_static import application as static_application

    django_only = WSGIHandler()
    detail = f"/api/v1/proposals/{public_id}"
    for _ in range(20):  # warm: imports, the connection, the published entry
        call(application, detail)
        call(django_only, detail)
    urls = list_urls(desa)
    # Query counts first, on a fresh filter each (nothing kept yet for them).
    queries = {
        "list": queries_of(django_only, urls["api"][1]),
        "tracker": queries_of(django_only, urls["tracker"][1]),
    }
    list_cold, list_warm = cold_and_warm(application, django_only, urls["api"])
    tracker_cold, tracker_warm = cold_and_warm(application, django_only, urls["tracker"])
    result = {
        "static_us": cpu_us(lambda: call(static_application, "/"), STATIC_CALLS),
        "detail_us": cpu_us(lambda: call(application, detail), DETAIL_CALLS),
        "detail_django_us": cpu_us(lambda: call(django_only, detail), DETAIL_CALLS // 10),
        "list_cold_us": list_cold,
        "list_warm_us": list_warm,
        "tracker_cold_us": tracker_cold,
        "tracker_warm_us": tracker_warm,
        "distinct_filters": len(set(urls["api"])),
        "queries": queries,
        "load": os.getloadavg()[0],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
