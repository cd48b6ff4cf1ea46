"""Shared set-up of the stage tests: an adopted Dana Desa allocation, APBDes drafts and adopted ones."""

from __future__ import annotations

import tempfile
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import TESTS, grant, make_user
from spbe.accounts.models import Role, User, VillageGovernment
from spbe.villages.models import Apbdes, Origin, Realisation, TransferScenario
from spbe.villages.services import LineData, apbdes_adopt, apbdes_create, apbdes_line_save, apbdes_move
from spbe.villages.transfer_lines import allocation_adopt
from spbe.villages.transfers import transfer_scenario_import_published

YEAR = 2027


def dpmd_of(world: Any) -> User:
    found = User.objects.filter(username="dpmd.a").first()
    return found or grant(make_user("dpmd.a", world.pemda_a), world.pemda_a, Role.DPMD)


def codes(world: Any) -> list[str]:
    return sorted(VillageGovernment.objects.filter(pemda=world.pemda_a).values_list("region_id", flat=True))


def dana_desa(
    world: Any, amounts: dict[str, int] | None = None, *, name: str = "DD", base: int = 1_000_000_001
) -> TransferScenario:
    """A published Dana Desa table (every desa ``base`` rupiah unless ``amounts`` says otherwise), adopted."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "dd.csv"
        rows = [f"{code},{(amounts or {}).get(code, base)}" for code in codes(world)]
        path.write_text("kode_desa,pagu\n" + "\n".join(rows) + "\n", encoding="utf-8")
        scenario = transfer_scenario_import_published(
            actor=TESTS, pemda=world.pemda_a, year=YEAR, name=name, path=path
        )
    return allocation_adopt(actor=dpmd_of(world), scenario=scenario)[0]


def draft(world: Any, village: VillageGovernment) -> Apbdes:
    return apbdes_create(actor=TESTS, village=village, year=YEAR)


def spend_line(apbdes: Apbdes, amount: Decimal | int, activity: str = "02.03.01") -> None:
    apbdes_line_save(
        actor=TESTS,
        apbdes=apbdes,
        idempotency_key=uuid.uuid4(),
        data=LineData("5.3.5", activity, "DDS", "Jalan dusun", str(amount)),
    )


def adopt(apbdes: Apbdes) -> Apbdes:
    for action in ("agree", "submit", "approve"):
        apbdes_move(actor=TESTS, apbdes=apbdes, action=action)
    return apbdes_adopt(actor=TESTS, apbdes=apbdes)


def adopted_apbdes(world: Any, village: VillageGovernment, dd: Decimal) -> Apbdes:
    """A draft whose Dana Desa revenue the allocation wrote, balanced by one road kegiatan, adopted."""
    from spbe.villages.transfer_lines import transfer_revenue_apply

    apbdes = draft(world, village)
    transfer_revenue_apply(actor=TESTS, pemda=world.pemda_a, year=YEAR)
    spend_line(apbdes, dd)
    return adopt(apbdes)


def realise(
    village: VillageGovernment, amount: Decimal | int, activity: str = "02.03.01", source: str = "DDS"
) -> None:
    """Add ``amount`` to the desa's realised road spending of ``activity`` (as a bookkeeping sync would)."""
    row, _created = Realisation.objects.get_or_create(
        pemda_id=village.pemda_id,
        village=village,
        year=YEAR,
        origin=Origin.ENTRY,
        account_code="5.3.5.01",
        activity_code=activity,
        source_code=source,
        defaults={"amount": Decimal(0)},
    )
    row.amount += Decimal(amount)
    row.save(update_fields=["amount"])


def released_stage(world: Any) -> tuple[Any, Any]:
    """Dana Desa adopted, stages 40/40/20, desa X's APBDes adopted, stage 1 released to it and its stage
    report submitted (the same ones on every call within a test)."""
    from spbe.villages.models import DisbursementStage, RealisationReport
    from spbe.villages.reports import report_submit
    from spbe.villages.stages import StageSpec, stage_plan_set, stage_release

    found = RealisationReport.objects.filter(village=world.desa_x, year=YEAR).select_related("stage").first()
    if found is not None:
        return found.stage, found
    dana_desa(world)
    stage_plan_set(
        actor=TESTS,
        pemda=world.pemda_a,
        year=YEAR,
        kind="DD",
        stages=[
            StageSpec("40"),
            StageSpec("40", min_absorption="50", requires_activities_done=True),
            StageSpec("20"),
        ],
    )
    one = DisbursementStage.objects.get(pemda=world.pemda_a, year=YEAR, kind="DD", number=1)
    adopted_apbdes(world, world.desa_x, Decimal("1000000001"))
    stage_release(actor=TESTS, stage=one, village=world.desa_x)
    realise(world.desa_x, 100_000_000)
    report = report_submit(actor=TESTS, village=world.desa_x, year=YEAR, period="stage", stage=one)
    return one, report
