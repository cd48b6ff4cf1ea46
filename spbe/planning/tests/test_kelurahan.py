"""Kelurahan proposals: a kelurahan office's forum beside the desa forums, under the same camat."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from pypdf import PdfReader

from conftest import TESTS, grant, make_user
from spbe.accounts.models import PerangkatDaerah, Role
from spbe.accounts.services import membership_grant
from spbe.core.errors import NotFound, PermissionDenied, ValidationFailed
from spbe.planning import selectors
from spbe.planning.access import proposal_for_user, proposals_for_user
from spbe.planning.imports import proposals_import
from spbe.planning.models import Proposal, Stage
from spbe.planning.services import proposal_decide, proposal_submit, proposals_rank

from .helpers import new_proposal
from .kelurahan_helpers import KEL_X, KEL_Y, add_kelurahan
from .test_import import row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def kel(world):
    world.kel = add_kelurahan(world)
    return world


def kel_proposal(world, office="x", **fields):
    operator = world.kel.operator_x if office == "x" else world.kel.operator_y
    place = world.kel.office_x if office == "x" else world.kel.office_y
    return new_proposal(world, actor=operator, village=None, kelurahan=place, **fields)


def test_a_kelurahan_office_is_a_unit_of_the_regency_under_its_kecamatan(kel):
    office = kel.kel.office_x
    assert (office.kind, office.kelurahan_id, office.code) == ("kelurahan", KEL_X, "7.01.0.00.0.00.02.1001")
    assert office.name == "Kelurahan Kebonrejo"
    # No village government: a kelurahan has no budget of its own.
    assert not kel.pemda_a.villages.filter(region_id=KEL_X).exists()


def test_the_kelurahan_operator_enters_a_proposal_numbered_with_the_desa_ones(kel):
    desa = new_proposal(kel)
    proposal = kel_proposal(kel)
    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.village_id, stored.kelurahan_id) == (None, kel.kel.office_x.pk)
    assert stored.kecamatan_id == kel.desa_x.kecamatan_id  # Bangorejo, as desa X
    assert stored.region_id == KEL_X
    assert stored.number == desa.number + 1
    assert stored.public_id == f"35.10-2028-{desa.number + 1:06d}"


def test_a_kelurahan_role_cannot_propose_for_a_desa_or_another_kelurahan(kel):
    with pytest.raises(PermissionDenied):
        new_proposal(kel, actor=kel.kel.operator_x)  # desa X
    with pytest.raises(PermissionDenied):
        new_proposal(kel, actor=kel.kel.operator_x, village=None, kelurahan=kel.kel.office_y)
    with pytest.raises(PermissionDenied):
        new_proposal(kel, actor=kel.operator_x, village=None, kelurahan=kel.kel.office_x)  # a desa operator
    with pytest.raises(ValidationFailed):
        new_proposal(kel, actor=kel.kel.operator_x, kelurahan=kel.kel.office_x)  # both places
    assert not Proposal.objects.exists()


def test_the_database_refuses_a_proposal_with_both_places_or_none(kel):
    proposal = kel_proposal(kel)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(village=kel.desa_x)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(kelurahan=None)


def test_lurah_decides_at_the_first_forum_and_the_camat_of_the_kecamatan_next(kel):
    proposal = kel_proposal(kel)
    proposal_submit(actor=kel.kel.operator_x, proposal=proposal)
    # Neither the desa's kades nor another kelurahan's operator sees it.
    for outsider in (kel.kades_x, kel.kel.operator_y, kel.camat_y):
        with pytest.raises(NotFound):
            proposal_for_user(outsider, kel.pemda_a.code, proposal.public_id)
    seen, can = proposal_for_user(kel.kel.lurah_x, kel.pemda_a.code, proposal.public_id)
    assert can.decide_desa and not can.decide_kecamatan
    proposal_decide(actor=kel.kel.lurah_x, proposal=seen, outcome="forward")
    seen, can = proposal_for_user(kel.camat_x, kel.pemda_a.code, proposal.public_id)
    assert seen.state == Stage.KECAMATAN and can.decide_kecamatan
    proposal_decide(actor=kel.camat_x, proposal=seen, outcome="forward")
    assert Proposal.objects.get(pk=proposal.pk).state == Stage.AGENCY


def test_the_camat_lists_desa_and_kelurahan_proposals_and_each_forum_only_its_own(kel):
    desa = new_proposal(kel)
    mine = kel_proposal(kel)
    other = kel_proposal(kel, office="y")
    ids = lambda user: set(proposals_for_user(user, kel.pemda_a).values_list("pk", flat=True))  # noqa: E731
    assert ids(kel.camat_x) == {desa.pk, mine.pk}
    assert ids(kel.camat_y) == {other.pk}
    assert ids(kel.kel.lurah_x) == {mine.pk}
    assert ids(kel.operator_x) == {desa.pk}


def test_a_kelurahan_forum_ranks_its_own_proposals(kel):
    first, second = kel_proposal(kel, title="Saluran air"), kel_proposal(kel, title="Lampu jalan")
    new_proposal(kel)  # desa X: not in the kelurahan's ranking
    for p in (first, second):
        proposal_submit(actor=kel.kel.operator_x, proposal=p)
    ranked = proposals_rank(
        actor=kel.kel.lurah_x, pemda=kel.pemda_a, year=2028, stage="desa", kelurahan=kel.kel.office_x
    )
    assert len(ranked) == 2
    ranks = dict(Proposal.objects.filter(kelurahan=kel.kel.office_x).values_list("pk", "rank"))
    assert sorted(ranks.values()) == [1, 2] and set(ranks) == {first.pk, second.pk}
    assert Proposal.objects.get(village=kel.desa_x).rank is None
    with pytest.raises(PermissionDenied):
        proposals_rank(
            actor=kel.kel.operator_y, pemda=kel.pemda_a, year=2028, stage="desa", kelurahan=kel.kel.office_x
        )


def test_a_lurah_role_is_only_held_at_a_kelurahan_office(kel):
    user = make_user("lurah.salah", kel.pemda_a)
    with pytest.raises(ValidationFailed):
        membership_grant(actor=TESTS, user=user, pemda=kel.pemda_a, role=Role.LURAH, unit=kel.unit_a)


def test_public_filters_read_a_kelurahan_code_as_a_place_and_the_kecamatan_holds_both(kel):
    desa = new_proposal(kel)
    mine = kel_proposal(kel)
    other = kel_proposal(kel, office="y")
    for p, actor in ((desa, kel.operator_x), (mine, kel.kel.operator_x), (other, kel.kel.operator_y)):
        proposal_submit(actor=actor, proposal=p)
    pick = lambda **f: [  # noqa: E731
        p.pk for p in selectors.public_proposals(kel.pemda_a, selectors.ProposalFilter(**f))
    ]
    assert pick(desa=KEL_X) == [mine.pk]
    assert pick(desa=KEL_Y) == [other.pk]
    assert pick(kecamatan=KEL_X[:8]) == [desa.pk, mine.pk]
    assert pick(desa="19.06.01.2001") == []  # another pemda's place matches nothing
    body = Client().get(f"/api/v1/pemda/35.10/proposals?desa={KEL_X}").json()
    assert [(i["public_id"], i["desa"]["code"], i["desa"]["name"]) for i in body["items"]] == [
        (mine.public_id, KEL_X, "Kebonrejo")
    ]
    assert body["items"][0]["kecamatan"]["code"] == KEL_X[:8]
    page = Client().get(f"/pemda/35.10/usulan/?desa={KEL_X}").content.decode()
    assert mine.public_id in page and desa.public_id not in page
    # Each row links to its public page and names its stage (labels translated once per page).
    assert f'<a href="/usulan/{mine.public_id}/">' in page and ">Musrenbang desa</td>" in page
    assert f'<option value="{KEL_X}"' in page  # the tracker offers the kelurahan as a place


def test_the_duplicate_check_counts_the_same_kelurahan_as_the_same_place(kel):
    old = kel_proposal(kel, latitude=None, longitude=None)
    proposal_submit(actor=kel.kel.operator_x, proposal=old)
    elsewhere = new_proposal(kel, latitude=None, longitude=None)  # desa X, same title, no map point
    proposal_submit(actor=kel.operator_x, proposal=elsewhere)
    new = kel_proposal(kel, latitude=None, longitude=None)
    found = selectors.duplicate_candidates(new)
    assert [(c.proposal.pk, c.same_desa) for c in found] == [(old.pk, True)]


def test_the_import_takes_a_kelurahan_code_and_refuses_another_pemdas(kel, tmp_path):
    good = write_csv(tmp_path / "ok.csv", [row(), row(kode_desa=KEL_X)])
    result = proposals_import(good, actor=TESTS, pemda_code="35.10", year=2028)
    first, second = (Proposal.objects.get(public_id=i) for i in result.public_ids)
    assert (first.village_id, first.kelurahan_id) == (kel.desa_x.pk, None)
    assert (second.village_id, second.kelurahan_id, second.region_id) == (None, kel.kel.office_x.pk, KEL_X)
    assert second.kecamatan_id == kel.desa_x.kecamatan_id and second.state == Stage.DESA
    # A kelurahan of pemda B (19.06) in pemda A's file, and a code nobody knows: nothing is written.
    from spbe.regions.models import Region

    Region.objects.create(
        code="19.06.01.1001", name="Lain", level="village", kind="kelurahan", parent_id="19.06.01"
    )
    bad = write_csv(
        tmp_path / "bad.csv",
        [row(kode_desa=KEL_Y), row(kode_desa="19.06.01.1001"), row(kode_desa="35.10.02.1999")],
    )
    before = Proposal.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_proposals", str(bad), pemda="35.10", year=2028, stderr=err)
    assert err.getvalue().splitlines() == [
        "row 3, column kode_desa: kelurahan 19.06.01.1001 milik pemda 19.06, bukan 35.10",
        "row 4, column kode_desa: kode desa 35.10.02.1999 tidak dikenal di pemda ini",
    ]
    assert Proposal.objects.count() == before


def test_the_minutes_annex_lists_kelurahan_proposals_under_the_kecamatan(kel):
    desa = new_proposal(kel, title="Jalan desa")
    mine = kel_proposal(kel, title="Saluran kelurahan")
    for p, actor, decider in (
        (desa, kel.operator_x, kel.operator_x),
        (mine, kel.kel.operator_x, kel.kel.lurah_x),
    ):
        proposal_submit(actor=actor, proposal=p)
        proposal_decide(actor=decider, proposal=Proposal.objects.get(pk=p.pk), outcome="forward")
    proposals_rank(
        actor=kel.camat_x, pemda=kel.pemda_a, year=2028, stage="kecamatan", kecamatan=kel.desa_x.kecamatan
    )
    client = kel.client_for(kel.camat_x)
    response = client.get(f"/app/35.10/musrenbang/2028/kecamatan/{KEL_X[:8]}/lampiran.pdf")
    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = "".join(text.split())
    assert "Salurankelurahan" in flat and "Jalandesa" in flat
    assert "Kel.Kebonrejo" in flat


def test_the_staff_list_offers_the_kelurahan_and_filters_by_it(kel):
    desa = new_proposal(kel)
    mine = kel_proposal(kel)
    page = kel.client_for(kel.camat_x).get(f"/app/35.10/usulan/?desa={KEL_X}").content.decode()
    assert mine.public_id in page and desa.public_id not in page
    # Relative to the list: /app/35.10/usulan/<id>/, the staff detail page.
    assert f'<a href="{mine.public_id}/">' in page and ">Draf</td>" in page and ">Musrenbang</td>" in page
    own = kel.client_for(kel.kel.operator_x).get("/app/35.10/usulan/").content.decode()
    assert mine.public_id in own and desa.public_id not in own
    assert f'<option value="{KEL_X}"' in own and f'<option value="{KEL_Y}"' not in own


def test_creating_the_pemda_again_adds_missing_kelurahan_offices(kel):
    from spbe.accounts.services import pemda_create
    from spbe.regions.models import Region

    Region.objects.create(
        code="35.10.01.1001", name="Baru", level="village", kind="kelurahan", parent_id="35.10.01"
    )
    pemda_create(actor=TESTS, region_code="35.10")
    office = PerangkatDaerah.objects.get(kelurahan_id="35.10.01.1001")
    assert office.kind == "kelurahan" and office.pemda_id == "35.10"
    assert PerangkatDaerah.objects.filter(kind="kelurahan", pemda_id="35.10").count() == 3
    grant(make_user("op.baru", kel.pemda_a), kel.pemda_a, Role.KELURAHAN_OPERATOR, unit=office)


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_lists_cost_the_same_queries_for_three_proposals_or_thirty(kel):
    """The staff list and the tracker read each page in a fixed number of queries, desa and kelurahan
    alike (no query per row for its place or kecamatan)."""
    from .helpers import planners

    planner, _second = planners(kel)
    for _ in range(3):
        p = kel_proposal(kel)
        proposal_submit(actor=kel.kel.operator_x, proposal=p)
    staff, public = kel.client_for(planner), Client()
    urls = [
        (staff, "/app/35.10/usulan/?year=2028"),
        (staff, f"/app/35.10/usulan/?year=2028&kecamatan={KEL_X[:8]}"),
        (public, f"/pemda/35.10/usulan/?year=2028&kecamatan={KEL_X[:8]}"),
    ]
    few = [_count_queries(client, url) for client, url in urls]
    for n in range(27):
        p = kel_proposal(kel) if n % 2 else new_proposal(kel)
        proposal_submit(actor=kel.kel.operator_x if n % 2 else kel.operator_x, proposal=p)
    assert [_count_queries(client, url) for client, url in urls] == few
