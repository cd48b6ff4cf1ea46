"""Realisation typed by hand (the XLSX template) for a desa that keeps neither OpenSPBE's books nor Siskeudes.

Each row is one entry as the treasurer wrote it (date, account, kegiatan, source, amount); the desa's
``Realisation`` rows (origin entry) are their sums, rewritten whole by every upload of the template.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import VillageOwned
from spbe.core.fields import MoneyField

from .models import CODE_LENGTH, SOURCE_LENGTH


class ManualRealisation(VillageOwned):
    """One realisation entry of a desa's year, from the uploaded template (row ``row`` of its sheet)."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    entry_date = models.DateField(_("tanggal"))
    account_code = models.CharField(_("kode rekening"), max_length=CODE_LENGTH)
    activity_code = models.CharField(_("kode kegiatan"), max_length=CODE_LENGTH, blank=True)
    source_code = models.CharField(_("sumber dana"), max_length=SOURCE_LENGTH)
    description = models.CharField(_("uraian"), max_length=500, blank=True)
    amount = MoneyField(_("jumlah"))
    row = models.PositiveIntegerField(_("baris berkas"))

    class Meta:
        ordering = ["village", "year", "entry_date", "row"]
        verbose_name = _("realisasi manual")
        verbose_name_plural = _("realisasi manual")
        constraints = [
            models.CheckConstraint(
                condition=Q(account_code__regex=r"^[456](\.[0-9]+)+$"), name="manual_realisation_account"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="manual_realisation_not_zero"),
        ]
        indexes = [models.Index(fields=["village", "year"], name="manual_realisation_desa_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.entry_date} {self.account_code} {self.amount}"
