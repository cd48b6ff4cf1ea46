"""The DPMD pages: scenario list, one scenario with its siltap check, the comparison and the adopt button."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.core.models import AuditEntry
from spbe.villages.models import TransferScenario

from .test_transfers import CONFIG, codes, indicators, simulate
from .transfer_helpers import scenario_of_pemda_a

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpmd(world: Any) -> Any:
    return grant(make_user("dpmd.a", world.pemda_a), world.pemda_a, Role.DPMD)


def test_the_list_shows_the_scenarios_with_their_totals(world: Any, dpmd: Any) -> None:
    scenario = scenario_of_pemda_a(world)
    page = world.client_for(dpmd).get("/app/35.10/transfer-desa/")
    assert page.status_code == 200
    html = page.content.decode()
    assert scenario.name in html
    assert "Rp" + f"{scenario.total:,.0f}".replace(",", ".") + ",00" in html
    assert f"/app/35.10/transfer-desa/{scenario.pk}/" in html


def test_adopting_from_the_page(world: Any, dpmd: Any) -> None:
    scenario = scenario_of_pemda_a(world)
    client = world.client_for(dpmd)
    detail = client.get(f"/app/35.10/transfer-desa/{scenario.pk}/").content.decode()
    assert "Tetapkan skenario ini" in detail
    assert codes(world)[0] in detail
    response = client.post(f"/app/35.10/transfer-desa/{scenario.pk}/tetapkan/")
    assert response.status_code == 302 and response["Location"] == f"/app/35.10/transfer-desa/{scenario.pk}/"
    scenario.refresh_from_db()
    assert scenario.adopted and scenario.adopted_by == dpmd
    after = client.get(response["Location"]).content.decode()
    assert "ditetapkan sebagai" in after and "Tetapkan skenario ini" not in after
    # Adopting it again is refused with a message, and nothing more is recorded.
    entries = AuditEntry.objects.filter(action="transfer_scenario.adopt").count()
    again = client.post(f"/app/35.10/transfer-desa/{scenario.pk}/tetapkan/", follow=True)
    assert "sudah ditetapkan" in again.content.decode()
    assert AuditEntry.objects.filter(action="transfer_scenario.adopt").count() == entries


@pytest.mark.parametrize("who", ["auditor", "operator_x", "camat_x", "tapd_a"])
def test_other_roles_of_the_pemda_find_nothing(world: Any, who: str) -> None:
    scenario = scenario_of_pemda_a(world)
    client = world.client_for(getattr(world, who))
    assert client.get("/app/35.10/transfer-desa/").status_code == 404
    assert client.get(f"/app/35.10/transfer-desa/{scenario.pk}/").status_code == 404
    assert client.post(f"/app/35.10/transfer-desa/{scenario.pk}/tetapkan/").status_code == 404
    assert not TransferScenario.objects.get(pk=scenario.pk).adopted


def test_the_comparison_shows_each_desa_and_the_difference(world: Any, dpmd: Any, tmp_path: Path) -> None:
    path = indicators(tmp_path, world)
    left = simulate(world, dpmd, path, name="Kiri")
    right = simulate(world, dpmd, path, name="Rata", config={**CONFIG, "equal_share": "1"})
    client = world.client_for(dpmd)
    empty = client.get("/app/35.10/transfer-desa/banding/")
    assert empty.status_code == 200 and "desa berubah" not in empty.content.decode()
    html = client.get(f"/app/35.10/transfer-desa/banding/?kiri={left.pk}&kanan={right.pk}").content.decode()
    assert f"{len(codes(world))} desa berubah" in html
    assert "Kiri" in html and "Rata" in html
    assert html.count("<tr>") >= len(codes(world))
    # A scenario of another pemda, or one that does not exist, is not found.
    assert client.get(f"/app/35.10/transfer-desa/banding/?kiri={left.pk}&kanan=999999").status_code == 404


def test_the_detail_page_lists_siltap_shortfalls(world: Any, dpmd: Any, tmp_path: Path) -> None:
    n = len(codes(world))
    config = {
        **CONFIG,
        "total": str(130_000_000 * n),
        "equal_share": "0",
        "siltap": {"kepala_desa": "10000000", "sekretaris_desa": "0", "perangkat_lain": "0", "months": 12},
    }
    scenario = simulate(world, dpmd, indicators(tmp_path, world, officials=True), config=config)
    html = world.client_for(dpmd).get(f"/app/35.10/transfer-desa/{scenario.pk}/").content.decode()
    assert 'class="shortfall"' in html
    assert codes(world)[0] in html.split('class="shortfall"')[1]
    plain = scenario_of_pemda_a(world)
    html = world.client_for(dpmd).get(f"/app/35.10/transfer-desa/{plain.pk}/").content.decode()
    assert 'class="shortfall"' not in html


def test_simulating_from_the_page(world: Any, dpmd: Any, tmp_path: Path) -> None:
    client = world.client_for(dpmd)
    path = indicators(tmp_path, world)
    with path.open("rb") as upload:
        response = client.post(
            "/app/35.10/transfer-desa/simulasi/",
            {
                "year": "2027",
                "kind": "BHPRD",
                "name": "BHPRD awal",
                "config": json.dumps(CONFIG),
                "berkas": upload,
            },
        )
    scenario = TransferScenario.objects.get(name="BHPRD awal")
    assert response.status_code == 302 and response["Location"] == f"/app/35.10/transfer-desa/{scenario.pk}/"
    assert (scenario.kind, scenario.year, scenario.total, scenario.created_by) == (
        "BHPRD",
        2027,
        Decimal("1000000000"),
        dpmd,
    )
    assert scenario.allocations.count() == len(codes(world))


def test_a_bad_upload_shows_every_error_and_writes_nothing(world: Any, dpmd: Any, tmp_path: Path) -> None:
    client = world.client_for(dpmd)
    bad = indicators(tmp_path, world, replace={codes(world)[0]: f"{codes(world)[0]},-3,1"})
    with bad.open("rb") as upload:
        response = client.post(
            "/app/35.10/transfer-desa/simulasi/",
            {"year": "2027", "kind": "ADD", "name": "Salah", "config": json.dumps(CONFIG), "berkas": upload},
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "tidak boleh negatif" in html and "baris 2" in html
    assert 'value="Salah"' in html  # what was typed is kept
    response = client.post(
        "/app/35.10/transfer-desa/simulasi/", {"year": "2027", "kind": "ADD", "name": "X", "config": "{"}
    )
    assert "bukan JSON yang sah" in response.content.decode()
    assert not TransferScenario.objects.exists()


def test_importing_dana_desa_from_the_page(world: Any, dpmd: Any, tmp_path: Path) -> None:
    path = tmp_path / "dd.csv"
    path.write_text(
        "kode_desa,pagu\n" + "".join(f'{c},"1.000.000"\n' for c in codes(world)), encoding="utf-8"
    )
    with path.open("rb") as upload:
        response = world.client_for(dpmd).post(
            "/app/35.10/transfer-desa/impor-dana-desa/",
            {"dd_year": "2027", "dd_name": "Pagu DD", "dd_berkas": upload},
        )
    scenario = TransferScenario.objects.get(name="Pagu DD")
    assert response.status_code == 302
    assert (scenario.kind, scenario.total) == ("DD", Decimal(1_000_000 * len(codes(world))))


def test_only_transfer_staff_may_upload(world: Any, tmp_path: Path) -> None:
    path = indicators(tmp_path, world)
    with path.open("rb") as upload:
        response = world.client_for(world.auditor).post(
            "/app/35.10/transfer-desa/simulasi/",
            {"year": "2027", "kind": "ADD", "name": "A", "config": json.dumps(CONFIG), "berkas": upload},
        )
    assert response.status_code == 404
    assert not TransferScenario.objects.exists()
