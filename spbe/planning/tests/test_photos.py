"""Photos of proposals: who may add them, the limits, the map point from EXIF, no file left behind."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import DatabaseError
from PIL import Image

from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry
from spbe.core.photos import PhotoRejected
from spbe.core.tests.photo_factory import make_photo
from spbe.planning.models import Proposal, Stage
from spbe.planning.models_photos import ProposalPhoto
from spbe.planning.photos import (
    point_from_photo,
    proposal_photo_remove,
    proposal_photos_add,
    public_photo,
    shown_photos,
)
from spbe.planning.services import proposal_decide, proposal_submit

from .helpers import new_proposal

pytestmark = pytest.mark.django_db
SITE = ("-8.214300", "114.354200")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def located(position=SITE, **extra) -> bytes:
    return make_photo(
        latitude=position[0], longitude=position[1], taken=dt.datetime(2027, 2, 3, 9, 15), **extra
    )


def files(settings) -> list[str]:
    return sorted(
        str(p.relative_to(settings.MEDIA_ROOT)) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()
    )


def test_the_desa_operator_adds_a_photo_whose_public_copy_has_no_metadata(world, settings):
    proposal = new_proposal(world)
    original = located()
    (photo,) = proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[original])
    row = ProposalPhoto.objects.get(pk=photo.pk)
    assert (row.latitude, row.longitude) == (Decimal("-8.214300"), Decimal("114.354200"))
    assert row.taken_at == dt.datetime(2027, 2, 3, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert row.uploaded_by_id == world.operator_x.pk and row.size == len(original)
    assert row.original.name.startswith("private/planning/35.10/")
    assert row.public.name.startswith("public/planning/35.10/")
    with row.original.open("rb") as handle:
        assert handle.read() == original
    for copy in (row.public, row.thumbnail):
        with copy.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            assert dict(image.getexif()) == {}
            assert "icc_profile" not in image.info and "comment" not in image.info
    # The proposal had a point of its own: the photo's EXIF does not move it.
    assert row.placed_proposal is False
    entry = AuditEntry.objects.filter(action="proposal.photos_add").get()
    assert entry.after["photos"][0]["sha256"] == row.original_sha256
    assert "latitude" not in entry.after


def test_a_proposal_without_a_map_point_takes_the_first_located_photo(world):
    proposal = new_proposal(world, latitude=None, longitude=None)
    bare, first, second = make_photo(), located(("-8.300000", "114.400000")), located()
    rows = proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[bare, first, second])
    assert [r.placed_proposal for r in rows] == [False, True, False]
    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.latitude, stored.longitude) == (Decimal("-8.300000"), Decimal("114.400000"))
    assert point_from_photo(stored)
    entry = AuditEntry.objects.filter(action="proposal.photos_add").get()
    assert entry.before == {"latitude": None, "longitude": None}
    assert entry.after["latitude"] == "-8.300000"
    # Moved by hand later, the point is no longer the photo's.
    stored.latitude = Decimal("-8.1")
    assert not point_from_photo(stored)


def test_outsiders_other_desa_and_wrong_stage_cannot_add(world):
    proposal = new_proposal(world)
    for outsider in (world.operator_y, world.officer_b, world.camat_x, world.agency_operator_a):
        with pytest.raises((PermissionDenied, NotFound)):
            proposal_photos_add(actor=outsider, proposal=proposal, files=[located()])
    proposal_submit(actor=world.operator_x, proposal=proposal)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="forward")
    proposal.refresh_from_db()
    assert proposal.state == Stage.KECAMATAN
    # At the kecamatan forum the camat holds it, no longer the desa.
    with pytest.raises(PermissionDenied):
        proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[located()])
    proposal_photos_add(actor=world.camat_x, proposal=proposal, files=[located()])
    assert ProposalPhoto.objects.filter(proposal=proposal).count() == 1


def test_a_decided_proposal_keeps_its_photos_unchanged(world):
    proposal = new_proposal(world)
    proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[located()])
    proposal_submit(actor=world.operator_x, proposal=proposal)
    proposal_decide(actor=world.kades_x, proposal=proposal, outcome="reject", note="Bukan kewenangan")
    proposal.refresh_from_db()
    with pytest.raises(Conflict):
        proposal_photos_add(actor=world.kades_x, proposal=proposal, files=[located()])
    with pytest.raises(Conflict):
        proposal_photo_remove(actor=world.kades_x, photo=ProposalPhoto.objects.get(proposal=proposal))


def test_a_stale_stage_is_a_conflict(world):
    proposal = new_proposal(world)
    seen = Proposal.objects.get(pk=proposal.pk)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    seen.state = Stage.DESA  # what the page showed: the desa forum may add ...
    Proposal.objects.filter(pk=proposal.pk).update(state=Stage.KECAMATAN)  # ... but it moved on
    with pytest.raises(Conflict):
        proposal_photos_add(actor=world.operator_x, proposal=seen, files=[located()])


def test_count_and_size_are_limited_per_proposal(world, settings):
    settings.SPBE_PLANNING_PHOTOS_PER_PROPOSAL = 2
    proposal = new_proposal(world)
    with pytest.raises(ValidationFailed, match="Paling banyak 2 foto"):
        proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[located()] * 3)
    proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[located(), located()])
    with pytest.raises(ValidationFailed, match="sudah memiliki 2 foto"):
        proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[located()])
    # A removed photo frees its place.
    proposal_photo_remove(actor=world.operator_x, photo=ProposalPhoto.objects.filter(proposal=proposal)[0])
    proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[located()])
    assert len(shown_photos(proposal)) == 2
    assert ProposalPhoto.objects.filter(proposal=proposal).count() == 3
    settings.SPBE_PLANNING_PHOTO_MAX_BYTES = 1000
    other = new_proposal(world)
    with pytest.raises(PhotoRejected, match="Foto ke-1: Foto lebih dari"):
        proposal_photos_add(actor=world.operator_x, proposal=other, files=[located()])


def test_one_bad_photo_refuses_all_and_leaves_no_file(world, settings):
    proposal = new_proposal(world)
    with pytest.raises(PhotoRejected, match="Foto ke-2"):
        proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[located(), b"not a photo"])
    assert not ProposalPhoto.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or files(settings) == []


def test_a_failure_after_the_files_were_written_removes_them(world, settings, monkeypatch):
    proposal = new_proposal(world, latitude=None, longitude=None)

    def broken(**kwargs):
        raise DatabaseError("audit chain unavailable")

    monkeypatch.setattr("spbe.planning.photos.audit.record", broken)
    with pytest.raises(DatabaseError):
        proposal_photos_add(actor=world.operator_x, proposal=proposal, files=[located(), located()])
    assert not ProposalPhoto.objects.exists()
    assert Proposal.objects.get(pk=proposal.pk).latitude is None
    assert files(settings) == []


def test_public_photos_only_of_published_proposals_and_never_removed_ones(world):
    proposal = new_proposal(world)
    first, second = proposal_photos_add(
        actor=world.operator_x, proposal=proposal, files=[located(), located()]
    )
    with pytest.raises(NotFound):  # a draft is not public yet
        public_photo(proposal.public_id, first.pk)
    proposal_submit(actor=world.operator_x, proposal=proposal)
    assert public_photo(proposal.public_id, first.pk).pk == first.pk
    proposal_photo_remove(actor=world.operator_x, photo=second)
    with pytest.raises(NotFound):
        public_photo(proposal.public_id, second.pk)
    other = new_proposal(world)
    proposal_submit(actor=world.operator_x, proposal=other)
    with pytest.raises(NotFound):  # a photo of another proposal
        public_photo(other.public_id, first.pk)
    entry = AuditEntry.objects.filter(action="proposal.photo_remove").get()
    assert entry.before["photo"] == second.pk
