"""Complaints, their private complainant, their append-only journey, and each pemda's stage deadlines.

Nothing here is deleted or rewritten: a complaint ends closed or rejected; each step (verification,
routing, answer, reply, escalation) is a :class:`ComplaintEntry` that database triggers keep as written,
so an answer a citizen has read can never change under them (a correction is a new reply).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.tenancy import TenantOwned


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    KIOSK = "kiosk", _("Kios informasi")
    COUNTER = "counter", _("Loket")


class State(models.TextChoices):
    RECEIVED = "received", _("Diterima")
    VERIFIED = "verified", _("Terverifikasi")
    ROUTED = "routed", _("Diteruskan ke perangkat daerah")
    ANSWERED = "answered", _("Dijawab")
    CLOSED = "closed", _("Selesai")
    REJECTED = "rejected", _("Ditolak")


#: States with a deadline: each waits for one person's next step.
OPEN_STATES = (State.RECEIVED, State.VERIFIED, State.ROUTED, State.ANSWERED)
FINAL_STATES = frozenset({State.CLOSED, State.REJECTED})


class EntryKind(models.TextChoices):
    RECEIVED = "received", _("Pengaduan diterima")
    VERIFIED = "verified", _("Pengaduan diverifikasi")
    ROUTED = "routed", _("Diteruskan ke perangkat daerah")
    RETURNED = "returned", _("Dikembalikan oleh perangkat daerah")
    ANSWERED = "answered", _("Jawaban perangkat daerah")
    REPLY = "reply", _("Tanggapan tambahan")
    CLOSED = "closed", _("Pengaduan selesai")
    REJECTED = "rejected", _("Pengaduan ditolak")
    ESCALATED = "escalated", _("Melewati tenggat, dinaikkan ke atasan")


class ComplaintCounter(models.Model):
    """The last ticket number per pemda and year, locked by the creating transaction (never races)."""

    pemda = models.ForeignKey(Pemda, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    last = models.PositiveIntegerField(_("nomor terakhir"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year"], name="complaint_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id}-{self.year}: {self.last}"


class Complaint(TenantOwned):
    """One complaint and where it is: ``ticket`` (``ADU-35.10-2027-000123``) is given once and never changes.

    ``unit`` is the agency it is routed to (none before routing): that agency's officers see and answer it.
    ``due_on`` is the last day, in the pemda's time zone, for the step the current state waits for;
    ``escalated_at`` is set once when that day has passed, and cleared by the next step.
    """

    ticket = models.CharField(_("nomor tiket"), max_length=32, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("tahun"), editable=False)
    number = models.PositiveIntegerField(_("nomor urut"), editable=False)
    channel = models.CharField(_("saluran"), max_length=8, choices=Channel.choices)
    subject = models.CharField(_("pokok pengaduan"), max_length=200)
    description = models.TextField(_("uraian"))
    location = models.CharField(_("lokasi kejadian"), max_length=255, blank=True)
    unit = models.ForeignKey(
        PerangkatDaerah,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perangkat daerah tujuan"),
    )
    unit_id: int | None
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.RECEIVED)
    due_on = models.DateField(_("tenggat tahap ini"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("dinaikkan pada"), null=True, blank=True)
    escalated_to = models.CharField(_("dinaikkan kepada"), max_length=20, blank=True)
    # A keyed hash of the submitting client (never the address itself), for the per-client limit only.
    client_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["pemda", "year", "number"]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "number"], name="complaint_number_unique"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="complaint_state_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="complaint_channel_valid"),
            # An agency answers only what was routed to it.
            models.CheckConstraint(
                condition=Q(state__in=[State.RECEIVED, State.VERIFIED])
                | Q(unit__isnull=False)
                | Q(state=State.REJECTED),
                name="complaint_routed_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[State.CLOSED, State.REJECTED]) | Q(due_on__isnull=False),
                name="complaint_open_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "state", "due_on"], name="complaint_pemda_state_due"),
            models.Index(fields=["client_hash", "created_at"], name="complaint_client_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.subject}"

    def place(self) -> Place:
        """The pemda, and the agency it is routed to: agency roles count only there."""
        return Place(self.pemda_id, unit_id=self.unit_id)


class Complainant(models.Model):
    """Who complained: personal data (UU 27/2022), read by staff; public outputs show it masked only."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, primary_key=True, related_name="complainant"
    )
    name = models.CharField(_("nama pengadu"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("pengadu")
        verbose_name_plural = _("pengadu")
        constraints = [
            models.CheckConstraint(
                condition=Q(nik="") | Q(Exact(Length("nik"), 16)), name="complainant_nik_sixteen_characters"
            ),
        ]

    def __str__(self) -> str:
        # Personal data: never printed by accident (admin, logs, tracebacks).
        return f"pengadu {self.complaint_id}"


class ComplaintEntry(TenantOwned):
    """One step of a complaint's journey, as the public sees it; appended, never changed or deleted.

    ``text`` is public (an answer, a reply, a reason); ``unit`` the agency concerned. Who did it is kept
    for staff (``by``, ``actor_label``) and never published.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("jenis"), max_length=10, choices=EntryKind.choices)
    state = models.CharField(_("status sesudahnya"), max_length=10, choices=State.choices)
    text = models.TextField(_("isi"), blank=True)
    unit = models.ForeignKey(
        PerangkatDaerah, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit_id: int | None
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("pelaku"), max_length=150)
    at = models.DateTimeField(_("waktu"))

    class Meta:
        ordering = ["complaint", "at", "pk"]
        verbose_name = _("riwayat pengaduan")
        verbose_name_plural = _("riwayat pengaduan")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="complaint_entry_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="complaint_entry_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class ComplaintDeadlines(TenantOwned):
    """How many days, in the pemda's time zone, each stage may take; no row means the defaults.

    ``verify_days`` from receipt to verification, ``route_days`` from verification to routing,
    ``answer_days`` for the agency to answer, ``close_days`` from the answer to closing.
    """

    verify_days = models.PositiveSmallIntegerField(_("hari untuk verifikasi"), default=3)
    route_days = models.PositiveSmallIntegerField(_("hari untuk disposisi"), default=2)
    answer_days = models.PositiveSmallIntegerField(_("hari untuk jawaban perangkat daerah"), default=10)
    close_days = models.PositiveSmallIntegerField(_("hari untuk penutupan"), default=7)

    class Meta:
        verbose_name = _("tenggat pengaduan")
        verbose_name_plural = _("tenggat pengaduan")
        constraints = [
            models.UniqueConstraint(fields=["pemda"], name="complaint_deadlines_one_per_pemda"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 365}), name=f"complaint_{name}_range"
                )
                for name in ("verify_days", "route_days", "answer_days", "close_days")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id}"
