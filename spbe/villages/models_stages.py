"""Controlled disbursement and reports up the chain: transfer stages (tahap), their releases per desa, the
desa's realisation reports (per stage, semester I, year end) and the desa's record of finished kegiatan.

A :class:`DisbursementStage` is one tahap of one transfer kind (ADD, BHPRD, Dana Desa) of a pemda's year,
with its share of each desa's allocation and the conditions DPMD set for it. A :class:`StageRelease` is the
release of that stage to one desa: unique per stage and desa (the database refuses a second one even if two
releases raced), with the evidence the conditions were checked on. Releases are never changed or deleted.

A :class:`RealisationReport` is what a desa reports and the camat and then the regency receive: the figures
are a snapshot taken when the desa submits (the realisation keeps moving; the report must not).
:class:`ActivityCompletion` is the desa's own record that a kegiatan's work is finished: the product has no
physical-progress data for village works, so the completion flag is what the "no unfinished activity" rule
reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import TenantOwned, VillageOwned
from spbe.core.fields import MoneyField

from .models_transfers import TransferKind

MAX_STAGES = 6


class DisbursementStage(TenantOwned):
    """One tahap of a transfer kind in a pemda's year: its share (percent) and its conditions."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    kind = models.CharField(_("jenis transfer"), max_length=8, choices=TransferKind.choices)
    number = models.PositiveSmallIntegerField(_("tahap ke"))
    share = models.DecimalField(_("porsi (%)"), max_digits=5, decimal_places=2)
    requires_apbdes = models.BooleanField(_("syarat APBDes ditetapkan"), default=True)
    # The previous stage's realisation report must have been received by the regency with an absorption
    # of at least this percentage; null: no report is required.
    min_absorption = models.DecimalField(
        _("serapan minimal tahap sebelumnya (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    requires_activities_done = models.BooleanField(
        _("syarat kegiatan tahap sebelumnya selesai"), default=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pemda", "year", "kind", "number"]
        verbose_name = _("tahap penyaluran")
        verbose_name_plural = _("tahap penyaluran")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "kind", "number"], name="stage_number_unique"),
            models.CheckConstraint(condition=Q(kind__in=TransferKind.values), name="stage_kind_valid"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=MAX_STAGES), name="stage_number_range"
            ),
            models.CheckConstraint(condition=Q(share__gt=0, share__lte=100), name="stage_share_range"),
            models.CheckConstraint(
                condition=Q(min_absorption__isnull=True) | Q(min_absorption__gte=0, min_absorption__lte=100),
                name="stage_absorption_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} tahap {self.number}"


class StageRelease(VillageOwned):
    """The release of one stage to one desa, with the amount and the evidence the conditions held."""

    stage = models.ForeignKey(DisbursementStage, on_delete=models.PROTECT, related_name="releases")
    stage_id: int
    amount = MoneyField(_("jumlah disalurkan"))
    released_at = models.DateTimeField(_("disalurkan pada"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What each condition was found to be when the stage was released (the audit entry carries it too).
    evidence = models.JSONField(_("bukti syarat"), default=dict)

    class Meta:
        ordering = ["stage", "village"]
        verbose_name = _("penyaluran tahap")
        verbose_name_plural = _("penyaluran tahap")
        constraints = [
            models.UniqueConstraint(fields=["stage", "village"], name="stage_release_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="stage_release_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.stage_id}/{self.village_id}: {self.amount}"


class ReportPeriod(models.TextChoices):
    STAGE = "stage", _("Realisasi tahap")
    SEMESTER1 = "semester1", _("Semester I")
    YEAR_END = "year_end", _("Akhir tahun")


class RealisationReport(VillageOwned):
    """A desa's realisation report on its way up: desa -> camat -> regency (``stages.REPORT_FLOW``)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Dikirim desa")
        CAMAT_RECEIVED = "camat_received", _("Diterima camat")
        RECEIVED = "received", _("Diterima kabupaten")
        RETURNED = "returned", _("Dikembalikan")

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    period = models.CharField(_("periode"), max_length=10, choices=ReportPeriod.choices)
    # The stage whose use of funds a stage report accounts for; empty for semester and year-end reports.
    stage = models.ForeignKey(
        DisbursementStage, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    stage_id: int | None
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    # Snapshot taken at submission: budget and realisation by side (decimal strings), and for a stage
    # report the amount released so far and spent from that transfer's funding source.
    figures = models.JSONField(_("angka laporan"), default=dict)
    absorption = models.DecimalField(_("serapan (%)"), max_digits=7, decimal_places=2)
    released = MoneyField(_("dana diterima"), default=0)
    spent = MoneyField(_("dana terpakai"), default=0)
    # Kegiatan funded from the transfer's source when the report was made: the stage's activities.
    activities = models.JSONField(_("kegiatan"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("dikirim pada"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    camat_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["village", "year", "period"]
        verbose_name = _("laporan realisasi desa")
        verbose_name_plural = _("laporan realisasi desa")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "period"],
                condition=Q(stage__isnull=True),
                name="realisation_report_period_unique",
            ),
            models.UniqueConstraint(
                fields=["village", "stage"],
                condition=Q(stage__isnull=False),
                name="realisation_report_stage_unique",
            ),
            models.CheckConstraint(
                condition=(Q(period="stage") & Q(stage__isnull=False))
                | (Q(period__in=["semester1", "year_end"]) & Q(stage__isnull=True)),
                name="realisation_report_period_stage",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "camat_received", "received", "returned"]),
                name="realisation_report_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["pemda", "year"], name="realisation_report_pemda_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.period} {self.state}"


class ActivityCompletion(VillageOwned):
    """The desa's record that the work of one kegiatan of a year is finished (or reopened)."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    activity_code = models.CharField(_("kode kegiatan"), max_length=30)
    completed = models.BooleanField(_("selesai"), default=True)
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["village", "year", "activity_code"]
        verbose_name = _("penyelesaian kegiatan")
        verbose_name_plural = _("penyelesaian kegiatan")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "activity_code"], name="activity_completion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.activity_code} {self.completed}"
