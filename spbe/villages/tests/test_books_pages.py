"""Bookkeeping pages: forms that write through the services, the books as page, XLSX and PDF, scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from spbe.villages.books import SppLineData, receipt_record, spp_create, spp_move, spp_pay
from spbe.villages.models import Realisation
from spbe.villages.models_books import Spp

from .books_helpers import YEAR, Officials, adopted, line, officials

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def people(world: Any) -> Officials:
    return officials(world)


@pytest.fixture
def apbdes(world: Any, people: Officials) -> Any:
    found = adopted(world, people)
    receipt_record(
        actor=people.treasurer, village=world.desa_x, year=YEAR, apbdes_line_id=line(found, "4.2.1").pk,
        received_on=D(YEAR, 1, 20), via="bank", amount="40000000", description="Dana Desa tahap I",
    )  # fmt: skip
    return found


def base(world: Any) -> str:
    return f"/app/{world.pemda_a.code}/desa/{world.desa_x.region_id}/pembukuan/{YEAR}/"


def approved(world: Any, people: Officials, apbdes: Any, kind: str = "definitif") -> Spp:
    spp = spp_create(
        actor=people.executor, village=world.desa_x, year=YEAR, kind=kind, activity_code="02.03.01",
        description="Semen dan pasir", lines=[SppLineData(line(apbdes, "5.3.5").pk, "12500000.50")],
    )  # fmt: skip
    for who, action in ((people.executor, "submit"), (people.sekdes, "verify"), (people.kades, "approve")):
        spp_move(actor=who, spp=spp, action=action)
    return spp


def test_the_treasurer_pays_on_the_page_and_the_books_show_it(
    world: Any, people: Officials, apbdes: Any
) -> None:
    spp = approved(world, people, apbdes)
    client = world.client_for(people.treasurer)
    page = client.get(f"{base(world)}spp/{spp.number}/")
    assert page.status_code == 200 and b'id="pay-form"' in page.content
    assert b'name="action"' not in page.content  # paying is its own form, not a workflow button
    response = client.post(
        f"{base(world)}spp/{spp.number}/bayar/",
        {"paid_on": f"{YEAR}-02-03", "via": "bank", "tax_pph22": "187.500,01"},
    )
    assert response.status_code == 302
    spp.refresh_from_db()
    assert spp.state == "paid" and spp.taxes.get().amount == Decimal("187500.01")
    assert Realisation.objects.get(village=world.desa_x, account_code="5.3.5").amount == Decimal(
        "12500000.50"
    )

    bku = client.get(f"{base(world)}buku/bku/")
    assert bku.status_code == 200
    text = bku.content.decode()
    assert "Semen dan pasir" in text and "12.500.000,50" in text
    closing = Decimal("40000000") - Decimal("12500000.50") + Decimal("187500.01")
    assert 'id="closing">Rp27.687.499,51</td>' in text

    download = client.get(f"{base(world)}buku/bku/?format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][2] == "Saldo awal" and rows[1][7] == 0
    balances = [Decimal(str(r[7])) for r in rows[2:-1]]
    assert balances == [Decimal("40000000"), Decimal("27499999.50"), closing]
    assert Decimal(str(rows[-1][7])) == closing

    pdf = client.get(f"{base(world)}buku/bank/?dari={YEAR}-02-01&sampai={YEAR}-02-28&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    words = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert (
        "BUKU BANK" in words.upper() and "40.000.000,00" in words
    )  # the balance brought forward from January
    assert "27.687.499,51" in words


def test_an_executor_cannot_ask_for_more_than_is_left(world: Any, people: Officials, apbdes: Any) -> None:
    client = world.client_for(people.executor)
    form = client.get(f"{base(world)}spp/baru/")
    assert form.status_code == 200 and b"sisa" in form.content
    posted = {
        "kind": "definitif", "activity_code": "02.03.01", "description": "Semua anggaran jalan dan lebih",
        "line_0": str(line(apbdes, "5.3.5").pk), "amount_0": "61.000.000,01",
    }  # fmt: skip
    response = client.post(f"{base(world)}spp/baru/", posted)
    assert response.status_code == 200 and "melebihi sisa anggaran" in response.content.decode()
    assert not Spp.objects.exists()
    posted["amount_0"] = "61.000.000"
    response = client.post(f"{base(world)}spp/baru/", posted)
    spp = Spp.objects.get()
    assert (
        response.status_code == 302 and spp.total == Decimal("61000000") and spp.created_by == people.executor
    )
    # The kades may not act on a draft; the refusal is a message, the SPP stays as it was.
    kades = world.client_for(people.kades)
    kades.post(f"{base(world)}spp/{spp.number}/aksi/", {"action": "approve"})
    spp.refresh_from_db()
    assert spp.state == "draft"


def test_officials_of_another_desa_and_another_kecamatan_get_404(
    world: Any, people: Officials, apbdes: Any
) -> None:
    spp = approved(world, people, apbdes)
    for user in (world.operator_y, world.camat_y, world.officer_b, world.agency_operator_a):
        client = world.client_for(user)
        for url in ("", "buku/bku/", f"spp/{spp.number}/", "penerimaan/"):
            assert client.get(base(world) + url).status_code == 404, (user, url)
        assert client.post(f"{base(world)}spp/{spp.number}/bayar/", {"via": "bank"}).status_code == 404
    spp.refresh_from_db()
    assert spp.state == "approved"
    camat = world.client_for(world.camat_x)
    page = camat.get(base(world))
    assert page.status_code == 200 and b"Semen dan pasir" in page.content
    assert b'id="pay-form"' not in camat.get(f"{base(world)}spp/{spp.number}/").content


def test_overdue_advances_are_flagged_and_listed(world: Any, people: Officials, apbdes: Any) -> None:
    spp = approved(world, people, apbdes, kind="panjar")
    spp_pay(actor=people.treasurer, spp=spp, paid_on=D(YEAR, 3, 1), via="bank")
    receipt_record(
        actor=people.treasurer, village=world.desa_x, year=YEAR, apbdes_line_id=line(apbdes, "4.3.6").pk,
        received_on=D(YEAR, 3, 31), via="bank", amount="150000", description="Bunga bank Maret",
    )  # fmt: skip
    home = world.client_for(people.kades).get(base(world)).content.decode()
    assert "SPJ panjar terlambat" in home
    listing = world.client_for(world.camat_x).get(
        f"/app/{world.pemda_a.code}/pembukuan-desa/panjar-terlambat/"
    )
    assert listing.status_code == 200 and "Semen dan pasir" in listing.content.decode()
    other = world.client_for(world.camat_y).get(f"/app/{world.pemda_a.code}/pembukuan-desa/panjar-terlambat/")
    assert other.status_code == 200 and "Semen dan pasir" not in other.content.decode()
    assert (
        world.client_for(world.agency_operator_a)
        .get(f"/app/{world.pemda_a.code}/pembukuan-desa/panjar-terlambat/")
        .status_code
        == 404
    )


def test_the_api_gives_the_requests_and_the_books_in_scope(
    world: Any, people: Officials, apbdes: Any
) -> None:
    from spbe.accounts.services import api_token_create

    def bearer(user: Any) -> dict[str, str]:
        _token, secret = api_token_create(actor=user, user=user, name="tes")
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    spp = approved(world, people, apbdes)
    spp_pay(actor=people.treasurer, spp=spp, paid_on=D(YEAR, 2, 3), via="bank")
    url = f"/api/v1/pemda/{world.pemda_a.code}/villages/{world.desa_x.region_id}/books/{YEAR}"
    client = world.client_for(None)
    listing = client.get(url + "/spp", **bearer(world.camat_x)).json()
    assert [(s["nomor"], s["status"], s["jumlah"]) for s in listing] == [(1, "paid", "12500000.50")]
    bku = client.get(url + "/bku", {"dari": f"{YEAR}-02-01"}, **bearer(people.treasurer)).json()
    assert (bku["saldo_awal"], bku["saldo_akhir"]) == ("40000000.00", "27499999.50")
    assert [row["saldo"] for row in bku["baris"]] == ["27499999.50"]
    refused = client.get(url + "/bku", **bearer(world.operator_y))
    assert refused.status_code == 404 and refused["Content-Type"].startswith("application/problem+json")
