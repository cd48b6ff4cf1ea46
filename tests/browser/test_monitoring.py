"""E-monitoring on a phone: a field supervisor reports with a photo, the agency head verifies it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import ExifTags, Image, TiffImagePlugin
from playwright.sync_api import FilePayload, Page, ViewportSize, expect

from .test_pages import sign_in

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)


def field_photo() -> bytes:
    """A JPEG with the GPS position of the demo's Genteng - Kalibaru road and this morning's time."""
    image = Image.new("RGB", (1600, 1200), (90, 110, 90))
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    r = TiffImagePlugin.IFDRational
    gps.update({1: "S", 2: (r(8), r(22), r(304, 100)), 3: "E", 4: (r(114), r(9), r(1009, 100))})
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = dt.datetime.now().strftime("%Y:%m:%d 07:30:00")
    details[ExifTags.Base.OffsetTimeOriginal] = "+07:00"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_supervisor_reports_from_a_phone_and_the_head_verifies(page: Page, server, shot, console_errors):
    page.set_viewport_size(PHONE)
    sign_in(page, server, "pengawas.pu")
    page.goto(server + "/app/35.10/monitoring/")
    page.get_by_role("link", name="Rehabilitasi Jalan Genteng - Kalibaru").click()
    page.get_by_role("link", name="Lapor progres").click()
    page.get_by_label("Progres fisik kumulatif (%)").fill("55,5")
    page.get_by_label("Catatan").fill("Pengaspalan lapis kedua")
    page.locator("#id_photos").set_input_files(
        files=[FilePayload(name="IMG_20270630.jpg", mimeType="image/jpeg", buffer=field_photo())]
    )
    shot("report-form")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_text("Laporan progres terkirim dan menunggu verifikasi.")).to_be_visible()
    newest = page.locator("#reports tbody tr").first
    expect(newest).to_contain_text("55,50%")  # the number as Indonesian writes it
    expect(newest).not_to_contain_text("foto jauh dari lokasi")
    shot("reported")
    page.context.clear_cookies()
    sign_in(page, server, "kepala.pu")
    page.goto(server + "/app/35.10/monitoring/")
    page.get_by_role("link", name="Rehabilitasi Jalan Genteng - Kalibaru").click()
    page.locator("#reports tbody tr").first.get_by_role("link").click()
    expect(page.locator("#photos img")).to_have_count(1)
    page.get_by_label("Catatan atau alasan").fill("Sesuai kondisi lapangan")
    shot("check")
    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_text("Laporan diverifikasi.")).to_be_visible()
    expect(page.locator("#reports tbody tr").first).to_contain_text("Diverifikasi")
    assert console_errors == []


def test_a_citizen_finds_a_project_on_the_public_map(page: Page, server, shot, console_errors):
    page.goto(server + "/pemda/35.10/proyek/")
    listed = page.locator("#projects tbody tr").count()
    figure = page.locator("[data-map]")
    # Every listed project is a marker or a line on the vendored Leaflet map, drawn from the GeoJSON answer.
    expect(figure).to_have_attribute("data-map-ready", str(listed))
    expect(page.locator("[data-map-status]")).to_contain_text(f"{listed} lokasi di peta")
    marker = page.locator("path.leaflet-interactive.map-marker").first
    marker.scroll_into_view_if_needed()
    marker.click(force=True)  # markers may overlap: whichever is on top answers, as for a person
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_be_visible()
    name = popup.inner_text()
    shot("public-map")
    popup.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    assert console_errors == []
