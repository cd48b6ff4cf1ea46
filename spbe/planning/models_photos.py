"""Photos of a proposal: the original as uploaded (private, with its EXIF), and clean copies for the public.

Every upload goes through :mod:`spbe.core.photos` (a real image, resized, metadata read then stripped). The
EXIF position and time stay on this row and in the private original; public pages and the API only ever
serve ``public`` and ``thumbnail``, which carry no metadata at all. A photo is never deleted: removing one
hides it (``removed_at``) and the audit trail says who did.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.access import Place
from spbe.accounts.tenancy import TenantOwned

from .models import Proposal


def _original_path(photo: ProposalPhoto, filename: str) -> str:
    return f"private/planning/{photo.pemda_id}/{filename}"


def _public_path(photo: ProposalPhoto, filename: str) -> str:
    return f"public/planning/{photo.pemda_id}/{filename}"


class ProposalPhoto(TenantOwned):
    """One photo of a proposal's site or problem, as its proposer or forum uploaded it.

    ``placed_proposal``: this photo's EXIF position became the proposal's map point, because the proposal
    had none when it was uploaded (the pages say so, so a reader knows where the point came from).
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="photos")
    original = models.FileField(_("berkas asli"), upload_to=_original_path, max_length=255)
    original_sha256 = models.CharField(_("SHA-256 berkas asli"), max_length=64)
    content_type = models.CharField(_("jenis berkas asli"), max_length=20)
    size = models.PositiveIntegerField(_("ukuran berkas asli (bita)"))
    width = models.PositiveIntegerField(_("lebar"))
    height = models.PositiveIntegerField(_("tinggi"))
    public = models.FileField(_("salinan publik"), upload_to=_public_path, max_length=255)
    public_width = models.PositiveIntegerField(_("lebar salinan publik"))
    public_height = models.PositiveIntegerField(_("tinggi salinan publik"))
    thumbnail = models.FileField(_("gambar kecil"), upload_to=_public_path, max_length=255)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    taken_at = models.DateTimeField(_("waktu pengambilan"), null=True, blank=True)
    placed_proposal = models.BooleanField(_("mengisi titik peta usulan"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("dihapus"), null=True, blank=True)

    class Meta:
        ordering = ["proposal", "pk"]
        verbose_name = _("foto usulan")
        verbose_name_plural = _("foto usulan")
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180)),
                name="proposal_photo_position_valid",
            ),
            models.CheckConstraint(
                condition=Q(placed_proposal=False) | Q(latitude__isnull=False),
                name="proposal_photo_placed_has_position",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "removed_at"], name="proposal_photo_shown")]

    def __str__(self) -> str:
        return f"{self.proposal_id} foto {self.pk}"

    def place(self) -> Place:
        return self.proposal.place()
