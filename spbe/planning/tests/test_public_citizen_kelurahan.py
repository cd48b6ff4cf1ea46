"""A citizen's Musrenbang proposal for a kelurahan: taken in or declined at that kelurahan's forum only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import signing
from django.test import Client

from conftest import PASSWORD, TESTS
from spbe.core.models import AuditEntry
from spbe.planning import citizen
from spbe.planning.models import Decision, Follower, Proposal, Stage
from spbe.planning.models_citizen import CitizenProposal, CitizenSignup

from .kelurahan_helpers import KEL_X, add_kelurahan

pytestmark = pytest.mark.django_db
A = "35.10"
ADDRESS = "wulan.warga@contoh.id"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.SPBE_PUBLIC_URL = "http://testserver"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def kel(world):
    return add_kelurahan(world)


@pytest.fixture
def resident(world):
    """A citizen account, made through the sign-up service as the e-mailed link would."""
    token = signing.dumps(ADDRESS, salt=citizen.SIGNUP_SALT)
    return citizen.signup_confirm(actor=TESTS, token=token, full_name="Wulan Sari", password=PASSWORD)


def _entry(title="Lampu jalan gang Mawar"):
    return citizen.CitizenEntry(
        title=title,
        problem="Gang gelap, rawan jatuh",
        volume=Decimal("6"),
        unit_of_measure="titik",
        estimated_cost=Decimal("18000000"),
    )


def test_the_form_offers_the_kelurahan_and_the_proposal_waits_at_its_forum(world, kel, resident):
    client = Client()
    client.force_login(resident)
    page = client.get(f"/warga/usulan/baru/{A}/").content.decode()
    assert f'value="{KEL_X}"' in page and "Kelurahan Kebonrejo" in page
    assert f'value="{world.desa_x.region_id}"' in page  # the desa stay offered
    sent = client.post(
        f"/warga/usulan/baru/{A}/",
        {
            "place": KEL_X,
            "title": "Lampu jalan gang Mawar",
            "problem": "Gang gelap, rawan jatuh",
            "volume": "6",
            "unit_of_measure": "titik",
            "estimated_cost": "18.000.000",
            "beneficiaries": "80",
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    proposal = Proposal.objects.get()
    assert (proposal.state, proposal.kelurahan_id, proposal.village_id, proposal.region_id) == (
        Stage.DRAFT,
        kel.office_x.pk,
        None,
        KEL_X,
    )
    # The kelurahan's kecamatan office is the proposal's, as for the kelurahan's own proposals.
    assert proposal.kecamatan_id == world.desa_x.kecamatan_id
    assert CitizenProposal.objects.get(proposal=proposal).citizen_id == resident.pk
    assert Follower.objects.get(proposal=proposal).user_id == resident.pk
    entry = AuditEntry.objects.get(action="citizen.proposal", object_id=str(proposal.pk))
    assert entry.after["kelurahan"] == kel.office_x.pk and entry.actor_id == resident.pk
    mine = client.get("/warga/usulan/").content.decode()
    assert "Menunggu musrenbang kelurahan" in mine and "Kebonrejo" in mine


def test_the_kelurahan_operator_takes_it_in_and_other_places_get_404(world, kel, resident):
    proposal = citizen.citizen_proposal_create(actor=resident, place=kel.office_x, year=2028, entry=_entry())
    url = f"/app/{A}/usulan/warga/{proposal.public_id}/"
    # Another kelurahan's operator, the desa operator of the same kecamatan: not their forum.
    for outsider in (kel.operator_y, world.operator_x):
        client = world.client_for(outsider)
        assert client.post(url, {"action": "accept"}).status_code == 404
        listed = client.get(f"/app/{A}/usulan/warga/")
        assert proposal.title not in listed.content.decode()
    with pytest.raises(Exception) as refused:
        citizen.citizen_proposal_accept(actor=kel.operator_y, proposal=proposal)
    assert Proposal.objects.get().state == Stage.DRAFT and not Decision.objects.exists()
    assert refused.type.__name__ in {"PermissionDenied", "NotFound"}

    operator = world.client_for(kel.operator_x)
    forum = operator.get(f"/app/{A}/usulan/warga/").content.decode()
    assert "Kelurahan Kebonrejo" in forum and proposal.title in forum
    assert "Terima ke musrenbang kelurahan" in forum
    assert "1 usulan warga menunggu" in operator.get(f"/app/{A}/usulan/").content.decode()
    taken = operator.post(url, {"action": "accept"}, follow=True)
    assert f"Usulan {proposal.public_id} diterima ke musrenbang kelurahan." in taken.content.decode()
    assert Proposal.objects.get().state == Stage.DESA  # waiting at the kelurahan's forum (the first one)
    decision = Decision.objects.get(proposal=proposal)
    assert (decision.action, decision.decided_by_id) == ("submit", kel.operator_x.pk)
    assert Client().get(f"/usulan/{proposal.public_id}/").status_code == 200


def test_the_lurah_declines_it_with_a_public_reason(world, kel, resident):
    proposal = citizen.citizen_proposal_create(actor=resident, place=kel.office_x, year=2028, entry=_entry())
    lurah = world.client_for(kel.lurah_x)
    lurah.post(f"/app/{A}/usulan/warga/{proposal.public_id}/", {"action": "decline", "note": ""})
    assert Proposal.objects.get().state == Stage.DRAFT
    lurah.post(
        f"/app/{A}/usulan/warga/{proposal.public_id}/",
        {"action": "decline", "note": "Sudah dianggarkan kelurahan tahun ini"},
    )
    decision = Decision.objects.get(proposal=proposal)
    assert (decision.action, decision.outcome) == ("decline_citizen", Stage.REJECTED)
    assert "Sudah dianggarkan kelurahan" in Client().get(f"/usulan/{proposal.public_id}/").content.decode()


def test_the_desa_path_is_unchanged_and_a_place_of_no_forum_is_refused(world, kel, resident):
    places = {p.code: p for p in citizen.entry_places(A)}
    assert places[KEL_X].is_kelurahan and not places[world.desa_x.region_id].is_kelurahan
    assert places[KEL_X].kecamatan == world.desa_x.kecamatan.name
    by_desa = citizen.citizen_proposal_create(actor=resident, place=world.desa_x, year=2028, entry=_entry())
    assert (by_desa.village_id, by_desa.kelurahan_id) == (world.desa_x.pk, None)
    citizen.citizen_proposal_accept(actor=world.operator_x, proposal=by_desa)
    assert Proposal.objects.get(pk=by_desa.pk).state == Stage.DESA
    # An agency is no kelurahan office: nothing is written.
    with pytest.raises(Exception, match="bukan kantor kelurahan"):
        citizen.citizen_proposal_create(actor=resident, place=world.unit_a, year=2028, entry=_entry("Lain"))
    assert Proposal.objects.count() == 1


def test_a_sign_up_request_is_audited_without_the_address_and_a_refused_one_writes_nothing(
    world, settings, django_capture_on_commit_callbacks
):
    settings.SPBE_CITIZEN_SIGNUP_MAX_PER_ADDRESS = 1
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/warga/daftar/", {"email": ADDRESS}).status_code == 200
    row = CitizenSignup.objects.get()
    entry = AuditEntry.objects.get(action="citizen.signup_request")
    assert (entry.object_id, entry.pemda_code, entry.after) == (str(row.pk), "", {"expired": 0})
    assert entry.actor_label and ADDRESS not in str(entry.after) + entry.actor_label
    # Over the limit for this address: refused before anything is written, so nothing is audited.
    assert client.post("/warga/daftar/", {"email": ADDRESS}).status_code == 429
    assert CitizenSignup.objects.count() == 1
    assert AuditEntry.objects.filter(action="citizen.signup_request").count() == 1
