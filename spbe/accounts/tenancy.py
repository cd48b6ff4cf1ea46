"""Bases for tenant-owned models: the pemda (and unit or desa) an object belongs to is a column, not a memory.

Every domain model of a module extends one of these, so its pemda is a foreign key set once when the object
is created and every scoped lookup filters on it (:func:`spbe.accounts.access.object_for_user`). ``place()``
tells the access policies where the object lives, so a role counts only at its own unit or desa.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.core.errors import ValidationFailed
from spbe.core.models import TimeStampedModel

from .access import Place
from .models import Pemda, PerangkatDaerah, VillageGovernment


class TenantOwned(TimeStampedModel):
    """A row that belongs to one pemda."""

    pemda = models.ForeignKey(
        Pemda, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("pemda")
    )
    pemda_id: str

    class Meta:
        abstract = True

    def place(self) -> Place:
        return Place(self.pemda_id)

    def check_tenant(self) -> None:
        """Refuse a related unit or desa of another pemda (call in the service before saving)."""
        for name in ("unit", "village"):
            related = getattr(self, name, None)
            if related is not None and related.pemda_id != self.pemda_id:
                raise ValidationFailed(
                    _("%(what)s bukan bagian dari pemda ini.") % {"what": str(related)}, field=name
                )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.check_tenant()
        super().save(*args, **kwargs)


class UnitOwned(TenantOwned):
    """A row that belongs to one perangkat daerah of a pemda (an RKA, a service standard, a project)."""

    unit = models.ForeignKey(
        PerangkatDaerah,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("perangkat daerah"),
    )
    unit_id: int

    class Meta:
        abstract = True

    def place(self) -> Place:
        return Place(self.pemda_id, unit_id=self.unit_id)


class VillageOwned(TenantOwned):
    """A row that belongs to one desa (an APBDes, a payment request); the camat of its kecamatan sees it."""

    village = models.ForeignKey(
        VillageGovernment, on_delete=models.PROTECT, related_name="+", verbose_name=gettext_lazy("desa")
    )
    village_id: int

    class Meta:
        abstract = True

    def place(self) -> Place:
        return Place(self.pemda_id, village_id=self.village_id, kecamatan_id=self.village.kecamatan_id)
