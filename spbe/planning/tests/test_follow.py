"""Citizens follow a proposal and hear of each move by e-mail, after commit, with a link to stop."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.test import Client

from conftest import TESTS, make_user
from spbe.accounts.models import User
from spbe.core.errors import NotFound
from spbe.core.models import AuditEntry
from spbe.planning import following
from spbe.planning.models import Follower
from spbe.planning.services import proposal_decide, proposal_submit

from .helpers import new_proposal

pytestmark = pytest.mark.django_db
ADDRESS = "warga.krajan@contoh.id"


def _published(world):
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    return proposal


def _link(message, kind: str) -> str:
    found = re.search(rf"http://testserver(/usulan/{kind}/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.SPBE_PUBLIC_URL = "http://testserver"


def test_an_address_follows_after_its_confirmation_link_and_hears_of_each_move(
    world, django_capture_on_commit_callbacks
):
    proposal = _published(world)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(f"/usulan/{proposal.public_id}/ikuti/", {"email": " Warga.Krajan@contoh.id "})
    assert asked.status_code == 200 and "Periksa kotak masuk" in asked.content.decode()
    follower = Follower.objects.get()
    assert (follower.email, follower.confirmed_at) == (ADDRESS, None)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [ADDRESS]
    confirm = _link(mail.outbox[0], "ikuti")
    # Not confirmed yet: a move mails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    assert len(mail.outbox) == 1
    # Opening the link changes nothing (mail scanners open links); the button does.
    assert client.get(confirm).status_code == 200
    assert Follower.objects.get().confirmed_at is None
    assert client.post(confirm).status_code == 200
    assert Follower.objects.get().confirmed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decide(actor=world.camat_x, proposal=proposal, outcome="reject", note="Sudah didanai APBDes")
    assert len(mail.outbox) == 2
    notice = mail.outbox[1]
    assert notice.to == [ADDRESS] and proposal.public_id in notice.subject and "Ditolak" in notice.subject
    assert "Sudah didanai APBDes" in notice.body
    assert f"http://testserver/usulan/{proposal.public_id}/" in notice.body
    stop = _link(notice, "berhenti")
    assert notice.extra_headers["List-Unsubscribe"] == f"<http://testserver{stop}>"
    actions = list(
        AuditEntry.objects.filter(action__startswith="proposal.follow").values_list("action", flat=True)
    )
    assert actions == ["proposal.follow", "proposal.follow_confirm"]
    for entry in AuditEntry.objects.filter(action__startswith="proposal.follow"):
        assert ADDRESS not in str(entry.after) and ADDRESS not in str(entry.before)


def test_the_stop_link_ends_the_mail(world, django_capture_on_commit_callbacks):
    proposal = _published(world)
    follower = Follower.objects.create(
        pemda=world.pemda_a, proposal=proposal, email=ADDRESS, confirmed_at=proposal.created_at
    )
    client = Client()
    stop = f"/usulan/berhenti/{following.stop_token(follower)}/"
    assert client.post(stop).status_code == 200
    assert Follower.objects.get().stopped_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    assert mail.outbox == []
    # A confirmation token does not stop, a stop token does not confirm, a forged one is a 404.
    assert client.post(f"/usulan/ikuti/{following.stop_token(follower)}/").status_code == 404
    assert client.post(f"/usulan/berhenti/{following.confirm_token(follower)}/").status_code == 404
    forged = signing.dumps(follower.pk, salt="something else")
    assert client.post(f"/usulan/berhenti/{forged}/").status_code == 404


def test_a_rolled_back_decision_mails_nobody(world, django_capture_on_commit_callbacks):
    proposal = _published(world)
    Follower.objects.create(
        pemda=world.pemda_a, proposal=proposal, email=ADDRESS, confirmed_at=proposal.created_at
    )
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
                raise RuntimeError("the forum's minutes failed to save")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == []


def test_a_citizen_signed_in_follows_at_once_and_drafts_cannot_be_followed(
    world, django_capture_on_commit_callbacks
):
    proposal = _published(world)
    citizen = make_user("warga.satu")
    User.objects.filter(pk=citizen.pk).update(kind=User.Kind.CITIZEN, email=ADDRESS)
    citizen.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for(citizen).post(f"/usulan/{proposal.public_id}/ikuti/", {"email": ""})
    assert response.status_code == 200
    follower = Follower.objects.get()
    assert (follower.user, follower.confirmed_at is not None) == (citizen, True)
    assert mail.outbox == []  # nothing to confirm
    draft = new_proposal(world)
    with pytest.raises(NotFound):
        following.proposal_follow(actor=TESTS, proposal=draft, email=ADDRESS)
    assert Client().post(f"/usulan/{draft.public_id}/ikuti/", {"email": ADDRESS}).status_code == 404


def test_following_again_tells_nothing_and_sends_nothing_new(world, django_capture_on_commit_callbacks):
    proposal = _published(world)
    Follower.objects.create(
        pemda=world.pemda_a, proposal=proposal, email=ADDRESS, confirmed_at=proposal.created_at
    )
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/usulan/{proposal.public_id}/ikuti/", {"email": ADDRESS})
        fresh = client.post(f"/usulan/{proposal.public_id}/ikuti/", {"email": "lain@contoh.id"})
    # The page reads alike whether the address already followed or not (no way to learn who follows).
    assert again.status_code == fresh.status_code == 200
    assert Follower.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["lain@contoh.id"]]
    bad = client.post(f"/usulan/{proposal.public_id}/ikuti/", {"email": "bukan-alamat"})
    assert bad.status_code == 400 and Follower.objects.count() == 2


def test_no_public_page_or_answer_shows_a_follower_address(world):
    proposal = _published(world)
    Follower.objects.create(
        pemda=world.pemda_a, proposal=proposal, email=ADDRESS, confirmed_at=proposal.created_at
    )
    client = Client()
    for url in (
        f"/usulan/{proposal.public_id}/",
        f"/pemda/{world.pemda_a.code}/usulan/",
        f"/api/v1/proposals/{proposal.public_id}",
        f"/api/v1/pemda/{world.pemda_a.code}/proposals",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert ADDRESS not in response.content.decode(), url
