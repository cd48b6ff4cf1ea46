"""Service standards (UU 25/2009) and satisfaction survey responses (PermenPAN-RB 14/2017)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import UnitOwned
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
