"""Village bookkeeping: the SPP way with four eyes, the budget a request may use, advances and their SPJ,
receipts, taxes, cash moves, the books' running balances and the realisation they feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.villages import books
from spbe.villages.books import (
    Evidence,
    SppLineData,
    add_working_days,
    book,
    books_for_user,
    cash_move_record,
    receipt_record,
    spj_move,
    spj_submit,
    spp_create,
    spp_move,
    spp_pay,
    spp_revise,
    tax_deposit_record,
)
from spbe.villages.models import Realisation
from spbe.villages.models_books import Spp
from spbe.villages.selectors import apbdes_summary

from .books_helpers import YEAR, Officials, adopted, line, officials

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def people(world: Any) -> Officials:
    return officials(world)


@pytest.fixture
def apbdes(world: Any, people: Officials) -> Any:
    return adopted(world, people)


def fund(world: Any, people: Officials, apbdes: Any) -> None:
    """Dana Desa and SiLPA into the bank, 10,000,000 drawn into the cash box."""
    desa = world.desa_x
    for account, amount, day in (("4.2.1", "40000000", D(YEAR, 2, 1)), ("6.1.1", "20000000", D(YEAR, 1, 4))):
        receipt_record(
            actor=people.treasurer,
            village=desa,
            year=YEAR,
            apbdes_line_id=line(apbdes, account).pk,
            received_on=day,
            via="bank",
            amount=amount,
            description="Penerimaan " + account,
        )
    cash_move_record(
        actor=people.treasurer,
        village=desa,
        year=YEAR,
        direction="ke_tunai",
        moved_on=D(YEAR, 2, 2),
        amount="10000000",
        description="Tarik tunai untuk kas",
    )


def approved(
    world: Any,
    people: Officials,
    apbdes: Any,
    kind: str = "definitif",
    amount: str = "30000000",
    account: str = "5.3.5",
    activity: str = "02.03.01",
) -> Spp:
    spp = spp_create(
        actor=people.executor,
        village=world.desa_x,
        year=YEAR,
        kind=kind,
        activity_code=activity,
        description="Pembelian material jalan",
        lines=[SppLineData(line(apbdes, account).pk, amount)],
    )
    for who, action in ((people.executor, "submit"), (people.sekdes, "verify"), (people.kades, "approve")):
        spp_move(actor=who, spp=spp, action=action)
    return spp


def realisation(desa: Any) -> dict[tuple[str, str, str], Decimal]:
    return {
        (r.account_code, r.activity_code, r.source_code): r.amount
        for r in Realisation.objects.filter(village=desa, year=YEAR)
    }


def test_an_spp_goes_its_way_and_its_payment_becomes_realisation(
    world: Any, people: Officials, apbdes: Any
) -> None:
    fund(world, people, apbdes)
    spp = approved(world, people, apbdes)
    assert realisation(world.desa_x) == {
        ("4.2.1", "", "DDS"): Decimal("40000000"),
        ("6.1.1", "", "PAD"): Decimal("20000000"),
    }
    spp_pay(
        actor=people.treasurer,
        spp=spp,
        paid_on=D(YEAR, 3, 2),
        via="bank",
        taxes={"ppn": "2727272.73", "pph22": "409090.91"},
    )
    spp.refresh_from_db()
    assert (spp.state, spp.paid_by_id, spp.paid_via, spp.advance_due_on) == (
        "paid",
        people.treasurer.pk,
        "bank",
        None,
    )
    assert realisation(world.desa_x)[("5.3.5", "02.03.01", "DDS")] == Decimal("30000000.00")
    # The public summary reads the same rows.
    summary = apbdes_summary(apbdes)
    assert summary["belanja"]["realisasi"] == Decimal("30000000.00")
    assert summary["pembiayaan"]["penerimaan"]["realisasi"] == Decimal("20000000.00")
    # Taxes withheld wait in the tax book until deposited; more than withheld is refused.
    with pytest.raises(Conflict):
        tax_deposit_record(
            actor=people.treasurer,
            village=world.desa_x,
            year=YEAR,
            kind="ppn",
            deposited_on=D(YEAR, 3, 3),
            via="bank",
            amount="2727272.74",
        )
    tax_deposit_record(
        actor=people.treasurer,
        village=world.desa_x,
        year=YEAR,
        kind="ppn",
        deposited_on=D(YEAR, 3, 3),
        via="bank",
        amount="2727272.73",
        ntpn="0123456789ABCDEF",
    )
    assert books.tax_outstanding(world.desa_x, YEAR)["pph22"] == Decimal("409090.91")
    assert books.tax_outstanding(world.desa_x, YEAR)["ppn"] == Decimal("0")

    bku = book(world.desa_x, YEAR, "bku", D(YEAR, 1, 1), D(YEAR, 12, 31))
    # 60,000,000 in; 30,000,000 paid gross; 3,136,363.64 tax withheld back in; 2,727,272.73 deposited.
    assert bku.opening == 0
    assert bku.closing == Decimal("60000000") - Decimal("30000000") + Decimal("3136363.64") - Decimal(
        "2727272.73"
    )
    assert [r.balance for r in bku.rows][-1] == bku.closing
    bank = book(world.desa_x, YEAR, "bank", D(YEAR, 1, 1), D(YEAR, 12, 31))
    assert bank.closing == bku.closing - Decimal("10000000")  # the cash box holds the 10,000,000 drawn
    march = book(world.desa_x, YEAR, "bank", D(YEAR, 3, 1), D(YEAR, 3, 31))
    assert march.opening == Decimal("50000000") and march.closing == bank.closing
    tax = book(world.desa_x, YEAR, "pajak", D(YEAR, 1, 1), D(YEAR, 12, 31))
    assert [(r.money_in, r.money_out) for r in tax.rows] == [
        (Decimal("409090.91"), 0),
        (Decimal("2727272.73"), 0),
        (0, Decimal("2727272.73")),
    ]
    assert tax.closing == Decimal("409090.91")
    actions = list(AuditEntry.objects.filter(action__startswith="books_").values_list("action", flat=True))
    for expected in (
        "books_spp.create",
        "books_spp.submit",
        "books_spp.verify",
        "books_spp.approve",
        "books_spp.pay",
        "books_receipt.create",
        "books_tax.deposit",
        "books_cash.move",
    ):
        assert expected in actions


def test_nobody_checks_their_own_request_and_a_return_needs_a_reason(
    world: Any, people: Officials, apbdes: Any
) -> None:
    from conftest import grant
    from spbe.accounts.models import Role

    # The kasi also acts as Sekdes (a small desa): still may not verify their own SPP.
    grant(people.executor, world.pemda_a, Role.VILLAGE_SECRETARY, village=world.desa_x)
    spp = spp_create(
        actor=people.executor,
        village=world.desa_x,
        year=YEAR,
        kind="definitif",
        activity_code="01.01.01",
        description="Siltap Januari",
        lines=[SppLineData(line(apbdes, "5.1.1").pk, "2500000")],
    )
    spp_move(actor=people.executor, spp=spp, action="submit")
    with pytest.raises(PermissionDenied):
        spp_move(actor=people.executor, spp=spp, action="verify")
    with pytest.raises(PermissionDenied):  # the kades holds no Sekdes role
        spp_move(actor=people.kades, spp=spp, action="verify")
    with pytest.raises(ValidationFailed):
        spp_move(actor=people.sekdes, spp=spp, action="return")
    spp_move(actor=people.sekdes, spp=spp, action="return", note="Lampirkan daftar hadir")
    assert spp.state == "returned"
    spp_revise(
        actor=people.executor,
        spp=spp,
        description="Siltap Januari (lengkap)",
        lines=[SppLineData(line(apbdes, "5.1.1").pk, "2600000")],
    )
    assert spp.total == Decimal("2600000")
    spp_move(actor=people.executor, spp=spp, action="submit")
    # A Sekdes who is also the kades may verify, but then not approve.
    grant(people.sekdes, world.pemda_a, Role.KEPALA_DESA, village=world.desa_x)
    spp_move(actor=people.sekdes, spp=spp, action="verify")
    with pytest.raises(PermissionDenied):
        spp_move(actor=people.sekdes, spp=spp, action="approve")
    spp_move(actor=people.kades, spp=spp, action="approve")
    with pytest.raises(PermissionDenied):  # the kades is no treasurer
        spp_pay(actor=people.kades, spp=spp, paid_on=D(YEAR, 1, 25), via="tunai")
    note = AuditEntry.objects.get(action="books_spp.return")
    assert (note.after or {})["note"] == "Lampirkan daftar hadir"


def test_an_spp_never_asks_for_more_than_the_line_has_left(
    world: Any, people: Officials, apbdes: Any
) -> None:
    road = line(apbdes, "5.3.5")  # 61,000,000
    first = spp_create(
        actor=people.executor,
        village=world.desa_x,
        year=YEAR,
        kind="definitif",
        activity_code="02.03.01",
        description="Material tahap 1",
        lines=[SppLineData(road.pk, "60000000")],
    )
    with pytest.raises(ValidationFailed, match="melebihi sisa anggaran"):
        spp_create(
            actor=people.executor,
            village=world.desa_x,
            year=YEAR,
            kind="definitif",
            activity_code="02.03.01",
            description="Material tahap 2",
            lines=[SppLineData(road.pk, "1000000.01")],
        )
    with pytest.raises(ValidationFailed):  # a line of another kegiatan
        spp_create(
            actor=people.executor,
            village=world.desa_x,
            year=YEAR,
            kind="definitif",
            activity_code="02.03.01",
            description="Salah kegiatan",
            lines=[SppLineData(line(apbdes, "5.1.1").pk, "1")],
        )
    spp_move(actor=people.executor, spp=first, action="cancel")
    again = spp_create(
        actor=people.executor,
        village=world.desa_x,
        year=YEAR,
        kind="definitif",
        activity_code="02.03.01",
        description="Material sekaligus",
        lines=[SppLineData(road.pk, "61000000")],
    )
    assert again.number == 2
    left = {b.line.account_code: b.remaining for b in books.budget_lines(apbdes)}
    assert left["5.3.5"] == 0 and left["5.2.2"] == Decimal("25000000")


def test_a_payment_needs_the_money_in_its_channel(world: Any, people: Officials, apbdes: Any) -> None:
    fund(world, people, apbdes)
    spp = approved(world, people, apbdes, amount="10000000.01")
    with pytest.raises(Conflict, match="tidak cukup"):
        spp_pay(actor=people.treasurer, spp=spp, paid_on=D(YEAR, 3, 2), via="tunai")
    spp.refresh_from_db()
    assert spp.state == "approved"
    spp_pay(actor=people.treasurer, spp=spp, paid_on=D(YEAR, 3, 2), via="tunai", taxes={"pph23": "0.01"})
    with pytest.raises(ValidationFailed):  # a date outside the budget year
        receipt_record(
            actor=people.treasurer,
            village=world.desa_x,
            year=YEAR,
            apbdes_line_id=line(apbdes, "4.3.6").pk,
            received_on=D(YEAR + 1, 1, 2),
            via="bank",
            amount="1",
            description="Bunga",
        )


def test_working_days_skip_the_weekend() -> None:
    assert add_working_days(D(2027, 3, 1), 10) == D(2027, 3, 15)  # Monday to Monday two weeks on
    assert add_working_days(D(2027, 3, 5), 10) == D(2027, 3, 19)  # Friday
    assert add_working_days(D(2027, 3, 6), 10) == D(2027, 3, 19)  # a Saturday counts from Monday


def test_an_advance_is_spending_only_once_accounted_for(world: Any, people: Officials, apbdes: Any) -> None:
    fund(world, people, apbdes)
    wage = line(apbdes, "5.2.2")
    spp = approved(world, people, apbdes, kind="panjar", amount="8000000", account="5.2.2")
    spp_pay(actor=people.treasurer, spp=spp, paid_on=D(YEAR, 3, 1), via="tunai")
    spp.refresh_from_db()
    assert spp.advance_due_on == D(YEAR, 3, 15)
    assert ("5.2.2", "02.03.01", "DDS") not in realisation(world.desa_x)
    # The books stand at the last voucher's day: on the due date it is not overdue, the day after it is.
    receipt_record(
        actor=people.treasurer,
        village=world.desa_x,
        year=YEAR,
        apbdes_line_id=line(apbdes, "4.3.6").pk,
        received_on=D(YEAR, 3, 15),
        via="bank",
        amount="100000",
        description="Bunga",
    )
    assert books.overdue_advances(world.pemda_a, world.pemda_a.villages.all()) == []
    receipt_record(
        actor=people.treasurer,
        village=world.desa_x,
        year=YEAR,
        apbdes_line_id=line(apbdes, "4.3.6").pk,
        received_on=D(YEAR, 3, 16),
        via="bank",
        amount="100000",
        description="Bunga",
    )
    overdue = books.overdue_advances(world.pemda_a, world.pemda_a.villages.all())
    assert [a.spp.pk for a in overdue] == [spp.pk]
    with pytest.raises(ValidationFailed, match="melebihi panjarnya"):
        spj_submit(
            actor=people.executor,
            spp=spp,
            submitted_on=D(YEAR, 3, 17),
            evidence=[
                Evidence(spp.lines.get().pk, "KW-01", D(YEAR, 3, 3), "Upah tukang minggu 1", "8000000.01"),
            ],
        )
    spj = spj_submit(
        actor=people.executor,
        spp=spp,
        submitted_on=D(YEAR, 3, 17),
        evidence=[
            Evidence(spp.lines.get().pk, "KW-01", D(YEAR, 3, 3), "Upah tukang minggu 1", "4000000"),
            Evidence(spp.lines.get().pk, "KW-02", D(YEAR, 3, 10), "Upah tukang minggu 2", "3250000.50"),
        ],
    )
    assert books.overdue_advances(world.pemda_a, world.pemda_a.villages.all()) == []
    assert (spj.spent, spj.returned_amount) == (Decimal("7250000.50"), Decimal("749999.50"))
    with pytest.raises(PermissionDenied):
        spj_move(actor=people.executor, spj=spj, action="accept")
    spj_move(actor=people.sekdes, spj=spj, action="accept")
    assert spj.accepted_on == D(YEAR, 3, 17)
    assert realisation(world.desa_x)[("5.2.2", "02.03.01", "DDS")] == Decimal("7250000.50")
    # What the advance did not spend is back in the budget and in the cash box.
    left = {b.line.pk: b.remaining for b in books.budget_lines(apbdes)}
    assert left[wage.pk] == Decimal("25000000") - Decimal("7250000.50")
    ledger = book(world.desa_x, YEAR, "panjar", D(YEAR, 1, 1), D(YEAR, 12, 31))
    assert [(r.money_in, r.money_out) for r in ledger.rows] == [
        (Decimal("8000000"), 0),
        (0, Decimal("7250000.50")),
        (0, Decimal("749999.50")),
    ]
    assert ledger.closing == 0
    cash = books.balances(world.desa_x, YEAR)["tunai"]
    assert cash == Decimal("10000000") - Decimal("8000000") + Decimal("749999.50")
    assert books.realisation_from_vouchers(world.desa_x, YEAR) == realisation(world.desa_x)
    assert [a.late for a in books.advances(Spp.objects.filter(pk=spp.pk))] == [True]


def test_a_desa_whose_apbdes_comes_from_siskeudes_keeps_its_books_there(
    world: Any, people: Officials
) -> None:
    from spbe.villages.models import Apbdes, Origin

    apbdes = adopted(world, people)
    Apbdes.objects.filter(pk=apbdes.pk).update(origin=Origin.SISKEUDES)
    with pytest.raises(Conflict, match="Siskeudes"):
        spp_create(
            actor=people.executor,
            village=world.desa_x,
            year=YEAR,
            kind="definitif",
            activity_code="01.01.01",
            description="Siltap",
            lines=[SppLineData(line(apbdes, "5.1.1").pk, "1")],
        )
    assert not Spp.objects.exists()


def test_scope_desa_officials_camat_and_dpmd(world: Any, people: Officials, apbdes: Any) -> None:
    from conftest import grant, make_user
    from spbe.accounts.models import Role

    a = world.pemda_a
    code = world.desa_x.region_id
    assert books_for_user(world.camat_x, a, code, YEAR).can.view
    assert not books_for_user(world.camat_x, a, code, YEAR).can.pay
    dpmd = grant(make_user("dpmd.books", a), a, Role.DPMD)
    assert books_for_user(dpmd, a, code, YEAR).apbdes == apbdes
    for outsider in (world.operator_y, world.camat_y, world.agency_operator_a):
        with pytest.raises(NotFound):
            books_for_user(outsider, a, code, YEAR)
    with pytest.raises(NotFound):
        books_for_user(world.officer_b, a, code, YEAR)
    with pytest.raises(PermissionDenied):  # another desa's treasurer cannot write here
        treasurer_y = grant(make_user("bendahara.y", a), a, Role.VILLAGE_TREASURER, village=world.desa_y)
        receipt_record(
            actor=treasurer_y,
            village=world.desa_x,
            year=YEAR,
            apbdes_line_id=line(apbdes, "4.3.6").pk,
            received_on=D(YEAR, 3, 16),
            via="bank",
            amount="1",
            description="Bunga",
        )
