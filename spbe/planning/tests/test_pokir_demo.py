"""The demo's pokir and citizen: through their chain with the demo logins, safe to seed twice."""

from __future__ import annotations

import pytest

from spbe.accounts.demo import SEED, seed_banyuwangi
from spbe.accounts.models import Pemda, User
from spbe.planning.access import proposals_for_user
from spbe.planning.demo_pokir import PER_MEMBER, seed_pokir
from spbe.planning.models import Decision, Follower, Proposal, Stage
from spbe.planning.models_citizen import CitizenProposal

pytestmark = pytest.mark.django_db


def test_the_demo_pokir_stand_at_every_stage_of_their_chain(regions):
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    summary = seed_pokir(pemda, actor=SEED)
    counts = (Proposal.objects.count(), Decision.objects.count())
    assert seed_pokir(pemda, actor=SEED) == "pokir: sudah ada"
    assert (Proposal.objects.count(), Decision.objects.count()) == counts
    pokir = Proposal.objects.filter(source="pokir")
    assert pokir.count() == 3 * PER_MEMBER and "pokir 36" in summary
    states = set(pokir.values_list("state", flat=True))
    assert {
        Stage.DRAFT,
        Stage.SECRETARIAT,
        Stage.AGENCY,
        Stage.BAPPEDA,
        Stage.KABUPATEN,
        Stage.ACCEPTED,
    } <= states
    checked = Decision.objects.filter(action__in=["forward_secretariat", "return_secretariat"])
    assert set(checked.values_list("decided_by__username", flat=True)) == {"setwan"}
    assert not Decision.objects.filter(action="return_secretariat", note="").exists()
    # Each member sees their own unpublished pokir only.
    member, colleague = User.objects.get(username="dprd"), User.objects.get(username="dprd.fraksi2")
    unpublished = pokir.filter(state__in=[Stage.DRAFT, Stage.SECRETARIAT])
    seen = proposals_for_user(member, pemda).filter(pk__in=unpublished)
    assert seen.exists() and set(seen.values_list("pokir__member__username", flat=True)) == {"dprd"}
    assert not proposals_for_user(colleague, pemda).filter(pk__in=seen).exists()
    # The demo citizen: one proposal at the desa forum, one waiting for it, both followed.
    entries = CitizenProposal.objects.select_related("proposal")
    assert sorted(e.proposal.state for e in entries) == [Stage.DESA, Stage.DRAFT]
    assert Follower.objects.filter(user__username="warga@contoh.id", confirmed_at__isnull=False).count() == 2
