"""What a newcomer meets: error pages, the way down to a desa, the search, and pages on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from spbe.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A touch phone: 390 CSS px wide, coarse pointer."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


def sign_in(page: Page, server: str, username: str) -> None:
    page.goto(server + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/app/"))


def assert_tappable(links: Locator) -> int:
    """Every visible element of ``links`` is at least 44 x 44 CSS px; return how many were measured."""
    measured = 0
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        if box is None or not links.nth(i).is_visible():
            continue
        text = links.nth(i).inner_text()
        assert box["width"] >= 44 and box["height"] >= 44, f"{text!r} is {box['width']}x{box['height']}"
        measured += 1
    return measured


def test_an_unknown_address_shows_the_indonesian_404_page(page: Page, server, shot, console_errors):
    response = page.goto(server + "/halaman/yang/tidak/ada/")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Tidak ditemukan")).to_be_visible()
    expect(page.get_by_text("Using the URLconf")).to_have_count(0)
    shot("404")
    # The page offers a way on: the search finds a place.
    page.get_by_label("Cari wilayah").fill("Sukorejo")
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.get_by_role("heading", name="Cari wilayah")).to_be_visible()
    expect(page.get_by_role("link", name="Sukorejo").first).to_be_visible()
    # The only console error is the 404 status of the page itself: no blocked style or script.
    assert [e for e in console_errors if "status of 404" not in e] == []


def test_a_citizen_finds_a_desa_and_walks_up_from_it(page: Page, server, shot, console_errors):
    page.goto(server + "/pemda/35.10/kecamatan/35.10.02/")
    page.get_by_role("link", name="Sukorejo", exact=True).click()
    expect(page.get_by_role("heading", name="Desa Sukorejo")).to_be_visible()
    expect(page.locator("#village-government")).to_contain_text("terdaftar di OpenSPBE")
    shot("desa")
    page.get_by_role("navigation", name="Jejak halaman").get_by_role("link", name="Jawa Timur").click()
    expect(page.get_by_role("heading", name="Jawa Timur")).to_be_visible()
    # Thousands grouped the Indonesian way.
    expect(page.get_by_text(re.compile(r"\d\.\d{3} desa"))).to_be_visible()
    assert console_errors == []


def test_the_navigation_marks_the_current_page(page: Page, server):
    sign_in(page, server, "admin")
    page.goto(server + "/app/35.10/desa/")
    expect(page.locator('.subnav a[aria-current="page"]')).to_have_text("Desa")
    expect(page.locator('#mainnav a[aria-current="true"]:not(.lang)')).to_have_text("Dasbor")
    weight = page.locator('.subnav a[aria-current="page"]').evaluate("e => getComputedStyle(e).fontWeight")
    assert int(weight) >= 600
    # Every announced module has shipped: the admin gets the service mall it oversees, nothing "soon".
    expect(page.locator(".subnav a", has_text="Layanan publik")).to_be_visible()
    expect(page.locator(".subnav .soon-note")).to_have_count(0)


def test_a_phone_reaches_every_column_and_every_target_is_big_enough(phone: Page, server, shot):
    sign_in(phone, server, "admin")
    phone.goto(server + "/app/35.10/audit/")
    table = phone.locator("table.audit")
    # The last column of a row is on the screen, not cut off past its right edge.
    last = table.locator("tbody > tr").first.locator("> td").last
    expect(last).to_be_visible()
    box = last.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("audit-phone")
    assert assert_tappable(phone.locator(".subnav a")) >= 3
    assert assert_tappable(phone.locator("table.audit > tbody > tr > td a")) >= 3
    assert assert_tappable(phone.locator(".pagination a")) >= 1
    phone.get_by_role("button", name="Menu").click()
    assert assert_tappable(phone.locator("#mainnav a, #mainnav button")) >= 4


def test_a_wide_table_scrolls_to_its_last_column_on_a_phone(phone: Page, server, shot):
    phone.goto(server + "/wilayah/35/")
    wrap = phone.locator(".table-wrap").first
    last_header = wrap.locator("thead th").last
    expect(last_header).to_have_text("Kelurahan")
    # Either the table fits, or its frame scrolls far enough to bring the last column into view.
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    box = last_header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"] + 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert assert_tappable(wrap.locator("tbody a")) >= 10
    shot("regions-phone")


def test_the_api_docs_on_a_phone_lead_back(phone: Page, server, shot):
    phone.goto(server + "/api/v1/docs")
    expect(phone.get_by_text("/api/v1/regions/{code}/children")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("docs-phone")
    back = phone.get_by_role("link", name="Kembali ke OpenSPBE")
    assert assert_tappable(back) == 1
    back.click()
    expect(phone).to_have_url(server + "/")
