"""Realisation entered on a phone: the treasury (BPKAD, the demo's TAPD user) finds a DPA line of the demo's
adopted APBD 2028 by search, sees what remains, enters an SP2D, and the LRA's realised spending moves by
exactly that amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from .test_pages import sign_in

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)
LRA = "/app/35.10/realisasi/2028/?periode=tahun&menurut=akun"


def rupiah(text: str) -> Decimal:
    """``Rp1.234.567,89`` -> Decimal (the page's own format)."""
    return Decimal(text.strip().removeprefix("Rp").replace(".", "").replace(",", "."))


def realised_spending(page: Page, server: str) -> Decimal:
    page.goto(server + LRA)
    row = page.locator("table.lra-summary tbody tr").filter(has_text="Belanja").first
    return rupiah(row.locator("td").nth(2).inner_text())


def test_the_treasury_enters_an_sp2d_on_a_phone_and_the_lra_moves(page: Page, server, shot, console_errors):
    page.set_viewport_size(PHONE)
    sign_in(page, server, "tapd")
    before = realised_spending(page, server)
    page.get_by_role("link", name="Catat SP2D").click()
    page.get_by_label("Perangkat daerah").select_option(index=1)
    page.get_by_label("Cari baris DPA (kode atau nama)").fill("5.1.02")
    page.get_by_role("button", name="Cari").click()
    rows = page.locator("#dpa-lines tbody tr")
    expect(rows.first).to_be_visible()
    shot("sp2d-search")
    for index in range(rows.count()):
        if rupiah(rows.nth(index).locator("td").nth(3).inner_text()) >= Decimal("2000000"):
            rows.nth(index).get_by_role("link", name="Pilih").click()
            break
    else:
        pytest.fail("no DPA line of the first agency has Rp2.000.000 left")
    remaining = rupiah(page.locator("#remaining").inner_text())
    page.get_by_label("Nomor SP2D").fill("SP2D-UJI-PONSEL-1")
    page.get_by_label("Tanggal SP2D").fill("2028-06-15")
    page.get_by_label("Uraian").fill("Pembayaran alat tulis kantor")
    page.get_by_label("Jumlah (Rp)").fill("1.234.567,89")
    shot("sp2d-form")
    page.get_by_role("button", name="Simpan SP2D").click()
    expect(page.get_by_text("SP2D SP2D-UJI-PONSEL-1 sebesar Rp1.234.567,89 dicatat.")).to_be_visible()
    assert rupiah(page.locator("#remaining").inner_text()) == remaining - Decimal("1234567.89")
    shot("sp2d-recorded")
    # No screenshot of the LRA: the demo's whole account tree is a very long page.
    assert realised_spending(page, server) == before + Decimal("1234567.89")
    assert console_errors == []
