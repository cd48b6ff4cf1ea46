"""The inputs of the quarterly E.81 evaluation (Permendagri 86/2017) of an agency's work plan.

One :class:`E81Target` per program, kegiatan or sub-kegiatan and indicator of an agency in a year holds
what the form cannot compute: the 5-year target (column 6), realised up to last year (7), this year's
target (8) and what was realised in each quarter (9-12). Columns 13-16 are always computed
(:mod:`spbe.monitoring.e81`), never stored. The 5-year target belongs to the Renstra: until e-planning
keeps Renstra indicators, it is entered here, and ``renstra_key`` is where a Renstra indicator's key goes
once there is one to link (the form then reads column 6 from it). :class:`E81Evaluation` is the agency's
text for a quarter: what drove and what held back the work, and the follow-up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import UnitOwned

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _value(label: _StrPromise) -> models.DecimalField[Decimal, Decimal]:
    """An indicator value (a count, km, a %): exact, 2 decimals."""
    return models.DecimalField(label, max_digits=18, decimal_places=2)


def _optional(label: _StrPromise) -> models.DecimalField[Decimal | None, Decimal | None]:
    """A quarter's value, empty until the agency enters it."""
    return models.DecimalField(label, max_digits=18, decimal_places=2, null=True, blank=True)


class E81Level(models.TextChoices):
    PROGRAM = "program", _("Program")
    KEGIATAN = "kegiatan", _("Kegiatan")
    SUB_KEGIATAN = "sub_kegiatan", _("Sub kegiatan")


class E81Target(UnitOwned):
    year = models.PositiveSmallIntegerField(_("tahun"))
    level = models.CharField(_("tingkat"), max_length=12, choices=E81Level.choices)
    code = models.CharField(_("kode"), max_length=30)
    name = models.CharField(_("program/kegiatan/sub kegiatan"), max_length=300)
    indicator = models.CharField(_("indikator kinerja"), max_length=300)
    measure = models.CharField(_("satuan"), max_length=50)
    target_5y = _value(_("target akhir Renstra (kolom 6)"))
    realised_before = _value(_("realisasi s.d. tahun lalu (kolom 7)"))
    target_year = _value(_("target tahun ini (kolom 8)"))
    q1 = _optional(_("realisasi triwulan I (kolom 9)"))
    q2 = _optional(_("realisasi triwulan II (kolom 10)"))
    q3 = _optional(_("realisasi triwulan III (kolom 11)"))
    q4 = _optional(_("realisasi triwulan IV (kolom 12)"))
    renstra_key = models.CharField(_("kunci indikator Renstra"), max_length=100, blank=True)

    class Meta:
        ordering = ["unit", "year", "code", "indicator"]
        verbose_name = _("target E.81")
        verbose_name_plural = _("target E.81")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "code", "indicator"], name="e81_target_unique_indicator"
            ),
            models.CheckConstraint(condition=Q(level__in=E81Level.values), name="e81_target_level_valid"),
        ]
        indexes = [models.Index(fields=["pemda", "year", "unit"], name="e81_target_pemda_year_unit")]

    def __str__(self) -> str:
        return f"{self.year} {self.code} {self.indicator}"


class E81Evaluation(UnitOwned):
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"))
    drivers = models.TextField(_("faktor pendorong"), blank=True)
    obstacles = models.TextField(_("faktor penghambat"), blank=True)
    follow_up = models.TextField(_("tindak lanjut"), blank=True)

    class Meta:
        ordering = ["unit", "year", "quarter"]
        verbose_name = _("evaluasi E.81")
        verbose_name_plural = _("evaluasi E.81")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="e81_evaluation_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="e81_quarter_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} TW{self.quarter}"
