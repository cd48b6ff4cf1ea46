"""Village finance benchmarks (issue 8), run by ``scripts/bench.py``.

A SQLite database with every region and the Banyuwangi tenant imports a Siskeudes export of one desa of
about 19,000 rows (target >= 35,000 rows/s), timed inside one process around ``siskeudes_import`` so the
figure is the importer's, not Python's start-up; the first import writes, the next ones replace. Then the
public APBDes API of that desa and the static ceiling are served side by side by granian under wrk
(target >= 50% of the ceiling, p99 <= 100 ms).

Deadline day (issue 8, point 8), on PostgreSQL: a generated regency of 330 desa (the real Banyuwangi has
189), each desa's operator signed in with an API token of their own and an empty APBDes draft. Every
operator types and saves lines through ``POST /api/v1/pemda/35.10/villages/{desa}/apbdes/2027/lines`` with
an ``Idempotency-Key``, all of them in the same minute, on an open-loop schedule (``scripts/bench_http``);
one save in ten loses its connection after sending (the client hangs up before the answer) and is sent
again with the same key a moment later. Afterwards the database is read: every intended save must be
exactly one line (none lost, none doubled). Targets: p95 <= 300 ms, 0 lost, 0 doubled, 0 server errors.
The load generator runs on the same cores as the server; its schedule lag and CPU time are reported.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from scripts import bench as b
from scripts.bench_http import LockSampler, OpenLoop, percentile, server_cpu

PEMDA = "35.10"
DESA = "35.10.02.2001"
KD_DESA = "02.2001."
YEAR = "2027"
RUNS = 3
RATE_TARGET = 35_000.0
API_RATIO_TARGET = 0.50
P99_TARGET_MS = 100.0
# Rows per table: about what one busy desa's year holds in Siskeudes.
SIZES = {
    "Ta_RABRinci": 3_000,
    "Ta_TBPRinci": 1_500,
    "Ta_SPP": 1_500,
    "Ta_SPPRinci": 4_000,
    "Ta_SPJRinci": 3_000,
    "Ta_Mutasi": 1_000,
    "Ta_JurnalUmum": 1_000,
    "Ta_JurnalUmumRinci": 4_000,
}
SOURCES = ("DDS", "ADD", "PAD", "PBH", "BKK")
# Deadline day.
OPERATORS = 330
DISTRICTS = 11  # 11 kecamatan x 30 desa
LINES_EACH = 6  # lines each operator saves
RAMP_S = 10.0  # operators start over the first ten seconds...
TYPING_S = (2.0, 5.0)  # ...and save a line every 2-5 s (typing the next one in between)
DROP_EVERY = 10  # one save in ten loses its connection after sending
RETRY_AFTER_S = (0.5, 2.0)  # the phone reconnects and sends again with the same key
DEADLINE_THREADS = 64
DEADLINE_P95_MS = 300.0

SETUP_OPERATORS = r"""
import json, sys
from pathlib import Path
import django
django.setup()
from spbe.accounts.models import Role, User, VillageGovernment
from spbe.accounts.services import api_token_create, membership_grant, pemda_create
from spbe.core.actors import system
from spbe.reference.loader import load_bundled_reference
from spbe.reference.models import FundingSource, VillageAccount, VillageActivity
from spbe.regions.loader import load_regions
from spbe.villages.services import apbdes_create

actor = system("bench")
load_regions(Path(sys.argv[1]), actor=actor)
year = int(sys.argv[2])
load_bundled_reference(year, actor=actor)
pemda = pemda_create(actor=actor, region_code="35.10").pemda
operators = []
for village in VillageGovernment.objects.filter(pemda=pemda).order_by("region_id"):
    # No password: the benchmark measures saving lines, not 330 password hashes.
    user = User(username=f"operator.{village.region_id}", full_name=f"Operator {village.region_id}")
    user.set_unusable_password()
    user.save()
    membership_grant(actor=actor, user=user, pemda=pemda, role=Role.VILLAGE_OPERATOR, village=village)
    _token, secret = api_token_create(actor=actor, user=user, name="bench")
    apbdes_create(actor=actor, village=village, year=year)
    operators.append({"desa": village.region_id, "token": secret})
# What an operator types: expenditure lines on kegiatan of the year's list, and revenue lines.
activities = list(
    VillageActivity.objects.filter(year=year, level=VillageActivity.Level.KEGIATAN)
    .order_by("code").values_list("code", flat=True)[:12]
)
spending = list(
    VillageAccount.objects.filter(year=year, code__regex=r"^5\.[0-9]+\.[0-9]+$")
    .order_by("code").values_list("code", flat=True)[:8]
)
revenue = list(
    VillageAccount.objects.filter(year=year, code__regex=r"^4\.[0-9]+\.[0-9]+$")
    .order_by("code").values_list("code", flat=True)[:4]
)
sources = list(
    FundingSource.objects.filter(year=year, scope=FundingSource.Scope.DESA)
    .order_by("code").values_list("code", flat=True)[:5]
)
menu = [[a, k, s] for a in spending for k in activities[:3] for s in sources[:2]]
menu += [[a, "", s] for a in revenue for s in sources[:2]]
print(json.dumps({"operators": operators, "menu": menu}))
"""

AFTER_OPERATORS = r"""
import json, sys
from collections import Counter
from collections.abc import Callable
import django
django.setup()
from spbe.villages.models import ApbdesLine
rows = list(ApbdesLine.objects.filter(apbdes__year=int(sys.argv[1])).values_list(
    "apbdes__village__region_id", "description", "idempotency_key"))
descriptions = Counter((desa, text) for desa, text, _key in rows)
print(json.dumps({
    "lines": len(rows),
    "keys": [str(key) for _desa, _text, key in rows],
    "descriptions": [f"{desa}|{text}" for (desa, text), _n in descriptions.items()],
    "doubled": sum(n - 1 for n in descriptions.values() if n > 1),
}))
"""

TIMER = r"""
import json, sys, time
import django
django.setup()
from spbe.core.actors import system
from spbe.villages.siskeudes import siskeudes_import
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    result = siskeudes_import(sys.argv[1], actor=system("bench"), pemda_code=sys.argv[3])
    times.append(time.perf_counter() - started)
print(json.dumps({"rows": result.rows, "times": times, "lines": sum(d.lines for d in result.desa)}))
"""


def _activity(rng: random.Random) -> str:
    return f"{KD_DESA}0{rng.randint(1, 5)}.0{rng.randint(1, 4)}.0{rng.randint(1, 9)}."


def write_export(path: Path, seed: int = 8) -> int:
    """A Siskeudes export of one desa with every kind of row the realisation rule reads."""
    sys.path.insert(0, str(b.REPO))
    from spbe.villages.tests.siskeudes_zip import write_zip

    rng = random.Random(seed)
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in SIZES}
    base = {"Tahun": YEAR, "Kd_Desa": KD_DESA}
    for i in range(SIZES["Ta_RABRinci"]):
        revenue = i % 10 == 0
        tables["Ta_RABRinci"].append(
            {
                **base,
                "Kd_Keg": f"{KD_DESA}00.00.00." if revenue else _activity(rng),
                "Kd_Rincian": f"4.{rng.randint(1, 3)}.{rng.randint(1, 5)}.0{rng.randint(1, 9)}."
                if revenue
                else f"5.{rng.randint(1, 3)}.{rng.randint(1, 7)}.0{rng.randint(1, 9)}.",
                "Kd_SubRinci": "01",
                "No_Urut": str(i + 1),
                "SumberDana": rng.choice(SOURCES),
                "Uraian": f"Rincian belanja {i + 1}",
                "Anggaran": str(rng.randint(1, 500) * 100_000),
                "AnggaranStlhPAK": f"{rng.randint(1, 500) * 100_000}.{rng.randint(0, 99):02d}",
            }
        )
    for i in range(SIZES["Ta_TBPRinci"]):
        tables["Ta_TBPRinci"].append(
            {
                **base,
                "No_Bukti": f"TBP/{i}",
                "Kd_Keg": f"{KD_DESA}00.00.00.",
                "Kd_Rincian": f"4.2.{rng.randint(1, 5)}.01.",
                "SumberDana": rng.choice(SOURCES),
                "Nilai": str(rng.randint(1, 9_000) * 10_000),
            }
        )
    for i in range(SIZES["Ta_SPP"]):
        tables["Ta_SPP"].append(
            {**base, "No_SPP": f"SPP/{i}", "Jn_SPP": rng.choice(("LS", "LS", "UM", "PBY"))}
        )
    for i in range(SIZES["Ta_SPPRinci"]):
        tables["Ta_SPPRinci"].append(
            {
                **base,
                "No_SPP": f"SPP/{i % SIZES['Ta_SPP']}",
                "Kd_Keg": _activity(rng),
                "Kd_Rincian": f"5.{rng.randint(1, 3)}.{rng.randint(1, 7)}.0{rng.randint(1, 9)}.",
                "Sumberdana": rng.choice(SOURCES),
                "Nilai": f"{rng.randint(1, 2_000) * 1_000}.{rng.randint(0, 99):02d}",
            }
        )
    for i in range(SIZES["Ta_SPJRinci"]):
        tables["Ta_SPJRinci"].append(
            {
                **base,
                "No_SPJ": f"SPJ/{i}",
                "No_SPP": f"SPP/{i % SIZES['Ta_SPP']}",
                "Kd_Keg": _activity(rng),
                "Kd_Rincian": f"5.2.{rng.randint(1, 7)}.0{rng.randint(1, 9)}.",
                "Sumberdana": rng.choice(SOURCES),
                "Nilai": str(rng.randint(1, 2_000) * 1_000),
            }
        )
    for i in range(SIZES["Ta_Mutasi"]):
        tables["Ta_Mutasi"].append(
            {
                **base,
                "No_Bukti": f"BNK/{i}",
                "Kd_Rincian": "4.3.6.01." if i % 3 == 0 else "",
                "Nilai": "12500.75",
            }
        )
    for i in range(SIZES["Ta_JurnalUmum"]):
        tables["Ta_JurnalUmum"].append({**base, "NoBukti": f"JU/{i}", "Posted": "1" if i % 4 else "0"})
    for i in range(SIZES["Ta_JurnalUmumRinci"]):
        debit = i % 2 == 0
        tables["Ta_JurnalUmumRinci"].append(
            {
                **base,
                "NoBukti": f"JU/{i % SIZES['Ta_JurnalUmum']}",
                "Kd_Keg": _activity(rng) if debit else f"{KD_DESA}00.00.00.",
                "Kd_Rincian": f"5.2.{rng.randint(1, 7)}.01." if debit else "1.1.1.02.",
                "Sumberdana": rng.choice(SOURCES),
                "Debet": "150000" if debit else "0",
                "Kredit": "0" if debit else "150000",
            }
        )
    write_zip(path, tables)
    return sum(len(rows) for rows in tables.values())


def write_regions(folder: Path, desa: int = OPERATORS, districts: int = DISTRICTS) -> None:
    """A regency 35.10 of ``desa`` generated desa in ``districts`` kecamatan, in the loader's four files."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "provinces.csv").write_text("code,name\n35,Jawa Timur\n", encoding="utf-8")
    (folder / "regencies.csv").write_text(
        "code,province_code,name\n35.10,35,Kabupaten Banyuwangi\n", encoding="utf-8"
    )
    per = -(-desa // districts)
    district_rows = ["code,regency_code,name"]
    village_rows = ["code,district_code,name"]
    for d in range(1, districts + 1):
        district_rows.append(f"35.10.{d:02d},35.10,Kecamatan {d:02d}")
        for v in range(1, per + 1):
            if len(village_rows) > desa:
                break
            village_rows.append(f"35.10.{d:02d}.{2000 + v},35.10.{d:02d},Desa {d:02d}-{v:02d}")
    (folder / "districts.csv").write_text("\n".join(district_rows) + "\n", encoding="utf-8")
    (folder / "villages.csv").write_text("\n".join(village_rows) + "\n", encoding="utf-8")


def deadline_day(
    base: str, setup: dict[str, Any], rng: random.Random
) -> tuple[OpenLoop, list[tuple[str, str, str]], float]:
    """Run the schedule; return the load, every intended save (desa, key, description) and the CPU
    seconds this process (the load generator) used."""
    load = OpenLoop(base, DEADLINE_THREADS)
    intended: list[tuple[str, str, str]] = []
    menu: list[list[str]] = setup["menu"]

    def save_step(
        path: str, body: dict[str, str], headers: dict[str, str], dropped: bool, retry_in: float
    ) -> Callable[[], None]:
        def send() -> None:
            load.request("save", "POST", path, body, headers)

        def retry() -> None:
            load.request("retry", "POST", path, body, headers)

        def drop() -> None:
            load.drop("POST", path, body, headers)
            load.at(load.now() + retry_in, retry)

        return drop if dropped else send

    def operator(desa: str, token: str) -> None:
        path = f"/api/v1/pemda/{PEMDA}/villages/{desa}/apbdes/{YEAR}/lines"
        when = rng.uniform(0, RAMP_S)
        for n in range(LINES_EACH):
            account, activity, source = rng.choice(menu)
            text = f"Rincian {n + 1} operator {desa}"
            key = str(uuid.uuid4())
            intended.append((desa, key, text))
            body = {
                "kode_rekening": account,
                "kode_kegiatan": activity,
                "sumber_dana": source,
                "uraian": text,
                "anggaran": f"{rng.randint(1, 900) * 100_000}.00",
            }
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
            dropped = rng.randrange(DROP_EVERY) == 0
            retry_in = rng.uniform(*RETRY_AFTER_S)
            load.at(when, save_step(path, body, headers, dropped, retry_in))
            when += rng.uniform(*TYPING_S)

    for o in setup["operators"]:
        operator(o["desa"], o["token"])
    window = RAMP_S + LINES_EACH * TYPING_S[1] + RETRY_AFTER_S[1]
    cpu = time.process_time()
    load.run(window)
    return load, intended, time.process_time() - cpu


def _deadline(section: b.Section, work: b.Workspace) -> str:
    with b.postgres_cluster(work) as cluster:
        if isinstance(cluster, str):
            section.add(f"Deadline day: {OPERATORS} operators on PostgreSQL", f"not measured: {cluster}")
            return f"Deadline day skipped: {cluster}."
        url, _psql = cluster
        var_dir = work.root / "villages-pg"
        var_dir.mkdir(exist_ok=True)
        env = b.child_env(var_dir, url)
        setup = deadline_setup(env, work.root / "villages-regions")
        return deadline_measure(section, env, setup, work.root)


def deadline_setup(env: dict[str, str], regions: Path) -> dict[str, Any]:
    """Migrate, load the generated regency and make every desa's operator, token and empty draft."""
    spbe = b.spbe_command()
    b.run([*spbe, "migrate", "--no-input", "-v0"], env, timeout=1200)
    write_regions(regions)
    b.log(f"Deadline day: {OPERATORS} desa, their operators and empty APBDes drafts on PostgreSQL")
    done = b.run([sys.executable, "-c", SETUP_OPERATORS, str(regions), YEAR], env, timeout=1200)
    setup: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if len(setup["operators"]) != OPERATORS or not setup["menu"]:
        made = f"{len(setup['operators'])} operators and {len(setup['menu'])} kinds of line"
        raise b.BenchError(f"the deadline-day setup made {made}")
    return setup


def deadline_measure(section: b.Section, env: dict[str, str], setup: dict[str, Any], root: Path) -> str:
    """Run the deadline-day load against a granian server of ``env``; judge it; return the note."""
    b.log(f"Deadline day: {OPERATORS} operators saving {OPERATORS * LINES_EACH:,} lines at once")
    with b.granian("config.wsgi:application", env, "/", root / "granian-villages-deadline.log") as base:
        load_before = os.getloadavg()
        server_before = server_cpu(int(base.rsplit(":", 1)[1]))
        started = time.monotonic()
        with LockSampler(env["DATABASE_URL"]) as sampler:
            load, intended, generator_cpu = deadline_day(base, setup, random.Random(8))
        elapsed = time.monotonic() - started
        server_used = server_cpu(int(base.rsplit(":", 1)[1])) - server_before
        load_after = os.getloadavg()
    counted = b.run([sys.executable, "-c", AFTER_OPERATORS, YEAR], env)
    after = json.loads(counted.stdout.strip().splitlines()[-1])
    statuses = Counter(a.status for a in load.answers)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    answered = [a for a in load.answers if a.status in (200, 201)]
    times = [a.ms for a in load.answers]
    p95 = percentile(times, 0.95)
    keys_in_db = Counter(after["keys"])
    wanted = {key for _desa, key, _text in intended}
    lost = len(wanted - set(keys_in_db))
    doubled = (
        after["doubled"] + sum(n - 1 for n in keys_in_db.values() if n > 1) + len(set(keys_in_db) - wanted)
    )
    retries = [a for a in load.answers if a.kind == "retry"]
    section.add(
        "Deadline day: requests",
        f"{len(load.answers):,} answered in {elapsed:.0f} s ({len(intended):,} saves, "
        f"{len(retries)} of them re-sent after a dropped connection); statuses "
        + ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items())),
    )
    for kind in ("save", "retry"):
        values = [a.ms for a in load.answers if a.kind == kind]
        if values:
            section.add(
                f"Deadline day `{kind}`: p50 / p95 / p99",
                f"{statistics.median(values):.0f} / {percentile(values, 0.95):.0f} / "
                f"{percentile(values, 0.99):.0f} ms ({len(values):,} requests)",
            )
    section.add(
        "Deadline day: schedule lag of the load generator p50 / p95 / max; its CPU time",
        f"{percentile(load.lag, 0.5):.0f} / {percentile(load.lag, 0.95):.0f} / "
        f"{max(load.lag, default=0):.0f} ms; "
        f"{generator_cpu:.1f} s CPU in {elapsed:.0f} s (load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after); the server's CPU "
        f"{server_used * 1000 / max(1, len(load.answers)):.0f} ms per request",
    )
    due = [a.from_due for a in load.answers]
    section.add(
        "Deadline day: p50 / p95 counted from each request's scheduled moment (adds the wait for a free "
        "client thread: what an operator would see when the server falls behind)",
        f"{percentile(due, 0.5):.0f} / {percentile(due, 0.95):.0f} ms",
    )
    section.judge(
        f"Deadline day: {OPERATORS} operators saving lines at once through HTTP on PostgreSQL, p95 of every "
        f"request (p50 {statistics.median(times) if times else 0:.0f} ms)",
        f"{p95:.0f} ms",
        f"<= {DEADLINE_P95_MS:.0f} ms",
        p95 <= DEADLINE_P95_MS,
    )
    section.judge(
        f"Deadline day: lost / doubled lines / server errors ({after['lines']:,} lines for "
        f"{len(intended):,} saves, {len(answered):,} answered 200/201)",
        f"{lost} / {doubled} / {server_errors}",
        "0 / 0 / 0",
        lost == 0 and doubled == 0 and server_errors == 0 and after["lines"] == len(intended),
    )
    if not sampler.error:
        section.add(
            "Deadline day: where the database connections' time went",
            sampler.result().describe(len(load.answers)),
        )
    if load.errors:
        section.extra.append("First errors of the deadline-day load: " + "; ".join(load.errors[:5]))
    return (
        f"Deadline day: PostgreSQL (`scripts/pg`), a generated regency 35.10 of {OPERATORS} desa in "
        f"{DISTRICTS} kecamatan with the {YEAR} reference lists, one operator per desa with an API token of "
        f"their own and an empty APBDes draft. Each operator starts within the first {RAMP_S:.0f} s and "
        f"saves {LINES_EACH} lines, one every {TYPING_S[0]:.0f}-{TYPING_S[1]:.0f} s (an open-loop schedule "
        f"run by {DEADLINE_THREADS} client threads with keep-alive connections, in the benchmark's own "
        f"process on the same cores as the server: the schedule lag says how late the generator itself "
        f"sent); one save in {DROP_EVERY} is sent and the connection closed before the answer, then sent "
        f"again with the same Idempotency-Key {RETRY_AFTER_S[0]:.1f}-{RETRY_AFTER_S[1]:.0f} s later. "
        "Lost: an intended save with no line; doubled: a second line of one save (same text in the same "
        f"desa, or one key twice). granian in WSGI mode with {b.GRANIAN_WORKERS} workers."
    )


def bench_villages(section: b.Section, work: b.Workspace) -> None:
    b.tool("wrk", "run `scripts/system-deps --bench` as root, or `apt-get install wrk`")
    regions = b.ensure_regions_db(work)
    var_dir = work.root / "villages"
    shutil.copytree(regions, var_dir)
    env = b.child_env(var_dir)
    spbe = b.spbe_command()
    b.run([*spbe, "migrate", "--no-input", "-v0"], env)
    b.run([*spbe, "create_pemda", PEMDA], env)
    b.run([*spbe, "load_reference", "--year", YEAR], env, timeout=600)
    export = work.root / "siskeudes.zip"
    rows = write_export(export)
    b.log(f"Importing a Siskeudes export of {rows:,} rows {RUNS} times (timed in process)")
    done = b.run([sys.executable, "-c", TIMER, str(export), str(RUNS), PEMDA], env, timeout=600)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    times = result["times"]
    rate = rows / statistics.median(times)
    section.add(
        "Import runs (first writes, the rest replace)",
        ", ".join(f"{t * 1000:.0f} ms" for t in times) + f"; {result['lines']:,} budget lines",
    )
    section.judge(
        f"`siskeudes_import` of {rows:,} rows (one desa, every table), median of {RUNS}",
        f"{b.number(rate)} rows/s",
        f">= {b.number(RATE_TARGET)} rows/s",
        rate >= RATE_TARGET,
    )

    path = f"/api/v1/villages/{DESA}/apbdes/{YEAR}"
    servers = {
        "static": ("scripts.bench_static:application", "/"),
        "django": ("config.wsgi:application", path),
    }
    measurements = [("static", "static", "/"), ("apbdes", "django", path)]
    with ExitStack() as stack:
        bases = {
            name: stack.enter_context(b.granian(app, env, probe, work.root / f"granian-villages-{name}.log"))
            for name, (app, probe) in servers.items()
        }
        results = b.wrk_rounds(bases, measurements)
    best = {key: max(runs, key=lambda r: r.requests_per_second) for key, runs in results.items()}
    ratio = best["apbdes"].requests_per_second / best["static"].requests_per_second
    section.add(
        "Static ceiling (same server settings)", f"{b.number(best['static'].requests_per_second)} req/s"
    )
    section.judge(
        f"`GET {path}` / static ceiling (requests/s)",
        f"{ratio:.1%}",
        f">= {API_RATIO_TARGET:.0%}",
        ratio >= API_RATIO_TARGET,
    )
    section.judge(
        f"`GET {path}`: p99 (p50 {best['apbdes'].p50_ms:.2f} ms)",
        f"{best['apbdes'].p99_ms:.2f} ms",
        f"<= {P99_TARGET_MS:.0f} ms",
        best["apbdes"].p99_ms <= P99_TARGET_MS,
    )
    section.note = (
        f"SQLite, the regions loaded in benchmark 1, the {PEMDA} tenant and the {YEAR} reference lists. The "
        f"export is generated: one desa, {rows:,} rows over Ta_RABRinci, Ta_TBPRinci, Ta_SPP(Rinci), "
        "Ta_SPJRinci, Ta_Mutasi and Ta_JurnalUmum(Rinci), with advances, unposted journals, cash-bank moves "
        "and balance-sheet journal lines. The import is timed around the service call in one process "
        "(zip reading, checks, writes, freezing and audit included; Python start-up excluded). The API is "
        f"served by granian in WSGI mode with {b.GRANIAN_WORKERS} workers, one server at a time under wrk."
    )
    section.note += " " + _deadline(section, work)
