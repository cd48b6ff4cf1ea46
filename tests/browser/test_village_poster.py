"""A citizen on a phone opens the APBDes infographic poster of a desa from its public APBDes page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DESA = "35.10.02.2001"  # a desa of the Banyuwangi demo, whose APBDes the demo adopts
YEAR = 2027  # the demo's village-finance year (SPBE_DEFAULT_BUDGET_YEAR)


def test_a_citizen_opens_the_poster_from_the_public_apbdes_page(page: Page, server, shot, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/desa/{DESA}/apbdes/{YEAR}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Tahun {YEAR}")
    shot("apbdes")
    pdf_link = page.locator("#poster-pdf")
    expect(pdf_link).to_be_visible()
    response = page.request.get(server + pdf_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    # The public page itself runs clean under the CSP. (Chromium's own viewer for a bare image styles itself
    # inline, which the site's CSP blocks, and asks for /favicon.ico: neither is the product's page.)
    assert console_errors == []
    # The PNG opens in the browser as an image the citizen can save and print.
    page.locator("#poster-png").click()
    page.wait_for_url(f"**/desa/{DESA}/apbdes/{YEAR}/poster.png")
    size = page.evaluate(
        "() => { const i = document.querySelector('img'); return [i.naturalWidth, i.naturalHeight]; }"
    )
    assert size[0] == 1240 and size[1] > 1000
    shot("poster")
