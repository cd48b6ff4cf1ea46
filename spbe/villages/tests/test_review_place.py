"""Acceptance pass, point 2: a village-owned object's ``place()`` (where the access policy counts a role)
costs no query per object on the paths that check many: the desa's stage page and "receive all"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import TESTS
from spbe.villages.models import RealisationReport
from spbe.villages.reports import reports_move_many, reports_submit
from spbe.villages.tests.stage_helpers import YEAR, adopted_apbdes, dpmd_of, released_stage

pytestmark = pytest.mark.django_db


def test_the_desa_stage_page_reads_the_same_queries_however_many_reports(
    world: Any, reference_year: int
) -> None:
    released_stage(world)  # desa X: stage 1 released, its stage report submitted
    client = world.client_for(dpmd_of(world))
    url = f"/app/{world.pemda_a.code}/pencairan-desa/{YEAR}/desa/{world.desa_x.region_id}/"
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return len(seen.captured_queries)

    one = count()
    reports_submit(actor=TESTS, villages=[world.desa_x], year=YEAR, period="semester1")
    reports_submit(actor=TESTS, villages=[world.desa_x], year=YEAR, period="year_end")
    assert RealisationReport.objects.filter(village=world.desa_x).count() == 3
    assert count() == one


def test_receiving_many_reports_checks_each_place_without_a_query_each(
    world: Any, reference_year: int
) -> None:
    released_stage(world)
    adopted_apbdes(world, world.desa_y, Decimal("1000000001"))

    def move(villages: list[Any], period: str) -> int:
        reports_submit(actor=TESTS, villages=villages, year=YEAR, period=period)
        # As a caller holds them: loaded plainly, their desa not joined.
        reports = list(RealisationReport.objects.filter(year=YEAR, period=period))
        with CaptureQueriesContext(connection) as seen:
            assert reports_move_many(actor=TESTS, reports=reports, action="camat_receive") == len(villages)
        return len(seen.captured_queries)

    one = move([world.desa_x], "semester1")
    two = move([world.desa_x, world.desa_y], "year_end")
    assert two == one  # one conditional UPDATE and one audit append for any number of reports
    assert set(
        RealisationReport.objects.filter(year=YEAR, stage__isnull=True).values_list("state", flat=True)
    ) == {"camat_received"}
