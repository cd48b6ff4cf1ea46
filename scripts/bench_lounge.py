"""Public-service lounge benchmarks (issue 10), run by ``scripts/bench.py``, on PostgreSQL.

1. A morning at the mall: one hour's traffic compressed into one minute, through HTTP against granian.
   200 counters (each with its own signed-in officer) call the next number, look at their console and
   finish the ticket after a compressed service time; 2,000 citizens take one number each (70% on a
   phone: the lounge page, then the take; 30% at one of 20 kiosks: the service page, then the take) and
   then poll the board's JSON (with its ETag) every few seconds. Afterwards the database is checked:
   every prefix's numbers today run 1..N with no duplicate and no gap, and there is one ticket per
   successful take. Targets: p95 <= 100 ms over every request, zero server errors.
2. The satisfaction index over 1,000,000 survey responses (``selectors.ikm_for``, one COUNT and nine
   SUMs in SQL, exact Fraction arithmetic after), timed in one process. Target <= 2 s.
3. The public catalogue page of the same tenant (193 services) under wrk next to the static ceiling,
   in the same run. Target >= 50% of the ceiling.
"""

from __future__ import annotations

import heapq
import http.client
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from scripts import bench as b

PEMDA = "35.10"
LOUNGE = "mpp"
COUNTERS = 200
CLIENTS = 2_000
KIOSKS = 20
KIOSK_SHARE = 0.3
WINDOW_S = 60.0  # one hour of the mall, compressed
TAKES_UNTIL_S = 50.0  # the last citizens arrive before the hour's end, to be called within it
POLLS = 5
POLL_EVERY_S = (4.0, 8.0)
SERVICE_S = (3.0, 9.0)  # 3-9 minutes at a counter, compressed
IDLE_RETRY_S = 2.0
DRAIN_S = 15.0
THREADS = 48
# A generator whose steps start later than this (p95) did not offer the load the target describes.
SCHEDULE_SLACK_MS = 250.0
PER_KIND_ORDER = (
    "phone_page",
    "kiosk_page",
    "take",
    "ticket",
    "ticket_unchanged",
    "board",
    "board_unchanged",
    "console",
    "call",
    "recall",
    "skip",
    "finish",
)
P95_TARGET_MS = 100.0
SURVEY_ROWS = 1_000_000
IKM_TARGET_S = 2.0
IKM_RUNS = 3
CATALOGUE_RATIO_TARGET = 0.50

SETUP = r"""
import json, sys, types
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from spbe.accounts.models import PerangkatDaerah, Role, User
from spbe.accounts.services import membership_grant, pemda_create
from spbe.core.actors import system
from spbe.lounge import demo, kiosk, queues
from spbe.lounge.models import Lounge, Service
from spbe.lounge.services import services_import
from spbe.regions.loader import load_regions

actor = system("bench")
load_regions(Path(sys.argv[1]), actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
units = {
    code: types.SimpleNamespace(name=f"Perangkat Daerah {i + 1:02d}") for i, code in enumerate(demo.CATALOGUE)
}
rows = demo._catalogue_rows(units)
header = ["kode_layanan", "nama", "kode_skpd", "nama_skpd", "dasar_hukum", "persyaratan", "prosedur", "waktu",
          "biaya", "produk", "pengaduan", "loket"]
folder = Path(sys.argv[2])
path = demo._write_csv(folder, "layanan.csv", header, rows)
services_import(actor=actor, pemda=pemda, path=path, create_units=True)
lounge = queues.lounge_create(actor=actor, pemda=pemda, code="mpp", name="MPP Bench")
# Every citizen of the benchmark comes from 127.0.0.1: the per-network limit would count them as one.
Lounge.objects.filter(pk=lounge.pk).update(max_per_network=0)
lounge.refresh_from_db()
served = Service.objects.values("unit_id")
agencies = list(PerangkatDaerah.objects.filter(pemda=pemda, pk__in=served).order_by("code"))
letters = [chr(65 + i) if i < 26 else "A" + chr(65 + i - 26) for i in range(len(agencies))]
for unit, letter in zip(agencies, letters):
    queues.lounge_offer_unit(actor=actor, lounge=lounge, unit=unit, prefix=letter)
counters = []
total = int(sys.argv[3])
backend = settings.AUTHENTICATION_BACKENDS[0]
for i in range(total):
    unit = agencies[i % len(agencies)]
    services = list(Service.objects.filter(unit=unit))
    name = f"Loket {i + 1:03d}"
    counter = queues.counter_create(actor=actor, lounge=lounge, unit=unit, name=name, services=services)
    # Signed in by a session made here: the benchmark measures the queue, not 200 password hashes.
    user = User(username=f"loket.{i + 1:03d}", full_name=f"Petugas {i + 1}")
    user.set_unusable_password()
    user.save()
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.COUNTER_OFFICER, unit=unit)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    counters.append({"id": counter.pk, "session": session.session_key})
kiosks = []
for i in range(int(sys.argv[4])):
    device, _token = queues.kiosk_register(actor=actor, lounge=lounge, name=f"Kios {i + 1:02d}")
    # The cookie enrolment sets, signed as Django signs it (the same secret key as the server's).
    response = HttpResponse()
    response.set_signed_cookie(kiosk.COOKIE, kiosk.cookie_value(device), salt=kiosk.SALT)
    kiosks.append(response.cookies[kiosk.COOKIE].value)
codes = sorted(Service.objects.filter(pemda=pemda).values_list("kode_layanan", flat=True))
print(json.dumps({"counters": counters, "kiosks": kiosks, "services": codes,
                  "session_cookie": settings.SESSION_COOKIE_NAME, "csrf_cookie": settings.CSRF_COOKIE_NAME}))
"""

# Each request kind of the morning once more, in one process through Django's whole stack (no HTTP), on
# the morning's database: queries and CPU milliseconds per request (time.process_time, so a busy machine
# slows it without changing it), and the same for an unchanged board and ticket page (If-None-Match).
PER_KIND = r"""
import json, re, statistics, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

setup, n = json.loads(open(sys.argv[1], encoding="utf-8").read()), int(sys.argv[2])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKET = re.compile(r'name="tiket" value="([^"]+)"')
rows = {}

def measure(kind, send):
    with CaptureQueriesContext(connection) as queries:
        began = time.process_time()
        response = send()
        cpu = time.process_time() - began
    sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    rows.setdefault(kind, []).append((cpu * 1000, len(sql), response.status_code))
    return response

def client(**cookies):
    made = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    for name, value in cookies.items():
        made.cookies[name] = value
    return made

codes, take = setup["services"], "/pemda/35.10/antrean/mpp/"
board = "/pemda/35.10/antrean/mpp/papan.json"
phones = []
for i in range(n):
    phone = client()
    token = CSRF.search(measure("phone_page", lambda: phone.get(take)).content.decode())[1]
    form = {"csrfmiddlewaretoken": token, "layanan": codes[i % len(codes)]}
    taken = measure("take", lambda: phone.post(take, form))
    phones.append((phone, taken["Location"]))
kiosk = client(spbe_kiosk=setup["kiosks"][0])
for i in range(n):
    kode = codes[(i * 7) % len(codes)]
    page = measure("kiosk_page", lambda: kiosk.get(f"/kios/layanan/{kode}/"))
    token = CSRF.search(page.content.decode())[1]
    measure("take", lambda: kiosk.post(f"/kios/ambil/{kode}/", {"csrfmiddlewaretoken": token}))
for phone, page in phones:
    tag = measure("ticket", lambda: phone.get(page)).get("ETag", "")
    measure("ticket_unchanged", lambda: phone.get(page, HTTP_IF_NONE_MATCH=tag))
tag = phones[0][0].get(board)["ETag"]
for phone, _page in phones:
    measure("board", lambda: phone.get(board))
    measure("board_unchanged", lambda: phone.get(board, HTTP_IF_NONE_MATCH=tag))
for counter in setup["counters"][:n]:
    officer = client(**{setup["session_cookie"]: counter["session"]})
    console = f"/app/35.10/antrean/loket/{counter['id']}/"
    token = CSRF.search(measure("console", lambda: officer.get(console)).content.decode())[1]
    measure("call", lambda: officer.post(console + "panggil/", {"csrfmiddlewaretoken": token}))
    found = TICKET.search(officer.get(console).content.decode())
    if found:
        form = {"csrfmiddlewaretoken": token, "tiket": found[1]}
        measure("recall", lambda: officer.post(console + "panggil-ulang/", form))
        measure("skip", lambda: officer.post(console + "lewati/", form))
        measure("recall", lambda: officer.post(console + "panggil-ulang/", form))
        measure("finish", lambda: officer.post(console + "selesai/", form))
out = {}
for kind, values in rows.items():
    out[kind] = {
        "n": len(values),
        "cpu_ms": statistics.median(v[0] for v in values),
        "queries": statistics.median(v[1] for v in values),
        "statuses": sorted({v[2] for v in values}),
    }
print(json.dumps(out))
"""
PER_KIND_REQUESTS = 40

SURVEY = r"""
import datetime as dt, io, json, random, statistics, sys, time
import django
django.setup()
from django.db import connection
from spbe.accounts.models import Pemda
from spbe.lounge.models import Service
from spbe.lounge.selectors import IkmScope, ikm_for

rows, runs = int(sys.argv[1]), int(sys.argv[2])
pemda = Pemda.objects.get(code="35.10")
services = list(Service.objects.filter(pemda=pemda).values_list("pk", "unit_id"))
rng = random.Random(10)
start = dt.date(2026, 1, 1)
now = "2026-11-29 00:00:00+00"
columns = ["pemda_id", "unit_id", "service_id", "tanggal", *[f"u{i}" for i in range(1, 10)], "jenis_kelamin",
           "pendidikan", "pekerjaan", "created_at", "updated_at"]
began = time.perf_counter()
with connection.cursor() as cursor:
    raw = cursor.cursor
    with raw.copy(f"COPY lounge_surveyresponse ({', '.join(columns)}) FROM STDIN") as copy:
        for n in range(rows):
            service, unit = services[n % len(services)]
            answers = [rng.choice((2, 3, 3, 4, 4)) for _ in range(9)]
            copy.write_row(["35.10", unit, service, start + dt.timedelta(days=n % 330), *answers,
                            rng.choice(("L", "P", "")), "", "", now, now])
    cursor.execute("ANALYZE lounge_surveyresponse")
loaded = time.perf_counter() - began
scope = IkmScope(pemda=pemda, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
times, result = [], None
for _ in range(runs):
    t = time.perf_counter()
    result = ikm_for(scope)
    times.append(time.perf_counter() - t)
one = IkmScope(pemda=pemda, date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31),
               service_code=Service.objects.get(pk=services[0][0]).kode_layanan)
t = time.perf_counter()
single = ikm_for(one)
service_s = time.perf_counter() - t
print(json.dumps({"loaded_s": loaded, "times": times, "respondents": result.respondents,
                  "ikm": str(result.index), "grade": result.grade, "service_s": service_s,
                  "service_respondents": single.respondents}))
"""


# ------------------------------------------------------------------------------------- the load


@dataclass
class Result:
    kind: str
    status: int
    ms: float
    # How late the generator started the step this request belongs to: the time a citizen waited for
    # this load generator rather than for the server (an open-loop schedule counts both, honestly).
    late_ms: float = 0.0


@dataclass
class Client:
    """One citizen or counter: its cookies and CSRF token, as a browser would keep them."""

    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    etag: str = ""

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKET_INPUT = re.compile(r'name="tiket" value="([^"]+)"')


class Load:
    """An open-loop schedule of steps run by a pool of threads, each with its own keep-alive connection."""

    def __init__(self, base: str) -> None:
        url = urlparse(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.results: list[Result] = []
        self.lag: list[float] = []
        self.lock = threading.Lock()
        self.queue: list[tuple[float, int, Callable[[], None]]] = []
        self.seq = 0
        self.cv = threading.Condition()
        self.local = threading.local()
        self.t0 = 0.0
        self.stop_at = 0.0
        self.takes = 0
        self.errors: list[str] = []
        # The generator's own CPU seconds and the machine's load, around the run.
        self.cpu_s = 0.0
        self.load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
        self.load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def at(self, when: float, step: Callable[[], None]) -> None:
        with self.cv:
            self.seq += 1
            heapq.heappush(self.queue, (when, self.seq, step))
            self.cv.notify()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def request(
        self, kind: str, client: Client, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "id"}
        if client.cookies:
            headers["Cookie"] = client.header()
        data = None
        if body is not None:
            data = "&".join(f"{k}={v}" for k, v in body.items()).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        if kind == "board" and client.etag:
            headers["If-None-Match"] = client.etag
        started = time.perf_counter()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.local.conn = None
            conn.close()
            with self.lock:
                late = getattr(self.local, "late_ms", 0.0)
                self.results.append(Result(kind, 599, (time.perf_counter() - started) * 1000, late))
                self.errors.append(f"{kind} {path}: {exc!r}")
            return 599, {}, ""
        ms = (time.perf_counter() - started) * 1000
        got = {k.lower(): v for k, v in response.getheaders()}
        for raw in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = raw.partition("=")
            client.cookies[name.strip()] = rest.split(";", 1)[0]
        with self.lock:
            self.results.append(Result(kind, response.status, ms, getattr(self.local, "late_ms", 0.0)))
        return response.status, got, text

    def run(self, until: float) -> None:
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
                self.local.late_ms = late
                with self.lock:
                    self.lag.append(late)
                try:
                    step()
                except Exception as exc:  # a broken step is reported, never hides the others
                    with self.lock:
                        self.errors.append(repr(exc))

        self.load_before = os.getloadavg()
        cpu = time.process_time()
        self.t0 = time.monotonic()
        with ThreadPoolExecutor(THREADS) as pool:
            for _ in range(THREADS):
                pool.submit(worker)
        self.cpu_s = time.process_time() - cpu
        self.load_after = os.getloadavg()


def morning(base: str, setup: dict[str, Any], rng: random.Random) -> Load:
    load = Load(base)
    session_cookie = setup["session_cookie"]
    services: list[str] = setup["services"]
    take_page = f"/pemda/{PEMDA}/antrean/{LOUNGE}/"
    board = f"/pemda/{PEMDA}/antrean/{LOUNGE}/papan.json"

    def poll(client: Client, left: int) -> Callable[[], None]:
        def step() -> None:
            status, headers, _text = load.request("board", client, "GET", board)
            if status == 200:
                client.etag = headers.get("etag", "")
            if left > 1 and load.now() < WINDOW_S:
                load.at(load.now() + rng.uniform(*POLL_EVERY_S), poll(client, left - 1))

        return step

    def taken(client: Client, status: int, headers: dict[str, str]) -> None:
        if status == 302 and "/tiket/" in headers.get("location", ""):
            with load.lock:
                load.takes += 1
            load.at(load.now() + rng.uniform(*POLL_EVERY_S), poll(client, POLLS))
        elif status != 302:
            with load.lock:
                load.errors.append(f"take answered {status}")

    def phone(kode: str) -> Callable[[], None]:
        client = Client()

        def open_page() -> None:
            status, _h, text = load.request("phone_page", client, "GET", take_page)
            found = CSRF_INPUT.search(text)
            if status == 200 and found:
                client.csrf = found[1]
                load.at(load.now() + rng.uniform(1.0, 3.0), take)

        def take() -> None:
            status, headers, _t = load.request(
                "take", client, "POST", take_page, {"csrfmiddlewaretoken": client.csrf, "layanan": kode}
            )
            taken(client, status, headers)

        return open_page

    def kiosk_client(kode: str, cookie: str) -> Callable[[], None]:
        client = Client(cookies={"spbe_kiosk": cookie})

        def open_page() -> None:
            status, _h, text = load.request("kiosk_page", client, "GET", f"/kios/layanan/{kode}/")
            found = CSRF_INPUT.search(text)
            if status == 200 and found:
                client.csrf = found[1]
                load.at(load.now() + rng.uniform(1.0, 3.0), take)

        def take() -> None:
            status, headers, _t = load.request(
                "take", client, "POST", f"/kios/ambil/{kode}/", {"csrfmiddlewaretoken": client.csrf}
            )
            taken(client, status, headers)

        return open_page

    def counter(pk: int, session: str) -> Callable[[], None]:
        client = Client(cookies={session_cookie: session})
        console = f"/app/{PEMDA}/antrean/loket/{pk}/"

        def look() -> str:
            status, _h, text = load.request("console", client, "GET", console)
            found = CSRF_INPUT.search(text)
            if found:
                client.csrf = found[1]
            ticket = TICKET_INPUT.search(text)
            return ticket[1] if status == 200 and ticket else ""

        def call() -> None:
            if not client.csrf:
                look()
            load.request("call", client, "POST", console + "panggil/", {"csrfmiddlewaretoken": client.csrf})
            ticket = look()
            if ticket:
                load.at(load.now() + rng.uniform(*SERVICE_S), finish(ticket))
            elif load.now() < WINDOW_S:
                load.at(load.now() + IDLE_RETRY_S, call)

        def finish(ticket: str) -> Callable[[], None]:
            def step() -> None:
                load.request(
                    "finish",
                    client,
                    "POST",
                    console + "selesai/",
                    {"csrfmiddlewaretoken": client.csrf, "tiket": ticket},
                )
                if load.now() < WINDOW_S:
                    call()

            return step

        return call

    for c in setup["counters"]:
        load.at(rng.uniform(0, 2.0), counter(c["id"], c["session"]))
    for i in range(CLIENTS):
        kode = rng.choice(services)
        start = rng.uniform(0, TAKES_UNTIL_S)
        if rng.random() < KIOSK_SHARE:
            load.at(start, kiosk_client(kode, setup["kiosks"][i % len(setup["kiosks"])]))
        else:
            load.at(start, phone(kode))
    load.run(WINDOW_S + DRAIN_S)
    return load


def server_cpu_s(base: str) -> float:
    """CPU seconds (user + system) used so far by the granian serving ``base``: its main process and its
    workers, which share its process group (``bench.granian`` starts it in a session of its own)."""
    port = str(urlparse(base).port)
    main = None
    proc = Path("/proc")
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"granian" in a for a in argv[:2]) and port.encode() in argv:
            main = int(entry.name)
            break
    if main is None:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command: state, ppid, pgrp, ... utime (14th field of stat) and stime (15th).
        if int(fields[2]) == main:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def check_numbers(psql: list[str]) -> tuple[int, int, int, int]:
    """(tickets, prefixes with a duplicate, prefixes with a gap, prefixes whose counter row disagrees)."""
    query = (
        "SELECT t.prefix, count(*), count(DISTINCT t.number), min(t.number), max(t.number), max(d.last) "
        "FROM lounge_queueticket t JOIN lounge_queueday d ON d.lounge_id = t.lounge_id "
        "AND d.prefix = t.prefix AND d.day = t.day GROUP BY t.prefix, t.day"
    )
    out = b.run([*psql, "-d", b.PG_DATABASE, "-c", query], timeout=120).stdout.split()
    tickets = duplicates = gaps = disagree = 0
    for line in out:
        _prefix, n, distinct, low, high, last = line.split("|")
        tickets += int(n)
        duplicates += int(n) != int(distinct)
        gaps += int(low) != 1 or int(high) != int(n)
        disagree += int(last) != int(high)
    return tickets, duplicates, gaps, disagree


def bench_lounge(section: b.Section, work: b.Workspace) -> None:
    b.tool("wrk", "run `scripts/system-deps --bench` as root, or `apt-get install wrk`")
    spbe = b.spbe_command()
    with b.postgres_cluster(work) as cluster:
        if isinstance(cluster, str):
            raise b.BenchError(f"PostgreSQL is needed: {cluster}")
        url, psql = cluster
        env = b.child_env(work.root / "lounge-var", url)
        b.run([*spbe, "migrate", "--no-input", "-v0"], env, timeout=600)
        folder = work.root / "lounge-files"
        folder.mkdir(exist_ok=True)
        b.log(f"Lounge: {COUNTERS} counters, their officers and {KIOSKS} kiosks on PostgreSQL")
        regions = str(b.REPO / "spbe" / "regions" / "tests" / "data")
        done = b.run(
            [sys.executable, "-c", SETUP, regions, str(folder), str(COUNTERS), str(KIOSKS)], env, timeout=900
        )
        setup = json.loads(done.stdout.strip().splitlines()[-1])

        catalogue = f"/pemda/{PEMDA}/layanan/"
        servers = {
            "static": ("scripts.bench_static:application", "/"),
            "django": ("config.wsgi:application", catalogue),
        }
        with ExitStack() as stack:  # both servers stop before the morning starts
            bases = {
                name: stack.enter_context(
                    b.granian(app, env, probe, work.root / f"granian-lounge-{name}.log")
                )
                for name, (app, probe) in servers.items()
            }
            results = b.wrk_rounds(bases, [("static", "static", "/"), ("catalogue", "django", catalogue)])
        best = {key: max(runs, key=lambda r: r.requests_per_second) for key, runs in results.items()}
        ratio = best["catalogue"].requests_per_second / best["static"].requests_per_second

        b.log(f"Lounge: a morning of {CLIENTS:,} citizens and {COUNTERS} counters in {WINDOW_S:.0f} s")
        with b.granian("config.wsgi:application", env, f"/pemda/{PEMDA}/antrean/{LOUNGE}/papan.json",
                       work.root / "granian-lounge-morning.log") as base:  # fmt: skip
            cpu_before = server_cpu_s(base)
            load = morning(base, setup, random.Random(10))
            server_cpu = server_cpu_s(base) - cpu_before
        tickets, duplicates, gaps, disagree = check_numbers(psql)

        b.log(f"Lounge: queries and CPU per request kind, {PER_KIND_REQUESTS} of each, in one process")
        setup_file = work.root / "lounge-setup.json"
        setup_file.write_text(json.dumps(setup), encoding="utf-8")
        command = [sys.executable, "-c", PER_KIND, str(setup_file), str(PER_KIND_REQUESTS)]
        per_kind = json.loads(b.run(command, env, timeout=600).stdout.strip().splitlines()[-1])

        b.log(f"Lounge: IKM over {SURVEY_ROWS:,} responses")
        survey = json.loads(
            b.run([sys.executable, "-c", SURVEY, str(SURVEY_ROWS), str(IKM_RUNS)], env, timeout=1800)
            .stdout.strip()
            .splitlines()[-1]
        )

    all_ms = [r.ms for r in load.results]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for r in load.results:
        by_kind[r.kind].append(r.ms)
    statuses = Counter(r.status for r in load.results)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    p95 = percentile(all_ms, 0.95)
    span = WINDOW_S + DRAIN_S
    section.add(
        "Requests in the compressed hour",
        f"{len(all_ms):,} ({len(all_ms) / span:.0f}/s over {span:.0f} s); statuses "
        + ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items())),
    )
    for kind in ("phone_page", "kiosk_page", "take", "board", "call", "console", "finish"):
        values = by_kind.get(kind, [])
        if values:
            section.add(
                f"`{kind}`: p50 / p95 / p99",
                f"{statistics.median(values):.1f} / {percentile(values, 0.95):.1f} / "
                f"{percentile(values, 0.99):.1f} ms ({len(values):,} requests)",
            )
    section.add(
        "Schedule lag of the load generator: p50 / p95",
        f"{percentile(load.lag, 0.5):.0f} / {percentile(load.lag, 0.95):.0f} ms",
    )
    seen = [r.ms + r.late_ms for r in load.results]
    section.add(
        "p95 as a citizen would see it (the generator's lag + the server's latency, for information)",
        f"{percentile(seen, 0.95):.1f} ms",
    )
    section.add(
        "The load generator's own CPU / load average (1 min) before and after the hour",
        f"{load.cpu_s:.1f} CPU s over {span:.0f} s; {load.load_before[0]:.1f} / {load.load_after[0]:.1f}",
    )
    lag_p95 = percentile(load.lag, 0.95)
    kept = lag_p95 <= SCHEDULE_SLACK_MS
    section.add(
        "Did the load generator keep its schedule? (lag p95 within "
        f"{SCHEDULE_SLACK_MS:.0f} ms; its CPU as a share of the machine's {os.cpu_count()} cores)",
        ("yes" if kept else "NO: it offered less load than the target describes, later than scheduled")
        + f" (lag p95 {lag_p95:,.0f} ms; {load.cpu_s / span / (os.cpu_count() or 1):.0%} of the machine)",
    )
    section.add(
        "Server CPU (granian and its workers) per request of the hour",
        f"{server_cpu * 1000 / max(1, len(all_ms)):.2f} ms "
        f"({server_cpu:.1f} CPU s for {len(all_ms):,} requests)",
    )
    for kind in PER_KIND_ORDER:
        row = per_kind.get(kind)
        if row:
            section.add(
                f"`{kind}` in one process: queries / CPU per request (median of {row['n']})",
                f"{row['queries']:g} / {row['cpu_ms']:.2f} ms "
                f"(statuses {', '.join(map(str, row['statuses']))})",
            )
    section.judge(
        f"Tickets taken: {load.takes:,} takes, {tickets:,} tickets; duplicates / gaps / counter rows off",
        f"{duplicates} / {gaps} / {disagree} prefixes",
        "0 / 0 / 0, one ticket per take",
        duplicates == gaps == disagree == 0 and tickets == load.takes,
    )
    section.judge("Server errors (5xx or no answer)", f"{server_errors:,}", "0", server_errors == 0)
    section.judge(
        "p95 over every request of the hour (the generator itself ran p95 "
        f"{percentile(load.lag, 0.95):,.0f} ms behind schedule)",
        f"{p95:.1f} ms",
        f"<= {P95_TARGET_MS:.0f} ms",
        p95 <= P95_TARGET_MS,
    )
    ikm_s = statistics.median(survey["times"])
    section.add(
        f"Loading {SURVEY_ROWS:,} responses with COPY (for information)",
        f"{survey['loaded_s']:.1f} s; IKM {survey['ikm']} ({survey['grade']}), "
        f"{survey['respondents']:,} respondents",
    )
    section.judge(
        f"IKM of the whole pemda over {SURVEY_ROWS:,} responses, median of {IKM_RUNS}",
        f"{ikm_s:.2f} s",
        f"<= {IKM_TARGET_S:.0f} s",
        ikm_s <= IKM_TARGET_S,
    )
    section.add(
        "IKM of one service (for information)",
        f"{survey['service_s'] * 1000:.0f} ms over {survey['service_respondents']:,} respondents",
    )
    section.add(
        "Static ceiling (same server settings)", f"{b.number(best['static'].requests_per_second)} req/s"
    )
    section.judge(
        f"`GET {catalogue}` (193 services) / static ceiling (p50 {best['catalogue'].p50_ms:.1f} ms)",
        f"{ratio:.1%} ({b.number(best['catalogue'].requests_per_second)} req/s)",
        f">= {CATALOGUE_RATIO_TARGET:.0%}",
        ratio >= CATALOGUE_RATIO_TARGET,
    )
    if load.errors:
        section.extra.append("First errors of the load: " + "; ".join(load.errors[:5]))
    section.note = " ".join(
        [
            "PostgreSQL (`scripts/pg`, fsync off), a fresh database with the test region list, the",
            f"{PEMDA} tenant, 193 services of 29 agencies imported with `services_import`, one lounge",
            f"offering them under one letter per agency, {COUNTERS} counters spread over the agencies",
            f"with one signed-in counter officer each, {KIOSKS} enrolled kiosks; the per-network ticket",
            "limit is off (every client is 127.0.0.1). granian serves the application with",
            f"{b.GRANIAN_WORKERS} workers. The load generator runs in this process on the same 2 cores",
            f"({THREADS} threads, keep-alive connections, an open-loop schedule): {CLIENTS:,} citizens",
            f"arrive uniformly over {TAKES_UNTIL_S:.0f} s, {KIOSK_SHARE:.0%} at a kiosk (service page,",
            "take) and the rest on a phone (the lounge page with every service, take), then poll",
            f"`papan.json` {POLLS} times every {POLL_EVERY_S[0]:.0f}-{POLL_EVERY_S[1]:.0f} s with its",
            f"ETag; each counter calls, reads its console, serves {SERVICE_S[0]:.0f}-{SERVICE_S[1]:.0f} s",
            f"and finishes, or retries after {IDLE_RETRY_S:.0f} s when nobody waits, for {WINDOW_S:.0f} s",
            f"(then {DRAIN_S:.0f} s to finish). Latency is measured from sending to the last byte; the",
            "schedule lag says how late the generator itself sent. The IKM is timed in one process around",
            "`selectors.ikm_for` after the rows were loaded with COPY and ANALYZE. The catalogue and the",
            "static ceiling are measured under wrk before the morning, as in the other API benchmarks.",
        ]
    )
