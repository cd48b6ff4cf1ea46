"""The realisation API: entry by the treasury (409 on a breach, Idempotency-Key), registers and LRA."""

from __future__ import annotations

import json
import uuid

import pytest

from spbe.accounts.services import api_token_create
from spbe.budgeting.models import Sp2d
from spbe.core.models import AuditEntry

from .conftest import UNIT_A, UNIT_A2, YEAR
from .helpers import ROAD
from .realisation_fixtures import ATK, EDU, JALAN, REKLAME, adopted_2028, pay


def bearer(user) -> dict[str, str]:
    _token, secret = api_token_create(actor=user, user=user, name="tes")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def apbd(world, ref2028, tmp_path):
    return adopted_2028(world, tmp_path)


def payment(number: str, amount: str, unit: str = UNIT_A, sub: str = ROAD, account: str = JALAN) -> str:
    return json.dumps(
        {
            "kode_skpd": unit,
            "nomor": number,
            "tanggal": f"{YEAR}-03-01",
            "jenis_sp2d": "LS",
            "kode_sub_kegiatan": sub,
            "kode_rekening": account,
            "uraian": "Pembayaran termin I",
            "jumlah": amount,
        }
    )


def test_the_treasury_records_payments_and_a_breach_is_409(world, apbd, client):
    url = f"/api/v1/pemda/{world.pemda_a.code}/budget/{YEAR}/sp2d"
    auth = bearer(world.tapd_a)
    key = str(uuid.uuid4())
    first = client.post(
        url, payment("SP2D-1", "1000000.00"), "application/json", HTTP_IDEMPOTENCY_KEY=key, **auth
    )
    assert first.status_code == 201, first.content
    assert first.json()["jumlah"] == "1000000.00" and first.json()["kode_skpd"] == UNIT_A
    again = client.post(
        url, payment("SP2D-1", "1000000.00"), "application/json", HTTP_IDEMPOTENCY_KEY=key, **auth
    )
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    breach = client.post(url, payment("SP2D-2", "0.51"), "application/json", **auth)
    assert breach.status_code == 409
    assert breach["Content-Type"] == "application/problem+json"
    assert "terlampaui" in breach.json()["detail"]
    bad = client.post(url, payment("SP2D-3", "1", account="5.1.01.01.01.0001"), "application/json", **auth)
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert Sp2d.objects.filter(pemda=world.pemda_a).count() == 1

    correction = client.post(
        f"/api/v1/pemda/{world.pemda_a.code}/budget/sp2d/{first.json()['id']}/corrections",
        json.dumps({"nomor": "CP-1", "tanggal": f"{YEAR}-03-05", "jumlah": "0.50", "uraian": "Retur"}),
        "application/json",
        **auth,
    )
    assert correction.status_code == 201 and correction.json()["jumlah"] == "-0.50"
    # 0,50 was left; the return of 0,50 makes 1,00.
    assert client.post(url, payment("SP2D-2", "1.01"), "application/json", **auth).status_code == 409
    assert client.post(url, payment("SP2D-2", "1.00"), "application/json", **auth).status_code == 201
    assert AuditEntry.objects.filter(action="realisation.sp2d_record").count() == 2


def test_agencies_read_their_own_and_only_the_treasury_records(world, apbd, client):
    pay(world, "SP2D-A", "100000")
    pay(world, "SP2D-A2", "200000", sub=EDU, account=ATK, unit=world.unit_a2)
    base = f"/api/v1/pemda/{world.pemda_a.code}/budget/{YEAR}"
    mine = bearer(world.agency_operator_a2)
    listed = client.get(f"{base}/sp2d", **mine)
    assert [row["nomor"] for row in listed.json()] == ["SP2D-A2"]
    assert client.get(f"{base}/sp2d?kode_skpd={UNIT_A}", **mine).status_code == 404
    assert (
        client.post(
            f"{base}/sp2d", payment("SP2D-X", "1", UNIT_A2, EDU, ATK), "application/json", **mine
        ).status_code
        == 403
    )
    lra = client.get(f"{base}/lra?menurut=akun", **mine).json()
    assert lra["kode_skpd"] == UNIT_A2
    assert {row["kode"]: row["realisasi"] for row in lra["baris"]}["5"] == "200000.00"
    outsider = bearer(world.officer_b)
    for path in ("sp2d", "sts", "lra"):
        assert client.get(f"{base}/{path}", **outsider).status_code == 404
    assert (
        client.post(f"{base}/sp2d", payment("SP2D-X", "1"), "application/json", **outsider).status_code == 404
    )
    original = Sp2d.objects.get(number="SP2D-A")
    url = f"/api/v1/pemda/{world.pemda_a.code}/budget/sp2d/{original.pk}/corrections"
    body = json.dumps({"nomor": "CP", "tanggal": f"{YEAR}-03-05", "jumlah": "1", "uraian": "Retur"})
    assert client.post(url, body, "application/json", **mine).status_code == 404  # another agency's SP2D
    assert client.post(url, body, "application/json", **bearer(world.agency_operator_a)).status_code == 403


def test_sts_entry_and_the_lra_of_the_whole_pemda(world, apbd, client):
    base = f"/api/v1/pemda/{world.pemda_a.code}/budget/{YEAR}"
    auth = bearer(world.tapd_a)
    body = {"kode_skpd": UNIT_A, "nomor": "STS-1", "tanggal": f"{YEAR}-02-01", "kode_rekening": REKLAME}
    created = client.post(
        f"{base}/sts",
        json.dumps(body | {"uraian": "Reklame", "jumlah": "450000"}),
        "application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    pay(world, "SP2D-1", "500000.25")
    report = client.get(f"{base}/lra?dari={YEAR}-01-01&sampai={YEAR}-06-30&menurut=skpd", **auth).json()
    assert report["ringkasan"]["pendapatan"] == {
        "anggaran": "1500000.50",
        "realisasi": "450000.00",
        "persen": "30.00",
    }
    assert report["ringkasan"]["belanja"]["realisasi"] == "500000.25"
    units = [(row["jenis_baris"], row["kode"]) for row in report["baris"]]
    assert ("row", UNIT_A) in units and units[0] == ("heading", "4")
    bad = client.get(f"{base}/lra?dari={YEAR}-07-01&sampai={YEAR}-06-30", **auth)
    assert bad.status_code == 422
