"""Dana Desa priorities: shares at their boundaries, the lines behind each, which rule refuses adoption."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from spbe.core.errors import ValidationFailed
from spbe.villages import priorities
from spbe.villages.models import Apbdes, ApbdesLine
from spbe.villages.services import LineData, apbdes_adopt, apbdes_create, apbdes_line_save, apbdes_move

from .books_helpers import YEAR, Officials, officials

pytestmark = pytest.mark.django_db


def finding(apbdes: Apbdes, code: str) -> priorities.Finding:
    return next(f for f in priorities.check(apbdes) if f.rule.code == code)


def draft_with(world: Any, *extra: LineData, dana_desa: str = "100000000") -> Apbdes:
    """A balanced draft: Dana Desa in, the extra lines out, the rest of Dana Desa on roads."""
    apbdes = apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
    spent = sum((Decimal(line.amount) for line in extra), Decimal(0))
    lines = [
        LineData("4.2.1", "", "DDS", "Dana Desa", dana_desa),
        *extra,
        LineData("5.3.5", "02.03.10", "DDS", "Jalan", str(Decimal(dana_desa) - spent)),
    ]
    for data in lines:
        apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=data)
    return apbdes


def blt(amount: str, source: str = "DDS") -> LineData:
    return LineData("5.4.1", "05.03.01", source, "BLT-Dana Desa", amount)


def food(amount: str, account: str = "5.2.7", activity: str = "04.02.03") -> LineData:
    return LineData(account, activity, "DDS", "Lumbung pangan", amount)


def test_the_years_rules_and_the_default(reference_year: int) -> None:
    assert [(r.code, r.percent, r.mandatory) for r in priorities.rules_for(2025).rules] == [
        ("blt", Decimal("15"), True),
        ("ketahanan_pangan", Decimal("20"), False),
    ]
    # A year without its own entry uses the domain guide's shares (2024: BLT <= 25%, food >= 20%), assumed.
    assert priorities.rules_for(YEAR).rules == priorities.DEFAULT.rules
    assert priorities.rules_for(YEAR).assumed and not priorities.DEFAULT.assumed
    assert [r.percent for r in priorities.DEFAULT.rules] == [Decimal("25"), Decimal("20")]


@pytest.mark.parametrize(
    ("amount", "ok"),
    [("25000000.00", True), ("25000000.01", False), ("24999999.99", True)],
)
def test_blt_at_the_cap(world: Any, reference_year: int, amount: str, ok: bool) -> None:
    apbdes = draft_with(world, blt(amount), food("20000000"))
    found = finding(apbdes, "blt")
    assert found.amount == Decimal(amount) and found.ok is ok and found.refuses is (not ok)
    assert [line.activity_code for line in found.lines] == ["05.03.01"]


def test_blt_not_funded_by_dana_desa_does_not_count(world: Any, reference_year: int) -> None:
    apbdes = draft_with(world, food("20000000"))
    apbdes_line_save(
        actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=blt("90000000", "ADD")
    )
    assert finding(apbdes, "blt").amount == 0


@pytest.mark.parametrize(
    ("amount", "ok"),
    [("20000000.00", True), ("19999999.99", False)],
)
def test_food_security_at_the_floor(world: Any, reference_year: int, amount: str, ok: bool) -> None:
    apbdes = draft_with(world, food(amount))
    found = finding(apbdes, "ketahanan_pangan")
    assert found.ok is ok and not found.refuses  # a warning, never a refusal


def test_food_security_counts_farming_fishing_and_bumdes_equity(world: Any, reference_year: int) -> None:
    apbdes = draft_with(
        world,
        food("5000000", activity="04.01.05"),
        food("5000000", activity="04.02.01"),
        food("3000000", activity="02.03.12"),  # a farm road: not counted by these codes
    )
    apbdes_line_save(
        actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(),
        data=LineData("6.2.2", "", "DDS", "Penyertaan modal BUMDes pangan", "10000000"),
    )  # fmt: skip
    found = finding(apbdes, "ketahanan_pangan")
    assert found.amount == Decimal("20000000.00") and found.ok
    assert sorted(line.account_code for line in found.lines) == ["5.2.7", "5.2.7", "6.2.2"]


def test_blt_without_dana_desa_revenue_breaks_the_cap(world: Any, reference_year: int) -> None:
    apbdes = apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
    apbdes_line_save(actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=blt("1"))
    found = finding(apbdes, "blt")
    assert found.base == 0 and not found.ok and found.share is None


@pytest.fixture
def people(world: Any) -> Officials:
    return officials(world)


def evaluated(world: Any, people: Officials, apbdes: Apbdes) -> Apbdes:
    apbdes_move(actor=people.bpd, apbdes=apbdes, action="agree")
    apbdes_move(actor=world.kades_x, apbdes=apbdes, action="submit")
    apbdes_move(actor=world.camat_x, apbdes=apbdes, action="approve")
    return apbdes


def test_adoption_is_refused_over_the_blt_cap_and_allowed_at_it(
    world: Any, people: Officials, reference_year: int
) -> None:
    over = evaluated(world, people, draft_with(world, blt("25000000.01"), food("20000000")))
    with pytest.raises(ValidationFailed, match="BLT-Dana Desa"):
        apbdes_adopt(actor=world.kades_x, apbdes=over)
    over.refresh_from_db()
    assert over.stage == "evaluated" and not over.is_frozen
    # Bring it to the cap: back to draft, change the line, and the same way again.
    apbdes_move(actor=world.kades_x, apbdes=over, action="reopen", note="BLT melebihi 25%")
    assert over.stage == "draft"
    line = ApbdesLine.objects.get(apbdes=over, activity_code="05.03.01")
    ApbdesLine.objects.filter(pk=line.pk).update(amount=Decimal("25000000.00"))
    ApbdesLine.objects.filter(apbdes=over, activity_code="02.03.10").update(amount=Decimal("55000000.00"))
    evaluated(world, people, over)
    apbdes_adopt(actor=world.kades_x, apbdes=over)
    over.refresh_from_db()
    assert over.stage == "adopted"


def test_low_food_security_warns_but_does_not_refuse(
    world: Any, people: Officials, reference_year: int
) -> None:
    apbdes = evaluated(world, people, draft_with(world, food("1")))
    assert not finding(apbdes, "ketahanan_pangan").ok
    apbdes_adopt(actor=world.kades_x, apbdes=apbdes)
    apbdes.refresh_from_db()
    assert apbdes.stage == "adopted"


def test_the_page_lists_each_priority_with_its_lines(world: Any, reference_year: int) -> None:
    apbdes = draft_with(world, blt("30000000"), food("1000"))
    page = world.client_for(world.operator_x).get(
        f"/app/{world.pemda_a.code}/desa/{world.desa_x.region_id}/apbdes/{YEAR}/"
    )
    text = page.content.decode()
    blt_line = ApbdesLine.objects.get(apbdes=apbdes, activity_code="05.03.01")
    section = text.split('id="priority-blt"')[1].split("</tr>")[0]
    assert f'href="#line-{blt_line.pk}"' in section and "melebihi 25" in section
    assert "wajib, menghalangi penetapan" in section
    food_section = text.split('id="priority-ketahanan_pangan"')[1].split("</tr>")[0]
    assert "kurang dari 20" in food_section and "peringatan untuk evaluasi camat" in food_section
