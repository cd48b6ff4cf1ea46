"""Point 5 and 6 pages: who sees which desa, release from the page, the consolidated report (page, XLSX,
PDF) summed exactly, and query counts that do not grow with the number of desa."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import TESTS, grant, make_user
from spbe.accounts.models import Role, VillageGovernment
from spbe.villages.models import RealisationReport, StageRelease
from spbe.villages.reports import consolidate, dashboard, report_move, reports_submit
from spbe.villages.stages import stage_status, stages_of
from spbe.villages.tests.stage_helpers import YEAR, adopted_apbdes, dpmd_of, realise, released_stage

pytestmark = pytest.mark.django_db
D = Decimal


def base(world: Any) -> str:
    return f"/app/{world.pemda_a.code}/pencairan-desa/{YEAR}/"


def test_the_camat_sees_the_kecamatan_and_a_desa_only_itself(world: Any, reference_year: int) -> None:
    released_stage(world)
    x, y = world.desa_x.region_id, world.desa_y.region_id
    page = world.client_for(dpmd_of(world)).get(base(world)).content.decode()
    assert f'data-desa="{x}"' in page and f'data-desa="{y}"' in page
    camat = world.client_for(world.camat_x).get(base(world)).content.decode()
    kecamatan = set(
        VillageGovernment.objects.filter(kecamatan=world.desa_x.kecamatan).values_list("region_id", flat=True)
    )
    assert {code for code in kecamatan if f'data-desa="{code}"' in camat} == kecamatan
    assert f'data-desa="{y}"' not in camat
    assert world.client_for(world.camat_x).get(f"{base(world)}desa/{y}/").status_code == 404
    desa = world.client_for(world.operator_x).get(base(world)).content.decode()
    assert f'data-desa="{x}"' in desa and desa.count("data-desa=") == 1
    assert world.client_for(world.operator_y).get(f"{base(world)}desa/{x}/").status_code == 404
    # A member of the pemda without a village-finance role is an outsider here.
    assert world.client_for(world.agency_operator_a).get(base(world)).status_code == 404


def test_the_stage_page_says_what_blocks_each_desa_and_dpmd_releases_from_it(
    world: Any, reference_year: int
) -> None:
    _stage, report = released_stage(world)
    dpmd = dpmd_of(world)
    client = world.client_for(dpmd)
    page = client.get(f"{base(world)}tahap/DD/2/").content.decode()
    assert "Laporan realisasi tahap 1 belum diterima kabupaten" in page
    assert "Tahap 1 belum disalurkan ke desa ini." in page  # every other desa
    report_move(actor=world.camat_x, report=report, action="camat_receive")
    report_move(actor=dpmd, report=report, action="receive")
    # 100,000,000 of 400,000,001 released: 24.99%, under the 50% of stage 2.
    assert (
        "Serapan tahap 1 24.99% di bawah syarat 50.00%"
        in client.get(f"{base(world)}tahap/DD/2/").content.decode()
    )
    # Stage 1 to desa Y: its APBDes is not adopted; the camat cannot release at all.
    y = world.desa_y.region_id
    response = client.post(f"{base(world)}tahap/DD/1/salurkan/{y}/", follow=True)
    assert "APBDes 2027 belum ditetapkan" in response.content.decode()
    assert not StageRelease.objects.filter(village=world.desa_y).exists()
    adopted_apbdes(world, world.desa_y, D("1000000001"))
    world.client_for(world.camat_y).post(f"{base(world)}tahap/DD/1/salurkan/{y}/")
    assert not StageRelease.objects.filter(village=world.desa_y).exists()
    client.post(f"{base(world)}tahap/DD/1/salurkan/")
    assert StageRelease.objects.get(village=world.desa_y).amount == D("400000001.00")


def test_dpmd_applies_the_allocation_to_drafts_from_the_dashboard(world: Any, reference_year: int) -> None:
    from spbe.villages.models import ApbdesLine
    from spbe.villages.tests.stage_helpers import dana_desa, draft

    dana_desa(world)
    y = draft(world, world.desa_y)  # started after the adoption: no Dana Desa line yet
    assert not ApbdesLine.objects.filter(apbdes=y).exists()
    world.client_for(world.operator_y).post(f"{base(world)}terapkan-alokasi/")
    assert not ApbdesLine.objects.filter(apbdes=y).exists()
    response = world.client_for(dpmd_of(world)).post(f"{base(world)}terapkan-alokasi/", follow=True)
    assert "1 draf APBDes diperbarui." in response.content.decode()
    assert list(ApbdesLine.objects.filter(apbdes=y).values_list("account_code", "amount")) == [
        ("4.2.1.01", D("1000000001.00"))
    ]


def test_reports_go_up_the_chain_and_consolidate_exactly(world: Any, reference_year: int) -> None:
    released_stage(world)
    adopted_apbdes(world, world.desa_y, D("1000000001"))
    realise(world.desa_y, D("123456789.01"))
    s1 = reports_submit(actor=TESTS, villages=[world.desa_x, world.desa_y], year=YEAR, period="semester1")
    # The camat of X cannot receive Y's report; each camat receives their own, then DPMD.
    report_y = next(r for r in s1 if r.village_id == world.desa_y.pk)
    client_x = world.client_for(world.camat_x)
    client_x.post(f"{base(world)}laporan/{report_y.pk}/camat_receive/")
    report_y.refresh_from_db()
    assert report_y.state == RealisationReport.State.SUBMITTED
    for report, camat in zip(
        sorted(s1, key=lambda r: r.village_id != world.desa_x.pk), (world.camat_x, world.camat_y), strict=True
    ):
        world.client_for(camat).post(f"{base(world)}laporan/{report.pk}/camat_receive/")
        world.client_for(dpmd_of(world)).post(f"{base(world)}laporan/{report.pk}/receive/")
    assert set(RealisationReport.objects.filter(period="semester1").values_list("state", flat=True)) == {
        "received"
    }

    villages = list(VillageGovernment.objects.filter(pemda=world.pemda_a).order_by("region_id"))
    data = consolidate(villages, YEAR, "semester1")
    assert data.totals["belanja"]["anggaran"] == D("2000000002.00")
    assert data.totals["belanja"]["realisasi"] == D("223456789.01")
    assert data.counts == {"received": 2, "missing": len(villages) - 2}

    client = world.client_for(dpmd_of(world))
    page = client.get(f"{base(world)}konsolidasi/semester1/").content.decode()
    assert "Rp223.456.789,01" in page and "Rp2.000.000.002,00" in page
    xlsx = client.get(f"{base(world)}konsolidasi/semester1.xlsx")
    sheet: Any = load_workbook(io.BytesIO(b"".join(cast(Any, xlsx).streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    column = header.index("Belanja realisasi")
    assert sum(D(str(r[column])) for r in rows[1:]) == D("223456789.01")
    pdf = client.get(f"{base(world)}konsolidasi/semester1.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "223.456.789,01" in text and "2.000.000.002,00" in text
    # The camat's consolidation covers the kecamatan only.
    camat_page = world.client_for(world.camat_y).get(f"{base(world)}konsolidasi/semester1/").content.decode()
    assert "Rp123.456.789,01" in camat_page and "Rp223.456.789,01" not in camat_page


def test_queries_do_not_grow_with_the_number_of_desa(world: Any, reference_year: int) -> None:
    released_stage(world)
    adopted_apbdes(world, world.desa_y, D("1000000001"))
    reports_submit(actor=TESTS, villages=[world.desa_y], year=YEAR, period="semester1")
    villages = list(
        VillageGovernment.objects.filter(pemda=world.pemda_a)
        .select_related("kecamatan")
        .order_by("region_id")
    )
    assert len(villages) >= 10
    stages = stages_of(world.pemda_a, YEAR)

    def count(read: Any, desa: list[Any]) -> int:
        with CaptureQueriesContext(connection) as queries:
            read(desa)
        return len(queries)

    few = [v for v in villages if v.pk in (world.desa_x.pk, world.desa_y.pk)]
    reads = (
        lambda desa: dashboard(desa, YEAR, stages),
        lambda desa: stage_status(stages[1], desa),
        lambda desa: consolidate(desa, YEAR, "semester1"),
    )
    for read in reads:
        assert count(read, few) == count(read, villages)
    # The page too: DPMD's dashboard of every desa costs what the camat's of a few does (same scope queries).
    dpmd = world.client_for(dpmd_of(world))
    with CaptureQueriesContext(connection) as all_desa:
        assert dpmd.get(base(world)).status_code == 200
    camat = grant(
        make_user("camat.dua", world.pemda_a), world.pemda_a, Role.CAMAT, unit=world.desa_x.kecamatan
    )
    with CaptureQueriesContext(connection) as some_desa:
        assert world.client_for(camat).get(base(world)).status_code == 200
    assert len(all_desa) <= len(some_desa) + 2
