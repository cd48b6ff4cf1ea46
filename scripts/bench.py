"""Run OpenSPBE's benchmarks on this machine and write the results to BENCHMARKS.md (``make bench``).

1. Loading all 91,599 official regions into a fresh SQLite database (and once more, idempotently), with
   ``spbe load_regions`` as an operator runs it; also on PostgreSQL when ``scripts/pg start`` works.
2. Splitting Rp71 trillion over the 75,252 desa with :func:`spbe.core.money.allocate`.
3. Verifying a 200,000-entry audit chain with :func:`spbe.core.audit.verify`.
4. The public region API served by granian under wrk, next to the static ceiling of the same server.
5. E-planning at 10,000 proposals a year (``scripts/bench_planning.py``).
6. Village finance: a Siskeudes export of 19,000 rows, the public APBDes API (``scripts/bench_villages.py``).
7. E-budgeting: 50,000 detail rows imported, recounted and summed; 50 editors at once on PostgreSQL
   (``scripts/bench_budgeting.py``).
8. The service lounge: a compressed morning of queues over HTTP, IKM over 1,000,000 responses, the public
   catalogue page (``scripts/bench_lounge.py``).
9. E-monitoring: 10,000 projects, 200,000 reports, 1,000,000 photo records; the daily classification, the
   dashboards and the map's GeoJSON (``scripts/bench_monitoring.py``).

Every benchmark runs even when an earlier one failed. A missed target is reported in BENCHMARKS.md; the
script exits non-zero only when a benchmark could not be measured. Everything runs on 127.0.0.1 in
temporary folders that are removed at the end; the servers it starts are always stopped.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "BENCHMARKS.md"
BIN = Path(sys.executable).parent
DATA_DIR = REPO / "spbe" / "regions" / "data"

EXPECTED_REGIONS = {"province": 38, "regency": 514, "district": 7285, "village": 83762}
LOAD_TARGET_S = 15.0
ALLOCATION_TOTAL = Decimal("71000000000000")
ALLOCATION_DESA = 75_252
ALLOCATION_TARGET_S = 1.0
ALLOCATION_RUNS = 5
AUDIT_ENTRIES = 200_000
AUDIT_RECORDED = 5_000  # appended through audit.record(); the rest built with audit.entry_hash
AUDIT_BLOCK = 5_000
AUDIT_VERIFY_RUNS = 3
AUDIT_TARGET_PER_MIN = 1_000_000
WRK_THREADS = 2
WRK_CONNECTIONS = 32
WRK_SECONDS = 10
WRK_WARMUP_SECONDS = 3
WRK_ROUNDS = 2
GRANIAN_WORKERS = 2
API_PATH = "/api/v1/regions/35.10"
CHILDREN_PATH = "/api/v1/regions/35.10/children"
API_RATIO_TARGET = 0.5
PG_DATABASE = "spbe_bench"

Status = Literal["PASS", "MISS", "info"]

_STARTED = time.monotonic()


class BenchError(RuntimeError):
    """A benchmark could not be measured (not a missed target)."""


def log(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:6.1f}s] {message}", flush=True)


# --------------------------------------------------------------------------------------------- results


@dataclass
class Row:
    label: str
    value: str
    target: str = ""
    status: Status = "info"


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""
    findings: str = ""
    extra: list[str] = field(default_factory=list)
    error: str | None = None

    def add(self, label: str, value: str, target: str = "", status: Status = "info") -> None:
        self.rows.append(Row(label, value, target, status))

    def judge(self, label: str, value: str, target: str, ok: bool) -> None:
        self.add(label, value, target, "PASS" if ok else "MISS")


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def number(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


# ------------------------------------------------------------------------------------ processes, env


def child_env(var_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of every process the benchmarks start: production settings, our own database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GRANIAN_") and key not in {"DATABASE_URL", "SPBE_DB_POOL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SPBE_VAR_DIR=str(var_dir),
        SPBE_DEBUG="0",
        SPBE_SECRET_KEY="bench",  # noqa: S106 - a throwaway key for a local benchmark server
        SPBE_ALLOWED_HOSTS="127.0.0.1",
        # Plain http on the loopback, as `make demo` serves: no redirect to https, no secure-only cookies.
        SPBE_HTTPS="0",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def tool(name: str, hint: str) -> str:
    """The path of a program from the virtualenv or PATH, or a clear error saying how to get it."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BenchError(f"'{name}' is not installed: {hint}")
    return found


def spbe_command() -> list[str]:
    candidate = BIN / "spbe"
    return [str(candidate)] if candidate.exists() else [sys.executable, "-m", "spbe.cli"]


def run(
    command: Sequence[str], env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; raise BenchError with its output when it fails."""
    try:
        done = subprocess.run(  # noqa: S603 - fixed commands built by this script
            list(command), cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{' '.join(command)} did not finish within {timeout:.0f} s") from exc
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-2000:]
        raise BenchError(f"{' '.join(command)} exited with {done.returncode}:\n{output}")
    return done


def timed(command: Sequence[str], env: dict[str, str], timeout: float = 300) -> tuple[float, str]:
    started = time.perf_counter()
    done = run(command, env, timeout)
    return time.perf_counter() - started, done.stdout.strip()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# ------------------------------------------------------------------------------------------- machine


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    system = platform.system()
    with suppress(OSError):
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                system = line.split("=", 1)[1].strip().strip('"')
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("CPU", cpu),
        ("Cores", f"{os.cpu_count()} logical ({usable} usable by this process)"),
        ("RAM", ram),
        ("OS", f"{system}, {platform.system()} {platform.release()} {platform.machine()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("SQLite", sqlite3.sqlite_version),
    ]


def versions() -> list[tuple[str, str]]:
    import django

    found = [("Django", django.get_version())]
    with suppress(Exception):
        from importlib.metadata import version

        found.append(("granian", version("granian")))
    wrk = shutil.which("wrk")
    if wrk:
        with suppress(OSError, subprocess.SubprocessError):
            banner = subprocess.run(  # noqa: S603 - wrk prints its version with -v
                [wrk, "-v"], capture_output=True, text=True, timeout=10, check=False
            )
            first = (banner.stdout + banner.stderr).strip().splitlines()
            if first:
                found.append(("wrk", first[0].split(" [")[0].removeprefix("wrk ")))
    return found


# -------------------------------------------------------------------------------- 1. loading regions


@dataclass
class Workspace:
    root: Path
    regions_var_dir: Path | None = None  # a SQLite database with every region loaded, for benchmark 4
    django_ready: bool = False
    extra_versions: list[tuple[str, str]] = field(default_factory=list)


def sqlite_counts(var_dir: Path) -> dict[str, int]:
    with sqlite3.connect(var_dir / "spbe.sqlite3") as db:
        rows = db.execute("SELECT level, COUNT(*) FROM regions_region GROUP BY level").fetchall()
    return {str(level): int(count) for level, count in rows}


def check_counts(counts: dict[str, int], where: str) -> None:
    if counts != EXPECTED_REGIONS:
        raise BenchError(f"{where}: expected {EXPECTED_REGIONS} regions by level, found {counts}")


def bench_load_regions(section: Section, work: Workspace) -> None:
    total = sum(EXPECTED_REGIONS.values())
    spbe = spbe_command()
    var_dir = work.root / "regions"
    env = child_env(var_dir)
    startup, _ = timed([*spbe, "--version"], env)
    log("SQLite: migrate a fresh database")
    migrate, _ = timed([*spbe, "migrate", "--no-input", "-v0"], env)
    log("SQLite: spbe load_regions (empty database)")
    first, output = timed([*spbe, "load_regions"], env)
    check_counts(sqlite_counts(var_dir), "SQLite after the first load")
    log(f"  {first:.2f} s: {output}")
    log("SQLite: spbe load_regions again (idempotent reload)")
    second, _ = timed([*spbe, "load_regions"], env)
    check_counts(sqlite_counts(var_dir), "SQLite after the reload")
    log(f"  {second:.2f} s")
    work.regions_var_dir = var_dir

    target = f"< {LOAD_TARGET_S:.0f} s"
    section.judge(f"SQLite: first load, {total:,} rows", seconds(first), target, first < LOAD_TARGET_S)
    section.judge("SQLite: reload (same rows, idempotent)", seconds(second), target, second < LOAD_TARGET_S)
    section.add("SQLite: rows per second, first load", number(total / first))
    section.add("SQLite: `spbe migrate` on an empty database", seconds(migrate))
    section.add("Process start-up alone (`spbe --version`)", seconds(startup))

    section.note = (
        "Each figure is the wall-clock time of one `spbe load_regions` process, exactly as an operator runs "
        "it, so it includes starting Python and Django (the start-up row shows how much of it that is). "
        "The SQLite database is a new file in a temporary `SPBE_VAR_DIR`, created with `spbe migrate` "
        "just before (not timed); settings are production ones (`SPBE_DEBUG=0`) with the project's SQLite "
        "options (WAL, synchronous=NORMAL). The command reads and checks all four bundled CSV files "
        f"({EXPECTED_REGIONS['province']} provinces, {EXPECTED_REGIONS['regency']} regencies/cities, "
        f"{EXPECTED_REGIONS['district']:,} districts, {EXPECTED_REGIONS['village']:,} villages) and upserts "
        "them in batches of 2,000; after each run the rows are counted per level straight from the "
        "database file. The reload runs the same command on the loaded database: every row conflicts and "
        "is updated in place, and the counts must not change. The target applies to SQLite."
    )
    section.note += " " + bench_load_regions_postgres(section, work, spbe)


@contextmanager
def postgres_cluster(work: Workspace) -> Iterator[tuple[str, list[str]] | str]:
    """Yield (DATABASE_URL of a fresh bench database, psql command) or the reason PostgreSQL is skipped."""
    pg_script = REPO / "scripts" / "pg"
    if not pg_script.exists() or shutil.which("psql") is None:
        yield "scripts/pg or psql is not available"
        return
    # `scripts/pg status` exits 0 when this checkout's cluster is already running (on whatever port it
    # chose); such a cluster is left running afterwards.
    status = subprocess.run(  # noqa: S603 - the project's own script
        [str(pg_script), "status"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    was_running = status.returncode == 0
    port = 5432
    try:
        started = subprocess.run(  # noqa: S603 - the project's own script
            [str(pg_script), "start"], cwd=REPO, capture_output=True, text=True, timeout=180, check=False
        )
    except subprocess.TimeoutExpired:
        yield "`scripts/pg start` did not finish within 180 s"
        return
    try:
        if started.returncode != 0:
            reason = (started.stderr or started.stdout).strip().splitlines()
            yield f"`scripts/pg start` failed: {reason[-1] if reason else started.returncode}"
            return
        url = urlparse(started.stdout.strip().splitlines()[-1])
        psql = [
            "psql",
            "-h",
            url.hostname or "127.0.0.1",
            "-p",
            str(url.port or port),
            "-U",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-qAt",
            "-d",
            "postgres",
        ]
        run([*psql, "-c", f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"], timeout=60)
        run([*psql, "-c", f"CREATE DATABASE {PG_DATABASE} OWNER {url.username}"], timeout=60)
        try:
            yield url._replace(path=f"/{PG_DATABASE}").geturl(), psql
        finally:
            with suppress(BenchError):
                run([*psql, "-c", f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"], timeout=60)
    finally:
        if not was_running and started.returncode == 0:
            # We started the cluster, so we stop it; one that was already running is left as it was.
            log("PostgreSQL: stopping the cluster this benchmark started")
            subprocess.run(  # noqa: S603 - the project's own script
                [str(pg_script), "stop"], cwd=REPO, capture_output=True, timeout=120, check=False
            )


def bench_load_regions_postgres(section: Section, work: Workspace, spbe: list[str]) -> str:
    log("PostgreSQL: scripts/pg start")
    with postgres_cluster(work) as cluster:
        if isinstance(cluster, str):
            log(f"PostgreSQL skipped: {cluster}")
            section.add("PostgreSQL", f"not measured: {cluster}")
            return f"PostgreSQL was not measured on this run: {cluster}."
        url, psql = cluster
        server_version = run([*psql, "-c", "SHOW server_version"], timeout=60).stdout.strip()
        work.extra_versions.append(("PostgreSQL", server_version.split()[0]))
        env = child_env(work.root / "pg-var", url)
        run([*spbe, "migrate", "--no-input", "-v0"], env)
        results = []
        for label in ("first load", "reload"):
            log(f"PostgreSQL: spbe load_regions ({label})")
            elapsed, _ = timed([*spbe, "load_regions"], env)
            query = "SELECT level, COUNT(*) FROM regions_region GROUP BY level"
            lines = run([*psql, "-d", PG_DATABASE, "-c", query], timeout=60).stdout.split()
            counts = {level: int(count) for level, count in (line.split("|") for line in lines)}
            check_counts(counts, f"PostgreSQL after the {label}")
            log(f"  {elapsed:.2f} s")
            results.append(elapsed)
        section.add("PostgreSQL: first load (for information)", seconds(results[0]))
        section.add("PostgreSQL: reload (for information)", seconds(results[1]))
    return (
        "The same two runs were made on PostgreSQL "
        f"{server_version.split()[0]}: the private loopback cluster of `scripts/pg start` (fsync off, as "
        f"for tests), in a database `{PG_DATABASE}` created for the run and dropped after it."
    )


# ------------------------------------------------------------------------------------- 2. allocation


def desa_codes() -> list[str]:
    with (DATA_DIR / "villages.csv").open(encoding="utf-8", newline="") as handle:
        return [
            row["code"] for row in csv.DictReader(handle) if row["code"].rsplit(".", 1)[1].startswith("2")
        ]


def bench_allocation(section: Section, work: Workspace) -> None:
    setup_django(work)
    from spbe.core.money import allocate

    codes = desa_codes()
    if len(codes) != ALLOCATION_DESA:
        raise BenchError(f"expected {ALLOCATION_DESA:,} desa in villages.csv, found {len(codes):,}")
    rng = random.Random(2027)
    # Population-like weights: log-normal around 2,500 people, from a few dozen to tens of thousands.
    weights = {code: max(50, round(rng.lognormvariate(7.8, 0.8))) for code in codes}
    log(f"Allocating Rp{ALLOCATION_TOTAL:,} over {len(weights):,} desa, best of {ALLOCATION_RUNS}")
    timings: list[float] = []
    parts: dict[str, Decimal] = {}
    for _ in range(ALLOCATION_RUNS):
        started = time.perf_counter()
        parts = allocate(ALLOCATION_TOTAL, weights)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    log(f"  best {best:.3f} s, runs {', '.join(f'{t:.3f}' for t in timings)}")

    # Correctness, outside the timing: every desa gets a part, the parts add up to the total to the sen,
    # and each part is within one rupiah of its exact proportional share.
    if len(parts) != ALLOCATION_DESA or set(parts) != set(weights):
        raise BenchError(f"allocate returned {len(parts):,} parts for {ALLOCATION_DESA:,} desa")
    if sum(parts.values()) != ALLOCATION_TOTAL:
        raise BenchError(f"parts add up to {sum(parts.values())}, not {ALLOCATION_TOTAL}")
    weight_sum = sum(weights.values())
    total_rupiah = int(ALLOCATION_TOTAL)
    for code, part in parts.items():
        if part != part.to_integral_value() or abs(int(part) * weight_sum - total_rupiah * weights[code]) >= (
            weight_sum
        ):
            raise BenchError(f"part of {code} ({part}) is not its share rounded to the rupiah")

    section.judge(
        f"`allocate()` over {ALLOCATION_DESA:,} desa, best of {ALLOCATION_RUNS}",
        seconds(best),
        f"< {ALLOCATION_TARGET_S:.0f} s",
        best < ALLOCATION_TARGET_S,
    )
    section.add("Slowest of the runs", seconds(max(timings)))
    section.add("Parts / sum of parts", f"{len(parts):,} / Rp{sum(parts.values()):,.2f} (exact)")
    section.add("Smallest / largest part", f"Rp{min(parts.values()):,.0f} / Rp{max(parts.values()):,.0f}")
    section.note = (
        f"In-process call of `spbe.core.money.allocate(Decimal('{ALLOCATION_TOTAL}'), weights)` with the "
        f"default unit of Rp1. The {ALLOCATION_DESA:,} recipients are every code in the bundled "
        "`villages.csv` whose last segment starts with 2 (desa, not kelurahan or desa adat); each gets a "
        "deterministic population-like integer weight drawn from `random.Random(2027)` (log-normal, median "
        f"about 2,400, at least 50). The call is timed {ALLOCATION_RUNS} times with `time.perf_counter` and "
        "the best run is reported, the usual way to take scheduling noise out of a CPU-bound function. "
        "After timing, the script checks that there is one part per desa, that the parts add up to the "
        "total exactly, and that every part is a whole rupiah within one rupiah of its exact share."
    )


# ------------------------------------------------------------------------------------ 3. audit chain


def audit_payload(rng: random.Random, index: int) -> dict[str, Any]:
    """A realistic-looking audit entry: budget lines, village funds, sign-ins, region loads."""
    pemda = rng.choice(["35.10", "35.09", "32.04", "51.71", "73.71", "94.71"])
    kind = index % 4
    if kind == 0:
        before = {"amount": f"{rng.randrange(10**6, 10**11)}.00", "name": f"Belanja modal {index}"}
        after = {**before, "amount": f"{rng.randrange(10**6, 10**11)}.00"}
        return {
            "action": "budget.line.update",
            "object_type": "budget.budgetline",
            "object_id": str(index),
            "pemda_code": pemda,
            "before": before,
            "after": after,
        }
    if kind == 1:
        desa = f"{pemda}.{rng.randrange(1, 30):02d}.2{rng.randrange(1, 30):03d}"
        funds: dict[str, Any] = {
            "desa": desa,
            "amount": f"{rng.randrange(10**8, 2 * 10**9)}.00",
            "year": 2027,
        }
        return {
            "action": "village_fund.allocate",
            "object_type": "budget.villagefund",
            "object_id": desa,
            "pemda_code": pemda,
            "before": None,
            "after": funds,
        }
    if kind == 2:
        return {
            "action": "accounts.login",
            "object_type": "accounts.user",
            "object_id": str(rng.randrange(1, 500)),
            "pemda_code": pemda,
            "before": None,
            "after": {"ip": "127.0.0.1", "ok": rng.random() > 0.1},
        }
    return {
        "action": "reference.update",
        "object_type": "reference.program",
        "object_id": str(index),
        "pemda_code": "",
        "before": {"codes": [f"1.0{rng.randrange(1, 9)}", "2.01"], "active": True},
        "after": {
            "codes": [f"1.0{rng.randrange(1, 9)}"],
            "active": rng.random() > 0.5,
            "note": "ubah \u00e9",
        },
    }


def bench_audit(section: Section, work: Workspace) -> None:
    setup_django(work)
    from django.core.management import call_command
    from django.db import connection, transaction

    from spbe.accounts.models import User
    from spbe.core import audit
    from spbe.core.actors import system
    from spbe.core.models import AuditEntry, AuditHead

    log(f"Audit: migrate a fresh SQLite database in {os.environ['SPBE_VAR_DIR']}")
    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor != "sqlite":
        raise BenchError(f"expected the in-process database to be SQLite, got {connection.vendor}")
    users = []
    for name in ("operator.bench", "tapd.bench", "auditor.bench"):
        user = User(username=name, full_name=name)
        user.set_unusable_password()
        user.save()
        users.append(user)
    rng = random.Random(2027)

    log(f"Audit: {AUDIT_RECORDED:,} entries through audit.record()")
    started = time.perf_counter()
    for block_start in range(0, AUDIT_RECORDED, AUDIT_BLOCK):
        with transaction.atomic():
            for index in range(block_start, min(block_start + AUDIT_BLOCK, AUDIT_RECORDED)):
                actors: list[Any] = [system("bench"), *users]
                audit.record(actor=rng.choice(actors), **audit_payload(rng, index))
    record_rate = AUDIT_RECORDED / (time.perf_counter() - started)
    log(f"  {record_rate:,.0f} entries/s")

    log(f"Audit: {AUDIT_ENTRIES - AUDIT_RECORDED:,} more entries hashed with audit.entry_hash, bulk inserted")
    started = time.perf_counter()
    moment = dt.datetime.now(dt.UTC)
    for block_start in range(AUDIT_RECORDED, AUDIT_ENTRIES, AUDIT_BLOCK):
        with transaction.atomic():
            heads = {h.pemda_code: (h.seq, h.hash) for h in AuditHead.objects.select_for_update()}
            entries = []
            for index in range(block_start, min(block_start + AUDIT_BLOCK, AUDIT_ENTRIES)):
                actor = rng.choice([None, *users])
                payload = audit_payload(rng, index)
                seq, prev_hash = heads.get(payload["pemda_code"], (0, audit.GENESIS_HASH))
                seq += 1
                moment += dt.timedelta(microseconds=rng.randrange(1, 2_000_000))
                fields: dict[str, Any] = {
                    "seq": seq,
                    "at": moment,
                    "actor_id": actor.pk if actor else None,
                    "actor_label": actor.get_username() if actor else "sistem:bench",
                    "pemda_code": payload["pemda_code"],
                    "action": payload["action"],
                    "object_type": payload["object_type"],
                    "object_id": payload["object_id"],
                    "before": audit.jsonable(payload["before"]),
                    "after": audit.jsonable(payload["after"]),
                    "prev_hash": prev_hash,
                }
                prev_hash = audit.entry_hash(**fields)
                heads[payload["pemda_code"]] = (seq, prev_hash)
                entries.append(AuditEntry(**fields, hash=prev_hash))
            AuditEntry.objects.bulk_create(entries, batch_size=1000)
            for code, (seq, prev_hash) in heads.items():
                # A chain seen first here starts at genesis, as the head guard requires.
                AuditHead.objects.bulk_create(
                    [AuditHead(pemda_code=code, seq=0, hash=audit.GENESIS_HASH)], ignore_conflicts=True
                )
                AuditHead.objects.filter(pemda_code=code).update(seq=seq, hash=prev_hash)
    build = time.perf_counter() - started
    log(f"  {build:.1f} s")
    count = AuditEntry.objects.count()
    if count != AUDIT_ENTRIES:
        raise BenchError(f"expected {AUDIT_ENTRIES:,} audit entries, found {count:,}")

    timings: list[float] = []
    for attempt in range(1, AUDIT_VERIFY_RUNS + 1):
        log(f"Audit: verify() run {attempt}/{AUDIT_VERIFY_RUNS}")
        started = time.perf_counter()
        result = audit.verify()
        timings.append(time.perf_counter() - started)
        if not result.ok or result.count != AUDIT_ENTRIES:
            raise BenchError(f"verify() did not accept the chain: {result}")
        log(f"  {timings[-1]:.2f} s, {AUDIT_ENTRIES / timings[-1]:,.0f} entries/s")
    median = statistics.median(timings)
    per_second = AUDIT_ENTRIES / median
    per_minute = per_second * 60

    section.judge(
        f"`verify()` of {AUDIT_ENTRIES:,} entries, median of {AUDIT_VERIFY_RUNS}",
        f"{number(per_minute)} entries/min",
        f"> {AUDIT_TARGET_PER_MIN:,} entries/min",
        per_minute > AUDIT_TARGET_PER_MIN,
    )
    section.add("Same, per second", f"{number(per_second)} entries/s ({seconds(median)} for the chain)")
    section.add("Fastest / slowest run", f"{seconds(min(timings))} / {seconds(max(timings))}")
    section.add("Appending with `audit.record()` (for information)", f"{number(record_rate)} entries/s")
    section.note = (
        f"In-process on a new SQLite database (temporary `SPBE_VAR_DIR`, `call_command('migrate')`, "
        f"production settings). The chain holds {AUDIT_ENTRIES:,} entries of four kinds (budget line "
        "changes, village fund allocations, sign-ins, reference data edits) with small JSON before/after "
        "values and a mix of three users and the system as actors, drawn from `random.Random(2027)`. The "
        f"first {AUDIT_RECORDED:,} are appended with the real `spbe.core.audit.record()` in "
        f"`transaction.atomic()` blocks of {AUDIT_BLOCK:,}; appending all of them that way would take "
        f"minutes (about {number(record_rate)} entries/s), so the remaining "
        f"{AUDIT_ENTRIES - AUDIT_RECORDED:,} continue the same chain from the head row: each is hashed with "
        "the project's own `audit.entry_hash()` over the previous hash, inserted with `bulk_create` in "
        f"blocks of {AUDIT_BLOCK:,}, and the head row is moved along. Then `spbe.core.audit.verify()` (what "
        f"`spbe verify_audit` runs) walks the whole chain {AUDIT_VERIFY_RUNS} times; each run must report "
        "the chain intact with every entry counted, and the median time gives the rate."
    )


# ------------------------------------------------------------------------------------ 4. API and wrk


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    socket_errors: str


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    percentiles = {
        int(match[1]): float(match[2]) * _UNITS_MS[match[3]]
        for match in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
    }
    if rps is None or total is None or 99 not in percentiles or 50 not in percentiles:
        raise BenchError(f"could not read wrk's output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if bad:
        raise BenchError(f"{bad[1]} responses were not 2xx/3xx; wrk said:\n{output}")
    errors = re.search(r"Socket errors: (.*)", output)
    return WrkResult(
        requests_per_second=float(rps[1]),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        requests=int(total[1]),
        socket_errors=errors[1].strip() if errors else "none",
    )


def wrk(url: str, duration: int) -> WrkResult:
    command = [
        tool("wrk", "run `scripts/system-deps --bench` as root, or `apt-get install wrk`"),
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "--latency",
        url,
    ]
    return parse_wrk(run(command, timeout=duration + 60).stdout)


@contextmanager
def granian(app: str, env: dict[str, str], probe: str, logs: Path) -> Iterator[str]:
    """Serve ``app`` with the production server on a free loopback port; yield its base URL; always stop."""
    binary = tool("granian", "it is a dependency of the project: run `make setup` (scripts/bootstrap)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        binary,
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(GRANIAN_WORKERS),
        "--no-ws",
        app,
    ]
    with logs.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed command built above
            command, cwd=REPO, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_ready(process, base + probe, logs)
        yield base
    finally:
        stop(process)


def wait_ready(process: subprocess.Popen[bytes], url: str, logs: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"granian exited with {process.returncode}:\n{tail(logs)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own loopback server
                if response.status == 200:
                    return
                last = f"status {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.2)
    raise BenchError(f"granian did not answer {url} within {timeout:.0f} s ({last}):\n{tail(logs)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server we started: SIGTERM to its main process, then SIGKILL to its own process group."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            log("granian did not stop on SIGTERM; killing it")
    # The group was created for this server (start_new_session), so it holds only its workers.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def tail(path: Path, lines: int = 20) -> str:
    with suppress(OSError):
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    return ""


def fetch_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own loopback server
        return json.loads(response.read())


def ensure_regions_db(work: Workspace) -> Path:
    if work.regions_var_dir is not None:
        return work.regions_var_dir
    log("No loaded database from benchmark 1: loading the regions (not timed)")
    var_dir = work.root / "regions-api"
    env = child_env(var_dir)
    run([*spbe_command(), "migrate", "--no-input", "-v0"], env)
    run([*spbe_command(), "load_regions"], env)
    check_counts(sqlite_counts(var_dir), "SQLite database for the API")
    work.regions_var_dir = var_dir
    return var_dir


# The servers: WSGI app and the path that tells it is ready.
SERVERS = {
    "static": ("scripts.bench_static:application", "/"),
    "django": ("config.wsgi:application", API_PATH),
}
# What wrk measures: key, server, path.
MEASUREMENTS = [
    ("static", "static", API_PATH),
    ("api", "django", API_PATH),
    ("children", "django", CHILDREN_PATH),
]


def check_answers(base: str) -> Any:
    """The API answers what the benchmark expects; returns the region."""
    region = fetch_json(base + API_PATH)
    if not isinstance(region, dict) or region.get("code") != "35.10":
        raise BenchError(f"{API_PATH} answered {region!r}")
    children = fetch_json(base + CHILDREN_PATH)
    if not isinstance(children, list) or len(children) != region.get("district_count"):
        raise BenchError(
            f"{CHILDREN_PATH} answered {len(children)} regions, not {region.get('district_count')}"
        )
    return region


def wrk_rounds(bases: dict[str, str], measurements: list[tuple[str, str, str]]) -> dict[str, list[WrkResult]]:
    """A warm-up per URL, then WRK_ROUNDS rounds in which the URLs take turns."""
    results: dict[str, list[WrkResult]] = {key: [] for key, _server, _path in measurements}
    for _key, server, path in measurements:
        log(f"wrk warm-up {WRK_WARMUP_SECONDS} s: {server} {path}")
        wrk(bases[server] + path, WRK_WARMUP_SECONDS)
    for round_number in range(1, WRK_ROUNDS + 1):
        for key, server, path in measurements:
            log(
                f"Round {round_number}/{WRK_ROUNDS}: wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} "
                f"-d{WRK_SECONDS}s --latency ({server}) {path}"
            )
            result = wrk(bases[server] + path, WRK_SECONDS)
            log(f"  {result.requests_per_second:,.0f} requests/s, p99 {result.p99_ms:.2f} ms")
            results[key].append(result)
    return results


def bench_api(section: Section, work: Workspace) -> None:
    tool("wrk", "run `scripts/system-deps --bench` as root, or `apt-get install wrk`")
    tool("granian", "it is a dependency of the project: run `make setup` (scripts/bootstrap)")
    var_dir = ensure_regions_db(work)
    env = child_env(var_dir)
    # The servers run today's code: bring the loaded database up to its migrations (a no-op normally).
    run([*spbe_command(), "migrate", "--no-input", "-v0"], env)
    with ExitStack() as servers:
        bases: dict[str, str] = {}
        for name, (app, probe) in SERVERS.items():
            log(f"Starting granian ({GRANIAN_WORKERS} workers): {app}")
            bases[name] = servers.enter_context(granian(app, env, probe, work.root / f"granian-{name}.log"))
        check_answers(bases["django"])
        results = wrk_rounds(bases, MEASUREMENTS)
        log("Stopping the servers")
    best = {key: max(runs, key=lambda r: r.requests_per_second) for key, runs in results.items()}
    static, api = best["static"], best["api"]
    ratio = api.requests_per_second / static.requests_per_second
    met = ratio >= API_RATIO_TARGET

    def latency(key: str) -> str:
        result = best[key]
        rounds = " / ".join(number(r.requests_per_second) for r in results[key])
        return (
            f"{number(result.requests_per_second)} req/s, p50 {result.p50_ms:.2f} ms, "
            f"p99 {result.p99_ms:.2f} ms (rounds: {rounds})"
        )

    section.add("Static ceiling: constant JSON body, same server settings", latency("static"))
    section.add(f"`GET {API_PATH}`", latency("api"))
    section.judge("API / static ceiling (requests/s)", f"{ratio:.1%}", f">= {API_RATIO_TARGET:.0%}", met)
    section.add(f"`GET {CHILDREN_PATH}` (for information)", latency("children"))
    socket_errors = [
        f"{key}: {r.socket_errors}"
        for key, runs in results.items()
        for r in runs
        if r.socket_errors != "none"
    ]
    section.add("wrk socket errors", "; ".join(socket_errors) if socket_errors else "none")
    section.note = (
        f"Two granian servers run side by side, each in WSGI mode with {GRANIAN_WORKERS} worker processes, "
        "`--no-ws`, on a free port of 127.0.0.1, with `SPBE_DEBUG=0`, `SPBE_HTTPS=0`, "
        "`SPBE_SECRET_KEY=bench`, `SPBE_ALLOWED_HOSTS=127.0.0.1` and `SPBE_VAR_DIR` pointing at the "
        "SQLite database loaded in benchmark 1: the application (`config.wsgi:application`) and the "
        "static ceiling (`scripts/bench_static.py`, a WSGI app returning a constant JSON body of the same "
        f"shape and size as the API's, {len_static_body()} bytes with two headers: the most requests per "
        "second this server "
        "setup can give any Python app here). Only the server under test is busy at a time. Each URL first "
        f"gets a {WRK_WARMUP_SECONDS} s wrk warm-up (which also fills the API's per-worker caches); then "
        f"{WRK_ROUNDS} rounds of `wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s --latency` take "
        "turns over the URLs, and the round with the most requests/s is reported with its p50/p99 "
        "latencies, all read from wrk's output. Any non-2xx response fails the benchmark. wrk runs on the "
        f"same {os.cpu_count()} cores as the server, so every figure is lower than with a separate load "
        "generator, but all of them share that handicap. The ratio is the API's requests/s over the static "
        "ceiling's. Near 100% both servers are at the limit of granian and wrk on these cores, and rounds of "
        "the same URL differ by up to about 15%, so a ratio a little above 100% is noise, not a faster API."
    )
    log("API: in-process breakdown of one request (scripts.bench_profile)")
    findings = (
        f"The API {'meets' if met else 'misses'} the target: it reaches {ratio:.1%} of the static ceiling."
    )
    try:
        done = run([sys.executable, "-m", "scripts.bench_profile", API_PATH], env, timeout=240)
        profile = json.loads(done.stdout.strip().splitlines()[-1])
        findings += " " + describe_profile(section, profile, met)
    except (BenchError, ValueError, KeyError, IndexError, TypeError) as exc:
        # The breakdown explains the figures; the figures stand without it.
        last = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        log(f"  breakdown failed: {exc}")
        section.extra += ["", f"The in-process breakdown could not be measured: `{last}`"]
    section.findings = findings


def len_static_body() -> int:
    from scripts.bench_static import BODY

    return len(BODY)


def describe_profile(section: Section, profile: dict[str, Any], met: bool) -> str:
    """Add the in-process breakdown table to the section; return sentences saying what dominates."""
    stack: list[tuple[str, float]] = [(str(name), float(us)) for name, us in profile["stack_us"]]
    bare, with_all = stack[0][1], stack[-1][1]
    full = float(profile["full_us"])
    resolve_us, view_us, static_us = (float(profile[k]) for k in ("resolve_us", "view_us", "static_us"))
    handler_rest = max(bare - resolve_us - view_us, 0.0)
    lines = [
        "",
        "Where one API request spends its CPU time, measured in-process on one thread by "
        "`scripts/bench_profile.py`: the WSGI app called directly, without server or socket; every item "
        f"timed in {profile['rounds']} interleaved rounds of {profile['calls_per_round']} calls, fastest "
        "round kept (other processes on the machine slow some rounds down). The middleware rows are the "
        "differences between Django handlers built with the first *k* middleware of `settings.MIDDLEWARE`, "
        "so a few microseconds of noise can make a cheap one look free or even negative.",
        "",
        "| Part of the request | µs per request |",
        "| --- | ---: |",
        f"| `config.wsgi.application`, as granian calls it | {full:.0f} |",
        f"| Django's handler with every middleware | {with_all:.0f} |",
        f"| Django's handler with no middleware at all | {bare:.0f} |",
        f"| … of which URL resolution (`django.urls.resolve`) | {resolve_us:.0f} |",
        f"| … of which the django-ninja view | {view_us:.0f} |",
        f"| … of which request/response objects, signals, the rest | {handler_rest:.0f} |",
    ]
    costs: list[tuple[str, float]] = []
    for (_previous, before), (name, after) in itertools.pairwise(stack):
        costs.append((name, after - before))
        lines.append(f"| + `{name}` | {after - before:.0f} |")
    lines.append(f"| The static app of the ceiling, for comparison | {static_us:.1f} |")
    areas = ", ".join(f"{name} {share:.0f}%" for name, share in profile["areas"][:8])
    lines += [
        "",
        f"CPU time by package (cProfile over `config.wsgi.application`, harness excluded): {areas}.",
    ]
    section.extra.extend(lines)

    top = sorted(costs, key=lambda item: item[1], reverse=True)[:3]
    top_text = ", ".join(f"`{name}` {us:.0f} µs" for name, us in top)
    django_part = (
        f"A trip through Django costs {with_all:.0f} µs: {bare:.0f} µs with no middleware at all (URL "
        f"resolution {resolve_us:.0f} µs, the django-ninja view {view_us:.0f} µs, request and response "
        f"handling {handler_rest:.0f} µs) and {with_all - bare:.0f} µs more for the {len(costs)} middleware "
        f"(largest: {top_text})."
    )
    application = str(profile.get("application", "?"))
    if met and full < with_all / 2:
        return (
            f"`config.wsgi.application` is `{application}`; in-process it answers a repeated GET of the "
            f"region in {full:.0f} µs, against {static_us:.1f} µs for the static app. {django_part} The "
            f"warm-up fills what `{application.rsplit('.', 1)[-1]}` keeps, so under wrk almost no request "
            "pays for Django, and what is left is mostly the server's own per-request cost."
        )
    if met:
        return (
            f"`config.wsgi.application` is `{application}` and answers in {full:.0f} µs in-process, against "
            f"{static_us:.1f} µs for the static app. {django_part}"
        )
    return (
        f"In-process, the static app costs {static_us:.1f} µs a request and the API {full:.0f} µs, so the "
        "ceiling is set by granian, the sockets and wrk, while the API is bound by Python work in Django: "
        f"{full:.0f} µs of CPU a request caps {GRANIAN_WORKERS} workers near "
        f"{GRANIAN_WORKERS * 1e6 / full:,.0f} requests/s even before wrk takes its share of the cores. "
        f"The response body comes from the cache, so the database is barely touched. {django_part} Even "
        f"Django with no middleware would stay near {GRANIAN_WORKERS * 1e6 / bare:,.0f} requests/s at best, "
        "far below half the ceiling."
    )


# ---------------------------------------------------------------------------------------------- main


def setup_django(work: Workspace) -> None:
    """Configure Django in this process on its own new SQLite database, for benchmarks 2 and 3."""
    if work.django_ready:
        return
    var_dir = work.root / "inprocess"
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ.update(child_env(var_dir))
    import django

    django.setup()
    work.django_ready = True


def run_section(title: str, bench: Callable[[Section, Workspace], None], work: Workspace) -> Section:
    section = Section(title)
    log(f"== {title}")
    started = time.monotonic()
    try:
        bench(section, work)
    except Exception as exc:
        section.error = f"{type(exc).__name__}: {exc}"
        log(f"ERROR in {title}:\n{traceback.format_exc()}")
    log(f"== {title}: {time.monotonic() - started:.0f} s")
    return section


def summary_rows(sections: list[Section]) -> list[tuple[str, Row]]:
    return [(section.title, row) for section in sections for row in section.rows if row.status != "info"]


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def render(
    sections: list[Section],
    work: Workspace,
    started_at: dt.datetime,
    duration: float,
    load: tuple[float, float, float] | None,
) -> str:
    out = [
        "# OpenSPBE benchmarks",
        "",
        f"Measured on {started_at:%Y-%m-%d %H:%M:%S} (UTC{started_at:%:z}) by `make bench` "
        f"(`scripts/bench.py`), in {duration:.0f} s. Each run overwrites this file; a missed target is "
        "reported here and does not fail the run.",
    ]
    cores = os.cpu_count() or 1
    if load is not None and load[0] > cores / 2:
        out += [
            "",
            f"> Other processes were busy when this run started (load average {load[0]:.1f} on {cores} "
            "cores), so these figures are pessimistic: run `make bench` on an idle machine to compare runs.",
        ]
    out += ["", "## Machine", "", "| | |", "| --- | --- |"]
    rows = machine() + versions() + work.extra_versions
    if load is not None:
        rows.append(("Load average at start (1, 5, 15 min)", ", ".join(f"{value:.2f}" for value in load)))
    out += [f"| {name} | {value} |" for name, value in rows]
    out += ["", "## Summary", "", "| Benchmark | Measured | Target | Result |", "| --- | --- | --- | --- |"]
    for title, row in summary_rows(sections):
        out.append(f"| {title}: {row.label} | {row.value} | {row.target} | **{row.status}** |")
    out += [f"| {s.title} | — | — | **ERROR** |" for s in sections if s.error]
    for number_, section in enumerate(sections, start=1):
        if out[-1]:
            out.append("")
        out += [f"## {number_}. {section.title}", ""]
        if section.error:
            out += [f"**ERROR**: the benchmark could not be completed: `{section.error.splitlines()[0]}`", ""]
            if len(section.error.splitlines()) > 1:
                out += ["```", *section.error.splitlines()[1:20], "```", ""]
        if section.rows:
            out += ["| Measurement | Value | Target | Result |", "| --- | --- | --- | --- |"]
            for row in section.rows:
                result = f"**{row.status}**" if row.status in {"PASS", "MISS"} else "—"
                out.append(f"| {row.label} | {row.value} | {row.target or '—'} | {result} |")
            out.append("")
        if section.note:
            out += [f"**How it was measured.** {section.note}", ""]
        if section.findings:
            out += [f"**What dominates.** {section.findings}", ""]
        for line in section.extra:
            if line or out[-1]:
                out.append(line)
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    # The module benchmarks (scripts/bench_<module>.py) import this one: let them share it, not reload it.
    sys.modules.setdefault("scripts.bench", sys.modules[__name__])
    from scripts.bench_budgeting import bench_budgeting
    from scripts.bench_lounge import bench_lounge
    from scripts.bench_monitoring import bench_monitoring
    from scripts.bench_planning import bench_planning
    from scripts.bench_villages import bench_villages

    started_at = dt.datetime.now().astimezone()
    load = load_average()
    os.chdir(REPO)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    root = Path(tempfile.mkdtemp(prefix="spbe-bench-"))
    log(f"OpenSPBE benchmarks; temporary files in {root}")
    try:
        work = Workspace(root)
        benchmarks: list[tuple[str, Callable[[Section, Workspace], None]]] = [
            ("Load all regions", bench_load_regions),
            ("Allocation of Rp71 trillion over the desa", bench_allocation),
            ("Audit-chain verification", bench_audit),
            ("Public region API under wrk", bench_api),
            ("e-Planning: 10,000 proposals a year", bench_planning),
            ("Village finance: Siskeudes import and public APBDes API", bench_villages),
            ("E-budgeting: 50,000 detail rows and 50 editors at once", bench_budgeting),
            ("Public-service lounge: queues, IKM and the catalogue", bench_lounge),
            ("E-monitoring: 10,000 projects, dashboards, map and the daily check", bench_monitoring),
        ]
        only = sys.argv[sys.argv.index("--only") + 1].lower() if "--only" in sys.argv[1:-1] else None
        if only is not None:
            benchmarks = [(title, bench) for title, bench in benchmarks if only in title.lower()]
        sections = [run_section(title, bench, work) for title, bench in benchmarks]
        text = render(sections, work, started_at, time.monotonic() - _STARTED, load)
        if only is None:
            OUTPUT.write_text(text, encoding="utf-8")
        else:
            # A partial run (--only, while working on one benchmark) prints, and keeps the full report.
            print(text)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if only is None:
        log(f"Wrote {OUTPUT.relative_to(REPO)}")
    for title, row in summary_rows(sections):
        print(f"  {row.status:5} {title}: {row.label}: {row.value} (target {row.target})")
    failed = [section.title for section in sections if section.error]
    for title in failed:
        print(f"  ERROR {title}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
