"""The staff list and the duplicate check at scale: bounded queries, the indexes they read, exact results.

No timings here (see ``scripts/bench_planning.py``): what is checked is what makes them fast whatever the
machine, the number of queries and the query plans, and that the fast paths answer what the slow ones did.
"""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import load_command_class
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from conftest import TESTS
from spbe.planning import selectors, similarity
from spbe.planning.models import Proposal
from spbe.planning.services import proposal_submit

from .helpers import new_proposal, planners

A = "35.10"
LAT, LON = Decimal("-8.512345"), Decimal("114.123456")


def _bulk(world, count: int, *, first: int = 5000, year: int = 2028, state: str = "desa") -> None:
    """``count`` published proposals straight into the table, alternating the two desa of pemda A."""
    Proposal.objects.bulk_create(
        Proposal(
            pemda=world.pemda_a,
            village=(desa := world.desa_x if n % 2 else world.desa_y),
            kecamatan_id=desa.kecamatan_id,
            region_id=desa.region_id,
            year=year,
            number=first + n,
            public_id=f"35.10-{year}-{first + n:06d}",
            source="musrenbang",
            title=f"Rehab jalan dusun Krajan {n}",
            problem="Masalah yang panjang",
            volume=Decimal(1),
            unit_of_measure="m",
            estimated_cost=Decimal(1),
            state=state,
            latitude=LAT,
            longitude=LON,
        )
        for n in range(count)
    )


def _list_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
def test_the_staff_list_runs_the_same_few_queries_for_a_few_rows_or_a_full_page(world):
    planner, _second = planners(world)
    client = world.client_for(planner)
    path = f"/app/{A}/usulan/?year=2028&kecamatan={world.desa_x.kecamatan.district_id}&status=desa"
    _bulk(world, 4)
    few = _list_queries(client, path)
    _bulk(world, 120, first=7000)
    many = _list_queries(client, path)
    assert len(many) == len(few)
    # Session, user, grants, pemda, the place filter's desa and kelurahan (3), the kecamatan office,
    # the count, the page, the citizens' badges: nothing per row.
    assert len(many) <= 11


@pytest.mark.django_db
def test_the_staff_list_reads_only_the_columns_its_rows_show(world):
    planner, _second = planners(world)
    _bulk(world, 3)
    queries = _list_queries(world.client_for(planner), f"/app/{A}/usulan/?year=2028")
    rows = [q for q in queries if q.startswith('SELECT "planning_proposal"."id"')]
    assert len(rows) == 1
    assert '"planning_proposal"."problem"' not in rows[0]  # the long text no row shows
    assert "accounts_perangkatdaerah" not in rows[0]  # kecamatan and unit: the export's, not the page's
    assert '"regions_region"."name"' in rows[0]


@pytest.mark.django_db
def test_the_citizens_forum_link_is_looked_up_only_for_a_desa_forums_deciders(world):
    planner, _second = planners(world)
    shown = {}
    for user in (planner, world.operator_x, world.camat_x):
        response = world.client_for(user).get(f"/app/{A}/usulan/")
        shown[user.username] = response.context["may_desa_forum"]
    assert shown == {planner.username: False, "operator.x": True, "camat.x": False}
    # The planner's page no longer loads every desa of the regency as objects for a link it never shows.
    queries = _list_queries(world.client_for(planner), f"/app/{A}/usulan/")
    assert not [q for q in queries if 'SELECT "accounts_villagegovernment"."id"' in q]


@pytest.mark.django_db
def test_the_staff_lists_desa_filter_reads_the_desa_index_not_the_whole_year(world):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan without statistics; PostgreSQL chooses by its statistics")
    planner, _second = planners(world)
    _bulk(world, 10)
    queries = _list_queries(
        world.client_for(planner), f"/app/{A}/usulan/?year=2028&desa={world.desa_x.region_id}"
    )
    rows = next(q for q in queries if q.startswith('SELECT "planning_proposal"."id"'))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + rows)
        plan = " ".join(str(step[-1]) for step in cursor.fetchall())
    assert "proposal_region_year_pemda (region_id=? AND year=? AND pemda_id=?)" in plan
    assert "proposal_pemda_year_desc" not in plan


@pytest.mark.django_db
def test_the_duplicate_check_reads_the_place_and_the_map_box_through_their_indexes(world):
    new = new_proposal(world, actor=TESTS, latitude=LAT, longitude=LON)
    proposal_submit(actor=TESTS, proposal=new)
    _bulk(world, 6, year=2026)
    with CaptureQueriesContext(connection) as queries:
        found = selectors.duplicate_candidates(new)
    assert len(found) == 6
    if connection.vendor != "sqlite":
        return
    plans = []
    for query in queries.captured_queries[:2]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append(" ".join(str(step[-1]) for step in cursor.fetchall()))
    # Before, one query with "place OR box" walked every proposal of six years by (pemda, year).
    assert "USING INDEX proposal_region_year_pemda (region_id=? AND year>? AND year<?)" in plans[0]
    assert "USING INDEX proposal_pemda_lat_lon (pemda_id=? AND latitude>? AND latitude<?)" in plans[1]


def _reference_similarity(a: frozenset[str], b: frozenset[str]) -> Fraction:
    """The similarity as first written (every pair compared), which the quick one must equal."""
    if not a or not b:
        return Fraction(0)
    unmatched = set(b)
    matched = 0
    for token in sorted(a, key=lambda t: (t not in unmatched, t)):
        hit = (
            token
            if token in unmatched
            else next((u for u in sorted(unmatched) if similarity._alike(token, u)), None)
        )
        if hit is not None:
            unmatched.discard(hit)
            matched += 1
    return Fraction(2 * matched, len(a) + len(b))


TOKENS = st.sampled_from(
    [
        "jalan",
        "jln",
        "jala",
        "jalanan",
        "rehab",
        "drain",
        "drainase",
        "drai",
        "sumur",
        "rt",
        "02",
        "2",
        "20",
        "200",
        "di",
        "balai",
        "bala",
        "balaidesa",
        "pos",
        "posyandu",
        "posy",
        "Pósyandu",
        "krajan",
        "kra",
    ]
)


@given(st.lists(TOKENS, max_size=8), st.lists(TOKENS, max_size=8))
def test_the_quick_similarity_equals_the_pairwise_one(a, b):
    ta, tb = similarity.title_tokens(" ".join(a)), similarity.title_tokens(" ".join(b))
    assert similarity.similarity(ta, tb) == _reference_similarity(ta, tb)


@given(st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=40))
def test_titles_tokenise_the_same_with_or_without_the_ascii_shortcut(title):
    # Decomposing first, as the slow path does, must change nothing about the tokens.
    decomposed = unicodedata.normalize("NFKD", title)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert similarity.title_tokens(title) == similarity.title_tokens(plain)


@pytest.mark.django_db
def test_import_proposals_runs_no_system_checks(world, tmp_path, monkeypatch):
    """The checks load every view and API schema: more CPU than the rest of the command's start-up."""

    def refuse(*args, **kwargs):
        raise AssertionError("system checks ran")

    monkeypatch.setattr("django.core.management.base.checks.run_checks", refuse)
    path = tmp_path / "usulan.csv"
    path.write_text(
        "kode_desa,sumber,judul,masalah,alamat,lat,lon,bidang,kode_skpd,volume,satuan,perkiraan_biaya,"
        "penerima_manfaat,swadaya,nama_pengusul,nik_pengusul,telepon_pengusul\n"
        f"{world.desa_x.region_id},musrenbang,Rehab jalan,Rusak,,,,,,10,m,1000000,5,0,,,\n",
        encoding="utf-8",
    )
    # execute() with skip_checks=False, as the command line runs it (call_command skips them by default).
    command = load_command_class("spbe.planning", "import_proposals")
    command.execute(
        file=str(path),
        pemda=A,
        year=2028,
        skip_checks=False,
        no_color=True,
        force_color=False,
        stdout=io.StringIO(),
    )
    assert Proposal.objects.filter(pemda=world.pemda_a, year=2028, title="Rehab jalan").count() == 1
