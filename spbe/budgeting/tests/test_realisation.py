"""SP2D and STS: the DPA line as a limit (also after a perubahan), corrections as rows, the contract reads."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from spbe.budgeting.models import BudgetVersion, Sp2d, Sts
from spbe.budgeting.realisation import (
    Sp2dInput,
    dpa_by_sub_kegiatan,
    newest_adopted,
    sp2d_correct,
    sp2d_record,
    spending_by_sub_kegiatan,
    sts_correct,
)
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry

from .conftest import YEAR
from .helpers import ROAD, ROAD_2
from .realisation_fixtures import (
    ATK,
    EDU,
    JALAN,
    MODAL,
    PERSONNEL,
    SUPPORT_A,
    adopted_2028,
    deposit,
    pay,
    revise_road,
)


@pytest.fixture
def apbd(world, ref2028, tmp_path) -> BudgetVersion:
    return adopted_2028(world, tmp_path)


def test_dpa_by_sub_kegiatan_is_the_newest_adopted_version(world, ref2028, tmp_path):
    assert dpa_by_sub_kegiatan(world.pemda_a, YEAR) == {}  # nothing adopted yet
    murni = adopted_2028(world, tmp_path)
    a, a2 = world.unit_a.pk, world.unit_a2.pk
    expected = {
        (a, SUPPORT_A): Decimal("300000.00"),
        (a, ROAD): Decimal("1000000.50"),
        (a, ROAD_2): Decimal("100000.00"),
        (a2, EDU): Decimal("200000.00"),
    }
    assert dpa_by_sub_kegiatan(world.pemda_a, YEAR) == expected
    assert dpa_by_sub_kegiatan(world.pemda_a, YEAR, unit=world.unit_a2) == {(a2, EDU): Decimal("200000.00")}
    assert dpa_by_sub_kegiatan(world.pemda_b, YEAR) == {}

    perubahan = revise_road(murni, "1200000")
    # Adopted on 1 March and 1 October 2028 (Jakarta): ``on`` picks the version in force on that day.
    jakarta = dt.timezone(dt.timedelta(hours=7))
    BudgetVersion.objects.filter(pk=murni.pk).update(frozen_at=dt.datetime(YEAR, 3, 1, 9, tzinfo=jakarta))
    BudgetVersion.objects.filter(pk=perubahan.pk).update(
        frozen_at=dt.datetime(YEAR, 10, 1, 0, 30, tzinfo=jakarta)  # 30 September 17:30 UTC
    )
    assert dpa_by_sub_kegiatan(world.pemda_a, YEAR)[(a, ROAD)] == Decimal("1200000.00")
    assert dpa_by_sub_kegiatan(world.pemda_a, YEAR, on=dt.date(YEAR, 10, 1))[(a, ROAD)] == Decimal(
        "1200000.00"
    )
    assert dpa_by_sub_kegiatan(world.pemda_a, YEAR, on=dt.date(YEAR, 9, 30))[(a, ROAD)] == Decimal(
        "1000000.50"
    )
    assert dpa_by_sub_kegiatan(world.pemda_a, YEAR, on=dt.date(YEAR, 2, 28)) == {}
    assert newest_adopted(world.pemda_a, YEAR, on=dt.date(YEAR, 3, 1)) == murni


def test_spending_by_sub_kegiatan_nets_corrections_up_to_a_date(world, apbd):
    first = pay(world, "SP2D-1", "400000", day=dt.date(YEAR, 3, 10))
    pay(world, "SP2D-2", "100000.25", day=dt.date(YEAR, 4, 10))
    pay(world, "SP2D-3", "50000", day=dt.date(YEAR, 3, 11), sub=ROAD_2, account=ATK)
    pay(world, "SP2D-4", "70000", day=dt.date(YEAR, 3, 12), sub=EDU, account=ATK, unit=world.unit_a2)
    sp2d_correct(
        actor=world.tapd_a,
        original=first,
        number="CP-1",
        date=dt.date(YEAR, 3, 20),
        amount="150000",
        description="Pengembalian kelebihan bayar",
    )
    a, a2 = world.unit_a.pk, world.unit_a2.pk
    assert spending_by_sub_kegiatan(world.pemda_a, YEAR, until=dt.date(YEAR, 3, 19)) == {
        (a, ROAD): Decimal("400000.00"),
        (a, ROAD_2): Decimal("50000.00"),
        (a2, EDU): Decimal("70000.00"),
    }
    assert spending_by_sub_kegiatan(world.pemda_a, YEAR, until=dt.date(YEAR, 12, 31), unit=world.unit_a) == {
        (a, ROAD): Decimal("350000.25"),
        (a, ROAD_2): Decimal("50000.00"),
    }
    assert spending_by_sub_kegiatan(world.pemda_a, YEAR, until=dt.date(YEAR, 3, 9)) == {}
    assert spending_by_sub_kegiatan(world.pemda_a, YEAR + 1, until=dt.date(YEAR + 1, 12, 31)) == {}


def test_a_payment_never_passes_its_dpa_line(world, apbd):
    pay(world, "SP2D-1", "999999.50")
    with pytest.raises(Conflict, match="terlampaui"):
        pay(world, "SP2D-2", "1.01")
    assert not Sp2d.objects.filter(number="SP2D-2").exists()
    pay(world, "SP2D-2", "1.00")  # exactly up to the line's amount
    assert Sp2d.objects.filter(pemda=world.pemda_a).count() == 2
    entry = AuditEntry.objects.filter(action="realisation.sp2d_record").order_by("-seq").first()
    assert entry.after["number"] == "SP2D-2" and entry.after["amount"] == "1.00"


def test_a_payment_needs_a_line_of_the_dpa_and_a_treasurer(world, ref2028, tmp_path):
    with pytest.raises(Conflict, match="belum ditetapkan"):
        pay(world, "SP2D-0", "1")
    adopted_2028(world, tmp_path)
    with pytest.raises(ValidationFailed, match="Tidak ada baris DPA"):
        pay(world, "SP2D-1", "1", account=PERSONNEL)  # the road sub-kegiatan has no personnel line
    with pytest.raises(ValidationFailed, match="Tidak ada baris DPA"):
        pay(world, "SP2D-1", "1", unit=world.unit_a2)
    with pytest.raises(ValidationFailed, match="di luar tahun"):
        pay(world, "SP2D-1", "1", day=dt.date(YEAR + 1, 1, 1))
    entry = Sp2dInput(world.unit_a, "SP2D-1", dt.date(YEAR, 3, 1), "LS", ROAD, JALAN, "", "Bayar", "10")
    for outsider in (world.agency_operator_a, world.agency_head_a):
        with pytest.raises(PermissionDenied):
            sp2d_record(actor=outsider, pemda=world.pemda_a, year=YEAR, entry=entry)
    pay(world, "SP2D-1", "10")
    with pytest.raises(Conflict, match="sudah dipakai"):
        pay(world, "SP2D-1", "10")
    # Financing expenditure (6.2) is paid without a sub-kegiatan.
    pay(world, "SP2D-2", "50000", sub="", account=MODAL, unit=world.unit_a2)
    assert Sp2d.objects.filter(pemda=world.pemda_a).count() == 2


def test_a_retried_payment_is_recorded_once(world, apbd):
    key = uuid.uuid4()
    entry = Sp2dInput(
        world.unit_a, "SP2D-9", dt.date(YEAR, 5, 2), "GU", ROAD, JALAN, "", "Bayar", "1000000.50"
    )
    first, created = sp2d_record(
        actor=world.tapd_a, pemda=world.pemda_a, year=YEAR, entry=entry, idempotency_key=key
    )
    again, created_again = sp2d_record(
        actor=world.tapd_a, pemda=world.pemda_a, year=YEAR, entry=entry, idempotency_key=key
    )
    # The retry used up the whole line itself: it is the answer, not a breach.
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Sp2d.objects.filter(pemda=world.pemda_a).count() == 1


def test_a_perubahan_below_what_is_paid_is_refused(world, apbd):
    pay(world, "SP2D-1", "900000")
    with pytest.raises(Conflict, match="lebih kecil dari realisasi"):
        revise_road(apbd, "899999.99")
    assert newest_adopted(world.pemda_a, YEAR) == apbd
    assert BudgetVersion.objects.get(pemda=world.pemda_a, year=YEAR, number=2).version_state == "draft"


def test_after_a_perubahan_the_newest_amount_is_the_limit(world, apbd):
    pay(world, "SP2D-1", "900000")
    perubahan = revise_road(apbd, "1200000")
    assert newest_adopted(world.pemda_a, YEAR) == perubahan
    pay(world, "SP2D-2", "300000")  # above the murni amount, within the perubahan's
    with pytest.raises(Conflict, match="terlampaui"):
        pay(world, "SP2D-3", "0.01")
    lowered = revise_road(perubahan, "1200000.00")
    assert lowered.number == 3


def test_corrections_are_new_rows_and_rows_are_never_edited(world, apbd):
    first = pay(world, "SP2D-1", "1000000.50")
    with pytest.raises(Conflict, match="melebihi sisa"):
        sp2d_correct(
            actor=world.tapd_a,
            original=first,
            number="CP-1",
            date=dt.date(YEAR, 3, 2),
            amount="1000000.51",
            description="Retur",
        )
    correction = sp2d_correct(
        actor=world.tapd_a,
        original=first,
        number="CP-1",
        date=dt.date(YEAR, 3, 2),
        amount="0.50",
        description="Retur",
    )
    assert (correction.amount, correction.corrects_id) == (Decimal("-0.50"), first.pk)
    pay(world, "SP2D-2", "0.50")  # the returned amount is available again
    with pytest.raises(ValidationFailed, match="sebelum tanggal"):
        sp2d_correct(
            actor=world.tapd_a,
            original=first,
            number="CP-2",
            date=dt.date(YEAR, 2, 1),
            amount="1",
            description="Retur",
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        Sp2d.objects.filter(pk=first.pk).update(amount=Decimal("1"))
    with pytest.raises(DatabaseError), transaction.atomic():
        Sp2d.objects.filter(pk=first.pk).delete()

    receipt = deposit(world, "STS-1", "900000")
    sts_correct(
        actor=world.tapd_a,
        original=receipt,
        number="STS-K1",
        date=dt.date(YEAR, 2, 3),
        amount="100",
        description="Salah setor",
    )
    with pytest.raises(Conflict, match="melebihi sisa"):
        sts_correct(
            actor=world.tapd_a,
            original=receipt,
            number="STS-K2",
            date=dt.date(YEAR, 2, 3),
            amount="899900.01",
            description="Salah setor",
        )
    assert sorted(Sts.objects.values_list("amount", flat=True)) == [Decimal("-100.00"), Decimal("900000.00")]
    with pytest.raises(DatabaseError), transaction.atomic():
        Sts.objects.filter(pk=receipt.pk).update(amount=Decimal("1"))
    assert AuditEntry.objects.filter(action="realisation.sts_correct").count() == 1
