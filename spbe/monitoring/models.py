"""E-monitoring: physical projects, their contracts and S-curves, and progress reported from the field.

A :class:`Project` belongs to one perangkat daerah (:class:`UnitOwned`) and to one sub-kegiatan code of
its budget year; its location is a point or a line (a road, a canal) kept as exact decimal coordinates.
Its :class:`Contract` (with a vendor, or swakelola without one) changes only through an :class:`Addendum`,
which keeps the value and end date before and after. Progress is append-only: a :class:`ProgressReport`
is never edited (a correction is a new report, optionally naming the one it corrects), and a supervisor
verifies or returns it. Each :class:`ReportPhoto` keeps its original privately, with the EXIF position and
time, next to a public copy without any metadata. The project carries the critical-contract status
(:mod:`spbe.monitoring.rules`) as of its last recomputation, for lists and dashboards.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.access import Place
from spbe.accounts.models import PerangkatDaerah, VillageGovernment
from spbe.accounts.tenancy import TenantOwned, UnitOwned
from spbe.core.fields import MoneyField

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _percent(label: _StrPromise) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=5, decimal_places=2)


def _percent_range(name: str, prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 100}), name=f"{prefix}_range"
    )


class LocationKind(models.TextChoices):
    POINT = "point", _("Titik")
    LINE = "line", _("Garis")


class Period(models.TextChoices):
    ONE = "I", _("Periode I (rencana 0-70%)")
    TWO = "II", _("Periode II (rencana di atas 70%)")


class Project(UnitOwned):
    """A physical work of a perangkat daerah in a budget year, under one sub-kegiatan.

    ``coordinates`` is GeoJSON-like, longitude first: ``[["114.369100", "-8.219200"], ...]`` with one
    position for a point and two or more for a line, as decimal strings (6 places) so no float ever holds
    a position. ``latitude``/``longitude`` repeat its first position for map queries.
    """

    # A regency project belongs to a unit and a sub-kegiatan; a village works package (spbe/villages) to
    # its desa and a kegiatan ``BB.SS.KK`` of the desa's APBDes, with no unit: exactly one (database check).
    unit = models.ForeignKey(  # type: ignore[assignment]
        PerangkatDaerah,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perangkat daerah"),
    )
    unit_id: int | None  # type: ignore[assignment]
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    sub_kegiatan_code = models.CharField(_("kode sub kegiatan"), max_length=20, blank=True)
    apbdes_kegiatan = models.CharField(_("kode kegiatan APBDes"), max_length=20, blank=True)
    name = models.CharField(_("nama pekerjaan"), max_length=200)
    village = models.ForeignKey(
        VillageGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa lokasi"),
    )
    village_id: int | None
    address = models.CharField(_("alamat lokasi"), max_length=255, blank=True)
    location_kind = models.CharField(_("bentuk lokasi"), max_length=5, choices=LocationKind.choices)
    coordinates = models.JSONField(_("koordinat"))
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6)
    # The critical-contract status as of ``status_on`` (recomputed when a report arrives or a day passes).
    status_on = models.DateField(_("status per tanggal"), null=True, blank=True)
    planned_percent = models.DecimalField(
        _("rencana (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    actual_percent = models.DecimalField(
        _("realisasi (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    deviation = models.DecimalField(_("deviasi (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    period = models.CharField(_("periode"), max_length=2, choices=Period.choices, blank=True)
    projected_finish = models.DateField(_("proyeksi selesai"), null=True, blank=True)
    is_critical = models.BooleanField(_("kontrak kritis"), default=False)
    # The latest verified report's % and date (None before any), kept by the services that verify or return
    # a report (spbe.monitoring.speed.refresh_verified) in their transaction: the public map, list and
    # RFK read these plain columns instead of looking for the latest verified report of every project.
    verified_percent = models.DecimalField(
        _("progres terverifikasi (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    verified_on = models.DateField(_("tanggal progres terverifikasi"), null=True, blank=True)

    class Meta:
        ordering = ["pemda", "year", "name", "pk"]
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        constraints = [
            models.CheckConstraint(
                condition=Q(location_kind__in=LocationKind.values), name="project_location_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="project_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="project_longitude_range"
            ),
            models.CheckConstraint(condition=Q(period__in=["", *Period.values]), name="project_period_valid"),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & ~Q(sub_kegiatan_code="") & Q(apbdes_kegiatan=""))
                | (
                    Q(unit__isnull=True)
                    & Q(village__isnull=False)
                    & Q(sub_kegiatan_code="")
                    & ~Q(apbdes_kegiatan="")
                ),
                name="project_one_budget_link",
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "year", "unit"], name="project_pemda_year_unit"),
            models.Index(fields=["pemda", "is_critical"], name="project_pemda_critical"),
            # The public map and list: a pemda's year in name order, in one index range.
            models.Index(fields=["pemda", "year", "name", "id"], name="project_pemda_year_name"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def is_village_works(self) -> bool:
        return self.unit_id is None

    def place(self) -> Place:
        if self.unit_id is None and self.village is not None:
            # A village works package lives at its desa: the desa's officials, its camat and DPMD.
            return Place(self.pemda_id, village_id=self.village.pk, kecamatan_id=self.village.kecamatan_id)
        return Place(self.pemda_id, unit_id=self.unit_id)


class Method(models.TextChoices):
    VENDOR = "penyedia", _("Penyedia (kontrak)")
    SWAKELOLA = "swakelola", _("Swakelola")


class Contract(TenantOwned):
    """The contract of a project: with a vendor, or swakelola (done by the government itself, no vendor).

    ``value`` and ``ends_on`` are the current ones; every change comes with an :class:`Addendum` that keeps
    what they were. ``ocid`` is the Open Contracting (OCDS) id, unique everywhere.
    """

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="contract")
    method = models.CharField(_("cara pengadaan"), max_length=10, choices=Method.choices)
    number = models.CharField(_("nomor kontrak"), max_length=100)
    vendor_name = models.CharField(_("penyedia"), max_length=200, blank=True)
    value = MoneyField(_("nilai kontrak"))
    signed_on = models.DateField(_("tanggal kontrak"))
    starts_on = models.DateField(_("tanggal mulai"))
    ends_on = models.DateField(_("tanggal selesai"))
    ocid = models.CharField(_("OCID"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("kontrak")
        verbose_name_plural = _("kontrak")
        constraints = [
            models.CheckConstraint(condition=Q(method__in=Method.values), name="contract_method_valid"),
            models.CheckConstraint(
                condition=(Q(method=Method.VENDOR) & ~Q(vendor_name=""))
                | (Q(method=Method.SWAKELOLA) & Q(vendor_name="")),
                name="contract_vendor_by_method",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_not_negative"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contract_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def place(self) -> Place:
        return self.project.place()


class Addendum(TenantOwned):
    """One change to a contract, numbered 1, 2, ...: its value and/or end date before and after."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="addenda")
    number = models.PositiveSmallIntegerField(_("nomor addendum"))
    signed_on = models.DateField(_("tanggal addendum"))
    reason = models.TextField(_("alasan"))
    value_before = MoneyField(_("nilai sebelum"))
    value_after = MoneyField(_("nilai sesudah"))
    ends_on_before = models.DateField(_("selesai sebelum"))
    ends_on_after = models.DateField(_("selesai sesudah"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("addendum")
        verbose_name_plural = _("addendum")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="addendum_number_unique"),
            models.CheckConstraint(condition=Q(value_after__gte=0), name="addendum_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} addendum {self.number}"


class PlanPoint(TenantOwned):
    """One point of a project's planned S-curve: the cumulative % planned by ``on``."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="plan_points")
    on = models.DateField(_("tanggal"))
    percent = _percent(_("rencana kumulatif (%)"))

    class Meta:
        ordering = ["project", "on"]
        verbose_name = _("titik kurva S")
        verbose_name_plural = _("kurva S")
        constraints = [
            models.UniqueConstraint(fields=["project", "on"], name="plan_point_unique"),
            _percent_range("percent", "plan_point_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.on}: {self.percent}%"


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    VERIFIED = "verified", _("Diverifikasi")
    RETURNED = "returned", _("Dikembalikan")


# Reports that count as progress: a returned report was refused, so it no longer does.
COUNTED_STATES = (ReportState.SUBMITTED, ReportState.VERIFIED)


class ProgressReport(TenantOwned):
    """Physical progress reported from the field on ``reported_on``: append-only, verified or returned.

    Never edited: a correction is a new report (``corrects`` names the earlier one). The flags summarise
    the photos' checks so lists can show them without reading every photo.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    reported_on = models.DateField(_("tanggal laporan"))
    percent = _percent(_("progres fisik kumulatif (%)"))
    note = models.TextField(_("catatan"), blank=True)
    problems = models.TextField(_("permasalahan"), blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mengoreksi"),
    )
    corrects_id: int | None
    state = models.CharField(
        _("status"), max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by_id: int | None
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_by_id: int | None
    photo_far = models.BooleanField(_("foto jauh dari lokasi"), default=False)
    photo_old = models.BooleanField(_("foto lama"), default=False)
    photo_no_position = models.BooleanField(_("foto tanpa posisi"), default=False)
    photo_no_time = models.BooleanField(_("foto tanpa waktu"), default=False)
    no_photo = models.BooleanField(_("tanpa foto"), default=False)

    class Meta:
        ordering = ["project", "reported_on", "pk"]
        verbose_name = _("laporan progres")
        verbose_name_plural = _("laporan progres")
        constraints = [
            _percent_range("percent", "progress_report_percent"),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="progress_report_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["project", "state", "reported_on"], name="report_project_state_date")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.reported_on}: {self.percent}%"

    @property
    def flagged(self) -> bool:
        return (
            self.photo_far or self.photo_old or self.photo_no_position or self.photo_no_time or self.no_photo
        )

    def place(self) -> Place:
        return self.project.place()


def _original_path(photo: ReportPhoto, filename: str) -> str:
    return f"private/monitoring/{photo.pemda_id}/{filename}"


def _public_path(photo: ReportPhoto, filename: str) -> str:
    return f"public/monitoring/{photo.pemda_id}/{filename}"


class ReportPhoto(TenantOwned):
    """A photo of a report: the original as uploaded (private, with its EXIF), and clean public copies.

    ``latitude``/``longitude``/``taken_at`` come from the original's EXIF; ``distance_m`` is from the
    project's location. The flags are decided once, when the report is submitted, with the limits then in
    force (``SPBE_MONITORING_PHOTO_MAX_DISTANCE_M``, ``SPBE_MONITORING_PHOTO_MAX_AGE_DAYS``).
    """

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="photos")
    original = models.FileField(_("berkas asli"), upload_to=_original_path, max_length=255)
    original_sha256 = models.CharField(_("SHA-256 berkas asli"), max_length=64)
    content_type = models.CharField(_("jenis berkas asli"), max_length=20)
    public = models.FileField(_("salinan publik"), upload_to=_public_path, max_length=255)
    thumbnail = models.FileField(_("gambar kecil"), upload_to=_public_path, max_length=255)
    width = models.PositiveIntegerField(_("lebar"))
    height = models.PositiveIntegerField(_("tinggi"))
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    taken_at = models.DateTimeField(_("waktu pengambilan"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("jarak dari lokasi (m)"), null=True, blank=True)
    is_far = models.BooleanField(_("jauh dari lokasi"), default=False)
    is_old = models.BooleanField(_("diambil jauh sebelum laporan"), default=False)
    no_position = models.BooleanField(_("tanpa posisi"), default=False)
    no_time = models.BooleanField(_("tanpa waktu"), default=False)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("foto laporan")
        verbose_name_plural = _("foto laporan")
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180)),
                name="report_photo_position_valid",
            ),
            models.CheckConstraint(
                condition=Q(no_position=True) | Q(latitude__isnull=False),
                name="report_photo_no_position_flag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} foto {self.pk}"

    def place(self) -> Place:
        return self.report.project.place()


# Feature models, in their own files so each feature's rows sit next to its rules.
from .models_e81 import E81Evaluation, E81Level, E81Target  # noqa: E402
from .models_scm import (  # noqa: E402
    Escalation,
    EscalationKind,
    Notice,
    ScmOutcome,
    ScmStage,
    ShowCauseMeeting,
)

__all__ = [
    "E81Evaluation",
    "E81Level",
    "E81Target",
    "Escalation",
    "EscalationKind",
    "Notice",
    "ScmOutcome",
    "ScmStage",
    "ShowCauseMeeting",
]
