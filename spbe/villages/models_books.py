"""Village bookkeeping (Permendagri 20/2018 art. 43-63): the vouchers a desa's treasury records.

A desa that keeps its APBDes in OpenSPBE (``Apbdes.origin`` = entry) spends it here: payment requests
(:class:`Spp`) by the activity executors, verified by the Sekdes, approved by the Kades and paid by the Kaur
Keuangan; cash advances (``panjar``) accounted for by an :class:`Spj`; receipts (:class:`Receipt`, TBP); tax
withheld on payments (:class:`SppTax`) and its deposit (:class:`TaxDeposit`); moves between the cash box
and the bank (:class:`CashMove`). The books (BKU, bank, tax, advances) are read from these rows; nothing
stores a balance that could drift from them.

Each voucher is numbered per desa, year and kind (``number``) under the lock of the desa's adopted APBDes
row, which every bookkeeping write of that desa and year takes (``books._locked``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import VillageOwned
from spbe.core.fields import MoneyField

from .models import CODE_LENGTH, SOURCE_LENGTH, ApbdesLine

USER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    """Where money is held: the treasurer's cash box or the desa's bank account (RKD)."""

    CASH = "tunai", _("Tunai")
    BANK = "bank", _("Bank")


class TaxKind(models.TextChoices):
    PPN = "ppn", _("PPN")
    PPH21 = "pph21", _("PPh 21")
    PPH22 = "pph22", _("PPh 22")
    PPH23 = "pph23", _("PPh 23")
    PAJAK_DAERAH = "pajak_daerah", _("Pajak daerah")


def _person() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")


class Spp(VillageOwned):
    """A payment request (Surat Permintaan Pembayaran) against one kegiatan of the adopted APBDes."""

    class Kind(models.TextChoices):
        DEFINITIF = "definitif", _("Definitif")
        PANJAR = "panjar", _("Panjar kegiatan (UM)")
        PEMBIAYAAN = "pembiayaan", _("Pembiayaan")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan ke Sekdes")
        VERIFIED = "verified", _("Diverifikasi Sekdes")
        APPROVED = "approved", _("Disetujui Kades")
        PAID = "paid", _("Dibayar")
        RETURNED = "returned", _("Dikembalikan")
        CANCELLED = "cancelled", _("Dibatalkan")

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    number = models.PositiveIntegerField(_("nomor"))
    kind = models.CharField(_("jenis SPP"), max_length=12, choices=Kind.choices)
    activity_code = models.CharField(_("kode kegiatan"), max_length=CODE_LENGTH, blank=True)
    description = models.CharField(_("uraian"), max_length=500)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    total = MoneyField(_("jumlah"))
    created_by = _person()
    submitted_by = _person()
    verified_by = _person()
    approved_by = _person()
    paid_by = _person()
    paid_on = models.DateField(_("tanggal bayar"), null=True, blank=True)
    paid_via = models.CharField(_("dibayar dari"), max_length=5, choices=Channel.choices, blank=True)
    # A cash advance must be accounted for (SPJ) by this date: 10 working days after it was paid.
    advance_due_on = models.DateField(_("batas SPJ panjar"), null=True, blank=True)

    class Meta:
        ordering = ["village", "year", "number"]
        verbose_name = _("SPP desa")
        verbose_name_plural = _("SPP desa")
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "number"], name="books_spp_number_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["definitif", "panjar", "pembiayaan"]), name="books_spp_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=["draft", "submitted", "verified", "approved", "paid", "returned", "cancelled"]
                ),
                name="books_spp_state_valid",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="books_spp_total_not_negative"),
            # Paid means paid on a date, from a channel, by someone or by a command.
            models.CheckConstraint(
                condition=~Q(state="paid") | (Q(paid_on__isnull=False) & ~Q(paid_via="")),
                name="books_spp_paid_has_date",
            ),
            models.CheckConstraint(
                condition=Q(kind="pembiayaan", activity_code="")
                | (~Q(kind="pembiayaan") & ~Q(activity_code="")),
                name="books_spp_activity_by_kind",
            ),
        ]
        indexes = [models.Index(fields=["pemda", "year", "state"], name="books_spp_state")]

    def __str__(self) -> str:
        return f"{self.number:04d}/SPP/{self.village_id}/{self.year}"


class SppLine(models.Model):
    """One budget line an SPP draws on, identified across APBDes versions by the line's codes."""

    spp = models.ForeignKey(Spp, on_delete=models.CASCADE, related_name="lines")
    apbdes_line = models.ForeignKey(ApbdesLine, on_delete=models.PROTECT, related_name="+")
    account_code = models.CharField(_("kode rekening"), max_length=CODE_LENGTH)
    activity_code = models.CharField(_("kode kegiatan"), max_length=CODE_LENGTH, blank=True)
    sub_code = models.CharField(_("kode sub rincian"), max_length=CODE_LENGTH, blank=True)
    line_number = models.PositiveIntegerField(_("nomor urut rincian"))
    source_code = models.CharField(_("sumber dana"), max_length=SOURCE_LENGTH)
    amount = MoneyField(_("jumlah"))

    class Meta:
        ordering = ["spp", "account_code", "line_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["spp", "activity_code", "account_code", "sub_code", "line_number"],
                name="books_spp_line_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_spp_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.account_code} {self.amount}"


class TaxDeposit(VillageOwned):
    """Tax withheld, paid into the state or regency treasury (with its NTPN)."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    number = models.PositiveIntegerField(_("nomor"))
    kind = models.CharField(_("jenis pajak"), max_length=12, choices=TaxKind.choices)
    deposited_on = models.DateField(_("tanggal setor"))
    via = models.CharField(_("disetor dari"), max_length=5, choices=Channel.choices)
    ntpn = models.CharField(_("NTPN / bukti setor"), max_length=40, blank=True)
    amount = MoneyField(_("jumlah"))
    recorded_by = _person()

    class Meta:
        ordering = ["village", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "number"], name="books_tax_deposit_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_tax_deposit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number:04d}/STS-PJK/{self.village_id}/{self.year}"


class SppTax(models.Model):
    """Tax the treasurer withheld when paying an SPP: a receipt into the tax book until deposited."""

    spp = models.ForeignKey(Spp, on_delete=models.CASCADE, related_name="taxes")
    kind = models.CharField(_("jenis pajak"), max_length=12, choices=TaxKind.choices)
    amount = MoneyField(_("jumlah"))

    class Meta:
        ordering = ["spp", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["spp", "kind"], name="books_spp_tax_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_spp_tax_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class Spj(VillageOwned):
    """The accountability report of a cash advance: what was spent (with evidence), the rest returned."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Diajukan")
        ACCEPTED = "accepted", _("Disahkan")
        RETURNED = "returned", _("Dikembalikan")

    spp = models.OneToOneField(Spp, on_delete=models.PROTECT, related_name="spj")
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_on = models.DateField(_("tanggal SPJ"))
    spent = MoneyField(_("dibelanjakan"))
    returned_amount = MoneyField(_("sisa panjar dikembalikan"))
    submitted_by = _person()
    accepted_by = _person()
    accepted_on = models.DateField(_("tanggal disahkan"), null=True, blank=True)

    class Meta:
        ordering = ["village", "year", "spp"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "accepted", "returned"]), name="books_spj_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(spent__gte=0, returned_amount__gte=0), name="books_spj_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"SPJ {self.spp}"


class SpjLine(models.Model):
    """One piece of evidence in an SPJ (a receipt, an invoice): what it paid for and how much."""

    spj = models.ForeignKey(Spj, on_delete=models.CASCADE, related_name="lines")
    spp_line = models.ForeignKey(SppLine, on_delete=models.PROTECT, related_name="+")
    evidence_no = models.CharField(_("nomor bukti"), max_length=60)
    evidence_date = models.DateField(_("tanggal bukti"))
    description = models.CharField(_("uraian"), max_length=500)
    amount = MoneyField(_("jumlah"))

    class Meta:
        ordering = ["spj", "evidence_date", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="books_spj_line_positive")]

    def __str__(self) -> str:
        return f"{self.evidence_no} {self.amount}"


class Receipt(VillageOwned):
    """A receipt (Tanda Bukti Penerimaan): revenue (4.x) or financing received (6.1.x)."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    number = models.PositiveIntegerField(_("nomor"))
    received_on = models.DateField(_("tanggal terima"))
    account_code = models.CharField(_("kode rekening"), max_length=CODE_LENGTH)
    source_code = models.CharField(_("sumber dana"), max_length=SOURCE_LENGTH)
    description = models.CharField(_("uraian"), max_length=500)
    payer = models.CharField(_("penyetor"), max_length=200, blank=True)
    via = models.CharField(_("diterima di"), max_length=5, choices=Channel.choices)
    amount = MoneyField(_("jumlah"))
    recorded_by = _person()

    class Meta:
        ordering = ["village", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "number"], name="books_receipt_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_receipt_positive"),
            models.CheckConstraint(
                condition=Q(account_code__regex=r"^(4|6\.1)(\.[0-9]+)+$"), name="books_receipt_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number:04d}/TBP/{self.village_id}/{self.year}"


class CashMove(VillageOwned):
    """Money moved between the cash box and the bank: no revenue, no spending, just a change of place."""

    class Direction(models.TextChoices):
        TO_BANK = "ke_bank", _("Setor tunai ke bank")
        TO_CASH = "ke_tunai", _("Tarik dari bank ke kas tunai")

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    number = models.PositiveIntegerField(_("nomor"))
    moved_on = models.DateField(_("tanggal"))
    direction = models.CharField(_("arah"), max_length=8, choices=Direction.choices)
    description = models.CharField(_("uraian"), max_length=500)
    amount = MoneyField(_("jumlah"))
    recorded_by = _person()

    class Meta:
        ordering = ["village", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "number"], name="books_cash_move_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_cash_move_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number:04d}/MUT/{self.village_id}/{self.year}"
