"""Duplicate detection: proposals of the last five years at the same place with a similar title."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import TESTS
from spbe.accounts.models import VillageGovernment
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning import selectors
from spbe.planning.models import DuplicateMark, Proposal
from spbe.planning.services import duplicate_mark, proposal_decide, proposal_submit
from spbe.planning.similarity import THRESHOLD, distance_m, similarity, title_tokens

from .helpers import new_proposal

LAT, LON = Decimal("-8.512345"), Decimal("114.123456")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Rehab jalan dusun Krajan", "Perbaikan Jln. Dusun Krajan RT 02", Fraction(4, 5)),
        ("Rehab jalan dusun Krajan", "REHAB  JALAN DUSUN KRAJAN", Fraction(1)),
        ("Pembangunan jalan", "Pembangunan jembatan", Fraction(1, 2)),
        ("Saluran drainase", "Saluran drain", Fraction(1)),
        ("Pembangunan sumur bor", "Rehab jalan dusun Krajan", Fraction(0)),
        ("Jalan RT 02", "Jalan RT 2", Fraction(1)),
        ("Jalan RT 2", "Jalan RT 20", Fraction(2, 3)),  # numbers never match by prefix
        ("Pengaspalan jalan ke pasar", "Pengaspalan jalan dari pasar", Fraction(1)),  # function words
        ("Posyandu Melati", "Pósyandu Melatí", Fraction(1)),
        ("", "Jalan", Fraction(0)),
    ],
)
def test_title_similarity_is_the_dice_coefficient_of_normalised_tokens(a, b, expected):
    assert similarity(title_tokens(a), title_tokens(b)) == expected


def test_the_threshold_separates_the_documented_examples():
    road, repair = title_tokens("Rehab jalan dusun Krajan"), title_tokens("Perbaikan Jln. Dusun Krajan RT 02")
    assert similarity(road, repair) >= THRESHOLD
    assert similarity(title_tokens("Pembangunan jalan"), title_tokens("Pembangunan jembatan")) < THRESHOLD


WORDS = st.sampled_from(
    ["jalan", "jln", "rehab", "drain", "drainase", "sumur", "rt", "02", "2", "di", "balai"]
)


@given(st.lists(WORDS, max_size=6), st.lists(WORDS, max_size=6))
def test_similarity_is_symmetric_and_between_zero_and_one(a, b):
    ta, tb = title_tokens(" ".join(a)), title_tokens(" ".join(b))
    forward, backward = similarity(ta, tb), similarity(tb, ta)
    assert forward == backward
    assert 0 <= forward <= 1
    assert similarity(ta, ta) == (1 if ta else 0)


def test_distance_is_the_great_circle_distance():
    # One minute of latitude is one nautical mile (1,852 m) to within the earth's flattening.
    assert abs(distance_m(-8.0, 114.0, -8.0 + 1 / 60, 114.0) - 1853) < 2
    assert distance_m(-8.5, 114.1, -8.5, 114.1) == 0


def _published(world, *, village=None, year=2028, title="Rehab jalan dusun Krajan", lat=LAT, lon=LON):
    proposal = new_proposal(
        world,
        actor=TESTS,
        village=village or world.desa_x,
        year=year,
        title=title,
        latitude=lat,
        longitude=lon,
    )
    proposal_submit(actor=TESTS, proposal=proposal)
    return proposal


@pytest.mark.django_db
def test_the_check_offers_similar_proposals_of_five_years_at_the_same_desa_or_nearby(world):
    new = _published(world)
    same_desa_no_point = _published(
        world, year=2023, title="Perbaikan Jln. Dusun Krajan RT 02", lat=None, lon=None
    )
    # 300 m north, in another desa (and kecamatan): near enough.
    nearby = _published(world, village=world.desa_y, year=2026, lat=LAT + Decimal("0.0027"))
    # 2 km north in another desa: too far.
    _published(world, village=world.desa_y, year=2026, lat=LAT + Decimal("0.018"))
    # The same desa, 2 km away: still the same place.
    same_desa_far = _published(world, year=2027, lat=LAT + Decimal("0.018"))
    _published(world, year=2022)  # six years before: out of the window
    _published(world, title="Pembangunan sumur bor")  # another thing
    new_proposal(world, actor=TESTS, title="Rehab jalan dusun Krajan")  # a draft: not published
    later = _published(world, year=2029)  # a later year is not a precedent of this one
    desa_b = VillageGovernment.objects.filter(pemda=world.pemda_b).first()
    new_proposal(world, actor=TESTS, village=desa_b, suggested_unit=world.unit_b)  # another pemda, same point
    rejected = _published(world, year=2025)
    proposal_decide(actor=TESTS, proposal=rejected, outcome="reject", note="Anggaran tidak cukup")
    Proposal.objects.filter(pk=same_desa_far.pk).update(state="accepted")  # an item of the 2027 RKPD

    found = selectors.duplicate_candidates(new)
    by_id = {c.proposal.public_id: c for c in found}
    assert set(by_id) == {
        same_desa_no_point.public_id,
        nearby.public_id,
        same_desa_far.public_id,
        rejected.public_id,
    }
    assert later.public_id not in by_id
    assert by_id[nearby.public_id].same_desa is False
    assert 290 <= (by_id[nearby.public_id].distance_m or 0) <= 310
    assert by_id[same_desa_no_point.public_id].distance_m is None
    assert by_id[same_desa_no_point.public_id].similarity == Fraction(4, 5)
    assert by_id[same_desa_far.public_id].proposal.state == "accepted"
    assert by_id[rejected.public_id].proposal.state == "rejected"
    # Most similar first, then the latest year.
    assert [c.proposal.public_id for c in found][-1] == same_desa_no_point.public_id
    # A smaller radius leaves only the same desa.
    assert nearby.public_id not in {
        c.proposal.public_id for c in selectors.duplicate_candidates(new, radius_m=100)
    }


@pytest.mark.django_db
def test_the_check_is_four_queries_however_many_proposals_there_are(world, django_assert_num_queries):
    new = _published(world)
    rows = [
        Proposal(
            pemda=world.pemda_a,
            village=(desa := world.desa_x if n % 2 else world.desa_y),
            kecamatan_id=desa.kecamatan_id,
            region_id=desa.region_id,
            year=2024 + n % 5,
            number=1000 + n,
            public_id=f"35.10-x-{n:06d}",
            source="musrenbang",
            title=f"Rehab jalan dusun Krajan {n}",
            problem="-",
            volume=Decimal(1),
            unit_of_measure="m",
            estimated_cost=Decimal(1),
            state="desa",
            latitude=LAT,
            longitude=LON,
        )
        for n in range(300)
    ]
    Proposal.objects.bulk_create(rows)
    # The same place, the map box, the candidates, the officer's verdicts on them.
    with django_assert_num_queries(4):
        found = selectors.duplicate_candidates(new)
    assert len(found) == 300


@pytest.mark.django_db
def test_the_forum_links_or_dismisses_a_candidate_and_the_trail_keeps_both(world):
    old = _published(world, year=2026)
    new = _published(world)
    for outsider in (world.operator_y, world.camat_x, world.officer_b, world.agency_operator_a):
        with pytest.raises(PermissionDenied):
            duplicate_mark(actor=outsider, proposal=new, candidate=old, verdict="linked")
    with pytest.raises(ValidationFailed):
        duplicate_mark(actor=world.kades_x, proposal=new, candidate=old, verdict="maybe")
    with pytest.raises(ValidationFailed):
        duplicate_mark(actor=world.kades_x, proposal=new, candidate=new, verdict="linked")
    assert not DuplicateMark.objects.exists()

    duplicate_mark(actor=world.kades_x, proposal=new, candidate=old, verdict="linked", note=" sama ")
    mark = DuplicateMark.objects.get()
    assert (mark.verdict, mark.note, mark.decided_by, mark.pemda_id) == (
        "linked",
        "sama",
        world.kades_x,
        "35.10",
    )
    duplicate_mark(actor=world.operator_x, proposal=new, candidate=old, verdict="dismissed")
    mark.refresh_from_db()
    assert (mark.verdict, mark.decided_by) == ("dismissed", world.operator_x)
    assert DuplicateMark.objects.count() == 1
    entries = AuditEntry.objects.filter(action__startswith="proposal.duplicate_").order_by("seq")
    assert [(e.action, e.before, e.after["verdict"]) for e in entries] == [
        ("proposal.duplicate_link", None, "linked"),
        ("proposal.duplicate_dismiss", {"verdict": "linked", "note": "sama"}, "dismissed"),
    ]
    assert [c.mark.verdict for c in selectors.duplicate_candidates(new) if c.mark] == ["dismissed"]
    # At the next stage, the camat judges; the desa forum no longer may.
    proposal_decide(actor=world.kades_x, proposal=new, outcome="forward")
    with pytest.raises(PermissionDenied):
        duplicate_mark(actor=world.kades_x, proposal=new, candidate=old, verdict="linked")
    duplicate_mark(actor=world.camat_x, proposal=new, candidate=old, verdict="linked")
    assert DuplicateMark.objects.get().verdict == "linked"


@pytest.mark.django_db
def test_a_verdict_on_a_proposal_that_moved_or_was_decided_is_refused(world):
    old = _published(world, year=2026)
    new = _published(world)
    stale = Proposal.objects.get(pk=new.pk)
    proposal_decide(actor=world.kades_x, proposal=new, outcome="forward")
    with pytest.raises(Conflict):
        duplicate_mark(actor=world.kades_x, proposal=stale, candidate=old, verdict="linked")
    proposal_decide(actor=world.camat_x, proposal=new, outcome="reject", note="Duplikat")
    with pytest.raises(Conflict):
        duplicate_mark(actor=world.camat_x, proposal=new, candidate=old, verdict="linked")
    assert not DuplicateMark.objects.exists()


def _bearer(user) -> dict[str, str]:
    from spbe.accounts.services import api_token_create

    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.django_db
def test_officers_read_and_judge_candidates_through_the_api(world):
    import json

    from django.test import Client

    old = _published(world, year=2026, title="Perbaikan Jln. Dusun Krajan RT 02")
    new = _published(world)
    url = f"/api/v1/pemda/35.10/proposals/{new.public_id}/duplicates"
    client = Client()
    listed = client.get(url, **_bearer(world.camat_x))
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "public_id": old.public_id,
            "year": 2026,
            "title": "Perbaikan Jln. Dusun Krajan RT 02",
            "desa": {"code": world.desa_x.code, "name": world.desa_x.region.name},
            "status": "desa",
            "status_label": "Musrenbang desa",
            "similarity": "0.80",
            "same_desa": True,
            "distance_m": 0,
            "verdict": "",
            "note": "",
        }
    ]
    body = json.dumps({"candidate": old.public_id, "verdict": "linked", "note": "Usulan yang sama"})
    refused = client.post(url, body, content_type="application/json", **_bearer(world.camat_x))
    assert refused.status_code == 403  # the camat sees it, but the desa forum judges it now
    outsider = client.post(url, body, content_type="application/json", **_bearer(world.operator_y))
    assert outsider.status_code == 404
    assert not DuplicateMark.objects.exists()
    judged = client.post(url, body, content_type="application/json", **_bearer(world.kades_x))
    assert judged.status_code == 200, judged.content
    assert (judged.json()["verdict"], judged.json()["note"]) == ("linked", "Usulan yang sama")
    assert DuplicateMark.objects.get().candidate == old
    unknown = json.dumps({"candidate": "35.10-2020-999999", "verdict": "linked"})
    missing = client.post(url, unknown, content_type="application/json", **_bearer(world.kades_x))
    assert missing.status_code == 422
    assert missing["Content-Type"] == "application/problem+json"
