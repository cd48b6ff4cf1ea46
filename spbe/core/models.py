"""Core models: the audit log and its chain head, background-job progress, and shared abstract bases."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One recorded change. Append-only: database triggers refuse UPDATE and DELETE on this table.

    Each pemda has its own chain (``pemda_code``; the empty code is the platform's chain for events of no
    tenant), so tenants never wait for each other's appends. ``seq`` numbers a chain's entries without gaps;
    ``hash`` covers every column and the previous entry's hash, so ``spbe verify_audit`` finds the first
    entry that was altered, removed or inserted behind the application's back. ``id`` orders all chains
    together roughly by time (a database sequence, no lock).

    On PostgreSQL an entry is written unsealed (no ``seq``, empty hashes) in the change's transaction and
    sealed into its chain by a short transaction right after the commit (``audit.seal``), so writers of
    one pemda never wait for each other on the chain's head.
    """

    id = models.BigAutoField(primary_key=True)
    pemda_code = models.CharField(_("pemda"), max_length=13, blank=True)
    # Empty until the entry is sealed into its chain, right after its transaction commits (audit.seal).
    seq = models.BigIntegerField(_("nomor dalam rantai"), null=True, blank=True)
    at = models.DateTimeField(_("waktu"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("pelaku"), max_length=150)
    action = models.CharField(_("tindakan"), max_length=80)
    object_type = models.CharField(_("jenis objek"), max_length=80)
    object_id = models.CharField(_("id objek"), max_length=80, blank=True)
    before = models.JSONField(_("sebelum"), null=True, blank=True)
    after = models.JSONField(_("sesudah"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")
        constraints = [models.UniqueConstraint(fields=["pemda_code", "seq"], name="audit_entry_chain_seq")]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_entry_object"),
            models.Index(fields=["pemda_code", "-id"], name="audit_entry_pemda_recent"),
            # The sealer's and the checks' "what is still unsealed": a few rows, whatever the log's size.
            models.Index(
                fields=["pemda_code", "id"],
                condition=models.Q(seq__isnull=True),
                name="audit_entry_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.pemda_code or 'platform'} #{self.seq} {self.action} {self.object_type}:{self.object_id}"
        )


class AuditHead(models.Model):
    """The row that points at the newest entry of one chain; appends lock it, so a chain never forks.

    Triggers refuse deleting a head or moving it backwards, exactly as they refuse changing an entry.
    """

    pemda_code = models.CharField(max_length=13, primary_key=True, blank=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.pemda_code or 'platform'} head #{self.seq}"


class Job(models.Model):
    """Progress of a long background task, shown in the page while the worker runs it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis"), max_length=60)
    title = models.CharField(_("judul"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Refreshed by every progress report: a running job whose heartbeat is older than
    # SPBE_JOB_STALE_SECONDS lost its worker (killed, or cut off from the database) and is marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class DataVersion(models.Model):
    """A counter per published data set, bumped in the transaction that changes the data.

    Caches of published responses (in every worker process) compare against it to drop what went stale.
    """

    name = models.CharField(max_length=40, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


from .models_holidays import LocalHoliday as LocalHoliday  # noqa: E402
