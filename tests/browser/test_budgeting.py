"""E-budgeting in Chromium on the demo's pergeseran 2028 draft (after the adopted perubahan): the PU Bina
Marga operator drafts a detail row on a phone, the agency head submits the RKA, a TAPD member returns the line
with a note, and the operator sees the note."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from .test_pages import sign_in

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)
NOTE = "Harga galian tanah di atas SSH, sesuaikan"


def switch_to(page: Page, server: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, server, username)


def test_operator_drafts_head_submits_tapd_returns_a_line_and_the_operator_sees_the_note(
    page: Page, server, shot, console_errors
):
    page.set_viewport_size(PHONE)
    sign_in(page, server, "operator.pu")
    page.locator("#panel-budgeting").get_by_role("link", name="RKA PU Bina Marga").click()
    expect(page.locator("#rka-state")).to_have_text("Draf")
    rka_url = page.url
    page.locator("#groups tbody tr").first.get_by_role("link").click()
    page.get_by_role("link", name="Tambah rincian").first.click()
    page.get_by_label("Uraian").fill("Galian tanah saluran samping")
    page.get_by_label("Volume 1").fill("12,5")
    page.get_by_label("Satuan 1").fill("m3")
    page.get_by_label("Harga satuan (Rp)").fill("85.000")
    shot("detail-form")
    page.get_by_role("button", name="Simpan rincian").click()
    expect(page.get_by_text("Rincian ditambahkan.")).to_be_visible()
    anchor = re.search(r"#(baris-\d+)$", page.url)
    assert anchor is not None
    section = page.locator(f"#{anchor.group(1)}")
    expect(section).to_contain_text("Galian tanah saluran samping")
    expect(section).to_contain_text("Rp1.062.500,00")  # 12,5 x Rp85.000
    group_url = page.url
    shot("drafted")

    page.set_viewport_size(ViewportSize(width=1280, height=900))
    switch_to(page, server, "kepala.pu")
    page.goto(rka_url)
    page.get_by_role("button", name="Ajukan RKA ke TAPD").click()
    expect(page.get_by_text("RKA diajukan ke TAPD.")).to_be_visible()
    expect(page.locator("#rka-state")).to_have_text("Diajukan")

    switch_to(page, server, "tapd")
    page.goto(group_url)
    section = page.locator(f"#{anchor.group(1)}")
    section.get_by_label("Catatan untuk baris ini (wajib bila dikembalikan)").fill(NOTE)
    shot("review")
    section.get_by_role("button", name="Kembalikan baris").click()
    expect(page.get_by_text("Hasil pemeriksaan baris disimpan.")).to_be_visible()
    expect(page.locator(f"#{anchor.group(1)} .line-review")).to_have_text("Dikembalikan")

    page.set_viewport_size(PHONE)
    switch_to(page, server, "operator.pu")
    page.goto(group_url)
    expect(page.locator(f"#{anchor.group(1)} .review-note")).to_contain_text(NOTE)
    shot("note-seen")
    assert console_errors == []
