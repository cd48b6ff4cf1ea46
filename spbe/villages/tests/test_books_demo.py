"""The demo's bookkeeping desa: a year of vouchers that add up, overdue advances, an SPP to pay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from conftest import TESTS
from spbe.accounts.demo import DEMO_VILLAGE
from spbe.villages import books
from spbe.villages.demo import seed
from spbe.villages.models import Apbdes, Origin, Realisation
from spbe.villages.models_books import Spp

pytestmark = pytest.mark.django_db


def test_the_demo_keeps_a_year_of_books_for_a_few_desa(world: Any, reference_year: int) -> None:
    pemda = world.pemda_a
    summary = seed(pemda, actor=TESTS, year=reference_year)
    kept = books.demo_villages(pemda, DEMO_VILLAGE)
    assert kept and kept[0].region_id == DEMO_VILLAGE
    assert f"{len(kept)} desa dengan penatausahaan di OpenSPBE" in summary
    overdue = {a.spp.village_id for a in books.overdue_advances(pemda, pemda.villages.all())}
    assert overdue and overdue <= {v.pk for v in kept}
    for village in kept:
        apbdes = Apbdes.objects.get(village=village, year=reference_year)
        assert (apbdes.origin, apbdes.stage, apbdes.version_state) == (Origin.ENTRY, "adopted", "frozen")
        rows = {
            (r.account_code, r.activity_code, r.source_code): r.amount
            for r in Realisation.objects.filter(village=village, year=reference_year)
        }
        assert rows == books.realisation_from_vouchers(village, reference_year)
        assert Realisation.objects.filter(village=village, origin=Origin.SISKEUDES).count() == 0
        # No payment was made with money the desa did not have, and no line is overdrawn.
        assert all(v >= 0 for v in books.balances(village, reference_year).values())
        assert all(b.remaining >= 0 for b in books.budget_lines(apbdes))
        start, end = dt.date(reference_year, 1, 1), dt.date(reference_year, 12, 31)
        bku = books.book(village, reference_year, "bku", start, end)
        assert bku.closing == sum(books.balances(village, reference_year).values(), Decimal(0))
        assert min(row.balance for row in bku.rows) >= 0
        assert Spp.objects.filter(village=village, state="approved").exists()
        assert rows[("4.2.1.01", "", "DDS")] > 0
    # Running the demo again adds nothing.
    counts = (Spp.objects.count(), Realisation.objects.count())
    assert "; 0 desa dengan penatausahaan" in seed(pemda, actor=TESTS, year=reference_year)
    assert (Spp.objects.count(), Realisation.objects.count()) == counts
