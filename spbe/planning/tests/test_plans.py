"""Plans: importing RPJMD, Renstra, RKPD and Renja all or nothing, in the year's nomenclature, by the right
people; adopting freezes them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import TESTS, grant, make_user
from spbe.accounts.models import Role
from spbe.core.errors import Conflict, ImportFailed, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.core.versions import verify_frozen
from spbe.planning.models_plans import Plan, PlanKind, PlanRow, RowKind
from spbe.planning.plans import PERIOD_COLUMNS, PLAN_ROWS, plan_adopt, plan_header, plan_import

from .plans_helpers import (
    SUB_ROAD,
    SUB_SCHOOL,
    SUB_SUPPORT,
    YEAR,
    YEAR_HEADER,
    import_rkpd,
    item,
    planners,
    rkpd_rows,
    write_csv,
)

pytestmark = pytest.mark.django_db
PERIOD_HEADER = [c.key for c in PERIOD_COLUMNS]


def _lines(failure: ImportFailed) -> list[str]:
    return [e.contract_line() for e in failure.errors]


def test_an_rkpd_is_imported_with_names_locations_and_exact_ceilings(world, tmp_path):
    planner, _other = planners(world)
    plan = import_rkpd(world, tmp_path, planner)
    assert (plan.kind, plan.year, plan.unit, plan.nomenclature_year) == ("rkpd", YEAR, None, YEAR)
    assert not plan.is_frozen
    rows = list(PlanRow.objects.filter(plan=plan).order_by("position"))
    assert [(r.position, r.row_kind, r.code, r.unit, r.location_id) for r in rows] == [
        (1, RowKind.SUB_KEGIATAN, SUB_ROAD, world.unit_a, world.desa_x.region_id),
        (2, RowKind.SUB_KEGIATAN, SUB_SUPPORT, world.unit_a, None),
        (3, RowKind.SUB_KEGIATAN, SUB_SCHOOL, world.unit_a2, "35.10.03"),
    ]
    assert rows[0].name == "Pembangunan Stasiun Pompa Banjir"
    # The support program resolves to the generic X.XX.01 row's name.
    assert rows[1].name == "Penyediaan Gaji dan Tunjangan ASN"
    assert rows[0].ceiling == Decimal("1500000000.50") and rows[1].target == Decimal("120")
    entry = AuditEntry.objects.filter(action="plan.import").get()
    assert entry.after["rows"] == 3 and entry.after["totals"][0] == "6900000000.50"
    assert entry.pemda_code == "35.10"


def test_a_code_outside_the_years_nomenclature_is_refused_naming_code_and_year(world, tmp_path):
    planner, _other = planners(world)
    rows = rkpd_rows(world)
    rows[0][1] = "1.03.02.2.01.9999"
    rows[1][1] = "1.01.01.2.02.0001"  # unit A serves 1.03, not 1.01
    with pytest.raises(ImportFailed) as caught:
        import_rkpd(world, tmp_path, planner, rows)
    lines = _lines(caught.value)
    assert lines[0] == (
        "row 2, column kode_sub_kegiatan: "
        "sub kegiatan 1.03.02.2.01.9999 tidak ada pada nomenklatur tahun 2027"
    )
    assert lines[1].startswith(
        "row 3, column kode_sub_kegiatan: program penunjang 1.01.01.2.02.0001 harus ditulis"
    )
    assert len(lines) == 2  # unit A2 serves 1.01: its support program is fine
    assert not Plan.objects.exists() and not PlanRow.objects.exists()


def test_every_bad_row_is_reported_and_nothing_is_written(world, tmp_path):
    planner, _other = planners(world)
    first = import_rkpd(world, tmp_path, planner)
    before = list(PlanRow.objects.filter(plan=first).values_list("code", "ceiling_1"))
    a = world.unit_a.code
    bad = [
        [a, SUB_ROAD, "35.10.02.2001", "Stasiun pompa", "1", "unit", "1.500.000.000,50"],
        ["9.99.0.00.0.00.01.0000", SUB_ROAD, "", "x", "1", "unit", "10"],
        [a, SUB_SUPPORT, "19.06.01", "Gaji", "1", "orang", "10"],
        [a, SUB_SUPPORT, "", "Gaji", "banyak", "orang", "Rp 1,5 juta"],
        [a, SUB_ROAD, "35.10.02.2001", "Stasiun pompa", "1", "unit", "1"],
    ]
    with pytest.raises(ImportFailed) as caught:
        import_rkpd(world, tmp_path, planner, bad)
    lines = _lines(caught.value)
    assert (
        lines[0] == "row 3, column kode_skpd: perangkat daerah 9.99.0.00.0.00.01.0000 tidak ada di pemda ini"
    )
    assert lines[1].startswith("row 4, column lokasi: lokasi 19.06.01 bukan kecamatan atau desa/kelurahan")
    assert [line.split(":")[0] for line in lines[2:]] == [
        "row 5, column target",
        "row 5, column pagu_indikatif",
        "row 6, column kode_sub_kegiatan",
    ]
    assert "sama dengan baris 2" in lines[-1]
    assert list(PlanRow.objects.filter(plan=first).values_list("code", "ceiling_1")) == before
    assert AuditEntry.objects.filter(action="plan.import").count() == 1


def test_reimporting_a_draft_keeps_the_rows_that_stay(world, tmp_path):
    planner, _other = planners(world)
    plan = import_rkpd(world, tmp_path, planner)
    road = item(plan, SUB_ROAD)
    rows = rkpd_rows(world)
    rows[0][6] = "1.750.000.000"
    again = import_rkpd(world, tmp_path, planner, [rows[2], rows[0]])
    assert again.pk == plan.pk
    road_after = item(plan, SUB_ROAD)
    assert (
        road_after.pk == road.pk and road_after.position == 2 and road_after.ceiling == Decimal("1750000000")
    )
    assert not PlanRow.objects.filter(plan=plan, code=SUB_SUPPORT).exists()


def test_only_bappeda_writes_the_rkpd(world, tmp_path):
    for outsider in (world.agency_operator_a, world.tapd_a, world.auditor, world.camat_x):
        with pytest.raises(PermissionDenied):
            import_rkpd(world, tmp_path, outsider)
    assert not Plan.objects.exists()


def _renja(world, tmp_path, actor, unit, rows=None):
    path = write_csv(
        tmp_path / "renja.csv",
        YEAR_HEADER,
        rows if rows is not None else [["", SUB_ROAD, "", "Stasiun pompa", "2", "unit", "900.000.000"]],
    )
    return plan_import(path, actor=actor, pemda_code="35.10", kind="renja", year=YEAR, unit_code=unit.code)


def test_an_agency_writes_its_own_renja_and_its_head_adopts_it(world, tmp_path):
    result = _renja(world, tmp_path, world.agency_operator_a, world.unit_a)
    plan = result.plan
    assert (plan.kind, plan.unit) == ("renja", world.unit_a)
    with pytest.raises(PermissionDenied):
        _renja(world, tmp_path, world.agency_operator_a2, world.unit_a)
    planner, _other = planners(world)
    with pytest.raises(PermissionDenied):
        _renja(world, tmp_path, planner, world.unit_a)
    with pytest.raises(PermissionDenied):
        plan_adopt(actor=world.agency_operator_a, plan=plan)
    plan_adopt(actor=world.agency_head_a, plan=plan)
    plan.refresh_from_db()
    assert plan.is_frozen and verify_frozen(plan, PLAN_ROWS, plan_header(plan))
    with pytest.raises(Conflict):
        _renja(world, tmp_path, world.agency_operator_a, world.unit_a)


def test_a_renja_row_of_another_agency_is_refused(world, tmp_path):
    rows = [[world.unit_a2.code, SUB_SCHOOL, "", "Sekolah", "1", "unit", "1"]]
    with pytest.raises(ImportFailed) as caught:
        _renja(world, tmp_path, world.agency_operator_a, world.unit_a, rows)
    assert _lines(caught.value)[0].startswith("row 2, column kode_skpd: baris milik 1.01.0.00.0.00.01.0000")


def test_adopting_the_rkpd_freezes_it(world, tmp_path):
    planner, _other = planners(world)
    plan = import_rkpd(world, tmp_path, planner)
    with pytest.raises(PermissionDenied):
        plan_adopt(actor=world.tapd_a, plan=plan)
    plan_adopt(actor=planner, plan=plan)
    plan.refresh_from_db()
    assert plan.is_frozen and len(plan.content_hash) == 64
    assert AuditEntry.objects.filter(action="plan.adopt", object_id=str(plan.pk)).exists()
    with pytest.raises(Conflict):
        import_rkpd(world, tmp_path, planner)


RPJMD = [
    ["visi", "", "Banyuwangi maju, sejahtera dan berakhlak", "", "", "", "", "", *[""] * 10],
    ["misi", "1", "Infrastruktur yang merata", "", "", "", "", "", *[""] * 10],
    ["tujuan", "1.1", "Meningkatkan konektivitas", "", "", "", "", "", *[""] * 10],
    [
        "sasaran",
        "1.1.1",
        "Jalan mantap",
        "",
        "",
        "Persentase jalan mantap",
        "%",
        "78,5",
        "80",
        "82",
        "84",
        "86",
        "88",
        *[""] * 5,
    ],
    [
        "program",
        "1.03.02",
        "",
        "1.1.1",
        "1.03.0.00.0.00.02.0000",
        "Sungai yang dikelola",
        "km",
        "10",
        "12",
        "14",
        "16",
        "18",
        "20",
        "10.000.000.000",
        "11.000.000.000",
        "12.000.000.000",
        "13.000.000.000",
        "14.000.000.000,25",
    ],
]


def _rpjmd(tmp_path, actor, rows=RPJMD):
    path = write_csv(tmp_path / "rpjmd.csv", PERIOD_HEADER, rows)
    return plan_import(path, actor=actor, pemda_code="35.10", kind="rpjmd", year=2026)


def test_an_rpjmd_holds_vision_missions_targets_and_programs_with_five_years(world, tmp_path):
    planner, _other = planners(world)
    result = _rpjmd(tmp_path, planner)
    plan = result.plan
    # 2026 has no list loaded in the test database: the period's first loaded year is used, and kept.
    assert (plan.period_label, plan.nomenclature_year) == ("2026-2030", 2027)
    assert plan.vision == "Banyuwangi maju, sejahtera dan berakhlak"
    rows = list(PlanRow.objects.filter(plan=plan).order_by("position"))
    assert [(r.row_kind, r.code, r.parent_code) for r in rows] == [
        ("misi", "1", ""),
        ("tujuan", "1.1", "1"),
        ("sasaran", "1.1.1", "1.1"),
        ("program", "1.03.02", "1.1.1"),
    ]
    sasaran, program = rows[2], rows[3]
    assert sasaran.baseline == Decimal("78.5") and sasaran.targets() == [
        Decimal(v) for v in (80, 82, 84, 86, 88)
    ]
    assert program.name == "PROGRAM PENGELOLAAN SUMBER DAYA AIR (SDA)" and program.unit == world.unit_a
    assert program.ceilings()[4] == Decimal("14000000000.25")
    assert result.totals[0] == Decimal("10000000000")


def test_rpjmd_rows_are_checked_for_order_kind_and_money(world, tmp_path):
    planner, _other = planners(world)
    rows = [list(r) for r in RPJMD]
    rows.insert(3, ["tujuan", "3.1", "Lain", "", "", "", "", "", *[""] * 10])  # its misi 3 is not written
    rows[4][13] = "5.000"  # a ceiling on a sasaran
    rows[5][1] = "1.03.99"  # no such program in 2027
    rows.append(["kegiatan", "1.03.02.2.01", "", "", "1.03.0.00.0.00.02.0000", "", "", "", *[""] * 10])
    with pytest.raises(ImportFailed) as caught:
        _rpjmd(tmp_path, planner, rows)
    assert [line.split(":")[0] for line in _lines(caught.value)] == [
        "row 5, column kode",
        "row 6, column pagu_1",
        "row 7, column kode",
        "row 8, column jenis",
    ]
    assert "program 1.03.99 tidak ada pada nomenklatur tahun 2027" in _lines(caught.value)[2]
    assert not Plan.objects.exists()


def test_a_renstra_sits_under_its_rpjmd_and_is_adopted_after_it(world, tmp_path):
    renstra = [
        ["tujuan", "1.1", "Konektivitas", "", "", "", "", "", *[""] * 10],
        [
            "program",
            "1.03.02",
            "",
            "",
            "",
            "Sungai",
            "km",
            "1",
            "1",
            "2",
            "3",
            "4",
            "5",
            "1",
            "1",
            "1",
            "1",
            "1",
        ],
        ["kegiatan", "1.03.02.2.01", "", "", "", "", "", "", *[""] * 10],
        ["sub_kegiatan", SUB_ROAD, "", "", "", "Pompa", "unit", "", "1", "", "", "", "", "5", "", "", "", ""],
        ["sub_kegiatan", "1.03.02.2.02.0002", "", "", "", "", "", "", *[""] * 10],
    ]
    path = write_csv(tmp_path / "renstra.csv", PERIOD_HEADER, renstra)

    def load(actor):
        return plan_import(
            path, actor=actor, pemda_code="35.10", kind="renstra", year=2026, unit_code=world.unit_a.code
        )

    with pytest.raises(ValidationFailed, match="RPJMD periode 2026-2030 belum ada"):
        load(world.agency_operator_a)
    planner, _other = planners(world)
    rpjmd = _rpjmd(tmp_path, planner).plan
    with pytest.raises(ImportFailed) as caught:
        load(world.agency_operator_a)
    assert _lines(caught.value) == ["row 6, column kode: induk 1.03.02.2.02 belum ditulis di atas baris ini"]
    renstra.pop()
    path = write_csv(tmp_path / "renstra.csv", PERIOD_HEADER, renstra)
    plan = load(world.agency_operator_a).plan
    assert plan.parent == rpjmd and PlanRow.objects.filter(plan=plan).count() == 4
    with pytest.raises(Conflict, match="Tetapkan dulu RPJMD 2026-2030"):
        plan_adopt(actor=world.agency_head_a, plan=plan)
    plan_adopt(actor=planner, plan=rpjmd)
    plan_adopt(actor=world.agency_head_a, plan=plan)
    assert Plan.objects.get(pk=plan.pk).is_frozen


def test_a_system_actor_writes_any_plan(world, tmp_path):
    plan = import_rkpd(world, tmp_path, TESTS)
    assert plan.kind == PlanKind.RKPD


def test_a_pemda_wide_reader_cannot_write(world, tmp_path):
    dprd = grant(make_user("dprd.a", world.pemda_a), world.pemda_a, Role.DPRD_MEMBER)
    with pytest.raises(PermissionDenied):
        import_rkpd(world, tmp_path, dprd)
