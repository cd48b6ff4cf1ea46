"""Query budgets of issue 7's hot paths (counts and shapes of SQL, never timings): adding a detail row
through the API with the ceiling taken last, recounting a version, replacing a draft by an import."""

from __future__ import annotations

import re
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from spbe.accounts.services import api_token_create
from spbe.budgeting.imports import budget_import
from spbe.budgeting.integrity import recount
from spbe.budgeting.models import BudgetVersion, RkaDetail
from spbe.budgeting.services import ceiling_set

from .conftest import UNIT_A, UNIT_A2, row, write_csv
from .helpers import SYSTEM, add, draft, line, rka

# Token, memberships, line (a member's pemda needs no query: access.object_for_user); key looked up;
# savepoint; version and RKA share-locked; line locked, key again, position, insert, line total; ceiling
# locked and summed; audit head, entry, head; release; line and row read back. Measured at 20 when this was
# written: a new query on this path shows here.
DETAIL_ADD_QUERIES = 20


def _post(client, url, headers):
    body = '{"uraian": "Semen", "koefisien": [["2", "sak"]], "harga_satuan": "100"}'
    return client.post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **headers
    )


def _order_by_tables(sql: str) -> set[str]:
    clause = sql.split(" ORDER BY ", 1)[1] if " ORDER BY " in sql else ""
    return set(re.findall(r'"(\w+)"\."\w+"', clause))


def _from_table(sql: str) -> str:
    found = re.search(r'\bFROM "(\w+)"', sql)
    return found.group(1) if found else ""


def test_a_detail_add_through_the_api_has_a_bounded_number_of_queries_and_takes_the_ceiling_last(
    world, ref2028
):
    version = draft(world.pemda_a)
    road = line(rka(version, world.unit_a))
    ceiling_set(actor=world.tapd_a, version=version, unit=world.unit_a, code="", amount="50000")
    add(road, "100", actor=world.agency_operator_a)
    _token, secret = api_token_create(actor=world.agency_operator_a, user=world.agency_operator_a, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = world.client_for(None)
    url = f"/api/v1/pemda/{world.pemda_a.code}/budget/lines/{road.pk}/details"
    assert _post(client, url, headers).status_code == 201  # warm: the first request reads caches
    with CaptureQueriesContext(connection) as captured:
        assert _post(client, url, headers).status_code == 201
    queries = [q["sql"] for q in captured.captured_queries]
    assert len(queries) <= DETAIL_ADD_QUERIES, "\n".join(queries)
    # The ceiling is the last lock taken, after the row is written and the line's total moved: an agency's
    # editors queue on it only for the sum, the audit entry and the commit.
    insert = next(i for i, q in enumerate(queries) if q.startswith('INSERT INTO "budgeting_rkadetail"'))
    ceiling = next(i for i, q in enumerate(queries) if _from_table(q) == "budgeting_ceiling")
    moved = next(i for i, q in enumerate(queries) if q.startswith('UPDATE "budgeting_rkaline"'))
    assert insert < moved < ceiling
    # One row by its key is never ordered through another table (the models' default orderings would join
    # the version, unit and line tables and compile their orderings on every request).
    for sql in queries:
        if _from_table(sql).startswith("budgeting_"):
            assert _order_by_tables(sql) <= {_from_table(sql)}, sql
    assert RkaDetail.objects.filter(line=road).count() == 3


def test_recount_sums_the_detail_rows_in_the_database_in_three_queries(world, ref2028):
    version = draft(world.pemda_a)
    rka_a = rka(version, world.unit_a)
    ceiling_set(actor=world.tapd_a, version=version, unit=world.unit_a, code="", amount="50000")
    road = line(rka_a)
    for price in ("100", "200.50", "0.01"):
        add(road, price)
    other = line(rka_a, sub="1.03.02.2.01.0002")
    add(other, "7")
    with CaptureQueriesContext(connection) as captured:
        counted = recount(version)
    assert counted.ok and counted.lines == 2 and counted.details == 4
    assert counted.total == counted.ceilings[0].used
    assert str(counted.total) == "307.51"
    queries = [q["sql"] for q in captured.captured_queries]
    assert len(queries) == 3, queries
    # Summed per line by the database: 50,000 rows never travel into Python one by one.
    detail_sums = [q for q in queries if _from_table(q) == "budgeting_rkadetail"]
    assert len(detail_sums) == 1 and "GROUP BY" in detail_sums[0]


def test_replacing_a_draft_deletes_its_rows_by_set_without_reading_them(world, ref2028, tmp_path):
    rows = [
        row(UNIT_A, "1.03.02.2.01.0001", "5.2.04.01.01.0001", "2", "1000"),
        row(UNIT_A, "1.03.02.2.01.0001", "5.2.04.01.01.0001", "1,5", "100.01", "150.02"),
        row(UNIT_A2, "", "4.2.01.01.01.0001", "1", "5000"),
    ]
    path = write_csv(tmp_path / "apbd.csv", rows)
    budget_import(actor=SYSTEM, pemda=world.pemda_a, year=2028, path=path)
    with CaptureQueriesContext(connection) as captured:
        result = budget_import(actor=SYSTEM, pemda=world.pemda_a, year=2028, path=path, replace=True)
    assert result.replaced and result.rows == 3 and result.lines == 2
    queries = [q["sql"] for q in captured.captured_queries]
    # The old rows are removed by DELETE statements, never first read into Python (Django's collector
    # reads every line and detail row to look for protected references: most of a 50,000-row replace).
    assert not [q for q in queries if q.startswith("SELECT") and _from_table(q) == "budgeting_rkadetail"]
    assert [q for q in queries if q.startswith('DELETE FROM "budgeting_rkadetail"')]
    version = BudgetVersion.objects.get(pemda=world.pemda_a, year=2028)
    details = RkaDetail.objects.filter(line__version=version)
    assert details.count() == 3  # the first import's rows are gone, not added to
    assert sorted(str(d.amount) for d in details) == ["150.02", "2000.00", "5000.00"]
    assert sorted(str(d.unit_price) for d in details) == ["100.01", "1000.00", "5000.00"]
    assert str(result.totals["5"]) == "2150.02" and recount(version).ok
