"""``lock_shared``: rows read under a shared lock inside the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from spbe.core.locks import lock_shared
from spbe.core.models import DataVersion


@pytest.mark.django_db
def test_refuses_to_run_outside_a_transaction():
    # The test runs inside pytest-django's transaction; pretend, for one call, that there is none.
    saved = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="transaction"):
            lock_shared(DataVersion.objects.all())
    finally:
        connection.in_atomic_block = saved


@pytest.mark.django_db
def test_reads_the_rows_with_for_share_on_postgresql():
    DataVersion.objects.create(name="locks-test", version=3)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        rows = lock_shared(DataVersion.objects.filter(name="locks-test"))
    assert [(row.name, row.version) for row in rows] == [("locks-test", 3)]
    shared = [q["sql"] for q in queries.captured_queries if "locks-test" in q["sql"]]
    assert len(shared) == 1
    assert shared[0].endswith('FOR SHARE OF "core_dataversion"') == (connection.vendor == "postgresql")
