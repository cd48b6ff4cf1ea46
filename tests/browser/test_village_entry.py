"""APBDes line entry on a phone: the operator adds a line to a perubahan draft, the BPD agrees, the Kades
submits, and the camat returns it with a note on that line, which the operator then reads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from .test_pages import sign_in

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)
APBDES = "/app/35.10/desa/35.10.02.2001/apbdes/2027/"  # Desa Sukorejo, books kept in OpenSPBE


def _as(page: Page, server: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, server, username)
    page.goto(server + APBDES)


def test_an_operator_adds_a_line_on_a_phone_and_the_camat_returns_it(
    page: Page, server, shot, console_errors
):
    page.set_viewport_size(PHONE)
    _as(page, server, "operator.desa")
    expect(page.locator("#stage")).to_have_text("Ditetapkan")
    page.get_by_role("button", name="Buat APBDes perubahan").click()
    expect(page.locator("#stage")).to_have_text("Draf")
    expect(page.locator("#priorities")).to_be_visible()

    page.get_by_role("link", name="Tambah rincian").click()
    page.get_by_label("Rekening").fill("5.2.7")
    page.get_by_label("Kegiatan (belanja)").fill("04.02.03")
    page.get_by_label("Sumber dana").select_option("DDS")
    page.get_by_label("Uraian").fill("Benih padi lumbung pangan desa")
    page.get_by_label("Anggaran (Rp)").fill("2.500.000,50")
    shot("line-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("Rincian 5.2.7 disimpan.")).to_be_visible()
    row = page.locator("tr[id^='line-']", has_text="Benih padi lumbung pangan desa")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Rp2.500.000,50")
    # The new line counts toward the food-security priority, listed with the lines that make it.
    expect(page.locator("#priority-ketahanan_pangan")).to_contain_text("Benih padi lumbung pangan desa")
    shot("draft")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    _as(page, server, "bpd")
    page.get_by_role("button", name="BPD menyepakati").click()
    _as(page, server, "kades")
    page.get_by_role("button", name="Kirim ke camat untuk evaluasi").click()
    expect(page.locator("#stage")).to_have_text("Dievaluasi camat")

    _as(page, server, "camat")
    page.get_by_role("link", name="Evaluasi dan catatan camat").click()
    line = page.locator("#evaluation tbody tr", has_text="Benih padi lumbung pangan desa")
    line.get_by_label("Catatan").fill("Lampirkan daftar kelompok tani penerima benih.")
    line.get_by_role("button", name="Simpan catatan").click()
    expect(page.get_by_text("Lampirkan daftar kelompok tani penerima benih.")).to_be_visible()
    page.get_by_label("Alasan pengembalian").fill("Lengkapi data penerima benih.")
    page.get_by_role("button", name="Kembalikan untuk diperbaiki").click()
    expect(page.locator("#stage")).to_have_text("Draf")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("evaluation")

    _as(page, server, "operator.desa")
    note = page.locator("tr[id^='line-']", has_text="Benih padi lumbung pangan desa")
    expect(note).to_contain_text("Lampirkan daftar kelompok tani penerima benih.")
    expect(page.get_by_role("link", name="Tambah rincian")).to_be_visible()
    assert console_errors == []
