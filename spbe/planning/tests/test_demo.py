from __future__ import annotations

import pytest

from spbe.accounts.demo import SEED, seed_banyuwangi
from spbe.accounts.models import Pemda
from spbe.planning import demo
from spbe.planning.models import FINAL_STAGES, Decision, Proposal, Stage

pytestmark = pytest.mark.django_db


def test_the_demo_season_runs_the_forums_and_is_safe_to_seed_twice(regions, monkeypatch):
    # The demo's shape at a tenth of its size: the same forums and outcomes, in a test's time.
    monkeypatch.setattr(demo, "PER_DESA", 2)
    monkeypatch.setattr(demo, "HISTORY_PER_YEAR", 40)
    monkeypatch.setattr(demo, "POKIR", 12)
    monkeypatch.setattr(demo, "QUOTA", 5)
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")

    demo.seed(pemda, actor=SEED)
    counts = Proposal.objects.count()
    decisions = Decision.objects.count()
    demo.seed(pemda, actor=SEED)

    assert (Proposal.objects.count(), Decision.objects.count()) == (counts, decisions)
    season = Proposal.objects.filter(year=demo.SEASON)
    assert {Stage.ACCEPTED, Stage.REJECTED, Stage.DEFERRED} <= set(season.values_list("state", flat=True))
    assert season.filter(source="pokir").exists()
    for year in demo.HISTORY:
        states = set(Proposal.objects.filter(year=year).values_list("state", flat=True))
        assert states and states <= FINAL_STAGES
    # Two people across Bappeda and the Musrenbang kabupaten; every rejection has its reason.
    accepted = Decision.objects.filter(action="accept_kabupaten")
    assert set(accepted.values_list("decided_by__username", flat=True)) == {"tapd"}
    assert set(
        Decision.objects.filter(action="forward_bappeda").values_list("decided_by__username", flat=True)
    ) == {"bappeda"}
    assert not Decision.objects.filter(action__startswith="reject_", note="").exists()
