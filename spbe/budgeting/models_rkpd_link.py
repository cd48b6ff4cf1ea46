"""Where an agency's RKA sub-kegiatan came from: the RKPD item (and Renja row) it was started from.

Keyed by the codes realisation and the RKA already use (pemda, year, agency, sub-kegiatan, location), not
by a version: the list is the year's, so the murni, its shifts and the perubahan all read the same links
without copying, and the DPA of any adopted version shows them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spbe.accounts.models import PerangkatDaerah
from spbe.accounts.tenancy import TenantOwned
from spbe.core.fields import MoneyField
from spbe.planning.models_plans import PlanRow

ZERO = Decimal("0.00")


class RkaSubKegiatan(TenantOwned):
    """One sub-kegiatan (at one location) on an agency's RKA list of a year, with the RKPD's indicative
    ceiling, the RKPD item it came from (whose ``fundings`` are the proposals it funds) and the Renja row."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    unit = models.ForeignKey(PerangkatDaerah, on_delete=models.PROTECT, related_name="+")
    unit_id: int
    sub_kegiatan = models.CharField(_("sub kegiatan"), max_length=20)
    location = models.CharField(_("lokasi"), max_length=200, blank=True)
    ceiling = MoneyField(_("pagu indikatif"), default=ZERO)
    rkpd_row = models.ForeignKey(PlanRow, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rkpd_row_id: int | None
    renja_row = models.ForeignKey(PlanRow, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    renja_row_id: int | None
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["year", "sub_kegiatan", "location"]
        verbose_name = _("sub kegiatan RKA dari RKPD")
        verbose_name_plural = _("sub kegiatan RKA dari RKPD")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "year", "unit", "sub_kegiatan", "location"], name="budget_rka_sub_unique"
            ),
            models.CheckConstraint(condition=models.Q(ceiling__gte=0), name="budget_rka_sub_ceiling"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.sub_kegiatan} {self.location}".strip()
