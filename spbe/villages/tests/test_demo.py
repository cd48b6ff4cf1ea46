"""The village finance demo: adopted transfers and an imported APBDes with realisation for every desa."""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client

from conftest import TESTS
from spbe.accounts.demo import DEMO_VILLAGE
from spbe.accounts.models import VillageGovernment
from spbe.reference.models import VillageActivity
from spbe.villages import books
from spbe.villages.demo import DesaFigures, build_export, seed
from spbe.villages.demo_stages import draft_codes
from spbe.villages.models import Apbdes, ApbdesLine, Origin, Realisation
from spbe.villages.models_transfers import TransferAllocation, TransferKind, TransferScenario
from spbe.villages.rules import is_expenditure_side, is_receipt_side

pytestmark = pytest.mark.django_db


def _sides(rows: Any) -> dict[str, Decimal]:
    """Revenue, expenditure, financing receipts and expenditure of (account, amount) rows."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for account, amount in rows:
        side = {"4": "pendapatan", "5": "belanja"}.get(account[0])
        if side is None:
            side = "penerimaan" if is_receipt_side(account) else "pengeluaran"
        totals[side] += amount
    return totals


def test_seed_adopts_transfers_and_imports_every_desa_once(world: Any, reference_year: int) -> None:
    pemda = world.pemda_a
    first = seed(pemda, actor=TESTS, year=reference_year)
    apbdes_ids = sorted(Apbdes.objects.filter(pemda=pemda, year=reference_year).values_list("pk", flat=True))
    scenario_ids = sorted(TransferScenario.objects.filter(pemda=pemda).values_list("pk", flat=True))
    realisation_count = Realisation.objects.filter(pemda=pemda).count()
    second = seed(pemda, actor=TESTS, year=reference_year)

    # Idempotent: the second run adds, replaces and re-adopts nothing.
    assert (
        sorted(Apbdes.objects.filter(pemda=pemda, year=reference_year).values_list("pk", flat=True))
        == apbdes_ids
    )
    assert sorted(TransferScenario.objects.filter(pemda=pemda).values_list("pk", flat=True)) == scenario_ids
    assert Realisation.objects.filter(pemda=pemda).count() == realisation_count
    # The demo village and its neighbours keep their books in OpenSPBE (test_books_demo), and two desa keep
    # their APBDes as a draft in OpenSPBE (the disbursement demo's "APBDes not adopted"): neither is imported.
    kept = {v.region_id for v in books.demo_villages(pemda, DEMO_VILLAGE)}
    codes = VillageGovernment.objects.filter(pemda=pemda).values_list("region_id", flat=True)
    drafts = draft_codes(list(codes))
    assert not kept & drafts
    assert "; 0 APBDes diimpor" in second and f"; {20 - len(kept | drafts)} APBDes diimpor" in first

    adopted = TransferScenario.objects.filter(pemda=pemda, year=reference_year, adopted=True)
    assert sorted(adopted.values_list("kind", flat=True)) == sorted(TransferKind.values)
    allocation = {
        (kind, code): amount
        for kind, code, amount in TransferAllocation.objects.filter(scenario__in=adopted).values_list(
            "scenario__kind", "village__region_id", "jumlah"
        )
    }
    siltap = dict(
        TransferAllocation.objects.filter(scenario__in=adopted, scenario__kind=TransferKind.ADD).values_list(
            "village__region_id", "siltap"
        )
    )
    known = set(
        VillageActivity.objects.filter(year=reference_year, level=VillageActivity.Level.KEGIATAN).values_list(
            "code", flat=True
        )
    )
    villages = list(VillageGovernment.objects.filter(pemda=pemda))
    assert len(villages) == len(apbdes_ids) == 20
    absorption = []
    drafts = draft_codes([v.region_id for v in villages])
    for village in villages:
        code = village.region_id
        assert siltap[code] > 0  # the ADD pays each desa's siltap first
        apbdes = Apbdes.objects.get(village=village, year=reference_year)
        if code in drafts:
            assert (apbdes.stage, apbdes.origin) == (Apbdes.Stage.DRAFT, Origin.ENTRY)
            continue
        assert (apbdes.stage, apbdes.version_state, apbdes.origin) == (
            Apbdes.Stage.ADOPTED,
            Apbdes.State.FROZEN,
            Origin.ENTRY if code in kept else Origin.SISKEUDES,
        )
        lines = ApbdesLine.objects.filter(apbdes=apbdes)
        budget = _sides(lines.values_list("account_code", "amount"))
        assert budget["pendapatan"] - budget["belanja"] + budget["penerimaan"] - budget["pengeluaran"] == 0
        assert Decimal("1.5e9") <= budget["pendapatan"] <= Decimal("3e9")
        government = lines.filter(activity_code__startswith="01.01.").aggregate(s=Sum("amount"))["s"]
        assert government * 10 <= budget["belanja"] * 3  # the 70:30 rule
        # The transfer revenue is the adopted allocation.
        for account, kind in (
            ("4.2.1", TransferKind.DD),
            ("4.2.2", TransferKind.BHPRD),
            ("4.2.3", TransferKind.ADD),
        ):
            total = lines.filter(account_code__startswith=account + ".").aggregate(s=Sum("amount"))["s"]
            assert total == allocation[(kind, code)]
        assert {line.activity_code for line in lines if line.activity_code} <= known
        assert {line.activity_code[:2] for line in lines if line.activity_code} >= {"01", "02", "05"}
        real = _sides(
            Realisation.objects.filter(village=village, year=reference_year).values_list(
                "account_code", "amount"
            )
        )
        assert real["pendapatan"] > 0 and 0 < real["belanja"] <= budget["belanja"]
        absorption.append(real["belanja"] / budget["belanja"])
    # Some desa absorb little of their budget, most a great deal.
    assert min(absorption) < Decimal("0.6") < Decimal("0.75") < max(absorption)


def test_realisation_is_what_the_bookkeeping_in_the_export_adds_up_to(
    world: Any, reference_year: int
) -> None:
    """The generator's own totals (receipts, SPP other than advances, SPJ, posted journals, interest) are
    what the importer computed: advances still open, unposted journals and cash-bank moves count nothing."""
    seed(world.pemda_a, actor=TESTS, year=reference_year)
    code = world.desa_y.region_id
    amounts = dict(
        TransferAllocation.objects.filter(
            scenario__pemda=world.pemda_a, scenario__adopted=True, village=world.desa_y
        ).values_list("scenario__kind", "jumlah")
    )
    figures = DesaFigures(
        code, int(amounts[TransferKind.DD]), int(amounts[TransferKind.ADD]), int(amounts[TransferKind.BHPRD])
    )
    with tempfile.TemporaryDirectory() as directory:
        build_export(Path(directory) / "again.zip", reference_year, [figures])
    real = _sides(
        Realisation.objects.filter(village=world.desa_y, year=reference_year).values_list(
            "account_code", "amount"
        )
    )
    assert {side: int(real[side]) for side in figures.realised} == figures.realised
    assert all(
        is_receipt_side(a) or is_expenditure_side(a)
        for a in Realisation.objects.values_list("account_code", flat=True)
    )

    body = json.loads(Client().get(f"/api/v1/villages/{code}/apbdes/{reference_year}").content)
    assert Decimal(body["pendapatan"]["anggaran"]) == figures.budget["pendapatan"]
    assert Decimal(body["belanja"]["realisasi"]) == figures.realised["belanja"]
    assert (
        Decimal(body["pembiayaan"]["netto"]["realisasi"])
        == figures.realised["penerimaan"] - figures.realised["pengeluaran"]
    )
    assert [b["kode"] for b in body["bidang"]][:2] == ["01", "02"]


def test_seed_leaves_a_pemda_without_desa_alone(world: Any, reference_year: int) -> None:
    VillageGovernment.objects.filter(pemda=world.pemda_b).delete()
    assert seed(world.pemda_b, actor=TESTS, year=reference_year) == "villages: pemda ini tidak memiliki desa"
    assert not TransferScenario.objects.filter(pemda=world.pemda_b).exists()
