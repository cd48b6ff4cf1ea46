"""Pokir (pokok-pokok pikiran DPRD): what a DPRD member brings back from a recess with constituents.

A pokir is a :class:`~spbe.planning.models.Proposal` of source ``pokir`` with one :class:`PokirDetail`
naming the member who drafted it and the recess it came from (date, place, dapil, how many constituents
came). Until the DPRD secretariat has passed it on (stages ``draft`` and ``secretariat``) only that member
and the secretariat see it (:mod:`spbe.planning.access_pokir`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import TenantOwned

from .models import Proposal


class PokirDetail(TenantOwned):
    """The member and the recess (reses) behind one pokir: what a real pokir form asks besides the usulan."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="pokir")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("anggota DPRD"),
    )
    member_id: int
    dapil = models.CharField(_("daerah pemilihan"), max_length=60)
    recess_date = models.DateField(_("tanggal reses"))
    recess_place = models.CharField(_("tempat reses"), max_length=200)
    attendees = models.PositiveIntegerField(_("konstituen yang hadir"), default=0)

    class Meta:
        verbose_name = _("rincian pokir")
        verbose_name_plural = _("rincian pokir")
        indexes = [models.Index(fields=["member", "pemda"], name="pokir_member_pemda")]
        constraints = [
            models.CheckConstraint(condition=~Q(dapil=""), name="pokir_dapil_required"),
        ]

    def __str__(self) -> str:
        return f"pokir {self.proposal_id}"
