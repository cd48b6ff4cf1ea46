"""An accepted proposal is linked to the RKPD sub-kegiatan that funds it: at the Musrenbang kabupaten's
decision (service and API), or afterwards by Bappeda; the public journey shows the item and amount."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.planning.models import Stage
from spbe.planning.models_plans import PlanFunding
from spbe.planning.plans import proposal_fund, proposals_fund_many
from spbe.planning.services import proposal_decide

from .plans_helpers import SUB_ROAD, SUB_SCHOOL, SUB_SUPPORT, at_kabupaten, import_rkpd, item, planners

pytestmark = pytest.mark.django_db


def test_the_acceptance_links_the_proposal_to_an_rkpd_item_with_an_exact_amount(world, tmp_path):
    first, second = planners(world)
    plan = import_rkpd(world, tmp_path, first)
    road = item(plan, SUB_ROAD)
    proposal = at_kabupaten(world, first)
    decision = proposal_decide(
        actor=second,
        proposal=proposal,
        outcome="forward",
        plan_item=road,
        accepted_amount=Decimal("250000000.50"),
    )
    link = PlanFunding.objects.get(proposal=proposal)
    assert (link.item, link.amount, link.decision, link.actor_label) == (
        road,
        Decimal("250000000.50"),
        decision,
        "planner.two",
    )
    entry = AuditEntry.objects.get(action="proposal.fund")
    assert entry.after == {
        "proposal": proposal.public_id,
        "item": road.pk,
        "sub_kegiatan": SUB_ROAD,
        "unit": world.unit_a.code,
        "amount": "250000000.50",
    }


def test_once_the_rkpd_exists_an_acceptance_must_name_its_item_of_the_same_year(world, tmp_path):
    first, second = planners(world)
    proposal = at_kabupaten(world, first)
    plan = import_rkpd(world, tmp_path, first)
    with pytest.raises(ValidationFailed, match="Pilih sub kegiatan RKPD 2027") as caught:
        proposal_decide(actor=second, proposal=proposal, outcome="forward")
    assert caught.value.field == "plan_item"
    other_year = at_kabupaten(world, first)
    other_year.year = 2028  # an item of 2027 does not fund a 2028 proposal
    with pytest.raises(ValidationFailed, match="bukan sub kegiatan RKPD 2028"):
        proposal_decide(actor=second, proposal=other_year, outcome="forward", plan_item=item(plan, SUB_ROAD))
    proposal.refresh_from_db()
    assert proposal.state == Stage.KABUPATEN and not PlanFunding.objects.exists()


def test_an_item_is_named_only_when_accepting(world, tmp_path):
    first, second = planners(world)
    plan = import_rkpd(world, tmp_path, first)
    proposal = at_kabupaten(world, first)
    with pytest.raises(ValidationFailed, match="hanya disebut saat usulan diterima"):
        proposal_decide(actor=second, proposal=proposal, outcome="defer", plan_item=item(plan, SUB_ROAD))


def test_the_items_ceiling_is_never_passed(world, tmp_path):
    first, second = planners(world)
    plan = import_rkpd(world, tmp_path, first)
    road = item(plan, SUB_ROAD)  # Rp1.500.000.000,50
    one = at_kabupaten(world, first)
    proposal_decide(
        actor=second, proposal=one, outcome="forward", plan_item=road, accepted_amount=Decimal("1500000000")
    )
    two = at_kabupaten(world, first)
    with pytest.raises(Conflict, match="tidak cukup"):
        proposal_decide(
            actor=second, proposal=two, outcome="forward", plan_item=road, accepted_amount=Decimal("0.51")
        )
    two.refresh_from_db()
    assert two.state == Stage.KABUPATEN
    proposal_decide(
        actor=second, proposal=two, outcome="forward", plan_item=road, accepted_amount=Decimal("0.50")
    )
    assert PlanFunding.objects.filter(item=road).count() == 2


def test_bappeda_links_proposals_accepted_before_the_rkpd_existed(world, tmp_path):
    first, second = planners(world)
    early = at_kabupaten(world, first)
    proposal_decide(actor=second, proposal=early, outcome="forward", recommended_cost=Decimal("99000000"))
    plan = import_rkpd(world, tmp_path, first)
    with pytest.raises(PermissionDenied):
        proposal_fund(actor=world.agency_head_a, proposal=early, item=item(plan, SUB_SUPPORT))
    link = proposal_fund(actor=world.tapd_a, proposal=early, item=item(plan, SUB_SUPPORT))
    assert link.amount == Decimal("99000000")  # the acceptance's recommended cost
    with pytest.raises(Conflict, match="sudah terhubung"):
        proposals_fund_many(actor=first, links=[(early, item(plan, SUB_SCHOOL), None)])
    waiting = at_kabupaten(world, first)
    with pytest.raises(Conflict, match="belum diterima"):
        proposal_fund(actor=first, proposal=waiting, item=item(plan, SUB_ROAD))


def _bearer(user) -> dict[str, str]:
    from spbe.accounts.services import api_token_create

    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_decision_api_takes_the_item_and_the_public_journey_shows_it(world, tmp_path):
    first, second = planners(world)
    plan = import_rkpd(world, tmp_path, first)
    road = item(plan, SUB_ROAD)
    proposal = at_kabupaten(world, first)
    url = f"/api/v1/pemda/35.10/proposals/{proposal.public_id}/decisions"
    public = Client().get(f"/api/v1/proposals/{proposal.public_id}").json()
    assert public["plan_item"] is None

    def post(body):
        return Client().post(url, json.dumps(body), content_type="application/json", **_bearer(second))

    other_pemda = post({"stage": "kabupaten", "outcome": "forward", "plan_item": 999999})
    assert other_pemda.status_code == 422 and other_pemda["Content-Type"] == "application/problem+json"
    missing = post({"stage": "kabupaten", "outcome": "forward"})
    assert missing.status_code == 422
    accepted = post(
        {
            "stage": "kabupaten",
            "outcome": "forward",
            "plan_item": road.pk,
            "accepted_amount": "240.000.000,25",
        }
    )
    assert accepted.status_code == 201, accepted.content
    public = Client().get(f"/api/v1/proposals/{proposal.public_id}").json()
    assert public["status"] == "accepted"
    assert public["plan_item"] == {
        "id": road.pk,
        "year": 2027,
        "sub_kegiatan_code": SUB_ROAD,
        "sub_kegiatan_name": "Pembangunan Stasiun Pompa Banjir",
        "agency": {"code": world.unit_a.code, "name": world.unit_a.name},
        "amount": "240000000.25",
        "apbd": None,  # until the year's APBD is adopted (spbe.planning.budget_link)
    }
    page = Client().get(f"/usulan/{proposal.public_id}/")
    text = page.content.decode()
    assert SUB_ROAD in text and "Pembangunan Stasiun Pompa Banjir" in text and "Rp240.000.000,25" in text


def test_the_import_command_reports_every_bad_row_and_writes_nothing(world, tmp_path, capsys):
    from .plans_helpers import YEAR_HEADER, rkpd_rows, write_csv

    rows = rkpd_rows(world)
    rows[1][6] = "dua juta"
    path = write_csv(tmp_path / "rkpd.csv", YEAR_HEADER, rows)
    with pytest.raises(Exception, match="1 kesalahan"):
        call_command("import_plan", str(path), "--pemda", "35.10", "--kind", "rkpd", "--year", "2027")
    err = capsys.readouterr().err
    assert err.startswith("row 3, column pagu_indikatif: ")
    assert not PlanFunding.objects.exists()
    from spbe.planning.models_plans import Plan

    assert not Plan.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_plan_exported_by_the_command_imports_again_unchanged(world, tmp_path, fmt):
    from spbe.planning.models_plans import Plan, PlanRow

    from .test_plans import RPJMD, _rpjmd

    first, _second = planners(world)
    _rpjmd(tmp_path, first)
    import_rkpd(world, tmp_path, first)
    for kind, year in (("rpjmd", "2026"), ("rkpd", "2027")):
        out = tmp_path / f"{kind}.{fmt}"
        call_command("export_plan", str(out), "--pemda", "35.10", "--kind", kind, "--year", year)
        plan = Plan.objects.get(kind=kind)
        before = list(PlanRow.objects.filter(plan=plan).order_by("position").values())
        call_command("import_plan", str(out), "--pemda", "35.10", "--kind", kind, "--year", year)
        after = list(PlanRow.objects.filter(plan=plan).order_by("position").values())
        strip = [{k: v for k, v in r.items() if k not in ("updated_at",)} for r in before]
        assert [{k: v for k, v in r.items() if k not in ("updated_at",)} for r in after] == strip
    assert Plan.objects.get(kind="rpjmd").vision == RPJMD[0][2]
