"""Staff pages of e-budgeting: scope, detail rows through the ceiling-locking services, stale forms refused,
submission and line-by-line review, checks, version comparison (page, XLSX, PDF), bounded queries."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.budgeting import services
from spbe.budgeting.models import BudgetVersion, Review, RkaDetail, RkaLine, RkaState
from spbe.budgeting.services import DetailInput, ceiling_set, detail_fingerprint
from spbe.core.models import AuditEntry

from .helpers import ROAD, ROAD_2, SYSTEM, add, draft, line, rka


@pytest.fixture
def budget(world, ref2028):
    """Unit A's RKA under an agency ceiling of Rp10.000.000: one road line with one detail row of
    Rp1.000.000 and a revenue line; unit A2 has its own RKA."""
    version = draft(world.pemda_a)
    ceiling_set(actor=world.tapd_a, version=version, unit=world.unit_a, code="", amount=Decimal("10000000"))
    rka_a = rka(version, world.unit_a)
    road = line(rka_a)
    add(road, "1000000", actor=world.agency_operator_a, text="Aspal")
    revenue = line(rka_a, account="4.1.01.09.01.0001", sub="")
    add(revenue, "500000", actor=world.agency_operator_a, text="Pajak reklame")
    rka_a2 = rka(version, world.unit_a2)
    line(rka_a2, sub="1.01.02.2.01.0001", account="5.1.02.01.01.0024")
    return version, rka_a, road, rka_a2


def url(world, tail: str) -> str:
    return f"/app/{world.pemda_a.code}/anggaran/{tail}"


def rka_url(world, version, unit_code: str) -> str:
    return url(world, f"versi/{version.pk}/rka/{unit_code}/")


def group_url(world, version, unit_code: str, sub: str) -> str:
    return url(world, f"versi/{version.pk}/rka/{unit_code}/kegiatan/{sub}/")


def detail_form(description: str, volume: str, price: str, **more: str) -> dict[str, str]:
    return {
        "description": description,
        "volume1": volume,
        "unit1": "paket",
        "unit_price": price,
        "tax_percent": "0",
        **more,
    }


# --- scope --------------------------------------------------------------------------------------------------


def test_versions_show_totals_to_tapd_and_only_the_own_rka_to_an_agency(world, budget):
    _version, _rka_a, _road, _rka_a2 = budget
    page = world.client_for(world.tapd_a).get(url(world, ""))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rp1.000.000,00" in text  # belanja
    assert "Rp500.000,00" in text  # pendapatan
    agency = world.client_for(world.agency_operator_a).get(url(world, "")).content.decode()
    assert world.unit_a.name in agency
    assert world.unit_a2.name not in agency
    assert "Pembiayaan netto" not in agency  # no pemda-wide totals for an agency
    assert world.client_for(world.officer_b).get(url(world, "")).status_code == 404
    assert world.client_for(world.operator_x).get(url(world, "")).status_code == 404


def test_an_agency_operator_never_opens_another_agencys_rka(world, budget):
    version, _rka_a, road, _rka_a2 = budget
    other = world.client_for(world.agency_operator_a2)
    assert other.get(rka_url(world, version, world.unit_a.code)).status_code == 404
    assert other.get(group_url(world, version, world.unit_a.code, ROAD)).status_code == 404
    assert other.get(url(world, f"baris/{road.pk}/rincian/")).status_code == 404
    detail = road.details.get()
    assert other.get(url(world, f"rincian/{detail.pk}/")).status_code == 404
    response = other.post(url(world, f"baris/{road.pk}/rincian/"), detail_form("Curang", "1", "1"))
    assert response.status_code == 404
    assert road.details.count() == 1
    # Pemda-wide pages are not the agency's either.
    assert other.get(url(world, f"versi/{version.pk}/")).status_code == 404
    assert other.get(url(world, f"versi/{version.pk}/pagu/")).status_code == 404
    assert (
        world.client_for(world.agency_operator_a).get(rka_url(world, version, world.unit_a.code)).status_code
        == 200
    )
    assert world.client_for(world.tapd_a).get(rka_url(world, version, world.unit_a2.code)).status_code == 200


# --- detail rows --------------------------------------------------------------------------------------------


def test_operator_adds_a_detail_row_and_the_line_and_ceiling_follow(world, budget):
    version, rka_a, road, _ = budget
    # Another sub-kegiatan's spending counts against the agency ceiling shown on this one's page.
    add(line(rka_a, sub=ROAD_2), "500000", actor=world.agency_operator_a)
    client = world.client_for(world.agency_operator_a)
    response = client.post(url(world, f"baris/{road.pk}/rincian/"), detail_form("Beton", "2,5", "1.000.000"))
    assert response.status_code == 302
    row = road.details.get(description="Beton")
    assert row.amount == Decimal("2500000.00") and row.volume1 == Decimal("2.5")
    road.refresh_from_db()
    assert road.amount == Decimal("3500000.00")
    assert AuditEntry.objects.filter(action="rka.detail_add", object_id=str(row.pk)).exists()
    page = client.get(group_url(world, version, world.unit_a.code, ROAD)).content.decode()
    assert "Rp3.500.000,00" in page  # the line and the group total
    assert "Rp4.000.000,00" in page  # used under the agency ceiling: both sub-kegiatan
    assert "Rp6.000.000,00" in page  # what is left under it


def test_a_row_past_the_ceiling_is_refused_with_the_form_kept(world, budget):
    _version, _rka_a, road, _ = budget
    client = world.client_for(world.agency_operator_a)
    response = client.post(
        url(world, f"baris/{road.pk}/rincian/"), detail_form("Jembatan baja", "1", "9.000.000,01")
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "terlampaui" in text and "Rp9.000.000,00" in text  # what is left
    assert 'value="Jembatan baja"' in text  # the form is kept
    assert road.details.count() == 1
    road.refresh_from_db()
    assert road.amount == Decimal("1000000.00")


def test_an_edit_of_a_row_someone_changed_since_is_refused(world, budget):
    _version, _rka_a, road, _ = budget
    detail = road.details.get()
    client = world.client_for(world.agency_operator_a)
    page = client.get(url(world, f"rincian/{detail.pk}/"))
    assert page.status_code == 200
    seen = detail_fingerprint(detail)
    assert f'value="{seen}"' in page.content.decode()
    # A colleague renames it (same amount: a check on the amount alone would not see it).
    colleague = grant(
        make_user("operator.pu.2", world.pemda_a), world.pemda_a, Role.AGENCY_OPERATOR, unit=world.unit_a
    )
    services.detail_change(
        actor=colleague,
        detail=detail,
        change=DetailInput("Aspal hotmix", (("1", "paket"),), Decimal("1000000")),
        seen=seen,
    )
    response = client.post(
        url(world, f"rincian/{detail.pk}/"), detail_form("Aspal lama", "2", "1.000.000", seen=seen)
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "sudah diubah atau dihapus oleh pengguna lain" in text
    assert 'value="Aspal lama"' in text  # the user's input is kept
    assert "Aspal hotmix" in text  # and the row as it is now is shown
    detail.refresh_from_db()
    assert detail.description == "Aspal hotmix" and detail.amount == Decimal("1000000.00")
    # Removing with the stale form is refused as well; with the fresh one it goes through.
    assert client.post(url(world, f"rincian/{detail.pk}/"), {"remove": "1", "seen": seen}).status_code == 409
    assert RkaDetail.objects.filter(pk=detail.pk).exists()
    fresh = detail_fingerprint(detail)
    response = client.post(
        url(world, f"rincian/{detail.pk}/"), detail_form("Aspal hotmix", "3", "1.000.000", seen=fresh)
    )
    assert response.status_code == 302
    road.refresh_from_db()
    assert road.amount == Decimal("3000000.00")
    assert (
        client.post(
            url(world, f"rincian/{detail.pk}/"),
            {"remove": "1", "seen": detail_fingerprint(road.details.get())},
        ).status_code
        == 302
    )
    road.refresh_from_db()
    assert road.amount == Decimal("0.00") and not road.details.exists()


def test_an_operator_adds_a_line_from_the_rka_page(world, budget):
    version, rka_a, _road, _ = budget
    client = world.client_for(world.agency_operator_a)
    response = client.post(
        rka_url(world, version, world.unit_a.code),
        {"action": "line", "sub_kegiatan": ROAD_2, "account": "5.2.04.01.01.0001", "funding": "PAD"},
    )
    assert response.status_code == 302
    assert RkaLine.objects.filter(rka=rka_a, sub_kegiatan=ROAD_2, funding="PAD").exists()
    bad = client.post(
        rka_url(world, version, world.unit_a.code),
        {"action": "line", "sub_kegiatan": "", "account": "5.2.04.01.01.0001"},
    )
    assert bad.status_code == 400
    assert "Belanja wajib berada di bawah sub kegiatan" in bad.content.decode()


# --- approval -----------------------------------------------------------------------------------------------


def test_head_submits_tapd_returns_a_line_with_a_note_and_the_operator_sees_it(world, budget):
    version, rka_a, road, _ = budget
    rka_page = rka_url(world, version, world.unit_a.code)
    operator = world.client_for(world.agency_operator_a)
    # The operator has no submit button and cannot submit by hand either.
    assert "Ajukan RKA ke TAPD" not in operator.get(rka_page).content.decode()
    assert operator.post(rka_page, {"action": "submit", "state": "draft"}).status_code == 409
    head = world.client_for(world.agency_head_a)
    assert head.post(rka_page, {"action": "submit", "state": "draft"}).status_code == 302
    rka_a.refresh_from_db()
    assert rka_a.state == RkaState.SUBMITTED
    # A second submit from a page loaded before is refused as stale.
    stale = head.post(rka_page, {"action": "submit", "state": "draft"})
    assert stale.status_code == 409 and "sejak halaman dimuat" in stale.content.decode()

    tapd = world.client_for(world.tapd_a)
    group = group_url(world, version, world.unit_a.code, ROAD)
    seen = "1.000.000,00"
    no_note = tapd.post(group, {"line": road.pk, "seen_amount": seen, "verdict": "return", "note": " "})
    assert no_note.status_code == 409 and "Catatan wajib diisi" in no_note.content.decode()
    road.refresh_from_db()
    assert road.review == Review.PENDING
    wrong_amount = tapd.post(group, {"line": road.pk, "seen_amount": "999", "verdict": "accept", "note": ""})
    assert wrong_amount.status_code == 409
    road.refresh_from_db()
    assert road.review == Review.PENDING
    returned = tapd.post(
        group,
        {"line": road.pk, "seen_amount": seen, "verdict": "return", "note": "Volume aspal terlalu besar"},
    )
    assert returned.status_code == 302
    road.refresh_from_db()
    assert road.review == Review.RETURNED and road.review_note == "Volume aspal terlalu besar"
    assert (
        tapd.post(
            rka_page, {"action": "return", "state": "submitted", "note": "Perbaiki baris jalan"}
        ).status_code
        == 302
    )
    rka_a.refresh_from_db()
    assert rka_a.state == RkaState.RETURNED
    page = operator.get(group).content.decode()
    assert "Volume aspal terlalu besar" in page
    assert "1 dikembalikan" in operator.get(rka_page).content.decode()


def test_tapd_accepts_pending_and_verifies_but_the_submitter_never_approves(world, budget):
    version, rka_a, _road, _ = budget
    both = grant(
        make_user("kepala.merangkap", world.pemda_a), world.pemda_a, Role.AGENCY_HEAD, unit=world.unit_a
    )
    grant(both, world.pemda_a, Role.TAPD)
    rka_page = rka_url(world, version, world.unit_a.code)
    client = world.client_for(both)
    assert client.post(rka_page, {"action": "submit", "state": "draft"}).status_code == 302
    page = client.get(rka_page).content.decode()
    assert "Terima semua baris yang menunggu" not in page  # no review buttons for the submitter
    refused = client.post(rka_page, {"action": "accept_pending", "state": "submitted"})
    assert refused.status_code == 409 and "empat mata" in refused.content.decode()
    assert RkaLine.objects.filter(rka=rka_a, review=Review.PENDING).count() == 2
    tapd = world.client_for(world.tapd_a)
    early = tapd.post(rka_page, {"action": "verify", "state": "submitted"})
    assert early.status_code == 409 and "2 baris belum diterima" in early.content.decode()
    assert tapd.post(rka_page, {"action": "accept_pending", "state": "submitted"}).status_code == 302
    assert AuditEntry.objects.filter(action="rka.line_review", actor=world.tapd_a).count() == 2
    assert tapd.post(rka_page, {"action": "verify", "state": "submitted"}).status_code == 302
    rka_a.refresh_from_db()
    assert rka_a.state == RkaState.VERIFIED and rka_a.verified_by == world.tapd_a


# --- ceilings, checks, versions -----------------------------------------------------------------------------


def test_tapd_sets_ceilings_and_a_stale_ceiling_form_is_refused(world, budget):
    version, *_ = budget
    client = world.client_for(world.tapd_a)
    page = url(world, f"versi/{version.pk}/pagu/")
    assert "Rp9.000.000,00" in client.get(page).content.decode()  # left under the agency ceiling
    created = client.post(page, {"unit": world.unit_a.pk, "code": "1.03.02", "amount": "2.000.000"})
    assert created.status_code == 302
    assert version.ceilings.get(unit=world.unit_a, code="1.03.02").amount == Decimal("2000000.00")
    stale = client.post(
        page, {"unit": world.unit_a.pk, "code": "", "amount": "12.000.000", "seen": "11.000.000"}
    )
    assert stale.status_code == 409 and "sudah diubah oleh pengguna lain" in stale.content.decode()
    assert version.ceilings.get(unit=world.unit_a, code="").amount == Decimal("10000000.00")
    again = client.post(page, {"unit": world.unit_a.pk, "code": "1.03.02", "amount": "3.000.000"})
    assert again.status_code == 409  # a "new" ceiling that someone already set
    below = client.post(
        page, {"unit": world.unit_a.pk, "code": "", "amount": "999.999", "seen": "10.000.000"}
    )
    assert below.status_code == 409 and "lebih kecil" in below.content.decode()
    updated = client.post(
        page, {"unit": world.unit_a.pk, "code": "", "amount": "12.000.000", "seen": "10.000.000"}
    )
    assert updated.status_code == 302
    assert version.ceilings.get(unit=world.unit_a, code="").amount == Decimal("12000000.00")
    assert (
        world.client_for(world.agency_operator_a)
        .post(page, {"unit": world.unit_a.pk, "amount": "1"})
        .status_code
        == 404
    )


def test_checks_page_lists_the_rules_and_the_lines_behind_them(world, budget):
    version, *_ = budget
    page = world.client_for(world.tapd_a).get(url(world, f"versi/{version.pk}/pemeriksaan/"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Belanja pegawai paling banyak" in text
    assert "Belanja infrastruktur pelayanan publik paling sedikit" in text
    assert "5.2.04.01.01.0001" in text  # the road line behind the infrastructure share
    assert "SiLPA tahun berjalan" in text and "Rp-500.000,00" not in text


def test_tapd_adopts_and_revises_and_compares_versions_as_page_xlsx_and_pdf(world, budget):
    version, rka_a, _road, rka_a2 = budget
    for each in (rka_a, rka_a2):
        services.rka_submit(actor=world.agency_head_a if each == rka_a else SYSTEM, rka=each)
        services.rka_accept_pending(actor=world.tapd_a, rka=each)
        services.rka_verify(actor=world.tapd_a, rka=each)
    tapd = world.client_for(world.tapd_a)
    detail_page = url(world, f"versi/{version.pk}/")
    stale = tapd.post(detail_page, {"action": "adopt", "state": "frozen"})
    assert stale.status_code == 409
    assert tapd.post(detail_page, {"action": "adopt", "state": "draft"}).status_code == 302
    version.refresh_from_db()
    assert version.is_adopted
    assert version.content_hash in tapd.get(url(world, "")).content.decode()
    revised = tapd.post(detail_page, {"action": "revise", "state": "frozen", "kind": "perubahan"})
    assert revised.status_code == 302
    draft2 = BudgetVersion.objects.get(pemda=world.pemda_a, year=version.year, number=2)
    new_road = draft2.lines.get(account="5.2.04.01.01.0001", unit=world.unit_a)
    services.detail_change(
        actor=world.agency_operator_a,
        detail=new_road.details.get(),
        change=DetailInput("Aspal", (("3", "paket"),), Decimal("1000000")),
    )
    added = services.line_create(
        actor=world.agency_operator_a,
        rka=draft2.rkas.get(unit=world.unit_a),
        account="5.2.04.01.01.0001",
        sub_kegiatan=ROAD_2,
    )
    add(added, "250000.50", actor=world.agency_operator_a)

    query = f"?dari={version.pk}&ke={draft2.pk}"
    page = tapd.get(url(world, "banding/") + query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 baru, 0 dihapus, 1 berubah" in text
    assert "Rp2.250.000,50" in text  # the total change: +2.000.000 and +250.000,50

    xlsx = tapd.get(url(world, "banding/") + query + "&format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Perubahan"
    body = {(r[0], r[2]): r for r in rows[1:-1]}
    changed = body[("berubah", ROAD)]
    assert (Decimal(str(changed[6])), Decimal(str(changed[7])), Decimal(str(changed[8]))) == (
        Decimal("1000000"),
        Decimal("3000000"),
        Decimal("2000000"),
    )
    assert Decimal(str(body[("baru", ROAD_2)][7])) == Decimal("250000.50")
    total = rows[-1]
    assert total[1] == "JUMLAH"
    assert Decimal(str(total[6])) == Decimal("1500000") and Decimal(str(total[7])) == Decimal("3750000.50")

    pdf = tapd.get(url(world, "banding/") + query + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "PERBANDINGAN VERSI APBD" in text
    assert "3.000.000,00" in text and "250.000,50" in text and "3.750.000,50" in text
    assert "dua juta dua ratus lima puluh ribu rupiah lima puluh sen" in " ".join(text.lower().split())
    # Agencies do not compare the pemda's versions.
    assert world.client_for(world.agency_operator_a).get(url(world, "banding/") + query).status_code == 404


# --- bounded queries ----------------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_pages_read_a_bounded_number_of_queries_whatever_the_rows(world, budget):
    version, rka_a, road, _ = budget
    client = world.client_for(world.tapd_a)
    group = group_url(world, version, world.unit_a.code, ROAD)
    rka_page = rka_url(world, version, world.unit_a.code)
    small = (
        _queries(client, group),
        _queries(client, rka_page),
        _queries(client, url(world, f"versi/{version.pk}/")),
    )
    # Three times the details on the line, two more lines with details, and a second sub-kegiatan.
    for _ in range(3):
        add(road, "10", actor=world.agency_operator_a)
    for funding in ("PAD", "DAU"):
        more = line(rka_a, funding=funding)
        add(more, "10", actor=world.agency_operator_a)
        add(more, "20", actor=world.agency_operator_a)
    add(line(rka_a, sub=ROAD_2), "10", actor=world.agency_operator_a)
    large = (
        _queries(client, group),
        _queries(client, rka_page),
        _queries(client, url(world, f"versi/{version.pk}/")),
    )
    assert large == small


# --- dashboard ----------------------------------------------------------------------------------------------


def test_dashboard_panels_show_tapd_its_queue_and_an_agency_its_own_rka(world, budget):
    version, rka_a, road, _ = budget
    services.rka_submit(actor=world.agency_head_a, rka=rka_a)
    services.line_review(actor=world.tapd_a, line=road, accept=False, note="Kurangi volume")
    dashboard = f"/app/{world.pemda_a.code}/"
    tapd = world.client_for(world.tapd_a).get(dashboard).content.decode()
    assert 'id="panel-budgeting"' in tapd
    assert '<span class="stat">1</span> RKA menunggu verifikasi TAPD' in tapd
    assert f"/anggaran/versi/{version.pk}/pemeriksaan/" in tapd
    agency = world.client_for(world.agency_operator_a).get(dashboard).content.decode()
    assert rka_url(world, version, world.unit_a.code) in agency
    assert rka_url(world, version, world.unit_a2.code) not in agency
    assert "1 baris dikembalikan TAPD" in agency
    assert "RKA menunggu verifikasi TAPD" not in agency
    other = world.client_for(world.agency_operator_a2).get(dashboard).content.decode()
    assert rka_url(world, version, world.unit_a2.code) in other
    assert rka_url(world, version, world.unit_a.code) not in other
