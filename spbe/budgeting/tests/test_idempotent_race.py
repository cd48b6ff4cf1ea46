"""A client retries a detail row (same ``Idempotency-Key``) while its first request is still in flight, on
PostgreSQL: the retry waits for the line's row (the first lock an add takes after the share locks; the
ceiling comes last), then finds its own first request's row, which used the ceiling up. It must answer
with that row, not refuse the retry as a ceiling breach nor add the row twice.

Built on the ceiling race's script (``test_ceiling_race``): the same throwaway database, the same
choreography (the first commits only once a third connection sees the retry waiting on the line).
"""

from __future__ import annotations

import pytest
from django.db import connection

from spbe.core.testing import fresh_database, run_script

from .test_ceiling_race import SCRIPT as RACE

IMPORTS = "from spbe.budgeting.services import DetailInput, ceiling_set, detail_add, line_create, rka_open"


def _retry_script() -> str:
    replacements = {
        IMPORTS: (
            f"import uuid\n{IMPORTS}\nfrom spbe.budgeting.services import detail_add_once\nKEY = uuid.uuid4()"
        ),
        'detail_add(actor=operators[0], line=seen, detail=row("500"))': (
            'made, created = detail_add_once(actor=operators[0], line=seen, detail=row("600"), '
            "idempotency_key=KEY)\n"
            '            results["first_row"] = f"{made.pk} {created}"'
        ),
        'seen = RkaLine.objects.select_related("rka").get(pk=lines[1].pk)': (
            'seen = RkaLine.objects.select_related("rka").get(pk=lines[0].pk)'
        ),
        'detail_add(actor=operators[1], line=seen, detail=row("500"))\n        results["second"] = "ok"': (
            'made, created = detail_add_once(actor=operators[0], line=seen, detail=row("600"), '
            "idempotency_key=KEY)\n"
            '        results["second"] = f"ok {made.pk} {created}"'
        ),
        'wait_for_lock_waiters("%budgeting_ceiling%")': (
            'wait_for_lock_waiters("%budgeting_rkaline%FOR UPDATE%")'
        ),
    }
    script = RACE
    for old, new in replacements.items():
        assert script.count(old) >= 1, old
        script = script.replace(old, new)
    return script


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time (IMMEDIATE)")
def test_a_retry_waiting_on_the_line_its_first_request_filled_the_ceiling_from_gets_that_row(tmp_path):
    from conftest import MINI_REGIONS

    with fresh_database(tmp_path, "spbe_idempotent_race") as env:
        results = run_script(_retry_script(), str(MINI_REGIONS), env=env)
    assert "budgeting_rkaline" in results.get("waited_on", ""), results
    assert results["first"] == "ok", results
    first_pk, created = results["first_row"].split()
    assert created == "True", results
    assert results["second"] == f"ok {first_pk} False", results
    # 400 before, 600 once: exactly the ceiling, one new row.
    assert results["spent"] == "1000.00", results
    assert results["details"] == 2, results
