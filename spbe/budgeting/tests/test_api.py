"""The budget API: staff reads in scope, the idempotent detail write under the ceiling, the public APBD."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command

from spbe.accounts.services import api_token_create
from spbe.budgeting.models import Review, RkaDetail, RkaLine
from spbe.budgeting.services import (
    ceiling_set,
    line_review,
    rka_submit,
    rka_verify,
    version_adopt,
    version_revise,
)
from spbe.core.models import AuditEntry

from .conftest import UNIT_A, UNIT_A2, YEAR
from .helpers import SYSTEM, add, adopted_apbd, draft, line, rka

EDUCATION = "1.01.02.2.01.0001"


def bearer(user) -> dict[str, str]:
    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def budget(world, ref2028):
    """A draft 2028 with unit A's road line (Rp1.000,25 of Rp5.000 agency ceiling), a revenue line, and
    unit A2's education line."""
    version = draft(world.pemda_a)
    rka_a, rka_a2 = rka(version, world.unit_a), rka(version, world.unit_a2)
    ceiling_set(actor=world.tapd_a, version=version, unit=world.unit_a, code="", amount="5000")
    road = line(rka_a)
    add(road, "1000.25", actor=world.agency_operator_a)
    revenue = line(rka_a, account="4.1.01.09.01.0001", sub="")
    add(revenue, "7000000.10", actor=world.agency_operator_a)
    school = line(rka_a2, sub=EDUCATION)
    add(school, "300")
    return version, rka_a, rka_a2, road


def base(world) -> str:
    return f"/api/v1/pemda/{world.pemda_a.code}/budget"


def detail_body(price: str = "100", text: str = "Semen") -> str:
    return json.dumps({"uraian": text, "koefisien": [["2", "sak"]], "harga_satuan": price})


# --- reads ------------------------------------------------------------------------------------------------


def test_the_summary_gives_the_figures_of_budget_summary_as_decimal_strings(world, budget, capsys):
    version, *_rest = budget
    client, headers = world.client_for(None), bearer(world.tapd_a)
    response = client.get(f"{base(world)}/versions/{version.pk}/summary", **headers)
    assert response.status_code == 200
    data = response.json()
    call_command("budget_summary", "--pemda", "35.10", "--year", str(YEAR))
    command = json.loads(capsys.readouterr().out)
    for name in ("pendapatan", "belanja", "surplus_defisit", "silpa", "rekening", "skpd"):
        assert data[name] == command[name], name
    assert data["pendapatan"] == "7000000.10" and data["belanja"] == "1300.25"
    assert data["rekening"]["5.2.04"] == "1300.25"
    assert data["skpd"][UNIT_A] == {"pendapatan": "7000000.10", "belanja": "1000.25"}
    assert data["versi"] == {**data["versi"], "id": version.pk, "status": "draf", "nomor": 1}

    listed = client.get(f"{base(world)}/{YEAR}/versions", **headers).json()
    assert [(v["id"], v["status"]) for v in listed] == [(version.pk, "draf")]


def test_checks_list_their_lines_with_amounts_as_strings(world, budget):
    version, *_rest = budget
    response = world.client_for(None).get(
        f"{base(world)}/versions/{version.pk}/checks", **bearer(world.auditor)
    )
    assert response.status_code == 200
    checks = {c["nama"]: c for c in response.json()}
    education = checks["fungsi_pendidikan"]
    assert education["jumlah"] == "300.00" and education["dasar"] == "1300.25"
    assert education["baris"] == [
        {
            "kode_skpd": UNIT_A2,
            "kode_sub_kegiatan": EDUCATION,
            "kode_rekening": "5.2.04.01.01.0001",
            "jumlah": "300.00",
        }
    ]
    assert checks["silpa"]["lulus"] is False  # 7 million in, 1.300,25 out: not balanced


def test_an_agency_reads_its_own_rka_only_and_not_the_pemda_summary(world, budget):
    version, _rka_a, _rka_a2, road = budget
    client, headers = world.client_for(None), bearer(world.agency_operator_a)
    own = client.get(f"{base(world)}/versions/{version.pk}/rka/{UNIT_A}", **headers)
    assert own.status_code == 200
    data = own.json()
    assert data["jumlah"] == "7001000.35" and data["status"] == "draft"
    [road_out] = [b for b in data["baris"] if b["id"] == road.pk]
    assert road_out["jumlah"] == "1000.25"
    assert road_out["rincian"][0] | {"koefisien": None} == {
        **road_out["rincian"][0],
        "harga_satuan": "1000.25",
        "jumlah": "1000.25",
        "koefisien": None,
    }
    # The agency finds its version, but the pemda's figures and the other agency are not there for it.
    assert client.get(f"{base(world)}/{YEAR}/versions", **headers).status_code == 200
    for url in (
        f"{base(world)}/versions/{version.pk}/rka/{UNIT_A2}",
        f"{base(world)}/versions/{version.pk}/summary",
        f"{base(world)}/versions/{version.pk}/checks",
    ):
        response = client.get(url, **headers)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
    # TAPD and Bappeda read every agency.
    for reader in (world.tapd_a, world.auditor):
        assert (
            client.get(f"{base(world)}/versions/{version.pk}/rka/{UNIT_A2}", **bearer(reader)).status_code
            == 200
        )


def test_outsiders_get_404_problems_everywhere(world, budget):
    version, _rka_a, _rka_a2, road = budget
    client = world.client_for(None)
    urls = [
        f"{base(world)}/{YEAR}/versions",
        f"{base(world)}/versions/{version.pk}/summary",
        f"{base(world)}/versions/{version.pk}/checks",
        f"{base(world)}/versions/{version.pk}/rka/{UNIT_A}",
        f"{base(world)}/lines/{road.pk}/details",
    ]
    for outsider in (world.officer_b, world.operator_x, world.camat_x):
        headers = bearer(outsider)
        for url in urls:
            response = client.get(url, **headers)
            assert response.status_code == 404, (outsider, url)
            assert response["Content-Type"] == "application/problem+json"
        post = client.post(urls[-1], detail_body(), content_type="application/json", **headers)
        assert post.status_code == 404
    # Asked under pemda B's code, pemda A's version is not there even for pemda B's officer.
    other = f"/api/v1/pemda/{world.pemda_b.code}/budget/versions/{version.pk}/summary"
    assert client.get(other, **bearer(world.officer_b)).status_code == 404
    assert RkaDetail.objects.filter(line=road).count() == 1


# --- the write --------------------------------------------------------------------------------------------


def test_a_retried_request_adds_the_row_once(world, budget):
    _version, _rka_a, _rka_a2, road = budget
    client, headers = world.client_for(None), bearer(world.agency_operator_a)
    key = str(uuid.uuid4())
    url = f"{base(world)}/lines/{road.pk}/details"
    first = client.post(
        url, detail_body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )
    assert first.status_code == 201
    assert first.json()["jumlah"] == "200.00" and first.json()["harga_satuan"] == "100.00"
    again = client.post(
        url, detail_body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )
    assert again.status_code == 200 and again.json() == first.json()
    assert RkaDetail.objects.filter(line=road).count() == 2
    assert RkaLine.objects.get(pk=road.pk).amount == Decimal("1200.25")
    # The fixture's two rows and this one: the retry wrote no second entry.
    assert AuditEntry.objects.filter(action="rka.detail_add", actor=world.agency_operator_a).count() == 3
    # Another key is another row.
    other = client.post(
        url, detail_body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **headers
    )
    assert other.status_code == 201 and RkaLine.objects.get(pk=road.pk).amount == Decimal("1400.25")
    bad = client.post(
        url, detail_body(), content_type="application/json", HTTP_IDEMPOTENCY_KEY="x", **headers
    )
    assert bad.status_code == 422 and RkaDetail.objects.filter(line=road).count() == 3


def test_a_ceiling_breach_is_a_409_but_the_retry_of_the_row_that_filled_it_is_not(world, budget):
    _version, _rka_a, _rka_a2, road = budget
    client, headers = world.client_for(None), bearer(world.agency_operator_a)
    url = f"{base(world)}/lines/{road.pk}/details"
    key = str(uuid.uuid4())
    # 1.000,25 used of 5.000: 3.999,75 (2 x 1.999,875 is not money; 2 x 1.999,87 = 3.999,74) fits.
    fill = client.post(
        url, detail_body("1999.87"), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )
    assert fill.status_code == 201
    over = client.post(url, detail_body("0.01"), content_type="application/json", **headers)
    assert over.status_code == 409
    assert over["Content-Type"] == "application/problem+json" and "Pagu" in over.json()["detail"]
    assert RkaLine.objects.get(pk=road.pk).amount == Decimal("4999.99")
    # A retry of the filling request after the ceiling is used: the same row, not a breach.
    retry = client.post(
        url, detail_body("1999.87"), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )
    assert retry.status_code == 200 and retry.json()["id"] == fill.json()["id"]
    assert RkaDetail.objects.filter(line=road).count() == 2


def test_wrong_role_and_wrong_state_write_nothing(world, budget):
    _version, rka_a, _rka_a2, road = budget
    client = world.client_for(None)
    url = f"{base(world)}/lines/{road.pk}/details"
    # The TAPD and the auditor read the line but do not draft it; the other agency does not see it.
    assert client.get(url, **bearer(world.tapd_a)).status_code == 200
    for reader in (world.tapd_a, world.auditor, world.agency_head_a):
        response = client.post(url, detail_body(), content_type="application/json", **bearer(reader))
        assert response.status_code == 403, reader
    response = client.post(
        url, detail_body(), content_type="application/json", **bearer(world.agency_operator_a2)
    )
    assert response.status_code == 404
    rka_submit(actor=world.agency_head_a, rka=rka_a)
    submitted = client.post(
        url, detail_body(), content_type="application/json", **bearer(world.agency_operator_a)
    )
    assert submitted.status_code == 409 and submitted["Content-Type"] == "application/problem+json"
    assert RkaDetail.objects.filter(line=road).count() == 1
    assert RkaLine.objects.get(pk=road.pk).review == Review.PENDING


def test_money_is_refused_as_a_json_number(world, budget):
    _version, _rka_a, _rka_a2, road = budget
    body = json.dumps({"uraian": "Semen", "koefisien": [["1", "sak"]], "harga_satuan": 100.1})
    response = world.client_for(None).post(
        f"{base(world)}/lines/{road.pk}/details",
        body,
        content_type="application/json",
        **bearer(world.agency_operator_a),
    )
    assert response.status_code == 422 and RkaDetail.objects.filter(line=road).count() == 1


# --- public -----------------------------------------------------------------------------------------------


def _adopt(world, version, *rkas):
    for each in rkas:
        rka_submit(actor=world.agency_head_a if each.unit_id == world.unit_a.pk else SYSTEM, rka=each)
        for one in RkaLine.objects.filter(rka=each):
            line_review(actor=world.tapd_a, line=one, accept=True)
        rka_verify(actor=world.tapd_a, rka=each)
    return version_adopt(actor=world.tapd_a, version=version)


def test_the_public_apbd_is_the_adopted_version_only(world, budget):
    version, rka_a, rka_a2, road = budget
    client = world.client_for(None)
    url = f"/api/v1/pemda/{world.pemda_a.code}/apbd/{YEAR}"
    draft_answer = client.get(url)
    assert draft_answer.status_code == 404 and draft_answer["Content-Type"] == "application/problem+json"

    _adopt(world, version, rka_a, rka_a2)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
    data = response.json()
    assert (data["pendapatan"], data["belanja"], data["versi"]["nomor"]) == ("7000000.10", "1300.25", 1)
    assert {"kode": "5.2.04", "nama": "R 5.2.04", "jumlah": "1300.25"} in data["rekening"]
    assert {"kode": UNIT_A2, "nama": world.unit_a2.name, "pendapatan": "0.00", "belanja": "300.00"} in data[
        "skpd"
    ]
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    # A revision in draft changes nothing public; its adoption does, at once.
    revision = version_revise(actor=world.tapd_a, version=version, kind="pergeseran")
    new_road = RkaLine.objects.get(version=revision, pk__gt=road.pk, account=road.account, unit=world.unit_a)
    add(new_road, "5", actor=world.agency_operator_a)
    assert client.get(url).content == response.content
    _adopt(world, revision, *revision.rkas.all())
    revised = client.get(url).json()
    assert (revised["belanja"], revised["versi"]["nomor"]) == ("1305.25", 2)
    # Another year, another pemda: nothing.
    assert client.get(f"/api/v1/pemda/{world.pemda_a.code}/apbd/{YEAR + 1}").status_code == 404
    assert client.get(f"/api/v1/pemda/{world.pemda_b.code}/apbd/{YEAR}").status_code == 404


def test_the_shared_helper_adopts_a_bundled_year(world, reference_year):
    version = adopted_apbd(world, reference_year)
    assert version.is_adopted and adopted_apbd(world, reference_year) == version


def test_each_pemda_year_is_its_own_published_data_set(world, budget):
    from spbe.core.models import DataVersion
    from spbe.core.published import PublishedResponses, collect_routes

    version, rka_a, rka_a2, _road = budget
    app = PublishedResponses(lambda environ, start: [], routes=collect_routes())
    assert app._data_set(f"/api/v1/pemda/35.10/apbd/{YEAR}") == f"apbd:35.10:{YEAR}"
    # Only the public read is replayed: the staff routes under the pemda are not published.
    assert app._data_set(f"/api/v1/pemda/35.10/budget/{YEAR}/versions") is None
    other_year = DataVersion.objects.filter(name=f"apbd:35.10:{YEAR - 1}").values_list("version", flat=True)
    before = list(other_year)
    _adopt(world, version, rka_a, rka_a2)
    assert DataVersion.objects.get(name=f"apbd:35.10:{YEAR}").version >= 1
    assert list(other_year) == before
