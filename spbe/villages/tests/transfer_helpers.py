"""A transfer scenario of pemda A for tests that need one to exist (the outsider tests among them)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from conftest import TESTS
from spbe.accounts.models import VillageGovernment
from spbe.villages.models import TransferScenario
from spbe.villages.transfers import transfer_scenario_import_published


def scenario_of_pemda_a(world: Any, name: str = "Pagu Dana Desa", year: int = 2027) -> TransferScenario:
    """A published Dana Desa table of every desa of pemda A (1 M, 2 M, ... by code), as a DD scenario."""
    found = TransferScenario.objects.filter(pemda=world.pemda_a, name=name, year=year).first()
    if found is not None:
        return found
    codes = sorted(VillageGovernment.objects.filter(pemda=world.pemda_a).values_list("region_id", flat=True))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "dana_desa.csv"
        lines = ["kode_desa,pagu", *(f"{code},{1_000_000_000 * n}" for n, code in enumerate(codes, start=1))]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return transfer_scenario_import_published(
            actor=TESTS, pemda=world.pemda_a, year=year, name=name, path=path
        )
