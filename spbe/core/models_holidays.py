"""A pemda's own changes to the national holiday list (``spbe/core/data/hari_libur.csv``).

The national list comes from the SKB of three ministers each year; a pemda adds its local holidays, a
cuti bersama the file does not hold yet (a year whose SKB came out after the release), or marks a listed
day as a working day when the government moves it. Keyed by ``pemda_code`` like the audit trail, so the
foundation's working-day count reads it without depending on the accounts app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import TimeStampedModel


class LocalHoliday(TimeStampedModel):
    pemda_code = models.CharField(_("kode pemda"), max_length=20)
    day = models.DateField(_("tanggal"))
    # True: a day off in this pemda (local holiday, cuti bersama added); False: a working day here although
    # the national list says otherwise.
    is_holiday = models.BooleanField(_("hari libur"), default=True)
    name = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        ordering = ["pemda_code", "day"]
        verbose_name = _("hari libur daerah")
        verbose_name_plural = _("hari libur daerah")
        constraints = [models.UniqueConstraint(fields=["pemda_code", "day"], name="local_holiday_unique")]

    def __str__(self) -> str:
        return f"{self.pemda_code} {self.day.isoformat()} {self.name}"
