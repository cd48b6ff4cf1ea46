"""A citizen's complaint from the web form to its status page, its handling by the officer, and the
event-services calendar, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .test_pages import sign_in

pytestmark = pytest.mark.browser


def test_a_citizen_complains_and_follows_the_ticket_masked(page: Page, server, shot, console_errors):
    page.goto(server + "/pemda/35.10/")
    page.get_by_role("link", name="Sampaikan pengaduan").click()
    page.get_by_label("Pokok pengaduan").fill("Lampu jalan mati di Jl. Ahmad Yani")
    page.get_by_label("Uraian").fill("Sudah dua minggu gelap, rawan kecelakaan.")
    page.get_by_label("Nama").fill("Sri Wahyuningsih")
    page.get_by_label("NIK").fill("3510014501900001")
    page.get_by_label("Telepon").fill("081234567890")
    shot("form")
    page.get_by_role("button", name="Simpan").click()
    expect(page).to_have_url(re.compile(r"/pengaduan/ADU-35\.10-\d{4}-\d{6}/$"))
    ticket = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator(".messages")).to_contain_text(ticket)
    expect(page.get_by_text("Sr* W***********")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Wahyuningsih")
    expect(page.locator("main")).not_to_contain_text("3510014501900001")
    shot("status")
    assert console_errors == []

    sign_in(page, server, "pengaduan")
    page.goto(server + "/app/35.10/pengaduan/")
    page.get_by_role("link", name=ticket).click()
    expect(page.locator("main")).to_contain_text("3510014501900001")  # staff see who complained
    page.locator("#step-verify").get_by_role("button", name="Verifikasi").click()
    expect(page.locator("#step-route")).to_be_visible()
    shot("verified")


def test_the_event_calendar_lists_the_demo_events(page: Page, server, shot, console_errors):
    page.goto(server + "/pemda/35.10/jemput-bola/?tampilan=daftar")
    expect(page.get_by_role("heading", name="Layanan jemput bola")).to_be_visible()
    expect(page.get_by_text("Mobil layanan Dispendukcapil di Pasar Rogojampi")).to_be_visible()
    expect(page.get_by_role("link", name="Langganan kalender (iCalendar)")).to_have_attribute(
        "href", "/pemda/35.10/jemput-bola.ics"
    )
    shot("list")
    page.get_by_role("link", name="Tampilan bulan").click()
    expect(page.locator("table.month")).to_be_visible()
    shot("month")
    assert console_errors == []
