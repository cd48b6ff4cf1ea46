"""The lounge's queue in Chromium: a kiosk enrolled by the manager takes a ticket at kiosk resolution and
goes home when left alone; the display board shows a call within seconds and keeps it when offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_pages import sign_in

pytestmark = pytest.mark.browser


def _watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_a_kiosk_takes_a_ticket_and_returns_home_when_idle(browser: Browser, server, size):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = _watch(page)
    # The manager registers the device and types its token into the kiosk's browser.
    sign_in(page, server, "mpp")
    page.goto(server + "/app/35.10/antrean/kios/")
    form = page.locator("#kiosk-form")
    form.get_by_label("Nama perangkat").fill(f"Kios Lobi {width}")
    form.get_by_role("button", name="Simpan").click()
    token = page.locator("code.token").inner_text()
    assert len(token) >= 30
    page.goto(server + "/kios/daftar/")
    page.get_by_label("Token perangkat").fill(token)
    page.get_by_role("button", name="Simpan").click()
    expect(page).to_have_url(server + "/kios/")
    # The manager's session ended with the enrolment: the kiosk opens no staff page.
    page.goto(server + "/app/35.10/")
    expect(page.get_by_role("heading", name="Tidak tersedia di kios")).to_be_visible()
    errors.clear()  # Chromium logs the refusal's own 403 as a console error
    page.get_by_role("link", name="Kembali ke beranda kios").click()

    page.clock.install()
    page.get_by_label("Cari layanan").fill("akta kelahiran")
    page.get_by_role("button", name="Cari", exact=True).click()
    choice = page.locator("button.offer", has_text="Akta kelahiran terlambat")
    box = choice.bounding_box()
    assert box is not None and box["height"] >= 80  # a large target for a finger
    choice.click()
    expect(page).to_have_url(re.compile(r"/kios/tiket/[\w-]+/$"))
    code = page.locator(".ticket-code").inner_text()
    assert re.fullmatch(r"A-\d{3}", code)
    expect(page.locator(".qr svg")).to_be_visible()
    page.screenshot(path=f"var/screenshots/kiosk-ticket-{width}x{height}.png")
    # Nobody touches the screen: the kiosk goes back home, with nothing of this visit left.
    page.clock.fast_forward(25_000)
    expect(page).to_have_url(server + "/kios/")
    expect(page.get_by_text(code)).to_have_count(0)
    assert errors == []
    context.close()


def test_the_board_shows_a_call_within_seconds_and_keeps_it_offline(browser: Browser, server):
    board_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    board = board_context.new_page()
    errors = _watch(board)
    board.goto(server + "/pemda/35.10/antrean/mpp/papan/")
    expect(board.get_by_role("heading", name="Mal Pelayanan Publik Banyuwangi")).to_be_visible()

    staff = browser.new_context().new_page()
    staff.goto(server + "/pemda/35.10/antrean/mpp/?q=KTP-el")
    staff.locator("button.offer", has_text="Perekaman KTP-el").click()
    expect(staff.locator(".ticket-code")).to_be_visible()
    staff.context.clear_cookies()
    sign_in(staff, server, "loket.dispendukcapil")
    staff.goto(server + "/app/35.10/antrean/")
    staff.locator("a.card").first.click()
    staff.get_by_role("button", name="Panggil berikutnya").click()
    called = re.search(r"Memanggil (\w+-\d+)", staff.locator(".msg").inner_text())
    assert called is not None
    number = called.group(1)

    expect(board.locator(".calls li").first).to_contain_text(number, timeout=10_000)
    board_context.set_offline(True)
    expect(board.locator(".board-offline")).to_be_visible(timeout=10_000)
    expect(board.locator(".calls li").first).to_contain_text(number)
    board_context.set_offline(False)
    expect(board.locator(".board-offline")).to_be_hidden(timeout=10_000)
    board.screenshot(path="var/screenshots/board.png")
    # Fetch failures while offline are the network's, not the page's: no script or CSP error.
    assert [e for e in errors if "Failed to fetch" not in e and "ERR_INTERNET_DISCONNECTED" not in e] == []
    board_context.close()
