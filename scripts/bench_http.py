"""HTTP load helpers shared by the benchmarks that drive the product over real connections.

- :func:`post_json`: one JSON POST with its headers, timed from sending to the last byte (urllib, a fresh
  connection each time, as a phone on a flaky network makes).
- :class:`OpenLoop`: an open-loop schedule of steps run by a pool of threads, each thread with its own
  keep-alive connection. Steps are sent at their scheduled time whatever the server's answers; the
  *schedule lag* (how late a step started) says whether the load generator itself kept up. On a small
  machine the generator competes with the server for the same cores, and a late generator understates
  the load the server was offered: every report prints the lag next to the latencies.
- :func:`percentile` and :func:`p95_floor` (the budgeting benchmark's own rule, kept for comparability).
"""

from __future__ import annotations

import heapq
import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse


def post_json(url: str, body: Any, headers: dict[str, str], timeout: float = 30) -> tuple[int, float, Any]:
    """POST ``body`` as JSON; return (status, milliseconds, parsed answer or None for an error status)."""
    request = urllib.request.Request(  # noqa: S310 - our own loopback server
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, payload = response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, None
        exc.read()
    return status, (time.perf_counter() - started) * 1000, payload


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def p95_floor(values: list[float]) -> float:
    """The 95th percentile as benchmark 7 has always computed it (the lower neighbour)."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else 0.0


@dataclass
class Answer:
    kind: str
    status: int  # 599: no answer (connection refused, reset or timed out)
    ms: float
    payload: Any = None


@dataclass
class OpenLoop:
    """Steps scheduled at absolute offsets from the start, run by ``threads`` workers."""

    base: str
    threads: int
    answers: list[Answer] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        url = urlparse(self.base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.lock = threading.Lock()
        self.cv = threading.Condition()
        self.queue: list[tuple[float, int, Callable[[], None]]] = []
        self.seq = 0
        self.local = threading.local()
        self.t0 = 0.0

    def at(self, when: float, step: Callable[[], None]) -> None:
        with self.cv:
            self.seq += 1
            heapq.heappush(self.queue, (when, self.seq, step))
            self.cv.notify()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def _connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self.local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return conn

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]) -> http.client.HTTPConnection:
        conn = self._connection()
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Host": f"{self.host}:{self.port}", **headers}
        if data is not None:
            sent["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=sent)
        except (OSError, http.client.HTTPException):
            conn = self._connection(fresh=True)  # a keep-alive connection the server closed: once more
            conn.request(method, path, body=data, headers=sent)
        return conn

    def request(
        self, kind: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        """Send and read the answer on this thread's keep-alive connection; record it."""
        started = time.perf_counter()
        try:
            conn = self._send(method, path, body, headers or {})
            response = conn.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            self._connection(fresh=True)
            answer = Answer(kind, 599, (time.perf_counter() - started) * 1000)
            with self.lock:
                self.answers.append(answer)
                self.errors.append(f"{kind} {path}: {exc!r}")
            return answer
        payload: Any = None
        if raw and response.getheader("Content-Type", "").startswith(
            ("application/json", "application/problem")
        ):
            payload = json.loads(raw)
        answer = Answer(kind, status, (time.perf_counter() - started) * 1000, payload)
        with self.lock:
            self.answers.append(answer)
        return answer

    def drop(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> None:
        """Send a request and hang up before the answer, as a phone losing its signal does."""
        try:
            self._send(method, path, body, headers or {})
        except (OSError, http.client.HTTPException) as exc:
            with self.lock:
                self.errors.append(f"drop {path}: {exc!r}")
        self._connection(fresh=True)

    def run(self, until: float) -> None:
        """Run every step due until the queue is empty and ``until`` seconds have passed."""

        def worker() -> None:
            while True:
                with self.cv:
                    while True:
                        if not self.queue and self.now() > until:
                            return
                        if self.queue and self.queue[0][0] <= self.now():
                            when, _seq, step = heapq.heappop(self.queue)
                            break
                        wait = (self.queue[0][0] - self.now()) if self.queue else 0.2
                        self.cv.wait(max(0.001, min(wait, 0.2)))
                with self.lock:
                    self.lag.append(max(0.0, self.now() - when) * 1000)
                try:
                    step()
                except Exception as exc:  # a broken step is reported, never hides the others
                    with self.lock:
                        self.errors.append(repr(exc))
            # unreachable

        self.t0 = time.monotonic()
        with ThreadPoolExecutor(self.threads) as pool:
            for _ in range(self.threads):
                pool.submit(worker)
