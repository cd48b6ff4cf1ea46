"""Builders for the plans tests: plan tables as CSV files, an RKPD of the test year, a proposal at the
Musrenbang kabupaten."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from spbe.planning.models import Proposal, Stage
from spbe.planning.models_plans import Plan, PlanRow
from spbe.planning.plans import YEAR_COLUMNS, plan_import
from spbe.planning.services import proposal_decide, proposal_submit

from .helpers import new_proposal, planners

YEAR = 2027  # the year whose reference lists every test database holds
SUB_ROAD = "1.03.02.2.01.0013"  # Pembangunan Stasiun Pompa Banjir (bidang 1.03, unit A)
SUB_SUPPORT = "1.03.01.2.02.0001"  # the support program X.XX.01 written with unit A's bidang
SUB_SCHOOL = "1.01.02.2.01.0001"  # Pembangunan Unit Sekolah Baru (unit A2)
YEAR_HEADER = [c.key for c in YEAR_COLUMNS]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def rkpd_rows(world: Any) -> list[list[str]]:
    a, a2 = world.unit_a.code, world.unit_a2.code
    return [
        [a, SUB_ROAD, world.desa_x.region_id, "Stasiun pompa terbangun", "1", "unit", "1.500.000.000,50"],
        [a, SUB_SUPPORT, "", "Pegawai yang menerima gaji", "120", "orang/bulan", "2.400.000.000"],
        [a2, SUB_SCHOOL, "35.10.03", "Sekolah baru", "2", "unit", "3.000.000.000"],
    ]


def import_rkpd(world: Any, tmp_path: Path, actor: Any, rows: list[list[str]] | None = None) -> Plan:
    path = write_csv(tmp_path / "rkpd.csv", YEAR_HEADER, rows if rows is not None else rkpd_rows(world))
    return plan_import(path, actor=actor, pemda_code="35.10", kind="rkpd", year=YEAR).plan


def item(plan: Plan, code: str) -> PlanRow:
    return PlanRow.objects.get(plan=plan, code=code)


def at_kabupaten(world: Any, first_planner: Any, **fields: Any) -> Proposal:
    """A proposal of desa X for the test year, forwarded up to the Musrenbang kabupaten."""
    proposal = new_proposal(world, year=YEAR, **fields)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    for officer in (world.kades_x, world.camat_x, world.agency_head_a, first_planner):
        proposal_decide(actor=officer, proposal=proposal, outcome="forward")
    assert proposal.state == Stage.KABUPATEN
    return proposal


__all__ = ["planners"]


def rkpd_of_pemda_a(world: Any) -> Plan:
    """Pemda A's RKPD of the test year, imported by the test system actor (the same one on every call)."""
    import tempfile

    from conftest import TESTS

    found = Plan.objects.filter(pemda=world.pemda_a, kind="rkpd").first()
    if found is not None:
        return found
    with tempfile.TemporaryDirectory() as folder:
        return import_rkpd(world, Path(folder), TESTS)
