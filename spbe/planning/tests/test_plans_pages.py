"""Plan pages: who reads which plan (outsiders and wrong roles get 404), uploading, adopting, downloads,
the dashboard link, and the RKPD and Renja as PDF with their totals in figures and words."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.core.money import terbilang
from spbe.planning.models_plans import Plan, PlanRow
from spbe.planning.plans import plan_adopt, plan_import
from spbe.planning.services import proposal_decide

from .plans_helpers import (
    SUB_ROAD,
    YEAR,
    YEAR_HEADER,
    at_kabupaten,
    import_rkpd,
    item,
    planners,
    rkpd_rows,
    write_csv,
)

pytestmark = pytest.mark.django_db


def _renja(world, tmp_path):
    path = write_csv(
        tmp_path / "renja.csv",
        YEAR_HEADER,
        [["", SUB_ROAD, world.desa_x.region_id, "Stasiun pompa", "2", "unit", "900.000.000,75"]],
    )
    return plan_import(
        path,
        actor=world.agency_operator_a,
        pemda_code="35.10",
        kind="renja",
        year=YEAR,
        unit_code=world.unit_a.code,
    ).plan


def test_each_reader_sees_only_the_plans_of_their_scope(world, tmp_path):
    planner, _other = planners(world)
    rkpd = import_rkpd(world, tmp_path, planner)
    renja = _renja(world, tmp_path)
    url = "/app/35.10/rencana/"
    dprd = grant(make_user("dprd.a", world.pemda_a), world.pemda_a, Role.DPRD_MEMBER)
    for reader in (planner, world.tapd_a, world.auditor, dprd):
        page = world.client_for(reader).get(url)
        assert page.status_code == 200
        assert (
            f"/rencana/{rkpd.pk}/" in page.content.decode()
            and f"/rencana/{renja.pk}/" in page.content.decode()
        )
    # Agency A2 reads the regency's RKPD but not agency A's Renja.
    a2 = world.client_for(world.agency_operator_a2)
    assert f"/rencana/{renja.pk}/" not in a2.get(url).content.decode()
    assert a2.get(f"/app/35.10/rencana/{renja.pk}/").status_code == 404
    assert a2.get(f"/app/35.10/rencana/{rkpd.pk}/").status_code == 200
    # Not planning readers at all: a desa operator, a camat, the pemda admin, another pemda.
    for outsider in (world.operator_x, world.camat_x, world.officer_a, world.officer_b):
        client = world.client_for(outsider)
        assert client.get(url).status_code == 404
        assert client.get(f"/app/35.10/rencana/{rkpd.pk}/").status_code == 404
        assert client.get(f"/app/35.10/rencana/{rkpd.pk}/dokumen.pdf").status_code == 404


def test_the_rkpd_page_groups_by_agency_and_program_with_totals_and_funded_proposals(world, tmp_path):
    first, second = planners(world)
    plan = import_rkpd(world, tmp_path, first)
    proposal = at_kabupaten(world, first)
    proposal_decide(
        actor=second,
        proposal=proposal,
        outcome="forward",
        plan_item=item(plan, SUB_ROAD),
        accepted_amount=Decimal("7"),
    )
    page = world.client_for(world.auditor).get(f"/app/35.10/rencana/{plan.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Rp6.900.000.000,50" in text  # the whole RKPD
    assert "Rp3.900.000.000,50" in text  # agency A: two sub-kegiatan
    assert "1.03.02 PROGRAM PENGELOLAAN SUMBER DAYA AIR (SDA)" in text
    assert proposal.public_id in text and "Seluruh kabupaten" in text
    assert 'id="adopt"' not in text  # the auditor reads only
    assert 'id="adopt"' in world.client_for(first).get(f"/app/35.10/rencana/{plan.pk}/").content.decode()


def test_bappeda_uploads_a_plan_and_sees_every_bad_row(world):
    planner, _other = planners(world)
    client = world.client_for(planner)
    rows = rkpd_rows(world)
    rows[0][1] = "1.03.02.2.01.9999"
    body = "\n".join(",".join(r) for r in [YEAR_HEADER, *[[f'"{c}"' for c in row] for row in rows]])
    upload = SimpleUploadedFile("rkpd.csv", body.encode(), content_type="text/csv")
    page = client.post("/app/35.10/rencana/", {"kind": "rkpd", "year": YEAR, "file": upload})
    assert page.status_code == 400
    assert (
        "row 2, column kode_sub_kegiatan: "
        "sub kegiatan 1.03.02.2.01.9999 tidak ada pada nomenklatur tahun 2027" in (page.content.decode())
    )
    assert not Plan.objects.exists()
    rows[0][1] = SUB_ROAD
    body = "\n".join(",".join(r) for r in [YEAR_HEADER, *[[f'"{c}"' for c in row] for row in rows]])
    upload = SimpleUploadedFile("rkpd.csv", body.encode(), content_type="text/csv")
    done = client.post("/app/35.10/rencana/", {"kind": "rkpd", "year": YEAR, "file": upload})
    plan = Plan.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/app/35.10/rencana/{plan.pk}/"
    assert PlanRow.objects.filter(plan=plan).count() == 3


def test_wrong_roles_cannot_upload_or_adopt(world, tmp_path):
    planner, _other = planners(world)
    plan = import_rkpd(world, tmp_path, planner)
    upload = SimpleUploadedFile("rkpd.csv", b"x", content_type="text/csv")
    assert (
        world.client_for(world.auditor)
        .post("/app/35.10/rencana/", {"kind": "rkpd", "file": upload})
        .status_code
        == 403
    )
    # An agency officer may upload its own Renja, not the RKPD: the kind is not offered.
    agency = world.client_for(world.agency_operator_a)
    page = agency.post("/app/35.10/rencana/", {"kind": "rkpd", "year": YEAR, "file": upload})
    assert page.status_code == 400 and not Plan.objects.exclude(pk=plan.pk).exists()
    assert agency.post(f"/app/35.10/rencana/{plan.pk}/").status_code == 403
    plan.refresh_from_db()
    assert not plan.is_frozen
    done = world.client_for(planner).post(f"/app/35.10/rencana/{plan.pk}/")
    assert done.status_code == 302
    plan.refresh_from_db()
    assert plan.is_frozen


def test_the_dashboard_links_readers_to_the_plans(world):
    planner, _other = planners(world)
    text = world.client_for(planner).get("/app/35.10/").content.decode()
    assert 'id="panel-plans"' in text and "/app/35.10/rencana/" in text
    assert 'id="panel-plans"' not in world.client_for(world.operator_x).get("/app/35.10/").content.decode()


def test_a_plan_downloads_as_csv_and_xlsx(world, tmp_path):
    planner, _other = planners(world)
    plan = import_rkpd(world, tmp_path, planner)
    client = world.client_for(world.tapd_a)
    csv_body = b"".join(client.get(f"/app/35.10/rencana/{plan.pk}/", {"format": "csv"}).streaming_content)
    text = csv_body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("kode_skpd,nama_skpd,kode_sub_kegiatan")
    assert "1500000000.50" in text
    xlsx = client.get(f"/app/35.10/rencana/{plan.pk}/", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def _squeezed(text: str) -> str:
    """pypdf splits kerned words ("T ahun") and titles are set in capitals: compare without either."""
    return "".join(text.split()).lower()


def test_the_rkpd_pdf_has_its_table_totals_in_figures_and_words_and_signatures(world, tmp_path):
    planner, _other = planners(world)
    plan = import_rkpd(world, tmp_path, planner)
    plan_adopt(actor=planner, plan=plan)
    response = world.client_for(world.tapd_a).get(
        f"/app/35.10/rencana/{plan.pk}/dokumen.pdf", {"nama": "Ipuk Fiestiandani", "tanggal": "2027-05-20"}
    )
    text = _pdf_text(response)
    assert "rencanakerjapemerintahdaerahtahun2027" in _squeezed(text)
    assert "Pembangunan Stasiun Pompa Banjir" in text and "1.500.000.000,50" in text
    assert "6.900.000.000,50" in text  # the total, in Indonesian figures
    assert _squeezed(terbilang(Decimal("6900000000.50"))) in _squeezed(text)
    assert "Kepala Bappeda" in text and "Ipuk Fiestiandani" in text and "20 Mei 2027" in text


def test_each_agencys_renja_pdf_has_its_own_rows(world, tmp_path):
    renja = _renja(world, tmp_path)
    response = world.client_for(world.agency_head_a).get(f"/app/35.10/rencana/{renja.pk}/dokumen.pdf")
    text = _pdf_text(response)
    assert "rencanakerjaperangkatdaerahtahun2027" in _squeezed(text) and "Dinas PU Bina Marga" in text
    assert "900.000.000,75" in text and "Rancangan" in text
    assert "1.01.02" not in text
    assert (
        world.client_for(world.agency_operator_a2)
        .get(f"/app/35.10/rencana/{renja.pk}/dokumen.pdf")
        .status_code
        == 404
    )
