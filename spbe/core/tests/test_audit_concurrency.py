"""Writers in separate processes append to the chain at the same time; it never forks.

Each run uses its own throwaway database (a SQLite file, or a PostgreSQL database next to the test
database), migrated from scratch, because the writers must commit for real.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
WRITER = """
import django, sys
django.setup()
from django.db import transaction
from spbe.core import audit
from spbe.core.actors import system
for n in range(int(sys.argv[2])):
    with transaction.atomic():
        audit.record(actor=system("tests"), action="test.concurrent", object_type="test.writer",
                     object_id=sys.argv[1], after={"n": n})
"""
WRITERS, EACH = 3, 60


def _run_writers(env: dict[str, str]) -> None:
    spbe = str(Path(sys.executable).parent / "spbe")
    subprocess.run([spbe, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(EACH)], env=env, cwd=ROOT)
        for w in range(WRITERS)
    ]
    assert [w.wait(120) for w in writers] == [0] * WRITERS
    done = subprocess.run([spbe, "verify_audit"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"intact: {WRITERS * EACH} entries" in done.stdout


@pytest.mark.django_db
def test_concurrent_writers_keep_one_chain(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SPBE_VAR_DIR": str(tmp_path)}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'concurrent.sqlite3'}"
        _run_writers(env)
        return
    settings = connection.settings_dict
    name = f"spbe_concurrency_{uuid.uuid4().hex[:8]}"
    dsn = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{name}"
        _run_writers({**env, "DATABASE_URL": url})
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
