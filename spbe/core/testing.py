"""Test support shared by every module: running code that must commit for real, on its own database.

A test runs inside a transaction that is rolled back, so what needs real commits on several connections (a
race between two officers, writers in several processes) runs as a script in a separate process against
a throwaway database, migrated from scratch: a SQLite file under the test's temporary folder, or a
PostgreSQL database created next to the test database and dropped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def fresh_database(tmp_path: Path, label: str = "spbe_fresh") -> Iterator[dict[str, str]]:
    """Yield the environment of a new, migrated database of the same engine as the test database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SPBE_VAR_DIR": str(tmp_path)}
    spbe = str(Path(sys.executable).parent / "spbe")
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / f'{label}.sqlite3'}"
        subprocess.run([spbe, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603
        yield env
        return
    import psycopg

    settings = connection.settings_dict
    name = f"{label}_{uuid.uuid4().hex[:8]}"
    dsn = {key.lower(): settings[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{name}"
        )
        subprocess.run([spbe, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603
        yield env
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_script(script: str, *args: str, env: dict[str, str], timeout: float = 300) -> Any:
    """Run ``script`` with Python in ``env``; return the JSON its last line of output prints."""
    done = subprocess.run(  # noqa: S603 - the test's own script, with this interpreter
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def wait_for_lock_waiters(
    statement_like: str, *, not_like: str = "", at_least: int = 1, timeout: float = 30.0
) -> list[str]:
    """In a race script on PostgreSQL: wait until other sessions wait on a lock, and return their statements.

    A race test proves its overlap instead of hoping for it: the first writer keeps its transaction open
    until this sees ``at_least`` other sessions of the same database blocked on a lock while running a
    statement that matches ``statement_like`` (SQL ``LIKE``, e.g. ``"%planning_proposal%FOR UPDATE%"``) and
    not ``not_like`` when given.
    Returns their statements, or an empty list if they never came within ``timeout`` seconds, which the
    test then asserts on (the writers must be released either way, or the script would hang).
    """
    import time

    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() "
                "AND query LIKE %s AND query NOT LIKE %s",  # NOT LIKE '' holds for every statement
                [statement_like, not_like],
            )
            waiting = [row[0] for row in cursor.fetchall()]
        if len(waiting) >= at_least or time.monotonic() > deadline:
            return waiting if len(waiting) >= at_least else []
        time.sleep(0.05)
