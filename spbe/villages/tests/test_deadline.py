"""Deadline day: a line save over the API costs a fixed, small number of queries, whatever the APBDes holds.

The bound is what the save needs: the token, the user's memberships and the APBDes (access; a member's
pemda needs no query of its own), one
query for the three reference lists, the version row lock, one read of the key and the last number under
it, the insert and the audit entry (head, entry, head update), plus the savepoint pair of the test's
transaction. A recount of the version, or a lookup per line, would break it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spbe.villages.models import ApbdesLine
from spbe.villages.services import apbdes_create

from .test_lines import BODY, YEAR, bearer, url

pytestmark = pytest.mark.django_db

SAVE_QUERIES = 12
RETRY_QUERIES = 9


def _post(client: Client, world: Any, key: str, body: dict[str, str] | None = None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as seen:
        response = client.post(
            url(world, world.desa_x), body or BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )
    return response.status_code, len(seen.captured_queries)


def test_a_save_costs_the_same_few_queries_however_many_lines_exist(world: Any, reference_year: int) -> None:
    apbdes = apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
    client = Client(**bearer(world.operator_x))
    _post(client, world, str(uuid.uuid4()))  # the token's first use records last_used_at once
    counts = []
    for n in range(12):
        body = {**BODY, "uraian": f"Rincian {n}"} if n % 2 else {**BODY, "kode_rekening": "5.2.1"}
        status, queries = _post(client, world, str(uuid.uuid4()), body)
        assert status == 201
        counts.append(queries)
    assert max(counts) <= SAVE_QUERIES, counts
    assert ApbdesLine.objects.filter(apbdes=apbdes).count() == 13
    # Every line of one account and kegiatan numbered once, in order of saving.
    numbers = list(
        ApbdesLine.objects.filter(apbdes=apbdes, account_code="5.1.1")
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, 8))
    # The retry of the last save answers with its line, reads no more than a save and writes nothing.
    key = str(uuid.uuid4())
    assert _post(client, world, key)[0] == 201
    status, queries = _post(client, world, key)
    assert status == 200 and queries <= RETRY_QUERIES, queries
    assert ApbdesLine.objects.filter(apbdes=apbdes).count() == 14
