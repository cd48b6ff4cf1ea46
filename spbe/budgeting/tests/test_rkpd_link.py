"""RKA sub-kegiatan from the RKPD: starting an agency's RKA from the adopted plan (audited, idempotent, only
its editors), the RKA page and DPA showing the RKPD item and the proposals it funds, and the public
proposal journey showing the adopted APBD amount once the APBD is adopted."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from spbe.budgeting.models import Rka, RkaLine
from spbe.budgeting.models_rkpd_link import RkaSubKegiatan
from spbe.budgeting.rkpd_link import rka_start_from_plan, sources_for
from spbe.budgeting.services import line_create, rka_open, version_create
from spbe.core.errors import Conflict, PermissionDenied
from spbe.core.models import AuditEntry
from spbe.core.published import current_version
from spbe.planning.plans import plan_adopt
from spbe.planning.services import proposal_decide
from spbe.planning.tests.helpers import planners
from spbe.planning.tests.plans_helpers import SUB_ROAD, SUB_SUPPORT, YEAR, at_kabupaten, import_rkpd, item

from .helpers import add
from .realisation_fixtures import adopt

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world, tmp_path):
    """Pemda A's adopted RKPD 2027 with a proposal of desa X accepted onto its pump-station item."""
    first, second = planners(world)
    plan = import_rkpd(world, tmp_path, first)
    proposal = at_kabupaten(world, first)
    proposal_decide(
        actor=second,
        proposal=proposal,
        outcome="forward",
        plan_item=item(plan, SUB_ROAD),
        accepted_amount=Decimal("250000000.50"),
    )
    plan_adopt(actor=first, plan=plan)
    world.plan, world.proposal = plan, proposal
    world.version = version_create(actor=world.tapd_a, pemda=world.pemda_a, year=YEAR)
    return world


def test_an_rka_starts_from_the_rkpd_once_with_one_audit_entry(planned):
    w = planned
    result = rka_start_from_plan(actor=w.agency_operator_a, version=w.version, unit=w.unit_a)
    assert (result.created, result.kept, result.source) == (2, 0, "rkpd")
    rows = {(s.sub_kegiatan, s.location): s for s in RkaSubKegiatan.objects.filter(unit=w.unit_a)}
    road = rows[(SUB_ROAD, w.desa_x.region.name)]
    assert (road.ceiling, road.rkpd_row, road.year) == (
        Decimal("1500000000.50"),
        item(w.plan, SUB_ROAD),
        YEAR,
    )
    assert rows[(SUB_SUPPORT, "")].ceiling == Decimal("2400000000.00")
    assert Rka.objects.filter(version=w.version, unit=w.unit_a).exists()
    assert not RkaSubKegiatan.objects.filter(unit=w.unit_a2).exists()  # another agency's rows stay out
    again = rka_start_from_plan(actor=w.agency_operator_a, version=w.version, unit=w.unit_a)
    assert (again.created, again.kept) == (0, 2)
    entries = AuditEntry.objects.filter(action="rka.start_from_plan")
    assert entries.count() == 1
    assert {r["code"] for r in entries.get().after["sub_kegiatan"]} == {SUB_ROAD, SUB_SUPPORT}


def test_only_the_agencys_editors_start_it_and_not_on_an_adopted_version(planned, tmp_path):
    w = planned
    with pytest.raises(PermissionDenied):
        rka_start_from_plan(actor=w.agency_operator_a2, version=w.version, unit=w.unit_a)
    assert not RkaSubKegiatan.objects.exists()
    rka_start_from_plan(actor=w.agency_operator_a, version=w.version, unit=w.unit_a)
    rka = Rka.objects.get(unit=w.unit_a)
    road = line_create(actor=w.agency_operator_a, rka=rka, account="5.2.04.01.01.0001", sub_kegiatan=SUB_ROAD,
                       location=w.desa_x.region.name)  # fmt: skip
    add(road, "1000000")
    adopt(w.version, only=list(Rka.objects.filter(version=w.version)))
    with pytest.raises(Conflict):
        rka_start_from_plan(actor=w.agency_operator_a2, version=w.version, unit=w.unit_a2)


def test_without_an_adopted_rkpd_nothing_starts(world, tmp_path):
    first, _second = planners(world)
    import_rkpd(world, tmp_path, first)  # a draft only
    version = version_create(actor=world.tapd_a, pemda=world.pemda_a, year=YEAR)
    with pytest.raises(Conflict, match="RKPD 2027 belum ditetapkan"):
        rka_start_from_plan(actor=world.agency_operator_a, version=version, unit=world.unit_a)


def _budget_the_road(w, price: str = "300000000.25") -> RkaLine:
    rka_start_from_plan(actor=w.agency_operator_a, version=w.version, unit=w.unit_a)
    rka = Rka.objects.get(version=w.version, unit=w.unit_a)
    line = line_create(actor=w.agency_operator_a, rka=rka, account="5.2.04.01.01.0001", sub_kegiatan=SUB_ROAD,
                       location=w.desa_x.region.name)  # fmt: skip
    add(line, price)
    return line


def test_the_rka_page_and_the_dpa_show_the_rkpd_item_and_its_proposals(planned):
    w = planned
    _budget_the_road(w)
    rka = Rka.objects.get(version=w.version, unit=w.unit_a)
    [_support, road] = sources_for(rka)  # in code order: 1.03.01 (support) before 1.03.02
    assert road.budgeted == Decimal("300000000.25")
    assert [p.public_id for p in road.proposals] == [w.proposal.public_id]
    base = f"/app/{w.pemda_a.code}/anggaran/versi/{w.version.pk}/rka/{w.unit_a.code}"
    page = w.client_for(w.agency_operator_a).get(f"{base}/").content.decode()
    assert 'id="rkpd-sources"' in page and f'href="/usulan/{w.proposal.public_id}/"' in page
    adopt(w.version, only=list(Rka.objects.filter(version=w.version)))
    pdf = w.client_for(w.tapd_a).get(f"{base}/dokumen.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Sub kegiatan dari RKPD" in text or "SUB KEGIATAN DARI RKPD" in text.upper()
    assert w.proposal.public_id in text and "1.500.000.000,50" in text


def test_the_start_button_and_its_scope(planned):
    w = planned
    rka_start_from_plan(actor=w.agency_operator_a2, version=w.version, unit=w.unit_a2)  # opens A2's RKA
    url = f"/app/{w.pemda_a.code}/anggaran/versi/{w.version.pk}/rka/{w.unit_a2.code}/mulai-rkpd/"
    assert w.client_for(w.officer_b).post(url).status_code == 404
    assert w.client_for(w.agency_operator_a).post(url).status_code == 404  # another agency's RKA
    response = w.client_for(w.agency_operator_a2).post(url, follow=True)
    assert response.status_code == 200 and "sudah ada di RKA" in response.content.decode()


def test_the_public_journey_shows_the_adopted_amount_once_the_apbd_is_adopted(planned):
    w = planned
    _budget_the_road(w)
    url = f"/api/v1/proposals/{w.proposal.public_id}"
    before = json.loads(Client().get(url).content)
    assert before["plan_item"]["sub_kegiatan_code"] == SUB_ROAD and before["plan_item"]["apbd"] is None
    data_set = f"proposals:{w.pemda_a.code}:{YEAR}"
    published = current_version(data_set)
    adopt(w.version, only=list(Rka.objects.filter(version=w.version)))
    assert current_version(data_set) > published  # the replayed journey is replaced
    after = json.loads(Client().get(url).content)["plan_item"]["apbd"]
    assert after == {"version": 1, "label": w.version.label, "amount": "300000000.25"}


def test_an_item_budgeted_without_the_rkpd_link_counts_every_location(planned):
    w = planned
    rka = rka_open(actor=w.agency_operator_a, version=w.version, unit=w.unit_a)  # not started from the RKPD
    for place, price in (("Dusun Krajan", "100000"), ("", "50000.50")):
        line = line_create(
            actor=w.agency_operator_a,
            rka=rka,
            account="5.2.04.01.01.0001",
            sub_kegiatan=SUB_ROAD,
            location=place,
        )
        add(line, price)
    adopt(w.version, only=[rka])
    journey = json.loads(Client().get(f"/api/v1/proposals/{w.proposal.public_id}").content)
    assert journey["plan_item"]["apbd"]["amount"] == "150000.50"
