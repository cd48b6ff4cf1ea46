"""Proposal photos on pages and the API: entry with photos, the staff section, the public copies only."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from spbe.core.tests.photo_factory import make_photo
from spbe.planning.models import Proposal, Proposer, Stage
from spbe.planning.models_photos import ProposalPhoto
from spbe.planning.photos import proposal_photos_add
from spbe.planning.services import proposal_decide, proposal_submit

from .helpers import new_proposal

pytestmark = pytest.mark.django_db
A = "35.10"
# Seconds as a camera writes them (1/10,000): this position survives EXIF exactly.
SITE = ("-8.214300", "114.354200")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name="IMG_0001.jpg", data=None) -> SimpleUploadedFile:
    data = data or make_photo(latitude=SITE[0], longitude=SITE[1], taken=dt.datetime(2027, 2, 3, 9, 15))
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def form(**extra):
    values = {
        "village": "35.10.02.2001",
        "year": "2028",
        "title": "Drainase dusun Krajan",
        "problem": "Genangan setiap hujan",
        "address": "RT 02 RW 01",
        "latitude": "",
        "longitude": "",
        "bidang": "1.03",
        "suggested_unit": "",
        "volume": "120",
        "unit_of_measure": "meter",
        "estimated_cost": "175.000.000,50",
        "beneficiaries": "300",
        "community_contribution": "2.500.000",
        "proposer_name": "Siti Rahmawati",
        "proposer_nik": "3510012345678901",
        "proposer_phone": "081234567890",
        "then": "submit",
    }
    values.update(extra)
    return values


def test_the_desa_operator_enters_a_proposal_with_a_photo_that_places_it(world):
    client = world.client_for(world.operator_x)
    page = client.get(f"/app/{A}/usulan/baru/")
    assert page.status_code == 200
    assert page.context["form"].fields["village"].choices == [(world.desa_x.code, world.desa_x.region.name)]
    data = form(village=world.desa_x.code, photos=upload())
    response = client.post(f"/app/{A}/usulan/baru/", data, follow=True)
    assert response.status_code == 200
    proposal = Proposal.objects.get(title="Drainase dusun Krajan")
    assert proposal.state == Stage.DESA
    assert (proposal.latitude, proposal.longitude) == (Decimal(SITE[0]), Decimal(SITE[1]))
    assert proposal.estimated_cost == Decimal("175000000.50")
    assert Proposer.objects.get(proposal=proposal).nik == "3510012345678901"
    photo = ProposalPhoto.objects.get(proposal=proposal)
    assert photo.placed_proposal and photo.uploaded_by_id == world.operator_x.pk
    text = response.content.decode()
    assert "Titik peta usulan diisi dari lokasi GPS foto." in text
    assert 'id="point-from-photo"' in text
    assert f"/app/{A}/usulan/{proposal.public_id}/foto/{photo.pk}/?ukuran=kecil" in text
    thumb = client.get(f"/app/{A}/usulan/{proposal.public_id}/foto/{photo.pk}/?ukuran=kecil")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert dict(Image.open(io.BytesIO(thumb.content)).getexif()) == {}


def test_a_bad_photo_refuses_the_form_and_writes_nothing(world, settings):
    client = world.client_for(world.operator_x)
    data = form(village=world.desa_x.code, photos=upload("x.jpg", b"GIF89a not really"))
    response = client.post(f"/app/{A}/usulan/baru/", data)
    assert response.status_code == 400
    assert "Foto ke-1" in response.content.decode()
    assert not Proposal.objects.exists() and not ProposalPhoto.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_a_draft_is_kept_and_a_bad_field_is_shown_on_the_form(world):
    client = world.client_for(world.operator_x)
    bad = client.post(f"/app/{A}/usulan/baru/", form(village=world.desa_x.code, proposer_nik="123"))
    assert bad.status_code == 400
    assert "NIK harus 16 angka" in bad.content.decode()
    assert not Proposal.objects.exists()
    half = client.post(f"/app/{A}/usulan/baru/", form(village=world.desa_x.code, latitude="-8.5"))
    assert half.status_code == 400 and "isi lintang dan bujur bersama-sama" in half.content.decode()
    assert not Proposal.objects.exists()
    client.post(f"/app/{A}/usulan/baru/", form(village=world.desa_x.code, then="draft"))
    draft = Proposal.objects.get()
    assert draft.state == Stage.DRAFT and draft.latitude is None


def test_only_who_may_propose_gets_the_form(world):
    assert world.client_for(world.officer_a).get(f"/app/{A}/usulan/baru/").status_code == 403
    assert world.client_for(world.camat_x).get(f"/app/{A}/usulan/baru/").status_code == 403
    assert world.client_for(world.officer_b).get(f"/app/{A}/usulan/baru/").status_code == 404
    # Another desa cannot be chosen by a desa operator.
    client = world.client_for(world.operator_x)
    response = client.post(f"/app/{A}/usulan/baru/", form(village=world.desa_y.code))
    assert response.status_code == 400 and not Proposal.objects.exists()
    listing = client.get(f"/app/{A}/usulan/").content.decode()
    assert f'href="/app/{A}/usulan/baru/"' in listing
    assert (
        'href="/app/35.10/usulan/baru/"'
        not in world.client_for(world.tapd_a).get(f"/app/{A}/usulan/").content.decode()
    )


def test_the_forum_holding_it_adds_and_removes_photos_on_the_staff_page(world):
    proposal = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    detail = f"/app/{A}/usulan/{proposal.public_id}/"
    operator = world.client_for(world.operator_x)
    assert 'id="photo-add"' not in operator.get(detail).content.decode()
    refused = operator.post(detail + "foto/", {"stage": "kecamatan", "photos": upload()}, follow=True)
    assert "tidak berwenang" in refused.content.decode()
    assert not ProposalPhoto.objects.exists()
    camat = world.client_for(world.camat_x)
    assert 'id="photo-add"' in camat.get(detail).content.decode()
    camat.post(detail + "foto/", {"stage": "kecamatan", "photos": [upload(), upload("b.jpg")]})
    first, second = ProposalPhoto.objects.filter(proposal=proposal).order_by("pk")
    # The proposal had its own point: the page does not claim it came from a photo.
    assert 'id="point-from-photo"' not in camat.get(detail).content.decode()
    camat.post(detail + f"foto/{first.pk}/hapus/")
    first.refresh_from_db()
    assert first.removed_at is not None
    assert camat.get(detail + f"foto/{first.pk}/").status_code == 404
    assert camat.get(detail + f"foto/{second.pk}/").status_code == 200
    # The page the camat saw is stale once the proposal moved on.
    stale = camat.post(detail + "foto/", {"stage": "desa", "photos": upload()}, follow=True)
    assert "sudah berpindah tahap" in stale.content.decode()


def test_the_public_sees_only_clean_copies_never_the_exif_or_the_original(world):
    proposal = new_proposal(world)
    original = make_photo(latitude="-8.111111", longitude="114.222222", taken=dt.datetime(2027, 1, 2, 3, 4))
    proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[original])
    photo = ProposalPhoto.objects.get()
    client = Client()
    assert client.get(f"/api/v1/proposals/{proposal.public_id}/photos").status_code == 404  # a draft
    assert client.get(f"/api/v1/proposals/{proposal.public_id}/photos/{photo.pk}").status_code == 404
    proposal_submit(actor=world.operator_x, proposal=proposal)
    listed = client.get(f"/api/v1/proposals/{proposal.public_id}/photos")
    assert listed.status_code == 200
    (item,) = listed.json()
    assert set(item) == {"id", "url", "thumbnail_url", "width", "height"}
    page = client.get(f"/usulan/{proposal.public_id}/").content.decode()
    links = re.findall(r'(?:href|src)="(/api/v1/proposals/[^"]+/photos/[^"]+)"', page)
    assert sorted(links) == sorted(
        [
            f"/api/v1/proposals/{proposal.public_id}/photos/{photo.pk}",
            f"/api/v1/proposals/{proposal.public_id}/photos/{photo.pk}/thumbnail",
        ]
    )
    for url in links:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response.content != original
        image = Image.open(io.BytesIO(response.content))
        assert dict(image.getexif()) == {} and "icc_profile" not in image.info
    for text in (page, listed.content.decode()):
        for secret in ("8.111111", "114.222222", "TestCam", "SN-123456", "private/"):
            assert secret not in text
    # Staff photo routes are for staff: an anonymous visitor is sent to sign in.
    assert client.get(f"/app/{A}/usulan/{proposal.public_id}/foto/{photo.pk}/").status_code == 302
