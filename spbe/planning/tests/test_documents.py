"""The kecamatan Musrenbang minutes' annex: the forum's ranked list with signature blocks, as PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from spbe.planning.documents import kecamatan_annex
from spbe.planning.models import Proposal
from spbe.planning.services import (
    planning_year_set,
    proposal_decide,
    proposal_score,
    proposal_submit,
    proposals_rank,
)

from .helpers import new_proposal, planners

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "urgency": "0.5",
    "beneficiaries": "0.2",
    "alignment": "0.1",
    "readiness": "0.1",
    "contribution": "0.1",
}


def url(world, year=2028, district=None) -> str:
    district = district or world.desa_x.kecamatan.district_id
    return f"/app/{world.pemda_a.code}/musrenbang/{year}/kecamatan/{district}/lampiran.pdf"


def at_kecamatan(world, title, village="x", **fields):
    operator = world.operator_x if village == "x" else world.operator_y
    desa = world.desa_x if village == "x" else world.desa_y
    proposal = new_proposal(world, actor=operator, village=desa, title=title, **fields)
    proposal_submit(actor=operator, proposal=proposal)
    proposal_decide(actor=operator, proposal=proposal, outcome="forward")
    return Proposal.objects.get(pk=proposal.pk)


def rank(world):
    return proposals_rank(
        actor=world.camat_x,
        pemda=world.pemda_a,
        year=2028,
        stage="kecamatan",
        kecamatan=world.desa_x.kecamatan,
    )


@pytest.fixture
def ranked(world):
    """Three proposals of desa X ranked by the kecamatan forum: drainage 3.1, road 2.5, well unscored 0."""
    planner, _second = planners(world)
    planning_year_set(actor=planner, pemda=world.pemda_a, year=2028, kecamatan_quota=None, weights=WEIGHTS)
    road = at_kecamatan(
        world, "Rehab jalan dusun Krajan", bidang="PU", estimated_cost=Decimal("250000000.50")
    )
    well = at_kecamatan(
        world, "Sumur bor", volume=Decimal("2"), unit_of_measure="unit", estimated_cost=Decimal("1000000")
    )
    drain = at_kecamatan(
        world, "Drainase <Krajan>", volume=Decimal("120.5"), estimated_cost=Decimal("75000000")
    )
    elsewhere = at_kecamatan(world, "Balai desa Y", village="y")
    proposal_score(actor=world.camat_x, proposal=road, scores={"urgency": 3, "beneficiaries": 5})  # 2.5
    proposal_score(
        actor=world.camat_x, proposal=drain, scores={"urgency": 5, "readiness": 4, "alignment": 2}
    )  # 3.1
    rank(world)
    world.road, world.well, world.drain, world.elsewhere = road, well, drain, elsewhere
    return world


def pdf_text(response) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(response.content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages), len(reader.pages)


def flat(text: str) -> str:
    return "".join(text.split())


def test_the_annex_lists_the_forums_ranking_with_scores_and_the_total(ranked):
    annex = kecamatan_annex(ranked.desa_x.kecamatan, 2028)
    assert [(r.rank, r.proposal.title, r.score) for r in annex.rows] == [
        (1, "Drainase <Krajan>", Decimal("3.1")),
        (2, "Rehab jalan dusun Krajan", Decimal("2.5")),
        (3, "Sumur bor", Decimal("0")),
    ]
    assert annex.total_cost == Decimal("326000000.50")
    assert annex.place == ranked.desa_x.kecamatan.district.name


def test_the_camat_prints_the_annex_as_pdf(ranked):
    client = ranked.client_for(ranked.camat_x)
    response = client.get(
        url(ranked),
        {
            "camat": "Drs. Budi  Santoso",
            "nip_camat": "197001011990031001",
            "peserta": "Siti Aminah",
            "tanggal": "2026-11-29",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    place = ranked.desa_x.kecamatan.district.name
    assert response["Content-Disposition"] == (
        f'inline; filename="Lampiran-BA-Musrenbang-Kecamatan-{place.replace(" ", "-")}-2028.pdf"'
    )
    text, pages = pdf_text(response)
    for expected in (
        "LAMPIRAN BERITA ACARA MUSRENBANG KECAMATAN",
        f"KECAMATAN {place.upper()}",
        "Tahun 2028",
        ranked.desa_x.region.name,
        "Drainase <Krajan>",  # escaped in the HTML, printed as typed
        "120,5 meter",
        "250.000.000,50",
        "PU",
        "3,1",
        "326.000.000,50",
        "tiga ratus dua puluh enam juta rupiah lima puluh sen",
        f"{place}, 29 November 2026",
        f"Camat {place}",
        "Drs. Budi Santoso",
        "NIP. 197001011990031001",
        "Notulis",
        "(..................................)",  # the notulis was not named: signs by hand
        "Siti Aminah",
        f"Halaman 1 dari {pages}",
    ):
        assert flat(expected) in text, expected
    # In the forum's order; another kecamatan's proposal is not there.
    positions = [text.index(p.public_id) for p in (ranked.drain, ranked.road, ranked.well)]
    assert positions == sorted(positions)
    assert ranked.elsewhere.public_id not in text


def test_the_annex_keeps_the_ranking_after_the_forum_forwards(ranked):
    proposal_decide(actor=ranked.camat_x, proposal=ranked.drain, outcome="forward")
    proposal_decide(
        actor=ranked.camat_x, proposal=Proposal.objects.get(pk=ranked.well.pk), outcome="reject", note="Dobel"
    )
    assert Proposal.objects.get(pk=ranked.drain.pk).rank is None  # the next forum has not ranked it
    annex = kecamatan_annex(ranked.desa_x.kecamatan, 2028)
    assert [(r.rank, r.proposal.pk) for r in annex.rows] == [
        (1, ranked.drain.pk),
        (2, ranked.road.pk),
        (3, ranked.well.pk),
    ]


def test_ranking_again_replaces_the_list_without_clashing_ranks(ranked):
    proposal_decide(actor=ranked.camat_x, proposal=ranked.drain, outcome="forward")
    late = at_kecamatan(ranked, "Posyandu")
    proposal_score(actor=ranked.camat_x, proposal=late, scores={"urgency": 5, "beneficiaries": 5})  # 3.5
    rank(ranked)
    annex = kecamatan_annex(ranked.desa_x.kecamatan, 2028)
    assert [(r.rank, r.proposal.title) for r in annex.rows] == [
        (1, "Posyandu"),
        (2, "Rehab jalan dusun Krajan"),
        (3, "Sumur bor"),
    ]
    assert annex.total_cost == Decimal("251000000.50") + Decimal("250000000.50")


def test_before_any_ranking_the_annex_says_so(world):
    client = world.client_for(world.camat_x)
    response = client.get(url(world))
    assert response.status_code == 200
    text, _pages = pdf_text(response)
    assert flat("belum menyusun peringkat usulan tahun 2028") in text
    assert kecamatan_annex(world.desa_x.kecamatan, 2028).rows == []


def test_another_years_ranking_is_not_this_years(ranked):
    assert kecamatan_annex(ranked.desa_x.kecamatan, 2029).rows == []


@pytest.mark.parametrize("persona", ["camat_x", "officer_a", "tapd_a", "auditor"])
def test_the_camat_bappeda_tapd_auditor_and_admin_may_print_it(ranked, persona):
    assert ranked.client_for(getattr(ranked, persona)).get(url(ranked)).status_code == 200


def test_a_planner_may_print_it(ranked):
    planner = type(ranked.camat_x).objects.get(username="planner.one")
    assert ranked.client_for(planner).get(url(ranked)).status_code == 200


@pytest.mark.parametrize(
    "persona",
    ["camat_y", "operator_x", "kades_x", "agency_operator_a", "agency_head_a", "officer_b", "platform"],
)
def test_anyone_else_is_told_it_does_not_exist(ranked, persona):
    response = ranked.client_for(getattr(ranked, persona)).get(url(ranked))
    assert response.status_code == 404
    assert ranked.drain.public_id.encode() not in response.content


def test_an_unknown_or_other_kecamatan_is_404(ranked):
    client = ranked.client_for(ranked.officer_a)
    assert client.get(url(ranked, district="35.10.99")).status_code == 404
    assert client.get(url(ranked, district=ranked.desa_x.code)).status_code == 404  # a desa is no kecamatan
    b = ranked.client_for(ranked.officer_b)
    assert b.get(url(ranked).replace("/35.10/", "/19.06/")).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"nip_camat": "1970"}, "NIP"),
        ({"nip_camat": "19700101199003100\uff11"}, "NIP"),  # a full-width digit is no digit of a NIP
        ({"tanggal": "29-11-2026"}, "TTTT-BB-HH"),
        ({"notulis": "Budi\u202eSantoso"}, "U+202E"),
        ({"peserta": "x" * 151}, "150"),
    ],
)
def test_what_is_typed_into_the_signature_blocks_is_checked(ranked, query, field):
    response = ranked.client_for(ranked.camat_x).get(url(ranked), query)
    assert response.status_code == 422
    assert field in response.content.decode()
