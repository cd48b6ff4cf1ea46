"""The e-budgeting demo at a small scale: the same path (ceilings, import, approval, adoption, perubahan
adopted after it)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from spbe.accounts.demo import SEED, seed_banyuwangi
from spbe.accounts.models import Pemda
from spbe.budgeting import demo
from spbe.budgeting.models import BudgetVersion, Review, Rka, RkaDetail, RkaLine
from spbe.budgeting.selectors import checks, published_version, summary
from spbe.budgeting.selectors_pages import compare
from spbe.core.models import AuditEntry
from spbe.reference.models import Account

pytestmark = pytest.mark.django_db


def test_the_demo_adopts_a_balanced_apbd_then_its_perubahan_and_is_safe_to_seed_twice(regions, monkeypatch):
    monkeypatch.setattr(demo, "DETAILS", 400)
    monkeypatch.setattr(demo, "REVISED_ROWS", 3)
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    assert not Account.objects.filter(year=demo.YEAR).exists()  # the budget year's lists come with the demo

    first = demo.seed(pemda, actor=SEED)
    counts = (BudgetVersion.objects.count(), RkaLine.objects.count(), RkaDetail.objects.count())
    audits = AuditEntry.objects.count()
    again = demo.seed(pemda, actor=SEED)

    assert "ditetapkan" in first and "sudah ada" in again
    assert (BudgetVersion.objects.count(), RkaLine.objects.count(), RkaDetail.objects.count()) == counts
    assert AuditEntry.objects.count() == audits
    adopted, draft, shift = BudgetVersion.objects.filter(pemda=pemda, year=demo.YEAR).order_by("number")
    murni_hash = adopted.content_hash
    assert adopted.is_adopted and adopted.kind == "murni" and adopted.content_hash
    # The perubahan is adopted too, after the murni, which it leaves as it was (a new version, not an edit).
    assert draft.is_adopted and draft.kind == "perubahan" and draft.based_on_id == adopted.pk
    assert draft.content_hash and draft.content_hash != murni_hash and draft.frozen_at >= adopted.frozen_at
    # Every agency verified by the TAPD user; PU Bina Marga submitted by its own head (four eyes).
    rkas = Rka.objects.filter(version=adopted)
    assert set(rkas.values_list("state", flat=True)) == {"verified"}
    assert set(rkas.values_list("verified_by__username", flat=True)) == {"tapd"}
    assert rkas.get(unit__short_name="PU Bina Marga").submitted_by.username == "kepala.pu"
    assert not RkaLine.objects.filter(version=adopted).exclude(review=Review.ACCEPTED).exists()
    revised_rkas = Rka.objects.filter(version=draft)
    assert set(revised_rkas.values_list("state", flat=True)) == {"verified"}
    assert set(revised_rkas.values_list("verified_by__username", flat=True)) == {"tapd"}
    assert revised_rkas.get(unit__short_name="PU Bina Marga").submitted_by.username == "kepala.pu"
    # The adopted APBD balances exactly: SiLPA receipts cover the deficit and the financing expenditure.
    totals = summary(adopted)
    assert totals["silpa"] == Decimal("0.00")
    assert totals["surplus_defisit"] < 0 < totals["pembiayaan_netto"]
    assert {"4.1", "4.2", "4.3", "6.1", "6.2"} <= set(totals["rekening"])
    by_name = {check.name: check for check in checks(adopted)}
    assert by_name["silpa"].ok and by_name["fungsi_pendidikan"].ok
    # Codes are the year's own; the perubahan changed PU's rows through the services, within raised ceilings.
    accounts = set(Account.objects.filter(year=demo.YEAR).values_list("code", flat=True))
    assert set(RkaLine.objects.filter(version=adopted).values_list("account", flat=True)) <= accounts
    revised = summary(draft)
    assert revised["belanja"] > totals["belanja"] and revised["silpa"] == Decimal("0.00")
    assert revised["penerimaan_pembiayaan"] > totals["penerimaan_pembiayaan"]
    changed = AuditEntry.objects.filter(action="rka.detail_change", actor__username="operator.pu")
    assert changed.count() == 3
    assert (
        draft.ceilings.get(unit__short_name="PU Bina Marga", code="").amount
        > adopted.ceilings.get(unit__short_name="PU Bina Marga", code="").amount
    )

    # The comparison of the two adopted versions shows the perubahan's changes (the page's selector).
    compared = compare(adopted, draft)
    raised = [r for r in compared.rows if r.kind == "changed" and r.after > r.before]
    assert compared.changed == len(compared.rows) >= 2 and raised
    assert compared.total_change > 0 and compared.total_change == sum(
        r.after - r.before for r in compared.rows
    )
    # Citizens read the newest adopted version: the perubahan, not the pergeseran drafted after it.
    assert published_version("35.10", demo.YEAR) == draft
    assert shift.kind == "pergeseran" and not shift.is_adopted and shift.based_on_id == draft.pk
    assert set(Rka.objects.filter(version=shift).values_list("state", flat=True)) == {"draft"}
    assert summary(shift)["belanja"] == revised["belanja"]
