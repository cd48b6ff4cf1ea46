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
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
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
    lag: float = 0.0  # ms the step started after its scheduled moment (all client threads were busy)

    @property
    def from_due(self) -> float:
        """Milliseconds from the moment the step was due to the answer: what the operator waited."""
        return self.lag + self.ms


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
            answer = Answer(
                kind, 599, (time.perf_counter() - started) * 1000, lag=getattr(self.local, "lag", 0.0)
            )
            with self.lock:
                self.answers.append(answer)
                self.errors.append(f"{kind} {path}: {exc!r}")
            return answer
        payload: Any = None
        if raw and response.getheader("Content-Type", "").startswith(
            ("application/json", "application/problem")
        ):
            payload = json.loads(raw)
        answer = Answer(
            kind, status, (time.perf_counter() - started) * 1000, payload, getattr(self.local, "lag", 0.0)
        )
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
                late = max(0.0, self.now() - when) * 1000
                self.local.lag = late
                with self.lock:
                    self.lag.append(late)
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


@dataclass
class LockWaits:
    """What :class:`LockSampler` saw: mean backends per sample in each state, over ``seconds``."""

    samples: int
    seconds: float
    head_waiting: float  # waiting for an audit chain head's row lock
    other_waiting: float  # waiting for any other lock (a ceiling, an APBDes version, a line)
    running: float  # executing a statement
    idle_in_transaction: float  # in a transaction, waiting for the application (Python) to send more

    def per_request_ms(self, mean_backends: float, requests: int) -> float:
        """Little's law: mean backends in a state x the run's duration / requests = ms per request."""
        return mean_backends * self.seconds * 1000 / requests if requests else 0.0

    def describe(self, requests: int) -> str:
        return (
            f"per request: {self.per_request_ms(self.head_waiting, requests):.1f} ms waiting for the audit "
            f"head, {self.per_request_ms(self.other_waiting, requests):.1f} ms for other locks, "
            f"{self.per_request_ms(self.running, requests):.1f} ms in SQL, "
            f"{self.per_request_ms(self.idle_in_transaction, requests):.1f} ms inside a transaction waiting "
            f"for Python ({self.samples:,} samples of pg_stat_activity over {self.seconds:.0f} s)"
        )


class LockSampler:
    """Samples ``pg_stat_activity`` of the benchmark's database from a daemon thread while a load runs.

    A backend that waits on a row lock shows ``wait_event_type = 'Lock'`` with its statement; one whose
    statement reads ``core_audithead`` waits for a chain head. By Little's law the mean number of backends
    in a state times the run's duration, divided by the requests, is the time each request spent in it, so
    the figures need no instrumentation in the product. Every wait is bounded (statement and lock timeouts,
    ``Event.wait``, ``join``), so a stuck database can never hang the benchmark.
    """

    QUERY = """
        SELECT state, wait_event_type, query FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
    """

    def __init__(self, database_url: str, interval: float = 0.02) -> None:
        self.url, self.interval = database_url, interval
        self.stop = threading.Event()
        self.counts = {"head": 0, "other": 0, "running": 0, "idle_tx": 0}
        self.samples = 0
        self.error = ""
        self.thread = threading.Thread(target=self._run, name="lock-sampler", daemon=True)

    def _run(self) -> None:
        import psycopg  # only the PostgreSQL benchmarks need it

        try:
            with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
                conn.execute("SET statement_timeout = '2s'")
                conn.execute("SET lock_timeout = '1s'")
                while not self.stop.wait(self.interval):
                    rows = conn.execute(self.QUERY).fetchall()
                    self.samples += 1
                    for state, wait_type, query in rows:
                        if wait_type == "Lock":
                            self.counts["head" if "core_audithead" in (query or "") else "other"] += 1
                        elif state == "active":
                            self.counts["running"] += 1
                        elif state and state.startswith("idle in transaction"):
                            self.counts["idle_tx"] += 1
        except Exception as exc:  # a failed sampler is reported, never fails the benchmark
            self.error = repr(exc)

    def __enter__(self) -> LockSampler:
        self.started = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.seconds = time.monotonic() - self.started

    def result(self) -> LockWaits:
        n = max(1, self.samples)
        return LockWaits(
            self.samples,
            self.seconds,
            self.counts["head"] / n,
            self.counts["other"] / n,
            self.counts["running"] / n,
            self.counts["idle_tx"] / n,
        )


def server_cpu(port: int) -> float:
    """CPU seconds used so far by the granian serving ``port`` and its workers (its process group)."""
    leader = None
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with suppress(OSError):
            words = cmdline.read_bytes().split(b"\0")
            if b"--port" in words and str(port).encode() in words and any(b"granian" in w for w in words):
                leader = int(cmdline.parent.name)
                break
    if leader is None:
        return float("nan")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == leader:  # the process group: granian and the workers it started
                total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")
