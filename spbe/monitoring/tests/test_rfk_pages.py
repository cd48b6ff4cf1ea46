"""The pages and API of the new monitoring features: S-curve entry and import, SCM, notices on the dashboard,
RFK (page, XLSX, API) and E.81 (page, XLSX and PDF opened and their column arithmetic checked)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from pypdf import PdfReader

from spbe.accounts.services import api_token_create
from spbe.monitoring import e81
from spbe.monitoring.models import E81Target, Notice, PlanPoint, ShowCauseMeeting

from .conftest import TODAY
from .helpers import new_contract, new_project, running_project

pytestmark = pytest.mark.django_db


def _bearer(user):
    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_agency_sets_the_curve_on_its_page(world, monitors):
    project = running_project(world)
    a = world.pemda_a.code
    url = f"/app/{a}/monitoring/pekerjaan/{project.pk}/kurva/"
    operator = world.client_for(world.agency_operator_a)
    page = operator.get(url).content.decode()
    assert "2027-05-31 70.00" in page and 'id="curve-schedule"' in page
    assert (
        operator.post(url, {"action": "entry", "points": "2027-04-30 30\n31/08/2027; 100"}).status_code == 302
    )
    assert list(PlanPoint.objects.filter(project=project).values_list("percent", flat=True)) == [
        Decimal("30.00"),
        Decimal("100.00"),
    ]
    bad = SimpleUploadedFile("kurva.csv", b"tanggal,rencana_kumulatif\n2027-04-30,30\n2027-08-31,90\n")
    refused = operator.post(url, {"action": "import", "berkas": bad})
    assert refused.status_code == 200
    assert "row 3, column rencana_kumulatif: titik terakhir kurva S harus 100%" in refused.content.decode()
    assert operator.post(url, {"action": "schedule", "shape": "linear", "step": "weekly"}).status_code == 302
    assert PlanPoint.objects.filter(project=project).count() > 30
    # The supervisor reads the project but does not set its curve; another unit does not see it at all.
    assert world.client_for(monitors.supervisor).get(url).status_code == 403
    assert world.client_for(world.agency_operator_a2).get(url).status_code == 404


def test_many_curves_from_one_upload(world):
    road = running_project(world)
    bridge = new_project(world, name="Jembatan")
    new_contract(world, bridge, number="2")
    body = f"kode_proyek,tanggal,rencana_kumulatif\n{road.pk},2027-09-30,100\n{bridge.pk},2027-10-31,100\n"
    client = world.client_for(world.agency_operator_a)
    response = client.post(
        f"/app/{world.pemda_a.code}/monitoring/kurva-impor/",
        {"berkas": SimpleUploadedFile("k.csv", body.encode())},
    )
    assert response.status_code == 302
    assert PlanPoint.objects.filter(project__in=[road, bridge]).count() == 2


def test_scm_page_and_the_heads_notice_on_the_dashboard(world, monitors):
    project = running_project(world)  # nothing reported against 77.38% planned: critical
    project.refresh_from_db()
    assert project.is_critical
    a = world.pemda_a.code
    head = world.client_for(world.agency_head_a)
    dashboard = head.get(f"/app/{a}/").content.decode()
    assert 'id="monitoring-notices"' in dashboard and "(1)" in dashboard
    assert 'id="monitoring-rfk"' in dashboard and 'id="monitoring-e81"' in dashboard
    notices = head.get(f"/app/{a}/monitoring/peringatan/").content.decode()
    assert project.name in notices
    notice = Notice.objects.get(recipient=world.agency_head_a)
    assert head.post(f"/app/{a}/monitoring/peringatan/{notice.pk}/baca/").status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Another person's notice is not theirs to mark.
    assert (
        world.client_for(monitors.planner)
        .post(f"/app/{a}/monitoring/peringatan/{notice.pk}/baca/")
        .status_code
        == 404
    )
    url = f"/app/{a}/monitoring/pekerjaan/{project.pk}/scm/"
    assert 'id="scm-form"' in head.get(url).content.decode()
    response = head.post(
        url,
        {
            "held_on": "2027-06-28",
            "attendees": "PPK, penyedia",
            "agreed_percent": "20",
            "target_on": "2027-07-12",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert ShowCauseMeeting.objects.get(project=project).stage == 1
    assert 'id="scm-form"' not in head.get(url).content.decode()  # SCM II waits for SCM I's outcome
    # A supervisor reads the meetings but records none.
    supervisor = world.client_for(monitors.supervisor)
    assert supervisor.get(url).status_code == 200
    assert supervisor.post(url, {"held_on": "2027-06-29"}).status_code == 403


def test_rfk_page_xlsx_and_api_for_a_pemda_without_budget_yet(world, monitors):
    running_project(world)
    a = world.pemda_a.code
    planner = world.client_for(monitors.planner)
    page = planner.get(f"/app/{a}/monitoring/rfk/?tahun=2027&bulan=6")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="rfk-rows"' in content and "1.03.10.2.01.0028" in content  # the project's sub-kegiatan
    download = planner.get(f"/app/{a}/monitoring/rfk/?tahun=2027&bulan=6&format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.cell(1, 2).value == "Kode sub kegiatan" and sheet.cell(2, 2).value == "1.03.10.2.01.0028"
    assert sheet.cell(2, 9).value == "100.00"  # no DPA: no target, deviation 100
    api = world.client_for(None).get(f"/api/v1/pemda/{a}/monitoring/rfk/2027/6", **_bearer(monitors.planner))
    assert api.status_code == 200
    row = api.json()["baris"][0]
    assert (row["pagu_dpa"], row["deviasi_persen"], row["fisik_persen"]) == ("0.00", "100.00", "0.00")
    bad = world.client_for(None).get(f"/api/v1/pemda/{a}/monitoring/rfk/2027/13", **_bearer(monitors.planner))
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    # Unit A2's officer sees nothing of unit A; a camat has no RFK at all.
    other = world.client_for(world.agency_operator_a2).get(f"/app/{a}/monitoring/rfk/?tahun=2027&bulan=6")
    assert "1.03.10.2.01.0028" not in other.content.decode()
    assert world.client_for(world.camat_x).get(f"/app/{a}/monitoring/rfk/").status_code == 404


def _e81_rows(world):
    entry = e81.TargetInput(
        "sub_kegiatan", "1.03.10.2.01.0028", "Leger jalan", "Ruas terdata", "ruas", "200", "50", "40"
    )
    target = e81.target_set(actor=world.agency_operator_a, unit=world.unit_a, year=2027, entry=entry)
    zero = e81.TargetInput("program", "1.03.10", "Program jalan", "Jalan baru", "km", "0", "3", "0")
    e81.target_set(actor=world.agency_operator_a, unit=world.unit_a, year=2027, entry=zero)
    return target


def test_e81_page_entry_xlsx_and_pdf(world, monitors):
    target = _e81_rows(world)
    a = world.pemda_a.code
    url = f"/app/{a}/monitoring/e81/?unit={world.unit_a.pk}&tahun=2027&triwulan=2"
    operator = world.client_for(world.agency_operator_a)
    assert operator.post(url, {"action": "quarter", f"q2-{target.pk}": "12,5"}).status_code == 302
    e81.realisation_set(actor=world.agency_operator_a, target=target, quarter=1, value="7.5")
    assert (
        operator.post(
            url,
            {"action": "evaluation", "drivers": "Anggaran cair", "obstacles": "Hujan", "follow_up": "Lembur"},
        ).status_code
        == 302
    )
    page = operator.get(url).content.decode()
    assert 'class="num c13">20,00<' in page and 'class="num c14">50,00<' in page
    assert 'class="num c15">70,00<' in page and 'class="num c16">35,00<' in page
    download = operator.get(url + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    road = rows["1.03.10.2.01.0028"]
    # Columns 6-16 sit in spreadsheet columns E-O.
    assert [road[i] for i in range(4, 15)] == [200, 50, 40, 7.5, 12.5, None, None, 20, "50.00", 70, "35.00"]
    program = rows["1.03.10"]
    assert not program[12] and not program[14]  # zero targets: empty achievements, no division error
    pdf = operator.get(url + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Ruas terdata" in text and "50,00" in text and "35,00" in text and "Hujan" in text
    # Bappeda reads it (no forms), the API gives the same figures, a camat gets 404.
    planner_page = world.client_for(monitors.planner).get(url).content.decode()
    assert 'id="e81-add"' not in planner_page and "Lembur" in planner_page
    api = world.client_for(None).get(
        f"/api/v1/pemda/{a}/monitoring/e81/{world.unit_a.pk}/2027/2", **_bearer(monitors.planner)
    )
    first = next(r for r in api.json()["baris"] if r["kode"] == "1.03.10.2.01.0028")
    assert (first["k13"], first["k14"], first["k15"], first["k16"]) == ("20.00", "50.00", "70.00", "35.00")
    assert world.client_for(world.camat_x).get(url).status_code == 404
    assert world.client_for(monitors.planner).post(url, {"action": "quarter"}).status_code == 403
    assert E81Target.objects.get(pk=target.pk).q2 == Decimal("12.50")


def test_the_phone_sized_pages_carry_no_inline_script_or_style(world, monitors):
    project = running_project(world)
    _e81_rows(world)
    a = world.pemda_a.code
    head = world.client_for(world.agency_head_a)
    for url in (
        f"/app/{a}/monitoring/pekerjaan/{project.pk}/kurva/",
        f"/app/{a}/monitoring/pekerjaan/{project.pk}/scm/",
        f"/app/{a}/monitoring/peringatan/",
        f"/app/{a}/monitoring/rfk/",
        f"/app/{a}/monitoring/e81/",
    ):
        page = head.get(url).content.decode()
        assert "style=" not in page and "<style" not in page and "onclick" not in page, url
        assert 'name="viewport"' in page, url
    assert dt.date(2027, 6, 30) == TODAY
