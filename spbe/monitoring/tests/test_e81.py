"""E.81 quarterly evaluation: columns 6-16 exactly as domain guide 5 says, a zero target an empty cell,
rows entered or imported by the agency only, every write audited."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from spbe.core.errors import ImportFailed, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.monitoring import e81
from spbe.monitoring.models import E81Target

pytestmark = pytest.mark.django_db


def road_target(world, **more):
    values = {
        "level": "sub_kegiatan",
        "code": "1.03.10.2.01.0028",
        "name": "Pengelolaan Leger Jalan",
        "indicator": "Panjang jalan dalam kondisi mantap",
        "measure": "km",
        "target_5y": "250",
        "realised_before": "120,5",
        "target_year": "60",
    }
    values.update(more)
    return e81.target_set(
        actor=world.agency_operator_a, unit=world.unit_a, year=2027, entry=e81.TargetInput(**values)
    )


def test_columns_13_to_16(world):
    target = road_target(world)
    for quarter, value in ((1, "10"), (2, "12.25"), (3, "20")):
        e81.realisation_set(actor=world.agency_operator_a, target=target, quarter=quarter, value=value)
    third = e81.form(world.unit_a, 2027, 3).lines[0]
    assert third.quarters == (Decimal("10.00"), Decimal("12.25"), Decimal("20.00"), None)
    assert third.col13 == Decimal("42.25")  # 9 + 10 + 11 + 12
    assert third.col14 == Fraction("42.25") / 60 * 100  # 13 / 8 x 100
    assert third.col15 == Decimal("162.75")  # 7 + 13
    assert third.col16 == Fraction("162.75") / 250 * 100  # 15 / 6 x 100
    # Evaluated at quarter I, later quarters are not counted yet.
    first = e81.form(world.unit_a, 2027, 1).lines[0]
    assert (first.col13, first.col15) == (Decimal("10.00"), Decimal("130.50"))
    assert AuditEntry.objects.filter(action="e81.realisation_set").count() == 3


def test_a_zero_target_gives_an_empty_achievement(world):
    target = road_target(world, target_5y="0", target_year="0")
    e81.realisation_set(actor=world.agency_operator_a, target=target, quarter=1, value="5")
    row = e81.form(world.unit_a, 2027, 4).lines[0]
    assert (row.col13, row.col14, row.col15, row.col16) == (Decimal("5.00"), None, Decimal("125.50"), None)
    # Nothing realised yet: column 13 empty, 14 empty, 15 is column 7 alone.
    other = road_target(world, indicator="Jembatan mantap", target_year="4")
    row = next(r for r in e81.form(world.unit_a, 2027, 4).lines if r.target.pk == other.pk)
    assert (row.col13, row.col14, row.col15) == (None, None, Decimal("120.50"))


def test_only_the_agency_writes_and_values_are_checked(world):
    road_target(world)
    with pytest.raises(PermissionDenied):
        e81.target_set(
            actor=world.agency_operator_a2,
            unit=world.unit_a,
            year=2027,
            entry=e81.TargetInput("program", "1.03.10", "P", "I", "km", "1", "1", "1"),
        )
    with pytest.raises(ValidationFailed):
        road_target(world, target_year="1,234")
    with pytest.raises(ValidationFailed):
        road_target(world, target_year="-1")
    target = E81Target.objects.get()
    with pytest.raises(PermissionDenied):
        e81.realisation_set(actor=world.auditor, target=target, quarter=1, value="3")
    e81.evaluation_set(
        actor=world.agency_head_a,
        unit=world.unit_a,
        year=2027,
        quarter=2,
        drivers="Cuaca baik",
        obstacles="Pembebasan lahan",
        follow_up="Koordinasi dengan BPN",
    )
    assert e81.form(world.unit_a, 2027, 2).evaluation.obstacles == "Pembebasan lahan"


def test_import_is_all_or_nothing(world, tmp_path):
    path = tmp_path / "e81.csv"
    header = (
        "tingkat,kode,nama,indikator,satuan,target_renstra,realisasi_sd_tahun_lalu,target_tahun_ini,tw1,tw2\n"
    )
    path.write_text(
        header
        + "program,1.03.10,Program Jalan,Jalan mantap,%,90,70,80,72,\n"
        + "sub kegiatan,1.03.10.2.01.0028,Leger,Ruas terdata,ruas,100,40,20,5,6.5\n",
        encoding="utf-8",
    )
    assert e81.targets_import(actor=world.agency_operator_a, unit=world.unit_a, year=2027, path=path) == 2
    rows = {t.code: t for t in E81Target.objects.filter(unit=world.unit_a)}
    assert rows["1.03.10.2.01.0028"].q2 == Decimal("6.50") and rows["1.03.10"].q2 is None
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header
        + "bidang,1,X,Y,%,1,1,1,,\n"
        + "program,1.03.11,P,Q,%,abc,1,1,,\n"
        + "program,1.03.12,P,Q,%,1,1,1,1.234,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failure:
        e81.targets_import(actor=world.agency_operator_a, unit=world.unit_a, year=2027, path=bad)
    assert [e.contract_line().split(":")[0] for e in failure.value.errors] == [
        "row 2, column tingkat",
        "row 3, column target_renstra",
        "row 4, column tw1",
    ]
    assert E81Target.objects.count() == 2
