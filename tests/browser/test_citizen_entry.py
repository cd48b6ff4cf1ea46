"""A citizen in Chromium on a phone-sized screen: signs up with an e-mail address (the link read from the
locmem outbox), enters a Musrenbang proposal with a photo for a desa, and the desa operator sees it at the
desa forum marked as from a citizen and takes it in.

Uses the in-process live server of ``test_planning_photos`` (one in-memory SQLite database, rolled back).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import FilePayload, Page, expect

from conftest import PASSWORD
from spbe.accounts.models import User
from spbe.planning.models import Follower, Proposal, Stage
from spbe.planning.models_photos import ProposalPhoto

from .test_planning_photos import (  # noqa: F401  (fixtures: the live server, its errors, the ORM beside Playwright)
    PHONE,
    _sync_orm_beside_playwright,
    errors,
    fits_the_screen,
    live_url,
    sign_in,
    site_photo,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
ADDRESS = "dewi.warga@contoh.id"


def test_a_citizen_signs_up_enters_a_proposal_on_a_phone_and_the_desa_forum_sees_it(
    live_url,  # noqa: F811  (the fixture imported above)
    page: Page,
    world,
    errors,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    base = live_url
    page.set_viewport_size(PHONE)
    page.goto(base + "/warga/daftar/")
    assert fits_the_screen(page)
    page.get_by_label("Alamat e-mail Anda").fill(ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        page.get_by_role("button", name="Kirim tautan pendaftaran").click()
        expect(page.get_by_role("heading", name="Periksa e-mail Anda")).to_be_visible()
    (sent,) = mail.outbox
    assert sent.to == [ADDRESS]
    link = re.search(r"(http://\S+/warga/daftar/[^/\s]+/)", str(sent.body))
    assert link, sent.body
    page.goto(link.group(1))
    page.get_by_label("Nama lengkap").fill("Dewi Lestari")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", name="Usulan saya")).to_be_visible()
    assert User.objects.get(username=ADDRESS).kind == User.Kind.CITIZEN

    page.get_by_role("link", name="Usulan baru").click()
    page.get_by_role("link", name=re.compile("Banyuwangi")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Usulan Musrenbang untuk")
    assert fits_the_screen(page)
    page.get_by_label("Desa/kelurahan").select_option(world.desa_x.region_id)
    page.get_by_label("Judul usulan").fill("Lampu penerangan jalan Dusun Krajan")
    page.get_by_label("Masalah yang diselesaikan").fill("Jalan gelap, rawan kecelakaan malam hari")
    page.get_by_label("Alamat lokasi (dusun, RT/RW)").fill("RT 01 RW 02")
    page.get_by_label("Volume").fill("10")
    page.get_by_label("Satuan (meter, unit, paket...)").fill("titik")
    page.get_by_label("Perkiraan biaya (Rp)").fill("65.000.000")
    page.get_by_label("Penerima manfaat (orang)").fill("400")
    page.locator("#id_photos").set_input_files(
        files=[FilePayload(name="IMG_lampu.jpg", mimeType="image/jpeg", buffer=site_photo())]
    )
    page.get_by_role("button", name="Kirim usulan").click()
    expect(page.get_by_role("heading", name="Usulan saya")).to_be_visible()
    proposal = Proposal.objects.get(title="Lampu penerangan jalan Dusun Krajan")
    expect(page.locator("#citizen-proposals")).to_contain_text(proposal.public_id)
    expect(page.locator("#citizen-proposals")).to_contain_text("Menunggu musrenbang desa")
    assert fits_the_screen(page)
    assert (proposal.state, proposal.estimated_cost) == (Stage.DRAFT, Decimal("65000000.00"))
    assert ProposalPhoto.objects.filter(proposal=proposal).count() == 1
    assert Follower.objects.get(proposal=proposal).confirmed_at is not None

    # The desa operator, also on a phone, sees it at the desa forum marked as from a citizen.
    page.context.clear_cookies()
    sign_in(page, base, world.operator_x.username)
    page.goto(base + "/app/35.10/usulan/")
    expect(page.get_by_text("dari warga").first).to_be_visible()
    page.get_by_role("link", name=re.compile("usulan warga menunggu")).click()
    card = page.locator("li.citizen-proposal", has_text="Lampu penerangan jalan Dusun Krajan")
    expect(card).to_contain_text("dari warga")
    assert fits_the_screen(page)
    with django_capture_on_commit_callbacks(execute=True):
        card.get_by_role("button", name="Terima ke musrenbang desa").click()
        expect(page.get_by_text(f"Usulan {proposal.public_id} diterima ke musrenbang desa.")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.state == Stage.DESA
    assert mail.outbox[-1].to == [ADDRESS]  # the citizen follows their proposal
    assert errors == []
