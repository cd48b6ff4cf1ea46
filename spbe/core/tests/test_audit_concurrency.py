"""Writers in separate processes append to the chain at the same time; it never forks.

Each run uses its own throwaway database (a SQLite file, or a PostgreSQL database next to the test
database), migrated from scratch, because the writers must commit for real. On PostgreSQL that is the
path production takes: entries inserted unsealed with the change, sealed right after each commit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spbe.core.testing import ROOT, fresh_database, run_script

WRITER = """
import django, sys
django.setup()
from django.db import connection, transaction
from spbe.core import audit
from spbe.core.actors import system
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("SET lock_timeout = '20s'")  # a stuck lock fails the writer instead of hanging it
for n in range(int(sys.argv[2])):
    with transaction.atomic():
        audit.record(actor=system("tests"), action="test.concurrent", object_type="test.writer",
                     object_id=sys.argv[1], pemda_code=sys.argv[3] if n % 2 else "", after={"n": n})
"""
WRITERS, EACH = 3, 60


@pytest.mark.django_db
def test_concurrent_writers_keep_one_chain(tmp_path):
    with fresh_database(tmp_path, "spbe_concurrency") as env:
        spbe = str(Path(sys.executable).parent / "spbe")
        writers = [
            subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(EACH), "35.10"], env=env, cwd=ROOT)
            for w in range(WRITERS)
        ]
        try:
            assert [w.wait(120) for w in writers] == [0] * WRITERS
        finally:
            for w in writers:
                w.kill()  # a no-op for those that finished; never leaves one running
        # No grace: every entry must have been sealed by the time its writer's commit returned.
        done = subprocess.run(
            [spbe, "verify_audit", "--unsealed-grace", "0"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert f"intact: {WRITERS * EACH} entries" in done.stdout
    assert f"35.10: intact, {WRITERS * EACH // 2} entries" in done.stdout
    assert "not yet sealed" not in done.stdout + done.stderr


CRASH = """
import django, os, sys
django.setup()
from django.db import transaction
from spbe.core import audit
from spbe.core.actors import system
if sys.argv[1] == "crash":
    # The process dies right after its commit, before the seal: what a killed worker does.
    audit._seal_committed = lambda code: os._exit(0)
with transaction.atomic():
    audit.record(actor=system("tests"), action="test.crash", object_type="test.writer", pemda_code="35.10",
                 after={"mode": sys.argv[1]})
print("reached the end")
"""


def _spbe(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    spbe = str(Path(sys.executable).parent / "spbe")
    return subprocess.run([spbe, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _crash(env: dict[str, str], mode: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASH, mode], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert ("reached the end" in done.stdout) == (mode != "crash")


@pytest.mark.django_db
def test_a_crash_between_commit_and_seal_is_reported_and_sealed_later(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite seals inside the writer's transaction: there is no moment between the two")
    with fresh_database(tmp_path, "spbe_crash") as env:
        _crash(env, "write")
        _crash(env, "crash")
        fresh = _spbe(env, "verify_audit")  # just committed: not yet a finding
        late = _spbe(env, "verify_audit", "--unsealed-grace", "0")
        sealed = _spbe(env, "seal_audit")
        after = _spbe(env, "verify_audit", "--unsealed-grace", "0")
        # The next write to the chain seals what an earlier crash left, without anyone running a command.
        _crash(env, "crash")
        _crash(env, "write")
        healed = _spbe(env, "verify_audit", "--unsealed-grace", "0")
    assert fresh.returncode == 0, fresh.stderr
    assert "35.10: 1 entries committed and not yet sealed" in fresh.stdout
    assert "35.10: intact, 1 entries" in fresh.stdout
    assert late.returncode == 1
    assert "run 'spbe seal_audit'" in late.stderr
    assert "35.10: sealed 1 entries" in sealed.stdout
    assert after.returncode == 0, after.stderr
    assert "35.10: intact, 2 entries" in after.stdout
    assert healed.returncode == 0, healed.stderr
    assert "35.10: intact, 4 entries" in healed.stdout


HELD = """
import json
import django
django.setup()
import psycopg
from django.db import connection, transaction
from spbe.core import audit
from spbe.core.actors import system
from spbe.core.models import AuditEntry

def write(n):
    with transaction.atomic():
        audit.record(actor=system("tests"), action="test.held", object_type="test.writer",
                     pemda_code="35.10", after={"n": n})

def seqs():
    return list(AuditEntry.objects.filter(pemda_code="35.10").order_by("id").values_list("seq", flat=True))

with connection.cursor() as cursor:
    cursor.execute("SET lock_timeout = '3s'")  # a write that waited for the head would fail, not hang
write(0)
s = connection.settings_dict
dsn = {key.lower(): s[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}
dsn["dbname"] = s["NAME"]
with psycopg.connect(connect_timeout=10, **dsn) as sealer:
    sealer.execute("SET lock_timeout = '3s'")
    sealer.execute("SELECT 1 FROM core_audithead WHERE pemda_code = '35.10' FOR UPDATE")  # a long seal
    write(1)
    write(2)
    during = seqs()
    sealer.rollback()
write(3)
print(json.dumps({"during": during, "after": seqs()}))
"""


@pytest.mark.django_db
def test_writers_never_wait_for_the_chains_head(tmp_path):
    """PostgreSQL: with the head locked by another session, writes commit at once and are sealed later."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time by design (documented in docs/architecture.md)")
    with fresh_database(tmp_path, "spbe_held") as env:
        seen = run_script(HELD, env=env, timeout=120)
        verified = _spbe(env, "verify_audit", "--unsealed-grace", "0")
    assert seen == {"during": [1, None, None], "after": [1, 2, 3, 4]}
    assert verified.returncode == 0, verified.stderr
    assert "35.10: intact, 4 entries" in verified.stdout
