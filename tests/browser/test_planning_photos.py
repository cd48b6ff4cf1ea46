"""E-planning in Chromium, against Django's live server in this process (so its mail outbox is readable):

- a desa operator enters a proposal with a photo on a phone-sized screen (a real upload of a JPEG with EXIF
  GPS, which becomes the proposal's map point);
- a citizen follows a proposal by e-mail (the confirmation link from the locmem outbox) and, after the
  officers decide through the services, sees it "Diterima" on the public page.

The live server shares the test's in-memory SQLite connection (see ``live_url``), so everything is rolled
back afterwards like any other test.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.testcases import LiveServerThread
from PIL import ExifTags, Image, TiffImagePlugin
from playwright.sync_api import FilePayload, Page, ViewportSize, expect

from conftest import PASSWORD
from spbe.planning.models import Follower, Proposal, Stage
from spbe.planning.models_photos import ProposalPhoto
from spbe.planning.services import proposal_decide, proposal_submit
from spbe.planning.tests.helpers import new_proposal, planners

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PHONE = ViewportSize(width=390, height=844)


@pytest.fixture(scope="session", autouse=True)
def _sync_orm_beside_playwright():
    """Playwright's sync API keeps an event loop in this thread; the ORM calls here are plain sync code.

    Session-scoped, so it is in place before the session's Playwright loop starts and until the test
    database is rolled back; only sessions that run these tests set it (``-m "not browser"`` never does).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def live_url(db, settings, tmp_path) -> Iterator[str]:
    """Django's live server in a thread of this process, sharing the test's in-memory SQLite connection.

    Like ``LiveServerTestCase`` on SQLite: the pages and the test see one database inside the test's
    transaction, which is rolled back afterwards. (pytest-django's ``live_server`` would flush the database
    instead, which the append-only audit and decision tables refuse.) Mail sent here lands in
    ``mail.outbox``; callbacks waiting for a commit run through ``django_capture_on_commit_callbacks``.
    """
    shared = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the thread-local proxy
    if shared.vendor != "sqlite" or not shared.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("the in-process live server shares an in-memory SQLite database")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    shared.inc_thread_sharing()
    server = LiveServerThread(
        "127.0.0.1",
        # Static files, then the product; no media handler (photos are served by the product's own views).
        lambda _media_handler: StaticFilesHandler(WSGIHandler()),  # type: ignore[arg-type]
        connections_override={DEFAULT_DB_ALIAS: shared},
    )
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    url = f"http://127.0.0.1:{server.port}"
    settings.SPBE_PUBLIC_URL = url
    settings.SPBE_MAP_TILE_URL = ""  # no tile server: the test never leaves the machine
    try:
        yield url
    finally:
        server.terminate()
        # A request thread ends (and lets go of the shared connection) once Chromium closes its keep-alive
        # connection; wait for those before the connection stops being shared.
        for thread in threading.enumerate():
            if "process_request_thread" in thread.name:
                thread.join(timeout=10)
        shared.dec_thread_sharing()


@pytest.fixture
def errors(page: Page, live_url: str) -> list[str]:
    """Console errors (a CSP violation shows here) and any request leaving the live server."""
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if msg.type == "error" else None)
    page.on(
        "request",
        lambda req: (
            found.append(f"external {req.url}") if not req.url.startswith((live_url, "data:")) else None
        ),
    )
    return found


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def site_photo() -> bytes:
    """A phone photo of the site: GPS 8°12'51.48"S 114°21'15.12"E and this morning's time, in EXIF."""
    image = Image.new("RGB", (1600, 1200), (120, 100, 80))
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    r = TiffImagePlugin.IFDRational
    gps.update({1: "S", 2: (r(8), r(12), r(5148, 100)), 3: "E", 4: (r(114), r(21), r(1512, 100))})
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = dt.datetime.now().strftime("%Y:%m:%d 07:30:00")
    details[ExifTags.Base.OffsetTimeOriginal] = "+07:00"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


# ``live_url`` before ``page``: the browser closes first, so no request is still in flight at shutdown.
def test_a_desa_operator_submits_a_proposal_with_a_photo_from_a_phone(live_url, page: Page, world, errors):
    base = live_url
    page.set_viewport_size(PHONE)
    sign_in(page, base, world.operator_x.username)
    page.goto(base + "/app/35.10/usulan/")
    page.get_by_role("link", name="Usulan baru").click()
    expect(page.get_by_role("heading", name="Usulan Musrenbang desa baru")).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_label("Judul usulan").fill("Saluran drainase Dusun Krajan")
    page.get_by_label("Masalah yang diselesaikan").fill("Jalan dusun tergenang setiap hujan deras")
    page.get_by_label("Alamat lokasi").fill("RT 02 RW 01")
    page.get_by_label("Volume").fill("120")
    page.get_by_label("Satuan").fill("meter")
    page.get_by_label("Perkiraan biaya (Rp)").fill("175.000.000")
    page.get_by_label("Penerima manfaat (orang)").fill("300")
    page.get_by_label("Nama pengusul").fill("Siti Rahmawati")
    page.get_by_label("NIK pengusul").fill("3510012345678901")
    page.locator("#id_photos").set_input_files(
        files=[FilePayload(name="IMG_20270203.jpg", mimeType="image/jpeg", buffer=site_photo())]
    )
    page.get_by_role("button", name="Simpan dan kirim ke Musrenbang desa").click()
    expect(page.get_by_text("Titik peta usulan diisi dari lokasi GPS foto.")).to_be_visible()
    expect(page.get_by_text("Usulan dikirim ke Musrenbang desa.")).to_be_visible()
    expect(page.locator("#photos img")).to_have_count(1)
    expect(page.locator("#point-from-photo")).to_be_visible()
    assert fits_the_screen(page)
    proposal = Proposal.objects.get(title="Saluran drainase Dusun Krajan")
    assert proposal.state == Stage.DESA and proposal.estimated_cost == Decimal("175000000.00")
    assert (proposal.latitude, proposal.longitude) == (Decimal("-8.214300"), Decimal("114.354200"))
    assert ProposalPhoto.objects.get(proposal=proposal).placed_proposal
    # The public page shows the clean thumbnail (served by the API), and the point's origin.
    page.context.clear_cookies()
    page.goto(f"{base}/usulan/{proposal.public_id}/")
    thumbnail = page.locator("#photos img")
    expect(thumbnail).to_have_count(1)
    assert page.evaluate("document.querySelector('#photos img').naturalWidth") > 0
    expect(page.locator("#point-from-photo")).to_be_visible()
    expect(page.get_by_text("Siti Rahmawati")).to_have_count(0)
    assert fits_the_screen(page)
    assert errors == []


def test_a_citizen_follows_a_proposal_and_sees_it_accepted(
    live_url, page: Page, world, errors, django_capture_on_commit_callbacks
):
    base = live_url
    planner, checker = planners(world)
    proposal = new_proposal(world, title="Jembatan gantung Kali Setail")
    proposal_submit(actor=world.operator_x, proposal=proposal)
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/usulan/{proposal.public_id}/")
    page.get_by_label("Alamat e-mail Anda").fill("warga.setail@contoh.id")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Ikuti").click()
        expect(page.get_by_text("Periksa kotak masuk Anda")).to_be_visible()
    (asked,) = mail.outbox
    assert asked.to == ["warga.setail@contoh.id"]
    link = re.search(r"(http://\S+/usulan/ikuti/[^/\s]+/)", str(asked.body))
    assert link, asked.body
    page.goto(link.group(1))
    page.get_by_role("button", name="Ya, ikuti usulan ini").click()
    expect(page.get_by_text(f"Anda mengikuti usulan {proposal.public_id}.")).to_be_visible()
    assert Follower.objects.get(proposal=proposal).confirmed_at is not None
    # The officers decide, each at their own stage, through the services.
    for officer in (world.kades_x, world.camat_x, world.agency_operator_a, planner, checker):
        proposal.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            proposal_decide(actor=officer, proposal=proposal, outcome="forward", note="Layak")
    proposal.refresh_from_db()
    assert proposal.state == Stage.ACCEPTED
    notices = mail.outbox[1:]
    assert len(notices) == 5 and all(m.to == ["warga.setail@contoh.id"] for m in notices)
    page.goto(f"{base}/usulan/{proposal.public_id}/")
    expect(page.locator("p.muted strong")).to_have_text("Diterima")
    expect(page.get_by_text("Musrenbang kabupaten").first).to_be_visible()
    assert fits_the_screen(page)
    # The tracker's map, filtered to accepted proposals, shows it as a point that leads to its page.
    page.goto(f"{base}/pemda/35.10/usulan/?status=accepted")
    expect(page.locator("[data-map]")).to_have_attribute("data-map-ready", "1")
    marker = page.locator("path.leaflet-interactive.map-marker").first
    marker.scroll_into_view_if_needed()
    marker.click(force=True)
    popup = page.locator(".leaflet-popup-content a")
    expect(popup).to_have_text("Jembatan gantung Kali Setail")
    popup.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jembatan gantung Kali Setail")
    assert errors == []
