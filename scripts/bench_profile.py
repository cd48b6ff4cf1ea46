"""Where a public region API request spends its time, measured in-process (helper of ``scripts/bench.py``).

Run as ``python -m scripts.bench_profile PATH`` with the environment of the benchmark server (SPBE_VAR_DIR
pointing at a database with the regions loaded, SPBE_DEBUG=0). It calls the WSGI application directly,
without any server or socket, on one thread, and prints one JSON object on the last line of stdout (all
timings interleaved, see :func:`interleaved`):

* ``full_us``: microseconds per request through the whole Django stack, as granian would call it;
* ``stack_us``: the same with only the first k middleware of ``settings.MIDDLEWARE`` for k = 0..all, so
  consecutive differences are what each middleware adds (prefixes keep every middleware's dependencies);
* ``resolve_us`` and ``view_us``: URL resolution alone, and the resolved django-ninja view alone;
* ``static_us``: the constant-body app of ``scripts/bench_static.py``, for comparison;
* ``application``: the class of ``config.wsgi.application`` (Django's handler, or what wraps it);
* ``areas``: shares of the CPU time by package, from cProfile over the full stack.
"""

from __future__ import annotations

import cProfile
import functools
import io
import json
import os
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REQUESTS = 50  # calls per round: short rounds, so that some of them run undisturbed
ROUNDS = 60
PROFILED_REQUESTS = 2000


def environ(path: str) -> dict[str, Any]:
    """What granian hands a WSGI app for wrk's request: GET with only a Host header."""
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app: Any, path: str) -> str:
    """One request the way a WSGI server makes it: call, read the whole body, close. Returns the status."""
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
        status.append(line)
        return lambda data: None

    result = app(environ(path), start_response)
    try:
        b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return status[0]


def interleaved(
    actions: dict[str, tuple[Callable[[], object], int]], rounds: int = ROUNDS
) -> dict[str, float]:
    """Microseconds per call of each action: the fastest of ``rounds`` rounds, the actions taking turns.

    Taking turns spreads any disturbance from other processes over all the actions instead of one, and
    the fastest round is the least disturbed one. Each action is (callable, calls per round).
    """
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(rounds):
        for name, (action, count) in actions.items():
            started = time.perf_counter()
            for _ in range(count):
                action()
            best[name] = min(best[name], (time.perf_counter() - started) / count)
    return {name: seconds * 1e6 for name, seconds in best.items()}


def area(filename: str) -> str:
    """The package a profiled function belongs to, for grouping CPU time."""
    if filename.startswith(("~", "<")):
        return "C built-ins"
    if "site-packages/" in filename:
        parts = filename.split("site-packages/", 1)[1].split("/")
        if parts[0] == "django" and len(parts) > 2:
            depth = 3 if parts[1] == "contrib" and len(parts) > 3 else 2
            return ".".join(parts[:depth])
        return parts[0].removesuffix(".py")
    if filename.startswith(str(REPO)):
        relative = Path(filename).relative_to(REPO).parts
        return ".".join(relative[:2]).removesuffix(".py")
    return "Python standard library"


def profile_areas(app: Any, path: str) -> list[tuple[str, float]]:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILED_REQUESTS):
        call(app, path)
    profiler.disable()
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), row in stats.items():
        if filename != __file__:  # the measuring loop itself is not part of the request
            totals[area(filename)] += float(row[2])
    overall = sum(totals.values()) or 1.0
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    return [(name, round(100 * seconds / overall, 1)) for name, seconds in ranked]


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "/api/v1/regions/35.10"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory, override_settings
    from django.urls import resolve

    from config.wsgi import application
    from scripts.bench_static import application as static_application

    # Warm up: fill the response cache, import lazily loaded modules, open the database connection.
    for _ in range(50):
        status = call(application, path)
    if not status.startswith("200"):
        raise SystemExit(f"{path} answered {status}")

    middleware = list(settings.MIDDLEWARE)
    actions: dict[str, tuple[Callable[[], object], int]] = {
        "full": (functools.partial(call, application, path), REQUESTS)
    }
    labels: list[str] = []
    for count in range(len(middleware) + 1):
        # The middleware list is read when the handler is built, so each handler keeps its own stack.
        with override_settings(MIDDLEWARE=middleware[:count]):
            handler = WSGIHandler()
        for _ in range(20):
            status = call(handler, path)
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status} with middleware {middleware[:count]}")
        label = middleware[count - 1].rsplit(".", 1)[1] if count else "(no middleware)"
        labels.append(label)
        actions[f"stack:{label}"] = (functools.partial(call, handler, path), REQUESTS)

    match = resolve(path)
    factory = RequestFactory()

    def view() -> object:
        return match.func(factory.get(path), *match.args, **match.kwargs)

    actions["resolve"] = (functools.partial(resolve, path), REQUESTS)
    actions["view"] = (view, REQUESTS)
    actions["request"] = (functools.partial(factory.get, path), REQUESTS)
    actions["static"] = (functools.partial(call, static_application, path), REQUESTS * 20)
    timing = interleaved(actions)

    result = {
        "path": path,
        "application": f"{type(application).__module__}.{type(application).__qualname__}",
        "rounds": ROUNDS,
        "calls_per_round": REQUESTS,
        "full_us": timing["full"],
        "stack_us": [(label, timing[f"stack:{label}"]) for label in labels],
        "resolve_us": timing["resolve"],
        # The view was timed with a test request built each call; take that building out again.
        "view_us": max(timing["view"] - timing["request"], 0.0),
        "static_us": timing["static"],
        "areas": profile_areas(application, path),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
