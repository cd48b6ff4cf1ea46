"""The demo's year of realisation, at a small scale: through the import, within every DPA line, varied."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from spbe.accounts.demo import SEED, seed_banyuwangi
from spbe.accounts.models import Pemda
from spbe.budgeting import demo
from spbe.budgeting.lra import lra, whole_year
from spbe.budgeting.models import BudgetVersion, Sp2d, Sts
from spbe.budgeting.realisation import dpa_by_sub_kegiatan, overspent_lines, spending_by_sub_kegiatan
from spbe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_demo_realises_the_adopted_apbd_through_the_import(regions, monkeypatch):
    monkeypatch.setattr(demo, "DETAILS", 400)
    monkeypatch.setattr(demo, "REVISED_ROWS", 3)
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    message = demo.seed(pemda, actor=SEED)
    assert "SP2D" in message and "STS" in message

    # The DPA in force is the newest adopted version: the perubahan (the murni is adopted before it).
    adopted = BudgetVersion.objects.filter(pemda=pemda, year=demo.YEAR, version_state="frozen").latest(
        "number"
    )
    assert adopted.kind == "perubahan"
    assert overspent_lines(adopted) == []  # no line above its DPA amount
    assert Sp2d.objects.filter(pemda=pemda, corrects__isnull=False).exists()  # some returns
    assert Sts.objects.filter(pemda=pemda).exists()
    entry = AuditEntry.objects.get(action="realisation.import")
    assert entry.after["sp2d"] == Sp2d.objects.filter(pemda=pemda).count()
    # Absorption differs between sub-kegiatan: some spend everything, others far less.
    dpa = dpa_by_sub_kegiatan(pemda, demo.YEAR)
    spent = spending_by_sub_kegiatan(pemda, demo.YEAR, until=dt.date(demo.YEAR, 12, 31))
    shares = {key: spent.get(key, Decimal(0)) / amount for key, amount in dpa.items() if amount}
    assert min(shares.values()) < Decimal("0.7") < Decimal("0.95") < max(shares.values())
    # Over the year about nine tenths of spending is realised, less by the end of June.
    start, end = whole_year(demo.YEAR)
    year = lra(pemda, demo.YEAR, start=start, end=end).summary["belanja"]
    half = lra(pemda, demo.YEAR, start=start, end=dt.date(demo.YEAR, 6, 30)).summary["belanja"]
    assert Decimal(60) < year.percent < Decimal(100) and half.realised < year.realised / 2 * Decimal("1.2")
