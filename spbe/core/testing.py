"""Test support shared by every module: running code that must commit for real, on its own database.

A test runs inside a transaction that is rolled back, so what needs real commits on several connections (a
race between two officers, writers in several processes) runs as a script in a separate process against
a throwaway database, migrated from scratch: a SQLite file under the test's temporary folder, or a
PostgreSQL database created next to the test database and dropped afterwards.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


# One migrated database per test process and engine, copied for each fresh_database: migrating from
# scratch costs tens of seconds of CPU, and a PostgreSQL run has about fifteen race tests.
_TEMPLATES: dict[str, str] = {}
MIGRATE_TIMEOUT = 600


def _migrate(env: dict[str, str]) -> None:
    spbe = str(Path(sys.executable).parent / "spbe")
    subprocess.run(  # noqa: S603 - this interpreter's own command
        [spbe, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT, timeout=MIGRATE_TIMEOUT
    )


def _sqlite_template(env: dict[str, str]) -> Path:
    kept = _TEMPLATES.get("sqlite")
    if kept is not None and Path(kept).exists():
        return Path(kept)
    folder = Path(tempfile.mkdtemp(prefix="spbe-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    template = folder / "template.sqlite3"
    _migrate({**env, "DATABASE_URL": f"sqlite:///{template}", "SPBE_VAR_DIR": str(folder)})
    # Everything into the main file, so copying that one file copies the whole database.
    with contextlib.closing(sqlite3.connect(template)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _TEMPLATES["sqlite"] = str(template)
    return template


def _postgres_template(dsn: dict[str, Any], url: Callable[[str], str], env: dict[str, str]) -> str:
    import psycopg

    kept = _TEMPLATES.get("postgresql")
    if kept is not None:
        return kept
    name = f"spbe_template_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with contextlib.suppress(psycopg.Error):
            admin = psycopg.connect(dbname="postgres", autocommit=True, **dsn)
            with admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    _migrate({**env, "DATABASE_URL": url(name)})
    _TEMPLATES["postgresql"] = name
    return name


@contextmanager
def fresh_database(tmp_path: Path, label: str = "spbe_fresh") -> Iterator[dict[str, str]]:
    """Yield the environment of a new, migrated database of the same engine as the test database.

    Each is a copy of one database migrated once per test process (a file copy on SQLite, ``CREATE
    DATABASE ... TEMPLATE`` on PostgreSQL), so every test starts from the same just-migrated state.
    """
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "SPBE_VAR_DIR": str(tmp_path)}
    if connection.vendor == "sqlite":
        target = tmp_path / f"{label}.sqlite3"
        shutil.copyfile(_sqlite_template(env), target)
        env["DATABASE_URL"] = f"sqlite:///{target}"
        yield env
        return
    import psycopg

    settings = connection.settings_dict
    dsn = {key.lower(): settings[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}

    def url(database: str) -> str:
        return f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{database}"

    template = _postgres_template(dsn, url, env)
    name = f"{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        env["DATABASE_URL"] = url(name)
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
