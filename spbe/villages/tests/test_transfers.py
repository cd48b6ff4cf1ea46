"""Transfer scenarios: simulate, import the published Dana Desa, adopt, compare, siltap check, access."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from conftest import grant, make_user
from spbe.accounts.models import Role, VillageGovernment
from spbe.core.errors import Conflict, ImportFailed, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.villages.models import TransferAllocation, TransferKind, TransferScenario
from spbe.villages.transfers import (
    transfer_scenario_adopt,
    transfer_scenario_import_published,
    transfer_scenario_rename,
    transfer_scenario_simulate,
)
from spbe.villages.transfers_access import scenario_for_user, transfers_for_user
from spbe.villages.transfers_selectors import (
    adopted_amounts,
    adopted_scenario,
    compare_scenarios,
    scenario_rows,
    siltap_check,
)

pytestmark = pytest.mark.django_db

D = Decimal
YEAR = 2027
CONFIG: dict[str, Any] = {
    "total": "1000000000",
    "rounding_unit": "1000",
    "equal_share": "0.6",
    "weights": {"penduduk": "0.5", "luas": "0.5"},
    "siltap": None,
}


@pytest.fixture
def dpmd(world: Any) -> Any:
    return grant(make_user("dpmd.a", world.pemda_a), world.pemda_a, Role.DPMD)


def codes(world: Any) -> list[str]:
    return sorted(VillageGovernment.objects.filter(pemda=world.pemda_a).values_list("region_id", flat=True))


def indicators(
    tmp_path: Path, world: Any, *, officials: bool = False, replace: dict[str, str] | None = None
) -> Path:
    """Every desa of pemda A: penduduk 100 x its position, luas 1, unless ``replace`` gives its line."""
    header = "kode_desa,penduduk,luas" + (",jumlah_perangkat_lain" if officials else "")
    lines = [header]
    for position, code in enumerate(codes(world), start=1):
        line = (replace or {}).get(code, f"{code},{100 * position},1" + (",4" if officials else ""))
        if line:
            lines.append(line)
    path = tmp_path / "desa.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def simulate(world: Any, actor: Any, path: Path, **changes: Any) -> TransferScenario:
    values: dict[str, Any] = {"year": YEAR, "kind": TransferKind.ADD, "name": "Skenario A", "config": CONFIG}
    values.update(changes)
    return transfer_scenario_simulate(actor=actor, pemda=world.pemda_a, indicators=path, **values)


def test_dpmd_simulates_a_scenario_for_every_desa(world: Any, dpmd: Any, tmp_path: Path) -> None:
    scenario = simulate(world, dpmd, indicators(tmp_path, world))
    scenario.refresh_from_db()
    assert (scenario.kind, scenario.year, scenario.total, scenario.adopted) == (
        "ADD",
        YEAR,
        D("1000000000"),
        False,
    )
    rows = list(scenario_rows(scenario))
    assert [row.village.region_id for row in rows] == codes(world)
    assert sum(row.jumlah for row in rows) == D("1000000000")
    assert all(row.jumlah % 1000 == 0 for row in rows)
    assert all(row.siltap + row.alokasi_dasar + row.alokasi_proporsional == row.jumlah for row in rows)
    # A desa with more people gets more: the last code has the largest population.
    assert rows[-1].jumlah > rows[0].jumlah
    assert rows[0].indicators == {"penduduk": "100", "luas": "1"}
    entry = AuditEntry.objects.get(action="transfer_scenario.simulate", object_id=str(scenario.pk))
    assert entry.pemda_code == "35.10"
    assert entry.after is not None
    assert entry.after["result_hash"] == scenario.result_hash
    assert entry.after["config"]["weights"] == {"penduduk": "0.5", "luas": "0.5"}
    assert scenario.created_by == dpmd


def test_the_pemda_admin_may_simulate_too(world: Any, tmp_path: Path) -> None:
    simulate(world, world.officer_a, indicators(tmp_path, world))
    assert TransferScenario.objects.filter(pemda=world.pemda_a).count() == 1


@pytest.mark.parametrize(
    "who", ["operator_x", "kades_x", "camat_x", "auditor", "tapd_a", "agency_head_a", "officer_b"]
)
def test_other_roles_cannot_simulate(world: Any, who: str, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        simulate(world, getattr(world, who), indicators(tmp_path, world))
    assert not TransferScenario.objects.exists()


def test_a_desa_of_another_pemda_or_a_missing_desa_is_refused(world: Any, dpmd: Any, tmp_path: Path) -> None:
    first = codes(world)[0]
    stranger = indicators(tmp_path, world, replace={first: "19.06.01.2001,5,1"})
    with pytest.raises(ImportFailed) as caught:
        simulate(world, dpmd, stranger)
    messages = [str(error) for error in caught.value.errors]
    assert any("19.06.01.2001" in m and "bukan kode desa" in m for m in messages)
    assert any(first in m and "tidak ada di berkas" in m for m in messages)
    assert not TransferScenario.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="transfer_scenario").exists()


def test_an_engine_error_writes_nothing(world: Any, dpmd: Any, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="tepat 1"):
        simulate(world, dpmd, indicators(tmp_path, world), config={**CONFIG, "weights": {"penduduk": "0.7"}})
    with pytest.raises(ValidationFailed, match="tidak cukup untuk siltap"):
        simulate(
            world,
            dpmd,
            indicators(tmp_path, world, officials=True),
            config={
                **CONFIG,
                "total": "1000",
                "siltap": {"kepala_desa": "1000", "sekretaris_desa": "0", "perangkat_lain": "0", "months": 1},
            },
        )
    assert not TransferScenario.objects.exists()


def test_names_are_unique_per_kind_and_year(world: Any, dpmd: Any, tmp_path: Path) -> None:
    path = indicators(tmp_path, world)
    simulate(world, dpmd, path)
    with pytest.raises(ValidationFailed, match="sudah ada"):
        simulate(world, dpmd, path, name="  Skenario   A ")
    simulate(world, dpmd, path, kind=TransferKind.BHPRD)
    assert TransferScenario.objects.count() == 2


def test_adopting_another_scenario_unadopts_the_previous_one(world: Any, dpmd: Any, tmp_path: Path) -> None:
    path = indicators(tmp_path, world)
    first = simulate(world, dpmd, path, name="Satu")
    second = simulate(world, dpmd, path, name="Dua", config={**CONFIG, "equal_share": "0.2"})
    dd = simulate(world, dpmd, path, name="DD", kind=TransferKind.DD)
    transfer_scenario_adopt(actor=dpmd, scenario=dd)
    transfer_scenario_adopt(actor=dpmd, scenario=first)
    assert adopted_scenario(world.pemda_a, YEAR, TransferKind.ADD) == first

    transfer_scenario_adopt(actor=world.officer_a, scenario=second)
    adopted = {s.name: s.adopted for s in TransferScenario.objects.all()}
    assert adopted == {"Satu": False, "Dua": True, "DD": True}
    second.refresh_from_db()
    assert second.adopted_by == world.officer_a and second.adopted_at is not None
    first.refresh_from_db()
    assert first.adopted_at is None and first.adopted_by is None
    actions = list(
        AuditEntry.objects.filter(action__in=["transfer_scenario.adopt", "transfer_scenario.unadopt"])
        .order_by("id")
        .values_list("action", "object_id")
    )
    assert actions[-2:] == [
        ("transfer_scenario.unadopt", str(first.pk)),
        ("transfer_scenario.adopt", str(second.pk)),
    ]
    amounts = adopted_amounts(world.pemda_a, YEAR)
    code = codes(world)[0]
    assert (
        amounts[code]["ADD"]
        == TransferAllocation.objects.get(scenario=second, village__region_id=code).jumlah
    )
    assert set(amounts[code]) == {"ADD", "DD"}


def test_an_adopted_scenario_is_frozen(world: Any, dpmd: Any, tmp_path: Path) -> None:
    scenario = simulate(world, dpmd, indicators(tmp_path, world))
    transfer_scenario_rename(actor=dpmd, scenario=scenario, name="Skenario utama")
    transfer_scenario_adopt(actor=dpmd, scenario=scenario)
    with pytest.raises(Conflict, match="sudah ditetapkan"):
        transfer_scenario_adopt(actor=dpmd, scenario=scenario)
    with pytest.raises(Conflict, match="tidak dapat diubah"):
        transfer_scenario_rename(actor=dpmd, scenario=scenario, name="Lain")
    scenario.refresh_from_db()
    assert scenario.name == "Skenario utama" and scenario.adopted


def test_only_transfer_staff_adopt(world: Any, dpmd: Any, tmp_path: Path) -> None:
    scenario = simulate(world, dpmd, indicators(tmp_path, world))
    for who in (world.auditor, world.operator_x, world.officer_b):
        with pytest.raises(PermissionDenied):
            transfer_scenario_adopt(actor=who, scenario=scenario)
    scenario.refresh_from_db()
    assert not scenario.adopted


def test_the_database_refuses_two_adopted_scenarios_of_one_kind_and_year(
    world: Any, dpmd: Any, tmp_path: Path
) -> None:
    path = indicators(tmp_path, world)
    first = simulate(world, dpmd, path, name="Satu")
    second = simulate(world, dpmd, path, name="Dua")
    transfer_scenario_adopt(actor=dpmd, scenario=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferScenario.objects.filter(pk=second.pk).update(adopted=True, adopted_at=first.adopted_at)


def test_comparison_lists_each_desa_with_its_difference(world: Any, dpmd: Any, tmp_path: Path) -> None:
    path = indicators(tmp_path, world)
    left = simulate(world, dpmd, path, name="Kiri")
    right = simulate(
        world, dpmd, path, name="Kanan", config={**CONFIG, "total": "1200000000", "equal_share": "1"}
    )
    comparison = compare_scenarios(left, right)
    assert [row.kode_desa for row in comparison.rows] == codes(world)
    assert comparison.difference == D("200000000")
    assert sum(row.difference for row in comparison.rows) == D("200000000")
    assert comparison.rows[0].difference > 0
    by_code = {row.village.region_id: row.jumlah for row in scenario_rows(left)}
    first = comparison.rows[0]
    assert first.left == by_code[first.kode_desa]
    rights = [row.right for row in comparison.rows if row.right is not None]
    assert len(rights) == len(codes(world)) and max(rights) - min(rights) <= 1000
    # The same total in equal shares only: the smallest desa gains, the largest loses.
    equal = simulate(world, dpmd, path, name="Rata", config={**CONFIG, "equal_share": "1"})
    comparison = compare_scenarios(left, equal)
    assert comparison.difference == 0 and sum(row.difference for row in comparison.rows) == 0
    assert comparison.rows[0].difference > 0 > comparison.rows[-1].difference
    assert comparison.changed == len(codes(world))


def test_siltap_check_lists_desa_whose_capped_add_misses_the_need(
    world: Any, dpmd: Any, tmp_path: Path
) -> None:
    # Siltap 10 jt a month x 12 for kepala alone = 120 jt need per desa; ADD with equal share 0 gives the
    # small desa little above their siltap, so 60% of their ADD cannot pay it.
    n = len(codes(world))
    config = {
        **CONFIG,
        "total": str(130_000_000 * n),
        "equal_share": "0",
        "siltap": {"kepala_desa": "10000000", "sekretaris_desa": "0", "perangkat_lain": "0", "months": 12},
    }
    path = indicators(tmp_path, world, officials=True)
    scenario = simulate(world, dpmd, path, config=config)
    listed = siltap_check(scenario)
    rows = {row.village.region_id: row for row in scenario_rows(scenario)}
    expected = [code for code, row in rows.items() if row.siltap_need > row.jumlah * D("0.6")]
    assert expected and [item.shortfall.kode_desa for item in listed] == expected
    first = listed[0]
    assert first.shortfall.need == D("120000000.00")
    assert first.shortfall.shortfall == first.shortfall.need - rows[first.shortfall.kode_desa].jumlah * D(
        "0.6"
    )
    assert first.nama


def test_dana_desa_is_imported_from_the_published_table(world: Any, dpmd: Any, tmp_path: Path) -> None:
    lines = ["kode_desa,nama_desa,pagu"]
    for position, code in enumerate(codes(world), start=1):
        lines.append(f'{code},Desa {position},"{position}.000.000.000"')
    path = tmp_path / "dana_desa.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scenario = transfer_scenario_import_published(
        actor=dpmd, pemda=world.pemda_a, year=YEAR, name="Pagu", path=path
    )
    n = len(codes(world))
    scenario.refresh_from_db()
    assert (scenario.kind, scenario.source, scenario.total) == (
        "DD",
        "published",
        D(1_000_000_000 * n * (n + 1) // 2),
    )
    assert [row.jumlah for row in scenario_rows(scenario)] == [D(1_000_000_000 * p) for p in range(1, n + 1)]
    assert AuditEntry.objects.filter(action="transfer_scenario.import", object_id=str(scenario.pk)).exists()


@pytest.mark.parametrize(
    ("pagu", "fragment"),
    [("-5", "negatif"), ("lima juta", "tidak valid"), ('"1.000,001"', "2 angka")],
)
def test_a_bad_published_table_writes_nothing(
    world: Any, dpmd: Any, tmp_path: Path, pagu: str, fragment: str
) -> None:
    lines = ["kode_desa,pagu", *(f"{code},1000" for code in codes(world)[1:]), f"{codes(world)[0]},{pagu}"]
    path = tmp_path / "dd.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        transfer_scenario_import_published(actor=dpmd, pemda=world.pemda_a, year=YEAR, name="Pagu", path=path)
    assert fragment in str(caught.value)
    assert not TransferScenario.objects.exists()


def test_access_is_for_transfer_staff_of_the_pemda(world: Any, dpmd: Any, tmp_path: Path) -> None:
    scenario = simulate(world, dpmd, indicators(tmp_path, world))
    for user in (dpmd, world.officer_a):
        pemda, can = transfers_for_user(user, "35.10")
        assert pemda == world.pemda_a and can.adopt
        found, can = scenario_for_user(user, "35.10", scenario.pk)
        assert found == scenario and can.simulate
    for user in (
        world.officer_b,
        world.operator_x,
        world.camat_x,
        world.auditor,
        world.tapd_a,
        world.platform,
    ):
        with pytest.raises(NotFound):
            transfers_for_user(user, "35.10")
        with pytest.raises(NotFound):
            scenario_for_user(user, "35.10", scenario.pk)
    # Pemda B's own DPMD cannot reach pemda A's scenario through its own pemda either.
    dpmd_b = grant(make_user("dpmd.b", world.pemda_b), world.pemda_b, Role.DPMD)
    with pytest.raises(NotFound):
        scenario_for_user(dpmd_b, "19.06", scenario.pk)


def test_an_adoption_that_misses_the_lock_is_a_conflict_not_a_crash(
    world: Any, dpmd: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = indicators(tmp_path, world)
    first = simulate(world, dpmd, path, name="Satu")
    second = simulate(world, dpmd, path, name="Dua")
    transfer_scenario_adopt(actor=dpmd, scenario=first)
    # As if the first adoption had committed after the group was read: the second does not see it.
    monkeypatch.setattr(
        TransferScenario.objects, "select_for_update", lambda: TransferScenario.objects.filter(adopted=False)
    )
    with pytest.raises(Conflict, match="baru saja ditetapkan"):
        transfer_scenario_adopt(actor=dpmd, scenario=second)
    assert list(TransferScenario.objects.filter(adopted=True)) == [first]
