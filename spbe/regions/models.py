"""Kemendagri regions: province, regency/city, district, village. National reference data, not tenant data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("provinsi")
        REGENCY = "regency", _("kabupaten/kota")
        DISTRICT = "district", _("kecamatan")
        VILLAGE = "village", _("desa/kelurahan")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("provinsi")
        KABUPATEN = "kabupaten", _("kabupaten")
        KOTA = "kota", _("kota")
        KECAMATAN = "kecamatan", _("kecamatan")
        DESA = "desa", _("desa")
        KELURAHAN = "kelurahan", _("kelurahan")
        DESA_ADAT = "desa_adat", _("desa adat")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.CharField(_("tingkat"), max_length=8, choices=Level.choices)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", db_index=True
    )
    # Counts below this region, kept by the loader: the data changes only when a new official list
    # is loaded, and public pages read them on every request.
    district_count = models.PositiveIntegerField(default=0)
    desa_count = models.PositiveIntegerField(default=0)
    kelurahan_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["level", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="province", parent__isnull=True)
                | (~models.Q(level="province") & models.Q(parent__isnull=False)),
                name="region_parent_by_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_desa(self) -> bool:
        return self.kind == self.Kind.DESA
