"""Entering SP2D and STS on pages: the DPA line found by search with its remaining amount, the breach as a
form error, a double submit recorded once, the import upload listing row/column errors, and the scope."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spbe.budgeting.models import RkaLine
from spbe.budgeting.models_realisation import Sp2d, Sts
from spbe.core.models import AuditEntry

from .conftest import UNIT_A, YEAR
from .helpers import ROAD
from .realisation_fixtures import JALAN, REKLAME, adopted_2028, pay


@pytest.fixture
def apbd(world, ref2028, tmp_path):
    return adopted_2028(world, tmp_path)


def base(world) -> str:
    return f"/app/{world.pemda_a.code}/realisasi/{YEAR}"


def road_ref(version) -> int:
    lines = RkaLine.objects.filter(version=version, unit__code=UNIT_A, sub_kegiatan=ROAD, account=JALAN)
    return lines[0].pk


def post(client, url, ref, key, amount, number="SP2D-9"):
    return client.post(
        url,
        {
            "baris": ref,
            "kunci": str(key),
            "nomor": number,
            "tanggal": f"{YEAR}-03-15",
            "jenis": "LS",
            "uraian": "Pembayaran termin I",
            "jumlah": amount,
        },
    )


def test_search_lists_the_agencys_lines_with_what_remains(world, apbd):
    pay(world, "SP2D-1", "400000")
    client = world.client_for(world.tapd_a)
    page = client.get(f"{base(world)}/sp2d/baru/?skpd={UNIT_A}&q=5.2.04")
    html = page.content.decode()
    assert page.status_code == 200
    assert JALAN in html and "Rp600.000,50" in html  # 1.000.000,50 - 400.000
    assert "5.1.01.01.01.0001" not in html  # the personnel line does not match the code searched
    everything = client.get(f"{base(world)}/sp2d/baru/?skpd={UNIT_A}").content.decode()
    assert "5.1.01.01.01.0001" in everything and REKLAME not in everything  # revenue is not chargeable
    chosen = client.get(f"{base(world)}/sp2d/baru/?baris={road_ref(apbd)}").content.decode()
    assert 'id="remaining"' in chosen and "Rp600.000,50" in chosen and 'name="kunci"' in chosen


def test_search_reads_in_a_fixed_number_of_queries(world, apbd):
    client = world.client_for(world.tapd_a)
    client.get(f"{base(world)}/sp2d/baru/?skpd={UNIT_A}")  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(f"{base(world)}/sp2d/baru/?skpd={UNIT_A}")
    for n in range(5):
        pay(world, f"SP2D-Q{n}", "1000")
    with CaptureQueriesContext(connection) as more:
        client.get(f"{base(world)}/sp2d/baru/?skpd={UNIT_A}")
    assert len(more) == len(few)


def test_an_sp2d_entered_is_recorded_once_even_when_submitted_twice(world, apbd):
    client = world.client_for(world.tapd_a)
    url, ref, key = f"{base(world)}/sp2d/baru/", road_ref(apbd), uuid.uuid4()
    first = post(client, url, ref, key, "250.000,25")
    assert first.status_code == 302 and first["Location"].endswith(f"?baris={ref}")
    again = post(client, url, ref, key, "250.000,25")
    assert again.status_code == 302
    row = Sp2d.objects.get(pemda=world.pemda_a, number="SP2D-9")
    assert (row.amount, row.sub_kegiatan, row.account, row.idempotency_key) == (
        Decimal("250000.25"),
        ROAD,
        JALAN,
        key,
    )
    assert Sp2d.objects.filter(pemda=world.pemda_a).count() == 1
    assert AuditEntry.objects.filter(action="realisation.sp2d_record").count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "Rp750.000,25" in page  # what remains of 1.000.000,50
    assert "sudah tercatat sebelumnya" in page


def test_above_the_dpa_line_is_a_form_error_and_nothing_is_written(world, apbd):
    pay(world, "SP2D-1", "900000")
    client = world.client_for(world.tapd_a)
    response = post(client, f"{base(world)}/sp2d/baru/", road_ref(apbd), uuid.uuid4(), "100.001")
    html = response.content.decode()
    assert response.status_code == 422
    assert "terlampaui" in html and "sisa Rp100.000,50" in html
    assert 'id="form-error"' in html
    assert not Sp2d.objects.filter(number="SP2D-9").exists()


def test_a_used_number_is_shown_on_its_field(world, apbd):
    pay(world, "SP2D-9", "1000")
    client = world.client_for(world.tapd_a)
    response = post(client, f"{base(world)}/sp2d/baru/", road_ref(apbd), uuid.uuid4(), "1000")
    assert response.status_code == 422 and "sudah dipakai" in response.content.decode()
    assert Sp2d.objects.filter(number="SP2D-9").count() == 1


def test_an_sts_is_entered_once(world, apbd):
    client = world.client_for(world.tapd_a)
    form = client.get(f"{base(world)}/sts/baru/?skpd={UNIT_A}").content.decode()
    assert REKLAME in form
    data = {
        "skpd": UNIT_A,
        "kunci": str(uuid.uuid4()),
        "rekening": REKLAME,
        "nomor": "STS-9",
        "tanggal": f"{YEAR}-02-01",
        "uraian": "Setoran pajak reklame",
        "jumlah": "125.000",
    }
    assert client.post(f"{base(world)}/sts/baru/", data).status_code == 302
    assert client.post(f"{base(world)}/sts/baru/", data).status_code == 302
    assert list(Sts.objects.values_list("number", "amount")) == [("STS-9", Decimal("125000.00"))]


def test_only_the_treasury_enters_and_outsiders_get_404(world, apbd):
    for path in ("sp2d/baru/", "sts/baru/", "impor/"):
        assert world.client_for(world.officer_b).get(f"{base(world)}/{path}").status_code == 404
        assert world.client_for(world.agency_operator_a).get(f"{base(world)}/{path}").status_code == 403
    response = post(
        world.client_for(world.agency_operator_a),
        f"{base(world)}/sp2d/baru/",
        road_ref(apbd),
        uuid.uuid4(),
        "1",
    )
    assert response.status_code == 403 and not Sp2d.objects.exists()


def _upload(client, url, text: str):
    return client.post(url, {"berkas": SimpleUploadedFile("realisasi.csv", text.encode(), "text/csv")})


HEADER = (
    "jenis,nomor,tanggal,kode_skpd,kode_sub_kegiatan,kode_rekening,sumber_dana,uraian,jumlah,jenis_sp2d\n"
)


def test_the_upload_lists_row_and_column_errors_and_writes_nothing(world, apbd):
    client = world.client_for(world.tapd_a)
    url = f"{base(world)}/impor/"
    bad = (
        HEADER
        + f"sp2d,U-1,{YEAR}-03-01,{UNIT_A},{ROAD},{JALAN},,Termin,1000,LS\n"
        + f"sp2d,U-2,{YEAR}-03-02,{UNIT_A},{ROAD},{JALAN},,Termin,abc,LS\n"
    )
    response = _upload(client, url, bad)
    html = response.content.decode()
    assert response.status_code == 422 and "row 3, column jumlah:" in html
    assert not Sp2d.objects.exists()
    good = HEADER + f"sp2d,U-1,{YEAR}-03-01,{UNIT_A},{ROAD},{JALAN},,Termin,1000,LS\n"
    assert _upload(client, url, good).status_code == 302
    assert list(Sp2d.objects.values_list("number", flat=True)) == ["U-1"]
