"""Realisation of an adopted APBD: SP2D payments against a DPA line, STS deposits of revenue.

A payment (:class:`Sp2d`) is charged to one line of the adopted budget, named by its codes (agency x
sub-kegiatan x account x funding source), never by a line id: lines belong to a version, and after a
perubahan is adopted the same payment counts against the newest adopted version's line with those codes.
A revenue deposit (:class:`Sts`) is credited to an agency's revenue account.

Rows are never edited or deleted. A correction (a returned payment, a reversed deposit) is a new row with a
negative amount pointing at the row it corrects; the net of a line is the plain sum of its rows, summed in
SQL (``MoneySum``) exactly. The services (``spbe.budgeting.realisation``) keep a line's net spending within
its DPA amount under concurrent writers.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import UnitOwned
from spbe.core.fields import MoneyField

from .models import CODE_LENGTH


class Sp2dKind(models.TextChoices):
    """The SP2D kinds SIPD issues: direct payment, stock advance, its replenishment, an additional advance."""

    LS = "LS", _("LS (langsung)")
    UP = "UP", _("UP (uang persediaan)")
    GU = "GU", _("GU (ganti uang persediaan)")
    TU = "TU", _("TU (tambahan uang persediaan)")


class Sp2d(UnitOwned):
    """One SP2D (or a correction of one) charged to a line of the adopted budget."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    number = models.CharField(_("nomor"), max_length=60)
    date = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis SP2D"), max_length=2, choices=Sp2dKind.choices)
    sub_kegiatan = models.CharField(_("sub kegiatan"), max_length=CODE_LENGTH, blank=True)
    account = models.CharField(_("kode rekening"), max_length=CODE_LENGTH)
    funding = models.CharField(_("sumber dana"), max_length=CODE_LENGTH, blank=True)
    description = models.CharField(_("uraian"), max_length=500)
    amount = MoneyField(_("jumlah"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("mengoreksi"),
    )
    corrects_id: int | None
    # Chosen by an API client (the ``Idempotency-Key`` header): a retried request finds the row it made.
    idempotency_key = models.UUIDField(_("kunci idempoten"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pemda", "year", "date", "number"]
        verbose_name = _("SP2D")
        verbose_name_plural = _("SP2D")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "number"], name="budget_sp2d_number_unique"),
            models.UniqueConstraint(
                fields=["pemda", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="budget_sp2d_idempotency_unique",
            ),
            models.CheckConstraint(condition=Q(kind__in=Sp2dKind.values), name="budget_sp2d_kind_valid"),
            # A payment is positive; only a correction, which names what it corrects, is negative.
            models.CheckConstraint(
                condition=Q(amount__gt=0, corrects__isnull=True) | Q(amount__lt=0, corrects__isnull=False),
                name="budget_sp2d_sign",
            ),
            # Expenditure (5.x) is paid under a sub-kegiatan; financing expenditure (6.2) never is.
            models.CheckConstraint(
                condition=(Q(account__startswith="5.") & ~Q(sub_kegiatan=""))
                | (Q(account__startswith="6.2.") & Q(sub_kegiatan="")),
                name="budget_sp2d_account",
            ),
        ]
        indexes = [
            models.Index(
                fields=["pemda", "year", "unit", "sub_kegiatan", "account", "funding"],
                name="budget_sp2d_line",
            ),
            models.Index(fields=["pemda", "year", "date"], name="budget_sp2d_date"),
        ]

    def __str__(self) -> str:
        return f"SP2D {self.number}: {self.amount}"


class Sts(UnitOwned):
    """One STS (surat tanda setoran): revenue deposited to the regional treasury, or a correction of one."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    number = models.CharField(_("nomor"), max_length=60)
    date = models.DateField(_("tanggal"))
    account = models.CharField(_("kode rekening"), max_length=CODE_LENGTH)
    description = models.CharField(_("uraian"), max_length=500)
    amount = MoneyField(_("jumlah"))
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("mengoreksi"),
    )
    corrects_id: int | None
    idempotency_key = models.UUIDField(_("kunci idempoten"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pemda", "year", "date", "number"]
        verbose_name = _("STS")
        verbose_name_plural = _("STS")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "number"], name="budget_sts_number_unique"),
            models.UniqueConstraint(
                fields=["pemda", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="budget_sts_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, corrects__isnull=True) | Q(amount__lt=0, corrects__isnull=False),
                name="budget_sts_sign",
            ),
            # Revenue (4.x) and financing receipts (6.1) are deposited.
            models.CheckConstraint(
                condition=Q(account__startswith="4.") | Q(account__startswith="6.1."),
                name="budget_sts_account",
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "year", "unit", "account"], name="budget_sts_account"),
            models.Index(fields=["pemda", "year", "date"], name="budget_sts_date"),
        ]

    def __str__(self) -> str:
        return f"STS {self.number}: {self.amount}"
