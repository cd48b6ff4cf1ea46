"""A complaint on the kiosk in Chromium at 1080x1920 (portrait, by touch): typed on the kiosk's own
keyboard, sent without a name, the public ticket shown with its QR code and a receipt to print, and
nothing of it left after the kiosk goes idle."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from .test_queue import _enrolled_kiosk, _tap, _watch

pytestmark = pytest.mark.browser


def test_a_citizen_files_a_complaint_on_the_kiosk_and_it_is_gone_when_idle(browser: Browser, server):
    context, page = _enrolled_kiosk(browser, server, (1080, 1920), "Kios Pengaduan", touch=True)
    errors = _watch(page)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.clock.install()
    link = page.get_by_role("link", name="Pengaduan", exact=True)
    box = link.bounding_box()
    assert box is not None and box["height"] >= 48
    link.tap()
    expect(page.get_by_role("heading", name="Sampaikan pengaduan")).to_be_visible()
    subject = page.get_by_label("Pokok pengaduan")
    subject.tap()
    expect(page.locator(".osk")).to_be_visible()
    _tap(page, "antrean lama", True)
    expect(subject).to_have_value("antrean lama")
    description = page.get_by_label("Uraian")
    description.tap()
    _tap(page, "tiga jam menunggu", True)
    expect(description).to_have_value("tiga jam menunggu")
    page.locator(".osk-key[data-key='close']").tap()
    field = page.get_by_label("Nama (boleh dikosongkan)").bounding_box()
    assert field is not None and field["height"] >= 60  # a field a finger hits
    send = page.get_by_role("button", name="Kirim pengaduan")
    send.tap()
    expect(page.get_by_role("heading", name="Pengaduan Anda diterima")).to_be_visible()
    ticket = page.locator(".complaint-code").inner_text()
    assert re.fullmatch(r"ADU-35\.10-\d{4}-\d{6}", ticket)
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.get_by_text(f"/pengaduan/{ticket}/")).to_be_visible()
    page.screenshot(path="var/screenshots/kiosk-complaint-1080x1920.png")
    # The receipt prints at receipt width, naming nobody.
    with page.expect_navigation():
        page.get_by_role("link", name="Cetak tanda terima").tap()
    expect(page.locator(".complaint-code")).to_have_text(ticket)
    assert page.locator("html.receipt-80").count() == 1
    page.go_back()
    expect(page.get_by_role("heading", name="Pengaduan Anda diterima")).to_be_visible()
    # Nobody touches the screen: home again, and the ticket is not on screen any more.
    page.clock.fast_forward(50_000)
    expect(page).to_have_url(server + "/kios/")
    expect(page.get_by_text(ticket)).to_have_count(0)
    # The public status page shows the ticket's journey, without a name.
    status = context.new_page()
    status.goto(server + f"/pengaduan/{ticket}/")
    expect(status.get_by_text("tanpa nama")).to_be_visible()
    assert errors == [], missing
    context.close()
