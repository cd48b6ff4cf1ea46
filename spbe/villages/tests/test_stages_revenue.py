"""Point 1 link: the adopted allocation becomes the 4.2.x revenue of draft APBDes, never of adopted ones."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import pytest

from conftest import TESTS
from spbe.core.errors import PermissionDenied
from spbe.core.models import AuditEntry
from spbe.villages.models import ApbdesLine
from spbe.villages.tests.stage_helpers import YEAR, adopted_apbdes, dana_desa, dpmd_of, draft
from spbe.villages.transfer_lines import transfer_revenue_apply

pytestmark = pytest.mark.django_db
D = Decimal


def dd_lines(apbdes: Any) -> list[tuple[str, str, Decimal]]:
    return list(
        ApbdesLine.objects.filter(apbdes=apbdes, account_code__startswith="4.2.1").values_list(
            "account_code", "source_code", "amount"
        )
    )


def test_adoption_writes_the_amount_into_drafts_once_and_audits_it(world: Any, reference_year: int) -> None:
    x = draft(world, world.desa_x)
    dana_desa(world, {world.desa_x.region_id: 1_234_567_890})
    assert dd_lines(x) == [("4.2.1.01", "DDS", D("1234567890.00"))]
    entries = AuditEntry.objects.filter(action="apbdes.transfer_revenue")
    assert entries.count() == 1 and cast(Any, entries.get().after)["4.2.1"] == "1234567890.00"
    # Nothing changed: a second run writes nothing and records nothing.
    sync = transfer_revenue_apply(actor=dpmd_of(world), pemda=world.pemda_a, year=YEAR)
    assert sync.updated == [] and entries.count() == 1


def test_a_re_adoption_updates_drafts_and_names_adopted_apbdes_that_now_differ(
    world: Any, reference_year: int
) -> None:
    dana_desa(world, name="DD awal")
    adopted = adopted_apbdes(world, world.desa_x, D("1000000001"))
    y = draft(world, world.desa_y)
    # A draft started after the adoption gets its amount on the next run (DPMD's "apply to drafts").
    transfer_revenue_apply(actor=dpmd_of(world), pemda=world.pemda_a, year=YEAR)
    assert dd_lines(y) == [("4.2.1.01", "DDS", D("1000000001.00"))]
    # A user typed a second Dana Desa line in the draft: the first carries the amount, the second goes to 0.
    ApbdesLine.objects.create(apbdes=y, account_code="4.2.1.02", number=1, source_code="DDS", amount=D("5"))
    revised = {world.desa_y.region_id: 900_000_000, world.desa_x.region_id: 950_000_000}
    scenario = dana_desa(world, revised, name="DD revisi")
    assert scenario.adopted
    assert dd_lines(y) == [("4.2.1.01", "DDS", D("900000000.00")), ("4.2.1.02", "DDS", D("0.00"))]
    # The adopted APBDes is untouched, and reported as differing.
    assert dd_lines(adopted) == [("4.2.1.01", "DDS", D("1000000001.00"))]
    sync = transfer_revenue_apply(actor=TESTS, pemda=world.pemda_a, year=YEAR)
    assert [(d.kode_desa, d.budget, d.allocation) for d in sync.adopted_differ] == [
        (world.desa_x.region_id, D("1000000001.00"), D("950000000.00"))
    ]


def test_only_transfer_staff_write_the_allocation(world: Any, reference_year: int) -> None:
    with pytest.raises(PermissionDenied):
        transfer_revenue_apply(actor=world.operator_x, pemda=world.pemda_a, year=YEAR)
