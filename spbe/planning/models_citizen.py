"""Citizens who sign up with an e-mail address and enter a Musrenbang proposal for their desa or kelurahan.

:class:`CitizenProposal` marks a proposal entered by a citizen account: it waits as a draft until the desa
forum takes it in (or declines it, with a reason). :class:`CitizenSignup` keeps one row per sign-up request
for the rate limit only: the client and a keyed digest of the address, never the address itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import TenantOwned

from .models import Proposal


class CitizenProposal(TenantOwned):
    """A proposal a citizen entered themselves; the citizen follows it from the start."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="citizen_entry")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("warga")
    )
    citizen_id: int

    class Meta:
        verbose_name = _("usulan warga")
        verbose_name_plural = _("usulan warga")
        indexes = [models.Index(fields=["citizen", "created_at"], name="citizen_proposal_citizen")]

    def __str__(self) -> str:
        # Personal data (who proposed): never printed by accident.
        return f"usulan warga {self.proposal_id}"


class CitizenSignup(models.Model):
    """One sign-up request, kept for the rate-limit window: the client and a digest of the address."""

    client = models.CharField(max_length=64)
    address_digest = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["client", "at"], name="citizen_signup_client"),
            models.Index(fields=["address_digest", "at"], name="citizen_signup_address"),
        ]

    def __str__(self) -> str:
        return f"pendaftaran {self.pk}"
