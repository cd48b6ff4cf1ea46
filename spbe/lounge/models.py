"""Service standards (UU 25/2009) and satisfaction survey responses (PermenPAN-RB 14/2017)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import TenantOwned, UnitOwned
from spbe.core.text import fold_search

from .ikm import ELEMENT_KEYS, MAX_ANSWER, MIN_ANSWER


class Service(UnitOwned):
    """A public service of one perangkat daerah, with the components of its published standard."""

    kode_layanan = models.CharField(_("kode layanan"), max_length=40)
    nama = models.CharField(_("nama layanan"), max_length=200)
    dasar_hukum = models.TextField(_("dasar hukum"), blank=True)
    persyaratan = models.TextField(_("persyaratan"), blank=True)
    prosedur = models.TextField(_("prosedur"), blank=True)
    waktu = models.CharField(_("waktu penyelesaian"), max_length=200, blank=True)
    biaya = models.CharField(_("biaya/tarif"), max_length=200, blank=True)
    produk = models.CharField(_("produk layanan"), max_length=300, blank=True)
    pengaduan = models.TextField(_("pengaduan"), blank=True)
    loket = models.CharField(_("loket"), max_length=100, blank=True)
    # Lower-case text without diacritics of the code, name, requirements and product, written with the
    # row: the same "contains" finds "Akté Kelahiran" from "AKTE kelahiran" on SQLite and PostgreSQL alike
    # (neither database folds diacritics by itself without extensions or ICU collations).
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["pemda", "kode_layanan"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "kode_layanan"], name="service_code_unique_in_pemda"),
            models.CheckConstraint(condition=~Q(kode_layanan=""), name="service_code_not_empty"),
            models.CheckConstraint(condition=~Q(nama=""), name="service_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.kode_layanan} {self.nama}"

    def searchable_text(self) -> str:
        """What a search looks in, besides the unit's name: the code, the name, the requirements, the
        product. The unit's name is matched on its own column, so renaming an agency leaves nothing stale."""
        return fold_search(" ".join([self.kode_layanan, self.nama, self.persyaratan, self.produk]))

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every way of saving a service keeps its search text true; bulk writes set it themselves.
        self.search_text = self.searchable_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)


def _answer_check(key: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{key}__gte": MIN_ANSWER, f"{key}__lte": MAX_ANSWER}),
        name=f"survey_{key}_between_1_and_4",
    )


class SurveyFile(TenantOwned):
    """A file of survey responses already imported, by the SHA-256 of its bytes.

    Importing the same paper-form file twice would count its respondents twice and move the index; the
    import refuses a file whose hash the pemda already has (unique per pemda, so a race is refused too).
    """

    sha256 = models.CharField(max_length=64)
    name = models.CharField(_("nama berkas"), max_length=255)
    rows = models.PositiveIntegerField(_("jawaban"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pemda", "sha256"], name="survey_file_once_per_pemda")]

    def __str__(self) -> str:
        return self.name


class SurveyResponse(UnitOwned):
    """One respondent's answers (1-4) to the nine IKM elements about one service.

    ``unit`` repeats the service's unit so an index per agency is one filtered aggregate; it stays the
    unit that served the respondent if the service later moves to another agency. ``ticket`` is
    the queue ticket the survey was taken for; unique, so a ticket is rated once (responses from paper
    forms have none).
    """

    class Gender(models.TextChoices):
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="responses", verbose_name=_("layanan")
    )
    tanggal = models.DateField(_("tanggal"))
    u1 = models.PositiveSmallIntegerField(_("U1 persyaratan"))
    u2 = models.PositiveSmallIntegerField(_("U2 prosedur"))
    u3 = models.PositiveSmallIntegerField(_("U3 waktu pelayanan"))
    u4 = models.PositiveSmallIntegerField(_("U4 biaya/tarif"))
    u5 = models.PositiveSmallIntegerField(_("U5 produk layanan"))
    u6 = models.PositiveSmallIntegerField(_("U6 kompetensi pelaksana"))
    u7 = models.PositiveSmallIntegerField(_("U7 perilaku pelaksana"))
    u8 = models.PositiveSmallIntegerField(_("U8 penanganan pengaduan"))
    u9 = models.PositiveSmallIntegerField(_("U9 sarana dan prasarana"))
    jenis_kelamin = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices, blank=True)
    usia = models.PositiveSmallIntegerField(_("usia"), null=True, blank=True)
    pendidikan = models.CharField(_("pendidikan"), max_length=60, blank=True)
    pekerjaan = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    # One survey per queue ticket; ticket numbers are a pemda's own, so the rule holds within a pemda.
    ticket = models.CharField(_("nomor tiket"), max_length=40, null=True, blank=True)

    class Meta:
        ordering = ["-tanggal", "pk"]
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")
        indexes = [
            models.Index(fields=["pemda", "tanggal"], name="survey_pemda_date"),
            models.Index(fields=["service", "tanggal"], name="survey_service_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "ticket"], name="survey_one_per_ticket_in_pemda"),
            *(_answer_check(key) for key in ELEMENT_KEYS),
            models.CheckConstraint(
                condition=Q(usia__isnull=True) | Q(usia__gte=1, usia__lte=120), name="survey_age_plausible"
            ),
            models.CheckConstraint(condition=Q(jenis_kelamin__in=["", "L", "P"]), name="survey_gender_known"),
            models.CheckConstraint(condition=~Q(ticket=""), name="survey_ticket_null_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.tanggal}"


# --- event services ("layanan jemput bola"): see spbe/lounge/events.py ---------------------------------


class EventService(UnitOwned):
    """Services brought to where people are: a place, a time, what is offered there, by which agency.

    ``uid`` names the event in calendar feeds for its whole life; ``sequence`` counts revisions, so a
    subscribed calendar replaces its copy. Times are stored in UTC and entered and shown in the pemda's
    time zone. A cancelled event stays published (calendars must learn that it is off).
    """

    uid = models.UUIDField(_("pengenal kalender"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("nama kegiatan"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    place_name = models.CharField(_("tempat"), max_length=200)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    services = models.ManyToManyField(Service, blank=True, related_name="+", verbose_name=_("layanan"))
    offered = models.TextField(_("layanan lain yang tersedia"), blank=True)
    sequence = models.PositiveIntegerField(_("revisi"), default=0)
    cancelled = models.BooleanField(_("dibatalkan"), default=False)

    class Meta:
        ordering = ["pemda", "starts_at", "pk"]
        verbose_name = _("layanan jemput bola")
        verbose_name_plural = _("layanan jemput bola")
        indexes = [models.Index(fields=["pemda", "starts_at"], name="event_pemda_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="event_coordinates_together_and_in_range",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="event_title_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


# ------------------------------------------------------------------------------------ queues and kiosks


class Lounge(TenantOwned):
    """A place where the public is served (a mal pelayanan publik, an agency's front office).

    Counters, kiosks and the display board belong to one lounge; ticket numbers run per lounge.
    """

    code = models.SlugField(_("kode ruang layanan"), max_length=40)
    name = models.CharField(_("nama ruang layanan"), max_length=200)
    # How many numbers of one service a day one visitor may take (0: no limit). A phone is known by a
    # random cookie of its browser, and also by its network, with a larger limit because a mall's Wi-Fi or
    # a carrier's NAT puts many citizens behind one address; a kiosk serves everybody in the lounge, so its
    # own limit is far larger and only stops a prank, not a busy morning.
    max_per_visitor = models.PositiveSmallIntegerField(_("nomor per ponsel per layanan per hari"), default=2)
    max_per_network = models.PositiveSmallIntegerField(
        _("nomor per jaringan per layanan per hari"), default=30
    )
    max_per_kiosk = models.PositiveSmallIntegerField(_("nomor per kios per layanan per hari"), default=400)

    class Meta:
        ordering = ["pemda", "code"]
        verbose_name = _("ruang layanan")
        verbose_name_plural = _("ruang layanan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "code"], name="lounge_code_unique_in_pemda"),
            models.CheckConstraint(condition=~Q(code=""), name="lounge_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class LoungeService(TenantOwned):
    """A service offered in a lounge and the letter its tickets carry there.

    Services that share a prefix share one numbering (a group of counters serving them in turn); the
    prefix and the day decide which :class:`QueueDay` row numbers a ticket.
    """

    lounge = models.ForeignKey(Lounge, on_delete=models.PROTECT, related_name="offers")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(_("huruf antrean"), max_length=3)

    class Meta:
        ordering = ["lounge", "prefix", "service"]
        verbose_name = _("layanan di ruang layanan")
        verbose_name_plural = _("layanan di ruang layanan")
        constraints = [
            models.UniqueConstraint(fields=["lounge", "service"], name="lounge_service_once"),
            models.CheckConstraint(condition=~Q(prefix=""), name="lounge_service_prefix_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.service_id}"


class Counter(UnitOwned):
    """A loket of one perangkat daerah in a lounge, and the services its officers call tickets for."""

    lounge = models.ForeignKey(Lounge, on_delete=models.PROTECT, related_name="counters")
    name = models.CharField(_("nama loket"), max_length=60)
    services = models.ManyToManyField(Service, related_name="+", blank=True, verbose_name=_("layanan"))
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["lounge", "name"]
        verbose_name = _("loket")
        verbose_name_plural = _("loket")
        constraints = [
            models.UniqueConstraint(fields=["lounge", "name"], name="counter_name_unique_in_lounge"),
            models.CheckConstraint(condition=~Q(name=""), name="counter_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class QueueDay(models.Model):
    """The last number handed out for one prefix of one lounge on one local day.

    ``ticket_take`` locks this row (``select_for_update``) in the transaction that creates the ticket, so
    two citizens pressing at once get consecutive numbers and a rolled-back take gives its number back.
    """

    lounge = models.ForeignKey(Lounge, on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(_("huruf antrean"), max_length=3)
    day = models.DateField(_("tanggal"))
    last = models.PositiveIntegerField(_("nomor terakhir"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lounge", "prefix", "day"], name="queue_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.lounge_id} {self.prefix} {self.day}: {self.last}"


class KioskDevice(TenantOwned):
    """A touch screen in a lounge, registered by staff; it identifies itself, it never signs in.

    Only a SHA-256 of its enrolment token is kept; the token is shown once when the device is
    registered. Enrolment sets a signed cookie naming the device and this hash, so issuing a new token
    or deactivating the device shuts out the old cookie.
    """

    lounge = models.ForeignKey(Lounge, on_delete=models.PROTECT, related_name="kiosks")
    name = models.CharField(_("nama perangkat"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    enrolled_at = models.DateTimeField(_("didaftarkan di perangkat"), null=True, blank=True)

    class Meta:
        ordering = ["lounge", "name"]
        verbose_name = _("perangkat kios")
        verbose_name_plural = _("perangkat kios")
        constraints = [
            models.UniqueConstraint(fields=["lounge", "name"], name="kiosk_name_unique_in_lounge"),
        ]

    def __str__(self) -> str:
        return self.name


class QueueTicket(UnitOwned):
    """One queue number taken by a member of the public, and where it is: waiting -> called -> serving
    -> done, or skipped when nobody came (a recall calls it again).

    ``unit`` is the service's agency, so its counter officers (and only they) act on it. The row is the
    record of the ticket: who took it is unknown by design, the channel and kiosk say where. Durations
    are kept in whole seconds when they end, so statistics are integer averages in SQL on any database.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("menunggu")
        CALLED = "called", _("dipanggil")
        SERVING = "serving", _("dilayani")
        DONE = "done", _("selesai")
        SKIPPED = "skipped", _("dilewati")

    class Channel(models.TextChoices):
        WEB = "web", _("web/ponsel")
        KIOSK = "kiosk", _("kios")
        COUNTER = "counter", _("loket")

    lounge = models.ForeignKey(Lounge, on_delete=models.PROTECT, related_name="tickets")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("tanggal"))
    prefix = models.CharField(_("huruf antrean"), max_length=3)
    number = models.PositiveIntegerField(_("nomor"))
    # What the ticket's QR code and links carry: unguessable, so nobody walks other people's tickets or
    # rates a service they were not given.
    public_id = models.CharField(max_length=24, unique=True, editable=False)
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.WAITING)
    channel = models.CharField(_("diambil melalui"), max_length=8, choices=Channel.choices)
    kiosk = models.ForeignKey(KioskDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    taken_at = models.DateTimeField(_("diambil"))
    called_at = models.DateTimeField(_("pertama dipanggil"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("terakhir dipanggil"), null=True, blank=True)
    serving_at = models.DateTimeField(_("mulai dilayani"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(_("jumlah panggilan"), default=0)
    # Keyed hashes (never the cookie or the address itself) of the browser and the network a phone took
    # the ticket from, only for the per-visitor limit; empty for kiosk and counter tickets.
    visitor_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    network_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    wait_seconds = models.PositiveIntegerField(_("waktu tunggu (detik)"), null=True, blank=True)
    service_seconds = models.PositiveIntegerField(_("waktu layanan (detik)"), null=True, blank=True)

    class Meta:
        ordering = ["lounge", "day", "prefix", "number"]
        verbose_name = _("tiket antrean")
        verbose_name_plural = _("tiket antrean")
        indexes = [
            models.Index(fields=["lounge", "day", "state"], name="ticket_lounge_day_state"),
            models.Index(fields=["pemda", "day"], name="ticket_pemda_day"),
            models.Index(fields=["lounge", "day", "service", "visitor_hash"], name="ticket_visitor_day"),
            models.Index(fields=["lounge", "day", "service", "network_hash"], name="ticket_network_day"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["lounge", "prefix", "day", "number"], name="ticket_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="ticket_number_positive"),
            models.CheckConstraint(
                condition=Q(state__in=["waiting", "called", "serving", "done", "skipped"]),
                name="ticket_state_known",
            ),
            models.CheckConstraint(
                condition=Q(state="waiting") | Q(counter__isnull=False), name="ticket_called_has_counter"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """``A-007``: what the ticket prints, the board shows and the officer calls out."""
        return f"{self.prefix}-{self.number:03d}"
