"""Photos of a proposal: uploaded by whoever may correct it at its stage, checked by :mod:`spbe.core.photos`.

Who: the same circle as :func:`spbe.planning.services.proposal_edit` (its proposer while a draft, then the
forum deciding at its stage, while that stage is open); a decided proposal keeps the photos it had. At most
``SPBE_PLANNING_PHOTOS_PER_PROPOSAL`` photos are shown per proposal, each at most
``SPBE_PLANNING_PHOTO_MAX_BYTES``. Every photo is checked before anything is written, so one bad photo refuses
the whole upload. When the proposal has no map point yet, the first photo with an EXIF position gives it one
(``ProposalPhoto.placed_proposal``; the pages say so). Files are stored inside
:func:`spbe.core.photos.files_of_transaction`, so a refused or failed upload leaves no file behind.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.core import audit, photos
from spbe.core.actors import Actor, MaybeActor, is_person, require_actor
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from . import access_pokir, calendar, citizen_access
from .access import PROPOSAL, STAGE_CAPABILITY
from .models import FINAL_STAGES, UNPUBLISHED_STAGES, Proposal, Source, Stage, WindowStage
from .models_photos import ProposalPhoto
from .services import published_changed


def per_proposal() -> int:
    return int(settings.SPBE_PLANNING_PHOTOS_PER_PROPOSAL)


def limits() -> photos.PhotoLimits:
    """The core limits, with e-planning's own ceiling per photo (a site photo, not a survey scan)."""
    base = photos.PhotoLimits.from_settings()
    ceiling = int(settings.SPBE_PLANNING_PHOTO_MAX_BYTES)
    return photos.PhotoLimits(
        max_bytes=min(base.max_bytes, ceiling),
        max_pixels=base.max_pixels,
        public_side=base.public_side,
        thumbnail_side=base.thumbnail_side,
    )


def may_change_photos(actor: MaybeActor, proposal: Proposal) -> bool:
    """Whether ``actor`` may add or remove photos now (for pages deciding to show the form)."""
    try:
        require_photo_editor(require_actor(actor), proposal)
    except (Conflict, ValidationFailed, NotFound, PermissionDenied):
        return False
    return True


def require_photo_editor(vetted: Actor, proposal: Proposal) -> None:
    """The rule of ``proposal_edit``: who holds the proposal at its stage, while that stage is open."""
    if proposal.state == Stage.DRAFT:
        if citizen_access.owns_draft(vetted, proposal):
            return  # a citizen's own entry, until the desa forum takes it in (spbe.planning.citizen)
        access_pokir.require_own_draft(vetted, proposal)
    PROPOSAL.require(vetted, proposal.place(), "view")
    stage = proposal.state
    if stage in FINAL_STAGES:
        raise Conflict(
            _("Usulan yang sudah diputuskan (%(stage)s) tidak dapat diubah.") % {"stage": Stage(stage).label}
        )
    capability = f"propose_{proposal.source}" if stage == Stage.DRAFT else STAGE_CAPABILITY[stage]
    PROPOSAL.require(vetted, proposal.place(), capability)
    if stage == Stage.DRAFT:
        if proposal.source == Source.POKIR:
            calendar.require_open(proposal.pemda, proposal.year, WindowStage.POKIR)
    else:
        calendar.require_open(proposal.pemda, proposal.year, stage)


def _stored_name(extension: str) -> str:
    return f"{uuid.uuid4().hex}.{extension}"


def _aware(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    # A camera time without offset is local time where the pemda is.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=zone)


@dataclass(frozen=True)
class CheckedPhotos:
    """Uploads that passed :func:`check_uploads`: each one's original bytes, EXIF reading and public copies.

    A page entering a new proposal checks its photos first, so a bad photo is refused before the proposal
    exists, then hands them to :func:`proposal_photos_add` without decoding them twice.
    """

    items: tuple[tuple[bytes, photos.PhotoInfo, photos.PublicCopies], ...]


def check_uploads(files: Sequence[bytes | IO[bytes]]) -> CheckedPhotos:
    """Check every upload (count, size, a real image) before anything is written; one bad photo refuses."""
    if not files:
        raise ValidationFailed(_("Pilih paling sedikit satu foto."), field="photos")
    most = per_proposal()
    if len(files) > most:
        raise ValidationFailed(
            ngettext("Paling banyak %(n)d foto per usulan.", "Paling banyak %(n)d foto per usulan.", most)
            % {"n": most},
            field="photos",
        )
    bounds = limits()
    prepared = []
    for number, upload in enumerate(files, start=1):
        try:
            prepared.append(photos.prepare(upload, limits=bounds, field="photos"))
        except photos.PhotoRejected as error:
            raise photos.PhotoRejected(
                _("Foto ke-%(n)d: %(reason)s") % {"n": number, "reason": error.message}, field="photos"
            ) from None
    return CheckedPhotos(tuple(prepared))


def proposal_photos_add(
    *, actor: MaybeActor, proposal: Proposal, files: Sequence[bytes | IO[bytes]] | CheckedPhotos
) -> list[ProposalPhoto]:
    """Add photos to ``proposal``; the first located one gives it a map point if it has none.

    ``proposal`` carries the stage the uploader saw: if it moved meanwhile, Conflict.
    """
    vetted = require_actor(actor)
    require_photo_editor(vetted, proposal)
    prepared = files.items if isinstance(files, CheckedPhotos) else check_uploads(files).items
    most = per_proposal()
    zone = ZoneInfo(proposal.pemda.time_zone)
    with photos.files_of_transaction() as stored:
        # Serialises uploads and decisions on this proposal: the count and the map point read below hold.
        locked = (
            Proposal.objects.select_for_update(of=("self",))
            .only("pk", "state", "latitude", "longitude")
            .get(pk=proposal.pk)
        )
        if locked.state != proposal.state:
            raise Conflict(
                _("Usulan ini sudah berpindah tahap (sekarang: %(stage)s). Muat ulang halaman.")
                % {"stage": Stage(locked.state).label}
            )
        shown = ProposalPhoto.objects.filter(proposal=proposal, removed_at__isnull=True).count()
        if shown + len(prepared) > most:
            raise ValidationFailed(
                _("Usulan ini sudah memiliki %(shown)d foto; paling banyak %(n)d foto per usulan.")
                % {"shown": shown, "n": most},
                field="photos",
            )
        needs_point = locked.latitude is None and locked.longitude is None
        rows: list[ProposalPhoto] = []
        placed: ProposalPhoto | None = None
        for original, info, copies in prepared:
            photo = ProposalPhoto(
                pemda_id=proposal.pemda_id,
                proposal=proposal,
                original_sha256=hashlib.sha256(original).hexdigest(),
                content_type=info.content_type,
                size=info.size,
                width=info.width,
                height=info.height,
                public_width=copies.photo_size[0],
                public_height=copies.photo_size[1],
                latitude=info.position.latitude if info.position else None,
                longitude=info.position.longitude if info.position else None,
                taken_at=_aware(info.taken_at, zone),
                uploaded_by_id=vetted.pk if is_person(vetted) else None,
            )
            if needs_point and placed is None and info.position is not None:
                photo.placed_proposal = True
                placed = photo
            stored.save(photo.original, _stored_name(info.format.lower()), original)
            stored.save(photo.public, _stored_name("jpg"), copies.photo)
            stored.save(photo.thumbnail, _stored_name("jpg"), copies.thumbnail)
            photo.save()
            rows.append(photo)
        before: dict[str, object] = {}
        after: dict[str, object] = {
            "photos": [
                {
                    "id": p.pk,
                    "sha256": p.original_sha256,
                    "size": p.size,
                    "located": p.latitude is not None,
                    "placed_proposal": p.placed_proposal,
                }
                for p in rows
            ]
        }
        if placed is not None:
            point = {"latitude": placed.latitude, "longitude": placed.longitude}
            Proposal.objects.filter(pk=proposal.pk).update(**point, updated_at=timezone.now())
            proposal.latitude, proposal.longitude = placed.latitude, placed.longitude
            before.update(latitude=None, longitude=None)
            after.update(point)
        audit.record(
            actor=vetted,
            action="proposal.photos_add",
            obj=proposal,
            pemda_code=proposal.pemda_id,
            before=before or None,
            after=after,
        )
        if proposal.state != Stage.DRAFT:
            published_changed(proposal.pemda_id, proposal.year)
    return rows


def proposal_photo_remove(*, actor: MaybeActor, photo: ProposalPhoto) -> ProposalPhoto:
    """Hide a photo from every page and answer; the row and files stay for the record."""
    vetted = require_actor(actor)
    proposal = photo.proposal
    require_photo_editor(vetted, proposal)
    with photos.files_of_transaction():
        if not ProposalPhoto.objects.filter(pk=photo.pk, removed_at__isnull=True).update(
            removed_at=timezone.now()
        ):
            raise Conflict(_("Foto ini sudah dihapus."))
        photo.refresh_from_db(fields=["removed_at"])
        audit.record(
            actor=vetted,
            action="proposal.photo_remove",
            obj=proposal,
            pemda_code=proposal.pemda_id,
            before={"photo": photo.pk, "sha256": photo.original_sha256},
        )
        if proposal.state != Stage.DRAFT:
            published_changed(proposal.pemda_id, proposal.year)
    return photo


# --- reads ---------------------------------------------------------------------------------------------


def shown_photos(proposal: Proposal) -> list[ProposalPhoto]:
    """The photos a page shows of ``proposal`` (not removed), oldest first. Never their EXIF."""
    return list(ProposalPhoto.objects.filter(proposal=proposal, removed_at__isnull=True).order_by("pk"))


def shown_photo(proposal: Proposal, photo_id: int) -> ProposalPhoto:
    """A shown photo of ``proposal`` (scoped by the caller); NotFound for a removed or another one."""
    photo = ProposalPhoto.objects.filter(pk=photo_id, proposal=proposal, removed_at__isnull=True).first()
    if photo is None:
        raise NotFound(_("Foto tidak ditemukan."))
    photo.proposal = proposal
    return photo


def suggestable_units(pemda: Pemda) -> QuerySet[PerangkatDaerah]:
    """The agencies a proposal may be routed to: every perangkat daerah but the kecamatan offices."""
    return (
        PerangkatDaerah.objects.filter(pemda=pemda)
        .exclude(kind=PerangkatDaerah.Kind.KECAMATAN)
        .order_by("name")
    )


def public_photo(public_id: str, photo_id: int) -> ProposalPhoto:
    """A shown photo of a published proposal (not a draft, not a closed pemda); NotFound otherwise."""
    photo = (
        ProposalPhoto.objects.filter(
            pk=photo_id,
            proposal__public_id=public_id,
            removed_at__isnull=True,
            proposal__pemda__is_active=True,
        )
        .exclude(proposal__state__in=UNPUBLISHED_STAGES)
        .only("pk", "public", "thumbnail")
        .first()
    )
    if photo is None:
        raise NotFound(_("Foto tidak ditemukan."))
    return photo


def point_from_photo(proposal: Proposal) -> bool:
    """Whether the proposal's map point is still the one a photo's EXIF position gave it."""
    if proposal.latitude is None:
        return False
    return ProposalPhoto.objects.filter(
        proposal=proposal,
        placed_proposal=True,
        latitude=proposal.latitude,
        longitude=proposal.longitude,
    ).exists()
