"""The functional classification of regional spending, per budget year: functions and sub-functions
(:class:`Fungsi`) and the one sub-function each bidang urusan counts under (:class:`FungsiBidang`).

National regulation data, like the reference lists: keyed by year (an official revision starts with a
year), not by pemda. Loaded from the bundled ``data/fungsi.csv`` or an official file by
:mod:`spbe.budgeting.fungsi`; the LRA and the APBD summary by function read it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.core.models import TimeStampedModel


class Fungsi(TimeStampedModel):
    """A function (``01``) or a sub-function (``01.03``, its ``parent_code`` the function)."""

    class Level(models.TextChoices):
        FUNGSI = "fungsi", _("fungsi")
        SUB_FUNGSI = "sub_fungsi", _("sub fungsi")

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    code = models.CharField(_("kode"), max_length=5)
    parent_code = models.CharField(_("kode induk"), max_length=5, blank=True)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    name = models.CharField(_("nama"), max_length=200)

    class Meta:
        ordering = ["year", "code"]
        verbose_name = _("fungsi")
        verbose_name_plural = _("fungsi")
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="budget_fungsi_year_code_unique"),
            models.CheckConstraint(
                condition=Q(level="fungsi", parent_code="") | (Q(level="sub_fungsi") & ~Q(parent_code="")),
                name="budget_fungsi_parent_by_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FungsiBidang(TimeStampedModel):
    """The sub-function a bidang urusan (``1.03``) counts under in ``year``: exactly one per bidang."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    bidang = models.CharField(_("bidang urusan"), max_length=5)
    name = models.CharField(_("nama bidang"), max_length=200)
    sub_fungsi = models.CharField(_("sub fungsi"), max_length=5)

    class Meta:
        ordering = ["year", "bidang"]
        verbose_name = _("fungsi bidang urusan")
        verbose_name_plural = _("fungsi bidang urusan")
        constraints = [
            models.UniqueConstraint(fields=["year", "bidang"], name="budget_fungsi_bidang_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bidang} -> {self.sub_fungsi}"
