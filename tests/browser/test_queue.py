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
    # The resource's address with its message: "Failed to load resource" alone does not say which.
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} {msg.location.get('url', '')}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _enrolled_kiosk(browser: Browser, server: str, size: tuple[int, int], name: str, touch: bool = False):
    """A browser context enrolled as a new kiosk of the mall (the manager registers it, types its token)."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch)
    page = context.new_page()
    sign_in(page, server, "mpp")
    page.goto(server + "/app/35.10/antrean/kios/")
    form = page.locator("#kiosk-form")
    form.get_by_label("Nama perangkat").fill(name)
    form.get_by_role("button", name="Simpan").click()
    token = page.locator("code.token").inner_text()
    assert len(token) >= 30
    page.goto(server + "/kios/daftar/")
    page.get_by_label("Token perangkat").fill(token)
    page.get_by_role("button", name="Simpan").click()
    expect(page).to_have_url(server + "/kios/")
    return context, page


def _tap(page: Page, keys: str, touch: bool) -> None:
    """Type on the kiosk's own keyboard, by finger or by mouse."""
    for key in keys:
        button = page.locator(f".osk-key[data-key='{'space' if key == ' ' else key}']")
        button.tap() if touch else button.click()


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_a_kiosk_finds_a_service_with_its_keyboard_takes_a_ticket_and_returns_home_when_idle(
    browser: Browser, server, size
):
    width, height = size
    touch = width < height  # the portrait screen is driven by touch, the landscape one by a mouse
    context, page = _enrolled_kiosk(browser, server, size, f"Kios Lobi {width}", touch=touch)
    errors = _watch(page)
    # The manager's session ended with the enrolment: the kiosk opens no staff page.
    page.goto(server + "/app/35.10/")
    expect(page.get_by_role("heading", name="Tidak tersedia di kios")).to_be_visible()
    errors.clear()  # Chromium logs the refusal's own 403 as a console error
    page.get_by_role("link", name="Kembali ke beranda kios").click()

    page.clock.install()
    search = page.get_by_label("Cari layanan")
    search.tap() if touch else search.click()
    keyboard = page.locator(".osk")
    expect(keyboard).to_be_visible()
    space = page.locator(".osk-key[data-key='space']").bounding_box()
    assert space is not None and space["height"] >= 60  # keys a finger hits
    _tap(page, "akta", touch)
    expect(search).to_have_value("akta")
    expect(search).to_be_focused()  # the keys never took the focus away from the field
    # The list narrows as letters come, without a round trip.
    choice = page.locator("a.offer", has_text="Akta kelahiran terlambat")
    expect(choice).to_be_visible()
    expect(page.locator("a.offer", has_text="Perekaman KTP-el")).to_be_hidden()
    # A physical keyboard types into the same field.
    page.keyboard.type(" kelahiran")
    expect(search).to_have_value("akta kelahiran")
    page.locator(".osk-key[data-key='backspace']").click()
    expect(search).to_have_value("akta kelahira")
    page.locator(".osk-key[data-key='close']").click()
    expect(keyboard).to_be_hidden()
    box = choice.bounding_box()
    assert box is not None and box["height"] >= 80  # a large target for a finger
    choice.tap() if touch else choice.click()
    expect(page.get_by_role("heading", name="Akta kelahiran terlambat (lebih dari 1 tahun)")).to_be_visible()
    expect(page.get_by_text("Persyaratan")).to_be_visible()
    page.get_by_role("button", name="Ambil nomor antrean").click()
    expect(page).to_have_url(re.compile(r"/kios/tiket/[\w-]+/$"))
    code = page.locator(".ticket-code").inner_text()
    assert re.fullmatch(r"A-\d{3}", code)
    expect(page.locator(".qr svg")).to_be_visible()
    page.screenshot(path=f"var/screenshots/kiosk-ticket-{width}x{height}.png")
    # Nobody touches the screen: the kiosk goes back home, with nothing of this visit left.
    page.clock.fast_forward(25_000)
    expect(page).to_have_url(server + "/kios/")
    expect(page.get_by_text(code)).to_have_count(0)
    expect(page.get_by_label("Cari layanan")).to_have_value("")
    # Left typing at home: the search empties, the keyboard goes away, every service is back.
    search = page.get_by_label("Cari layanan")
    search.click()
    _tap(page, "rekam", False)
    expect(page.locator("a.offer", has_text="Akta kelahiran terlambat")).to_be_hidden()
    page.clock.fast_forward(65_000)
    expect(search).to_have_value("")
    expect(page.locator(".osk")).to_be_hidden()
    expect(page.locator("a.offer", has_text="Akta kelahiran terlambat")).to_be_visible()
    assert errors == []
    context.close()


def test_a_citizen_rates_the_service_on_the_kiosk_after_being_served(browser: Browser, server):
    context, page = _enrolled_kiosk(browser, server, (1920, 1080), "Kios Survei")
    errors = _watch(page)
    page.locator("a.offer", has_text="Akta kematian").click()
    page.get_by_role("button", name="Ambil nomor antrean").click()
    code = page.locator(".ticket-code").inner_text()
    # The counter calls until this number comes up, and serves it.
    staff = browser.new_context().new_page()
    sign_in(staff, server, "loket.dispendukcapil")
    staff.goto(server + "/app/35.10/antrean/")
    staff.locator("a.card").first.click()
    for _attempt in range(40):
        staff.get_by_role("button", name="Panggil berikutnya").click()
        called = re.search(r"Memanggil (\w+-\d+)", staff.locator(".msg").inner_text())
        assert called is not None
        staff.get_by_role("button", name="Selesai").click()
        if called.group(1) == code:
            break
    else:
        raise AssertionError(f"{code} was never called")
    staff.context.close()

    page.clock.install()
    page.get_by_role("link", name="Beri penilaian").click()
    field = page.get_by_label("Nomor antrean Anda")
    field.click()
    expect(page.locator(".osk")).to_be_visible()
    letter, number = code.split("-")
    _tap(page, letter.lower() + number, False)
    page.locator(".osk-key[data-key='enter']").click()
    expect(page.get_by_role("heading", name="Survei kepuasan masyarakat")).to_be_visible()
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_text("4", exact=True).click()
    page.screenshot(path="var/screenshots/kiosk-survey.png")
    page.get_by_role("button", name="Kirim survei").click()
    expect(page.get_by_role("heading", name="Terima kasih")).to_be_visible()
    # The thanks screen does not stay: back home soon, nothing of the answer left.
    page.clock.fast_forward(16_000)
    expect(page).to_have_url(server + "/kios/")
    expect(page.get_by_text(code)).to_have_count(0)
    assert errors == []
    context.close()


def test_the_kiosk_catalogue_stays_browsable_when_the_network_drops(browser: Browser, server):
    context, page = _enrolled_kiosk(browser, server, (1080, 1920), "Kios Luring")
    errors = _watch(page)
    # The service worker installs from the kiosk's own scope and keeps the catalogue.
    registered = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert registered == server + "/kios/"
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator(".kiosk-offline")).to_be_hidden()

    context.set_offline(True)
    page.goto(server + "/kios/?q=akta")
    banner = page.locator(".kiosk-offline")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text(re.compile(r"data per \d\d-\d\d-\d{4} \d\d\.\d\d WIB"))
    # The kept home page filters by the asked query itself; the keyboard still types.
    expect(page.get_by_label("Cari layanan")).to_have_value("akta")
    expect(page.locator("a.offer", has_text="Perekaman KTP-el")).to_be_hidden()
    page.get_by_label("Cari layanan").click()
    _tap(page, " kem", False)
    page.locator(".osk-key[data-key='close']").click()
    service = page.locator("a.offer", has_text="Akta kematian")
    expect(service).to_be_visible()
    expect(page.locator("a.offer", has_text="Akta kelahiran terlambat")).to_be_hidden()
    # A service never opened before is still shown, from the kept catalogue.
    service.click()
    expect(page.get_by_role("heading", name="Akta kematian")).to_be_visible()
    expect(page.locator(".kiosk-offline-service [data-field=persyaratan]")).not_to_have_text("—")
    expect(banner).to_be_visible()
    page.screenshot(path="var/screenshots/kiosk-offline.png")
    context.set_offline(False)
    page.goto(server + "/kios/")
    expect(banner).to_be_hidden(timeout=20_000)
    offline_noise = ("Failed to fetch", "ERR_INTERNET_DISCONNECTED", "Failed to load resource")
    assert [e for e in errors if not any(n in e for n in offline_noise)] == []
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


def test_the_lounge_screens_rotate_and_keep_their_data_when_the_network_drops(browser: Browser, server):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = _watch(page)
    page.clock.install()
    page.goto(server + "/pemda/35.10/antrean/mpp/layar/")
    slides = page.locator(".slide")
    kinds = [s.get_attribute("data-slide") for s in slides.all()]
    # The demo has a queue, open counters and event services, an adopted APBD and projects.
    assert kinds == ["antrean", "layanan", "anggaran", "proyek"], kinds
    expect(page.locator(".slide[data-slide=antrean]")).to_be_visible()
    expect(page.locator(".slide[data-slide=anggaran]")).to_be_hidden()
    page.clock.fast_forward(15_500)
    expect(page.locator(".slide[data-slide=layanan]")).to_be_visible()
    expect(page.locator(".slide[data-slide=antrean]")).to_be_hidden()
    page.clock.fast_forward(15_000)
    expect(page.locator(".slide[data-slide=anggaran]")).to_be_visible()
    expect(page.locator(".slide[data-slide=anggaran] .slide-figures")).to_contain_text("Rp")
    page.screenshot(path="var/screenshots/screens-budget.png")

    context.set_offline(True)
    page.clock.fast_forward(11_000)  # the next refresh fails
    banner = page.locator(".screens-offline")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text(re.compile(r"\d\d-\d\d-\d{4} \d\d\.\d\d WIB"))
    # The last data stay, and the rotation goes on.
    page.clock.fast_forward(15_000)
    expect(page.locator(".slide[data-slide=proyek]")).to_be_visible()
    expect(page.locator(".slide[data-slide=proyek] .slide-list li").first).to_be_visible()
    page.screenshot(path="var/screenshots/screens-offline.png")
    context.set_offline(False)
    page.clock.fast_forward(11_000)
    expect(banner).to_be_hidden(timeout=10_000)
    expect(page.locator(".slide")).to_have_count(4)
    assert [e for e in errors if "Failed to fetch" not in e and "ERR_INTERNET_DISCONNECTED" not in e] == []
    context.close()
