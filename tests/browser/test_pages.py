"""Sign-in, dashboards, language switch and the public region pages, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from spbe.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, server: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(server + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_sign_in_lands_on_the_admin_dashboard(page: Page, server, shot, console_errors):
    sign_in(page, server, "admin")
    expect(page).to_have_url(server + "/app/35.10/")
    expect(page.get_by_role("heading", name="Pemerintah Kabupaten Banyuwangi")).to_be_visible()
    expect(page.locator("#panel-organisation .stat").first).to_have_text(
        "93"
    )  # 40 agencies, 25 kecamatan, 28 kelurahan
    expect(page.locator("#panel-users")).to_be_visible()
    expect(page.locator("#panel-audit")).to_be_visible()
    shot("dashboard")
    page.get_by_role("link", name="Perangkat daerah").first.click()
    expect(page.get_by_role("cell", name="Dinas Pekerjaan Umum Bina Marga")).to_be_visible()
    assert console_errors == []


def test_a_wrong_password_is_refused_with_a_message(page: Page, server, shot):
    sign_in(page, server, "admin", "bukan-sandinya")
    expect(page.get_by_role("alert")).to_contain_text("Nama pengguna atau kata sandi salah.")
    expect(page).to_have_url(re.compile(r"/masuk/$"))
    shot("refused")


def test_a_village_operator_sees_their_desa_only(page: Page, server, shot):
    sign_in(page, server, "operator.desa")
    expect(page.locator("#panel-my-village")).to_contain_text("Sukorejo")
    expect(page.locator("#panel-users")).to_have_count(0)
    page.goto(server + "/app/35.10/desa/35.10.02.2002/")
    expect(page.get_by_role("heading", name="Tidak ditemukan")).to_be_visible()
    shot("outsider-404")


def test_the_language_switch_turns_the_page_english_and_back(page: Page, server, shot, console_errors):
    page.goto(server + "/wilayah/")
    expect(page.get_by_role("heading", name="Wilayah Indonesia")).to_be_visible()
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Regions of Indonesia")).to_be_visible()
    assert page.url.endswith("/wilayah/")  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot("english")
    page.get_by_role("link", name="ID", exact=True).click()
    expect(page.get_by_role("heading", name="Wilayah Indonesia")).to_be_visible()
    assert console_errors == []


def test_a_citizen_walks_the_public_region_pages(page: Page, server, shot, console_errors):
    page.goto(server + "/")
    page.get_by_role("link", name=re.compile("Pemerintah Kabupaten Banyuwangi")).click()
    expect(page.get_by_role("heading", name="Pemerintah Kabupaten Banyuwangi")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(25)
    shot("pemda")
    page.get_by_role("link", name="Bangorejo").click()
    expect(page.get_by_role("cell", name="Sukorejo")).to_be_visible()
    page.goto(server + "/wilayah/")
    page.get_by_role("link", name="Jawa Timur").click()
    page.get_by_role("link", name="Kabupaten Banyuwangi").click()
    expect(page.get_by_text("25 kecamatan · 189 desa · 28 kelurahan")).to_be_visible()
    shot("region")
    assert console_errors == []


def test_pages_work_on_a_phone(page: Page, server, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    nav_link = page.locator("#mainnav").get_by_role("link", name="Wilayah", exact=True)
    expect(nav_link).to_be_hidden()
    menu.click()
    expect(nav_link).to_be_visible()
    shot("phone-menu")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"


def test_the_api_docs_load_with_no_internet(page: Page, server, shot, console_errors):
    page.goto(server + "/api/v1/docs")
    expect(page.get_by_text("/api/v1/regions/{code}/children")).to_be_visible()
    shot("api-docs")
    assert [e for e in console_errors if "external request" in e] == []


def test_a_long_job_shows_its_progress_until_done(page: Page, server, shot, console_errors):
    sign_in(page, server, "operator")
    page.goto(server + "/operasi/")
    page.get_by_role("button", name="Muat ulang data wilayah resmi").click()
    expect(page).to_have_url(re.compile(r"/operasi/pekerjaan/[0-9a-f-]+/$"))
    box = page.locator("[data-job-status]")
    # The worker picks the job up and the bar moves while the page polls; it ends at 100%.
    expect(box).to_have_attribute("data-state", "running", timeout=30_000)
    shot("running")
    expect(box).to_have_attribute("data-state", "done", timeout=90_000)
    expect(page.locator("progress")).to_have_attribute("value", "100")
    expect(box).to_contain_text("83.762 desa/kelurahan")
    shot("done")
    assert console_errors == []


def test_the_admin_gives_a_new_officer_a_role(page: Page, server, shot, console_errors):
    sign_in(page, server, "admin")
    page.goto(server + "/app/35.10/pengguna/")
    # The form sits folded above the staff table.
    page.get_by_text("Tambah pengguna atau peran").click()
    form = page.locator("#member-form")
    form.get_by_label("Nama pengguna").fill("operator.dinkes")
    form.get_by_label("Nama lengkap").fill("Operator Dinas Kesehatan")
    form.get_by_label("Kata sandi awal (akun baru)").fill("sandi-awal-dinkes")
    form.get_by_label("Peran", exact=True).select_option("agency_operator")
    form.get_by_label("Perangkat daerah").select_option(label="Dinas Kesehatan")
    form.get_by_role("button", name="Simpan").click()
    expect(page.locator(".msg")).to_contain_text("operator.dinkes")
    expect(page.get_by_role("cell", name=re.compile("Operator Dinas Kesehatan"))).to_be_visible()
    shot("granted")
    # The new officer signs in and lands on a dashboard with their own agency.
    page.context.clear_cookies()
    sign_in(page, server, "operator.dinkes", "sandi-awal-dinkes")
    expect(page.locator("#panel-my-unit")).to_contain_text("Dinas Kesehatan")
    assert console_errors == []


def test_a_planner_looks_up_a_sub_kegiatan(page: Page, server, shot):
    page.goto(server + "/referensi/")
    page.get_by_label("Cari kode atau nama").fill("Imunisasi")
    page.get_by_role("button", name="Cari").click()
    first = page.locator("table tbody tr td a").first
    expect(first).to_be_visible()
    first.click()
    expect(page.get_by_text("Indikator")).to_be_visible()
    shot("sub-kegiatan")
