"""Village bookkeeping on a phone: the treasurer pays an approved SPP and the general cash book shows it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from .test_pages import sign_in

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)


def test_a_treasurer_records_a_payment_on_a_phone(page: Page, server, shot, console_errors):
    page.set_viewport_size(PHONE)
    sign_in(page, server, "bendahara.desa")
    page.get_by_role("link", name="Penatausahaan Pemerintah Desa Sukorejo").click()
    approved = page.locator("#spp-list tbody tr", has_text="Disetujui Kades").filter(
        has_text="Pembelian ATK dan materai kantor desa"
    )
    expect(approved).to_have_count(1)
    approved.get_by_role("link").click()
    shot("approved-spp")
    page.get_by_label("Dibayar dari").select_option(label="Tunai")
    page.get_by_label("PPh 22 dipotong (Rp)").fill("18.750")
    page.get_by_role("button", name="Catat pembayaran").click()
    expect(page.get_by_text("dibayar dan dicatat di Buku Kas Umum")).to_be_visible()
    expect(page.locator("#spp-state")).to_have_text("Dibayar")
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator(".breadcrumb a").click()
    page.get_by_role("link", name="Buku Kas Umum").click()
    rows = page.locator("#book tbody tr")
    expect(rows.filter(has_text="Pembelian ATK dan materai kantor desa")).to_have_count(1)
    expect(rows.filter(has_text="Potongan PPh 22")).not_to_have_count(0)
    expect(rows.filter(has_text="Pembelian ATK dan materai kantor desa")).to_contain_text("Rp1.250.000,00")
    shot("bku")
    assert console_errors == []
