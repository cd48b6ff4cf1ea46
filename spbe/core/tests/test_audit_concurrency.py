"""Writers in separate processes append to the chain at the same time; it never forks.

Each run uses its own throwaway database (a SQLite file, or a PostgreSQL database next to the test
database), migrated from scratch, because the writers must commit for real.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from spbe.core.testing import ROOT, fresh_database

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


@pytest.mark.django_db
def test_concurrent_writers_keep_one_chain(tmp_path):
    with fresh_database(tmp_path, "spbe_concurrency") as env:
        spbe = str(Path(sys.executable).parent / "spbe")
        writers = [
            subprocess.Popen([sys.executable, "-c", WRITER, str(w), str(EACH)], env=env, cwd=ROOT)
            for w in range(WRITERS)
        ]
        assert [w.wait(120) for w in writers] == [0] * WRITERS
        done = subprocess.run([spbe, "verify_audit"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"intact: {WRITERS * EACH} entries" in done.stdout
