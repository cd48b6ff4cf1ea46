"""Citizens: sign-up by e-mail, a proposal entered for a desa, the desa forum taking it in or declining it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PASSWORD
from spbe.accounts.models import User
from spbe.core.errors import PermissionDenied
from spbe.core.models import AuditEntry
from spbe.core.tests.photo_factory import make_photo
from spbe.planning import citizen
from spbe.planning.models import Decision, Follower, Proposal, Proposer, Stage
from spbe.planning.models_citizen import CitizenProposal, CitizenSignup
from spbe.planning.models_photos import ProposalPhoto

pytestmark = pytest.mark.django_db
A = "35.10"
ADDRESS = "rina.warga@contoh.id"
NAME = "Rina Kartikasari"
PHONE = "081355577799"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.SPBE_PUBLIC_URL = "http://testserver"
    settings.MEDIA_ROOT = tmp_path / "media"


def _link(message) -> str:
    found = re.search(r"http://testserver(/warga/daftar/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def _page(response) -> str:
    """The page without what differs on every request (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def _sign_up(client: Client, capture, address: str = ADDRESS) -> User:
    with capture(execute=True):
        sent = client.post("/warga/daftar/", {"email": address})
    assert sent.status_code == 200
    link = _link(mail.outbox[-1])
    confirmed = client.post(link, {"full_name": NAME, "password": PASSWORD, "password_again": PASSWORD})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/warga/usulan/"
    return User.objects.get(username=address)


def _form(world, **extra):
    values = {
        "place": world.desa_x.region_id,
        "title": "Perbaikan jembatan bambu Dusun Kalibaru",
        "problem": "Jembatan lapuk, anak sekolah memutar 3 km",
        "address": "Dusun Kalibaru RT 03",
        "volume": "1",
        "unit_of_measure": "unit",
        "estimated_cost": "45.000.000",
        "beneficiaries": "150",
        "phone": PHONE,
    }
    values.update(extra)
    return values


def test_a_citizen_signs_up_by_a_signed_link_and_the_page_tells_nobody_whether_an_address_has_an_account(
    world, django_capture_on_commit_callbacks
):
    client = Client()
    user = _sign_up(client, django_capture_on_commit_callbacks)
    assert (user.kind, user.email, user.full_name, user.has_usable_password()) == (
        "citizen",
        ADDRESS,
        NAME,
        True,
    )
    assert client.get("/warga/usulan/").status_code == 200  # signed in by the link's form
    entry = AuditEntry.objects.get(action="citizen.signup")
    assert ADDRESS not in str(entry.after) and "rina" not in str(entry.after)
    # The same address again, and an address nobody uses: the same page; only the mail differs.
    anonymous = Client()
    with django_capture_on_commit_callbacks(execute=True):
        known = anonymous.post("/warga/daftar/", {"email": ADDRESS.upper()})
        unknown = anonymous.post("/warga/daftar/", {"email": "baru@contoh.id"})
    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown)
    assert "sudah memiliki akun" in mail.outbox[-2].body and "/warga/daftar/" not in mail.outbox[-2].body
    assert "/warga/daftar/" in mail.outbox[-1].body
    # The stored request rows hold no address.
    assert not CitizenSignup.objects.filter(address_digest__icontains="contoh").exists()
    # A link opened a second time cannot make a second account.
    link = _link(mail.outbox[0])
    again = Client().post(link, {"full_name": "Orang Lain", "password": PASSWORD, "password_again": PASSWORD})
    assert again.status_code == 400 and "sudah memiliki akun" in again.content.decode()
    assert User.objects.filter(email=ADDRESS).count() == 1


def test_a_forged_or_expired_link_creates_nothing(world, django_capture_on_commit_callbacks, monkeypatch):
    client = Client()
    assert client.get("/warga/daftar/bukan-tautan/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/warga/daftar/", {"email": ADDRESS})
    link = _link(mail.outbox[0])
    monkeypatch.setattr(citizen, "SIGNUP_MAX_AGE", -1)
    expired = client.post(link, {"full_name": NAME, "password": PASSWORD, "password_again": PASSWORD})
    assert expired.status_code == 400 and "kedaluwarsa" in expired.content.decode()
    assert not User.objects.filter(email=ADDRESS).exists()


def test_sign_up_requests_are_limited_per_address_and_per_client(
    world, settings, django_capture_on_commit_callbacks
):
    settings.SPBE_CITIZEN_SIGNUP_MAX_PER_ADDRESS = 2
    settings.SPBE_CITIZEN_SIGNUP_MAX_PER_CLIENT = 3
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post("/warga/daftar/", {"email": ADDRESS}).status_code for _ in range(3)]
    assert answers == [200, 200, 429] and len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        other = [client.post("/warga/daftar/", {"email": f"w{n}@contoh.id"}).status_code for n in range(2)]
    assert other == [200, 429] and len(mail.outbox) == 3
    # Another client is not held up by this one.
    assert (
        Client(REMOTE_ADDR="10.9.8.7").post("/warga/daftar/", {"email": "lain@contoh.id"}).status_code == 200
    )


def test_a_citizen_enters_a_proposal_with_a_photo_and_follows_it_and_the_desa_forum_takes_it_in(
    world, django_capture_on_commit_callbacks
):
    client = Client()
    user = _sign_up(client, django_capture_on_commit_callbacks)
    assert client.get(f"/warga/usulan/baru/{A}/").status_code == 200
    photo = make_photo(latitude="-8.214300", longitude="114.354200", taken=dt.datetime(2027, 2, 3, 9, 15))
    sent = client.post(
        f"/warga/usulan/baru/{A}/",
        {**_form(world), "photos": [SimpleUploadedFile("jembatan.jpg", photo, content_type="image/jpeg")]},
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    proposal = Proposal.objects.get()
    assert (proposal.state, proposal.source, proposal.village_id, proposal.estimated_cost) == (
        Stage.DRAFT,
        "musrenbang",
        world.desa_x.pk,
        Decimal("45000000.00"),
    )
    assert CitizenProposal.objects.get().citizen_id == user.pk
    proposer = Proposer.objects.get(proposal=proposal)
    assert (proposer.name, proposer.email, proposer.phone) == (NAME, ADDRESS, PHONE)
    follower = Follower.objects.get(proposal=proposal)
    assert (follower.user_id, follower.email, follower.confirmed_at is not None) == (user.pk, ADDRESS, True)
    assert ProposalPhoto.objects.filter(proposal=proposal).count() == 1
    # The map point came from the photo's GPS position.
    assert str(Proposal.objects.get().latitude) == "-8.214300"
    mine = client.get("/warga/usulan/").content.decode()
    assert proposal.public_id in mine and "Menunggu musrenbang desa" in mine
    # Unpublished until the desa forum takes it in.
    assert Client().get(f"/usulan/{proposal.public_id}/").status_code == 404
    # The desa operator sees it marked as from a citizen, in the forum list and the proposal list.
    operator = world.client_for(world.operator_x)
    forum = operator.get(f"/app/{A}/usulan/warga/")
    assert forum.status_code == 200 and proposal.title in forum.content.decode()
    listed = operator.get(f"/app/{A}/usulan/").content.decode()
    assert "dari warga" in listed and "1 usulan warga menunggu" in listed
    # Another desa's operator neither sees nor decides it.
    other = world.client_for(world.operator_y)
    assert proposal.title not in other.get(f"/app/{A}/usulan/warga/").content.decode()
    assert other.post(f"/app/{A}/usulan/warga/{proposal.public_id}/", {"action": "accept"}).status_code == 404
    assert world.client_for(world.agency_operator_a).get(f"/app/{A}/usulan/warga/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        taken = operator.post(f"/app/{A}/usulan/warga/{proposal.public_id}/", {"action": "accept"})
    assert taken.status_code == 302
    assert Proposal.objects.get().state == Stage.DESA
    assert Decision.objects.get(proposal=proposal).action == "submit"
    # The citizen follows it: the move is mailed to them.
    assert mail.outbox[-1].to == [ADDRESS] and proposal.public_id in mail.outbox[-1].subject
    assert Client().get(f"/usulan/{proposal.public_id}/").status_code == 200


def test_the_desa_forum_declines_a_citizens_proposal_only_with_a_reason_and_the_decline_is_public(
    world, django_capture_on_commit_callbacks
):
    client = Client()
    user = _sign_up(client, django_capture_on_commit_callbacks)
    proposal = citizen.citizen_proposal_create(
        actor=user,
        place=world.desa_x,
        year=2028,
        entry=citizen.CitizenEntry(
            title="Lapangan voli",
            problem="Tidak ada",
            volume=Decimal("1"),
            unit_of_measure="unit",
            estimated_cost=Decimal("20000000"),
        ),
    )
    operator = world.client_for(world.operator_x)
    operator.post(f"/app/{A}/usulan/warga/{proposal.public_id}/", {"action": "decline", "note": " "})
    assert Proposal.objects.get().state == Stage.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        operator.post(
            f"/app/{A}/usulan/warga/{proposal.public_id}/",
            {"action": "decline", "note": "Sudah dibangun tahun lalu dari Dana Desa"},
        )
    decision = Decision.objects.get(proposal=proposal)
    assert (decision.stage, decision.action, decision.outcome) == ("draft", "decline_citizen", "rejected")
    page = Client().get(f"/usulan/{proposal.public_id}/").content.decode()
    assert "Sudah dibangun tahun lalu dari Dana Desa" in page
    assert "Sudah dibangun" in mail.outbox[-1].body and mail.outbox[-1].to == [ADDRESS]
    # Decided: the forum cannot decline or take it in again.
    with pytest.raises(Exception, match="sudah diputuskan"):
        citizen.citizen_proposal_accept(actor=world.operator_x, proposal=Proposal.objects.get())


def test_only_citizen_accounts_enter_citizen_proposals_and_only_on_their_own_drafts(
    world, django_capture_on_commit_callbacks
):
    assert Client().get(f"/warga/usulan/baru/{A}/").status_code == 302  # to the sign-in page
    staff = world.client_for(world.operator_x)
    assert staff.get(f"/warga/usulan/baru/{A}/").status_code == 403
    with pytest.raises(PermissionDenied):
        citizen.citizen_proposal_create(
            actor=world.operator_x,
            place=world.desa_x,
            year=2028,
            entry=citizen.CitizenEntry("Judul", "Masalah", Decimal("1"), "unit", Decimal("1")),
        )
    client = Client()
    _sign_up(client, django_capture_on_commit_callbacks)
    assert client.get(f"/app/{A}/usulan/").status_code == 404  # a citizen holds no place in the pemda
    bad = client.post(f"/warga/usulan/baru/{A}/", _form(world, place="35.10.99.2099"))
    assert bad.status_code == 400 and not Proposal.objects.exists()


def test_no_personal_data_of_citizens_or_pokir_members_on_any_public_page_or_answer(
    world, django_capture_on_commit_callbacks
):
    from spbe.planning.pokir import pokir_forward, pokir_submit

    from .pokir_helpers import dprd, new_pokir

    client = Client()
    user = _sign_up(client, django_capture_on_commit_callbacks)
    entry = citizen.CitizenEntry(
        "Sumur bor Dusun Krajan",
        "Kemarau panjang",
        Decimal("1"),
        "unit",
        Decimal("60000000"),
        phone=PHONE,
        nik="3510012345678902",
    )
    taken = citizen.citizen_proposal_create(actor=user, place=world.desa_x, year=2028, entry=entry)
    citizen.citizen_proposal_accept(actor=world.operator_x, proposal=taken)
    declined = citizen.citizen_proposal_create(actor=user, place=world.desa_x, year=2028, entry=entry)
    citizen.citizen_proposal_decline(actor=world.operator_x, proposal=declined, note="Ganda")
    people = dprd(world)
    people.member.full_name = "Haji Sulaiman Dprd"
    people.member.save()
    forwarded = new_pokir(world, people.member)
    pokir_submit(actor=people.member, proposal=forwarded)
    pokir_forward(actor=people.secretariat, proposal=forwarded)
    private = (NAME, ADDRESS, PHONE, "3510012345678902", "Haji Sulaiman", "dprd.satu", "setwan.a", "Setwan")
    anonymous = Client()
    seen: set[str] = set()
    queue = [
        f"/pemda/{A}/usulan/",
        f"/usulan/{taken.public_id}/",
        f"/usulan/{declined.public_id}/",
        f"/usulan/{forwarded.public_id}/",
        "/warga/daftar/",
        f"/api/v1/proposals/{taken.public_id}",
        f"/api/v1/proposals/{declined.public_id}",
        f"/api/v1/proposals/{forwarded.public_id}",
        f"/api/v1/pemda/{A}/proposals",
        f"/api/v1/pemda/{A}/proposals.geojson",
    ]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        page = anonymous.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        for value in private:
            assert value not in text, (url, value)
        queue += [
            link.replace("&amp;", "&")
            for link in re.findall(r'href="([^"]+)"', text)
            if link.startswith(("/usulan/", f"/pemda/{A}/usulan/"))
        ]
    assert {f"/usulan/{p.public_id}/" for p in (taken, declined, forwarded)} <= seen
