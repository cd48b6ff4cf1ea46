"""The agency head on a phone: the early-warning notice on the dashboard, the critical contract's SCM, the
agency's E.81 and its PDF; Bappeda reads the monthly RFK."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from .test_pages import sign_in

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)


def test_the_head_follows_a_warning_to_the_scm_and_fills_the_e81(page: Page, server, shot, console_errors):
    page.set_viewport_size(PHONE)
    sign_in(page, server, "kepala.pu")
    page.goto(server + "/app/35.10/")
    page.locator("#monitoring-notices").click()
    notice = page.locator("#notices li").first
    expect(notice).to_contain_text("Peningkatan Jalan Rogojampi - Songgon")
    shot("notices")
    notice.get_by_role("link").click()
    page.get_by_role("link", name="Rapat pembuktian (SCM)").click()
    expect(page.locator("#meetings tbody tr").first).to_contain_text("SCM I")
    expect(page.locator("#scm-none")).to_be_visible()  # SCM II waits for SCM I's target date
    shot("scm")
    page.goto(server + "/app/35.10/")
    page.locator("#monitoring-e81").click()
    # The page opens on today's year; the demo's works and E.81 rows are of the demo budget year.
    page.locator("#e81-filter").get_by_label("Tahun").fill("2027")
    page.locator("#e81-filter").get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#e81-table tbody tr")).to_have_count(3)
    page.get_by_label("Faktor penghambat").fill("Musim hujan lebih awal")
    page.locator("#e81-evaluation").get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Faktor pendorong, penghambat dan tindak lanjut disimpan.")).to_be_visible()
    expect(page.get_by_label("Faktor penghambat")).to_have_value("Musim hujan lebih awal")
    shot("e81")
    pdf = page.request.get(page.url.split("?")[0] + (page.locator("#e81-pdf").get_attribute("href") or ""))
    assert pdf.headers["content-type"] == "application/pdf"
    assert console_errors == []


def test_bappeda_reads_the_monthly_rfk(page: Page, server, shot, console_errors):
    page.set_viewport_size(PHONE)
    sign_in(page, server, "bappeda")
    page.goto(server + "/app/35.10/")
    page.locator("#monitoring-rfk").click()
    expect(page.locator("#rfk-rows")).to_be_visible()
    page.locator("#rfk-filter").get_by_label("Tahun").fill("2027")
    page.locator("#rfk-filter").get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#rfk-rows tbody")).to_contain_text("1.03.10.2.01.0028")
    shot("rfk")
    assert console_errors == []
