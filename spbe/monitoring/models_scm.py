"""Show-cause meetings (SCM I-III) of a critical contract, and the warnings that escalate from it.

A contract that turns critical opens an *episode* (``Escalation`` of kind ``critical``, numbered per
project); within an episode the agency holds SCM I, and SCM II only once SCM I's agreed target was missed,
SCM III once SCM II's was. A meeting's outcome is decided by the first progress report after it: the
agreed % reached (met), or the target date reached without it (missed). A missed target is itself an
escalation. Each escalation is written once (unique per project, kind, level and episode) and gives every
agency head of the project's unit and every Bappeda planner a :class:`Notice` on their dashboard, plus one
e-mail sent after the transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.access import Place
from spbe.accounts.tenancy import TenantOwned

from .models import ProgressReport, Project


class ScmStage(models.IntegerChoices):
    ONE = 1, _("SCM I")
    TWO = 2, _("SCM II")
    THREE = 3, _("SCM III")


class ScmOutcome(models.TextChoices):
    PENDING = "pending", _("Menunggu laporan")
    MET = "met", _("Target tercapai")
    MISSED = "missed", _("Target tidak tercapai")


class ShowCauseMeeting(TenantOwned):
    """Rapat pembuktian (show cause meeting): when, who, the agreed target, and what came of it."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="show_cause_meetings")
    episode = models.PositiveSmallIntegerField(_("episode kritis"))
    stage = models.PositiveSmallIntegerField(_("tahap"), choices=ScmStage.choices)
    held_on = models.DateField(_("tanggal rapat"))
    attendees = models.TextField(_("peserta"))
    agreed_percent = models.DecimalField(_("target progres disepakati (%)"), max_digits=5, decimal_places=2)
    target_on = models.DateField(_("tanggal target"))
    notes = models.TextField(_("catatan rapat"), blank=True)
    outcome = models.CharField(
        _("hasil"), max_length=10, choices=ScmOutcome.choices, default=ScmOutcome.PENDING
    )
    outcome_report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("laporan penentu hasil"),
    )
    outcome_report_id: int | None
    outcome_percent = models.DecimalField(
        _("progres saat hasil dicatat (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    outcome_on = models.DateField(_("tanggal hasil"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "episode", "stage"]
        verbose_name = _("rapat pembuktian (SCM)")
        verbose_name_plural = _("rapat pembuktian (SCM)")
        constraints = [
            models.UniqueConstraint(fields=["project", "episode", "stage"], name="scm_stage_once"),
            models.CheckConstraint(condition=Q(stage__gte=1, stage__lte=3), name="scm_stage_valid"),
            models.CheckConstraint(
                condition=Q(agreed_percent__gte=0, agreed_percent__lte=100), name="scm_agreed_range"
            ),
            models.CheckConstraint(condition=Q(target_on__gt=F("held_on")), name="scm_target_after_meeting"),
            models.CheckConstraint(condition=Q(outcome__in=ScmOutcome.values), name="scm_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_stage_display()}"

    def place(self) -> Place:
        return self.project.place()


class EscalationKind(models.TextChoices):
    CRITICAL = "critical", _("Kontrak menjadi kritis")
    SCM_MISSED = "scm_missed", _("Target SCM tidak tercapai")


class Escalation(TenantOwned):
    """One warning about a project, written once: it turned critical, or an SCM target was missed."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="escalations")
    kind = models.CharField(_("jenis"), max_length=12, choices=EscalationKind.choices)
    # 0 when the contract turned critical; the SCM stage (1-3) whose target was missed.
    level = models.PositiveSmallIntegerField(_("tingkat"))
    episode = models.PositiveSmallIntegerField(_("episode kritis"))
    meeting = models.ForeignKey(
        ShowCauseMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on = models.DateField(_("tanggal"))
    planned_percent = models.DecimalField(_("rencana (%)"), max_digits=5, decimal_places=2, null=True)
    actual_percent = models.DecimalField(_("realisasi (%)"), max_digits=5, decimal_places=2, null=True)
    deviation = models.DecimalField(_("deviasi (%)"), max_digits=6, decimal_places=2, null=True)
    mailed_at = models.DateTimeField(_("e-mail terkirim"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("peringatan dini")
        verbose_name_plural = _("peringatan dini")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "level", "episode"], name="escalation_once_per_episode"
            ),
            models.CheckConstraint(condition=Q(kind__in=EscalationKind.values), name="escalation_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.level} #{self.episode}"

    def place(self) -> Place:
        return self.project.place()


class Notice(TenantOwned):
    """An escalation on one person's dashboard until they mark it read."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="notices")
    escalation_id: int
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient_id: int
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        constraints = [
            models.UniqueConstraint(fields=["escalation", "recipient"], name="notice_once_per_recipient")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.escalation_id}"
