"""The published IKM report and the documents as PDF, in Chromium against the seeded demo."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_a_citizen_reads_the_ikm_report_and_downloads_its_pdf(page: Page, server, shot, console_errors):
    # The demo's survey responses cover the last weeks up to today, so today's semester has respondents.
    today = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Jakarta")).date()
    semester = 1 if today.month <= 6 else 2
    page.goto(f"{server}/pemda/35.10/ikm/{today.year}/{semester}/")
    expect(page.get_by_role("heading", name="Laporan Indeks Kepuasan Masyarakat")).to_be_visible()
    expect(page.get_by_role("heading", name="Nilai IKM")).to_be_visible()
    expect(page.get_by_role("cell", name="U9 sarana dan prasarana")).to_be_visible()
    expect(page.get_by_role("heading", name="Profil responden")).to_be_visible()
    shot("pemda")
    # Each agency's own report is one click away, with its services.
    page.locator("table.reflow a").first.click()
    expect(page.get_by_role("heading", name="IKM per layanan")).to_be_visible()
    shot("agency")
    link = page.get_by_role("link", name="Unduh PDF")
    response = page.request.get(server + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    assert console_errors == []
