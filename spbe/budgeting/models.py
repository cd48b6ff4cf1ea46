"""E-budgeting: the APBD of a pemda's year as versions, agency ceilings, RKA lines and their detail rows.

A :class:`BudgetVersion` is one version of the year's budget (murni, a pergeseran, the perubahan); it is
edited while a draft and frozen with a content hash when adopted (:mod:`spbe.core.versions`). Inside it
each agency has one :class:`Rka` (its state in the approval flow), its :class:`RkaLine` rows (agency x
sub-kegiatan x account x funding source x location) and their :class:`RkaDetail` rows. KUA-PPAS
ceilings (:class:`Ceiling`) sit under a version, per agency and optionally per program, kegiatan or
sub-kegiatan code.

Codes (sub-kegiatan, account, funding source) are stored as text of the version's year, not as foreign
keys to the reference lists: a year's list can be reloaded without touching budgets, and a frozen version
must keep reading exactly as it was adopted. Services check every code against the year's list.

A line's ``amount`` is the exact sum of its detail rows, kept by the services in the same transaction as
the detail change (the ceiling check sums lines, not details, so it reads one row per line).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.access import Place
from spbe.accounts.tenancy import TenantOwned, UnitOwned
from spbe.core.fields import MoneyField
from spbe.core.versions import Version

ZERO = Decimal("0.00")
CODE_LENGTH = 20
FACTORS = 4  # a coefficient is the product of up to four "volume unit" factors


class VersionKind(models.TextChoices):
    MURNI = "murni", _("APBD murni")
    PERGESERAN = "pergeseran", _("Pergeseran")
    PERUBAHAN = "perubahan", _("APBD perubahan")


class BudgetVersion(TenantOwned, Version):
    """One version of a pemda's budget for a year. ``version_state`` frozen means adopted (ditetapkan)."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    kind = models.CharField(_("jenis versi"), max_length=12, choices=VersionKind.choices)

    class Meta:
        ordering = ["pemda", "year", "number"]
        verbose_name = _("versi APBD")
        verbose_name_plural = _("versi APBD")
        constraints = [
            *Version.Meta.constraints,
            models.UniqueConstraint(fields=["pemda", "year", "number"], name="budget_version_number_unique"),
            # One draft at a time per year: editors, imports and the ceiling checks always mean the same one.
            models.UniqueConstraint(
                fields=["pemda", "year"], condition=Q(version_state="draft"), name="budget_version_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=VersionKind.values), name="budget_version_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"APBD {self.pemda_id} {self.year} v{self.number} ({self.kind})"

    @property
    def is_adopted(self) -> bool:
        return self.is_frozen


class Ceiling(UnitOwned):
    """A KUA-PPAS ceiling (pagu) of one agency in one version: the whole agency when ``code`` is empty, else
    one program (``1.03.02``), kegiatan (``1.03.02.2.01``) or sub-kegiatan code. Only expenditure (5.x)
    lines of the agency whose sub-kegiatan starts with ``code`` count against it."""

    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="ceilings")
    version_id: int
    code = models.CharField(_("kode program/kegiatan/sub kegiatan"), max_length=CODE_LENGTH, blank=True)
    amount = MoneyField(_("pagu"))

    class Meta:
        ordering = ["version", "unit", "code"]
        verbose_name = _("pagu")
        verbose_name_plural = _("pagu")
        constraints = [
            models.UniqueConstraint(fields=["version", "unit", "code"], name="budget_ceiling_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_ceiling_not_negative"),
        ]

    def __str__(self) -> str:
        return f"pagu {self.unit_id} {self.code or '*'}: {self.amount}"


class RkaState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan")
    VERIFIED = "verified", _("Terverifikasi")


EDITABLE_RKA_STATES = frozenset({RkaState.DRAFT, RkaState.RETURNED})


class Rka(UnitOwned):
    """One agency's RKA in one version, and where it stands in the approval flow."""

    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="rkas")
    version_id: int
    state = models.CharField(_("status"), max_length=10, choices=RkaState.choices, default=RkaState.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by_id: int | None
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_by_id: int | None

    class Meta:
        ordering = ["version", "unit"]
        verbose_name = _("RKA")
        verbose_name_plural = _("RKA")
        constraints = [
            models.UniqueConstraint(fields=["version", "unit"], name="budget_rka_unique"),
            models.CheckConstraint(condition=Q(state__in=RkaState.values), name="budget_rka_state_valid"),
        ]

    def __str__(self) -> str:
        return f"RKA {self.unit_id} v{self.version_id}"

    def place(self) -> Place:
        return Place(self.pemda_id, unit_id=self.unit_id)


class Review(models.TextChoices):
    PENDING = "pending", _("Belum diperiksa")
    ACCEPTED = "accepted", _("Diterima")
    RETURNED = "returned", _("Dikembalikan")


class RkaLine(UnitOwned):
    """agency x sub-kegiatan x account x funding source x location, with the TAPD's review of it.

    ``sub_kegiatan`` is empty for revenue (4.x) and financing (6.x); for the support program it is written
    with the agency's bidang (``1.03.01.2.02.0001``), as SIPD does. ``version`` repeats the RKA's version
    so versions compare and hash their lines directly.
    """

    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="lines")
    version_id: int
    rka = models.ForeignKey(Rka, on_delete=models.PROTECT, related_name="lines")
    rka_id: int
    sub_kegiatan = models.CharField(_("sub kegiatan"), max_length=CODE_LENGTH, blank=True)
    account = models.CharField(_("kode rekening"), max_length=CODE_LENGTH)
    funding = models.CharField(_("sumber dana"), max_length=CODE_LENGTH, blank=True)
    location = models.CharField(_("lokasi"), max_length=200, blank=True)
    amount = MoneyField(_("jumlah"), default=ZERO)
    review = models.CharField(
        _("hasil verifikasi"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    review_note = models.TextField(_("catatan verifikasi"), blank=True)

    class Meta:
        ordering = ["version", "unit", "sub_kegiatan", "account", "funding", "location"]
        verbose_name = _("baris RKA")
        verbose_name_plural = _("baris RKA")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "unit", "sub_kegiatan", "account", "funding", "location"],
                name="budget_line_unique",
            ),
            models.CheckConstraint(condition=Q(review__in=Review.values), name="budget_line_review_valid"),
            # Expenditure sits under a sub-kegiatan; revenue and financing never do.
            models.CheckConstraint(
                condition=(Q(account__startswith="5") & ~Q(sub_kegiatan=""))
                | (~Q(account__startswith="5") & Q(sub_kegiatan="")),
                name="budget_line_sub_kegiatan_for_expenditure",
            ),
            models.CheckConstraint(
                condition=Q(review="returned", review_note__gt="") | ~Q(review="returned"),
                name="budget_line_return_has_note",
            ),
        ]
        indexes = [models.Index(fields=["version", "account"], name="budget_line_version_account")]

    def __str__(self) -> str:
        return f"{self.sub_kegiatan or '-'} {self.account} {self.funding or '-'}"


class RkaDetail(models.Model):
    """One rincian: description, a coefficient of up to four ``volume unit`` factors, unit price and tax.

    ``amount`` = coefficient x unit price x (1 + tax_percent / 100), rounded half up to the sen once, at
    the end (``spbe.budgeting.calc.detail_amount``).
    """

    line = models.ForeignKey(RkaLine, on_delete=models.PROTECT, related_name="details")
    line_id: int
    position = models.PositiveIntegerField(_("urutan"))
    description = models.CharField(_("uraian"), max_length=500)
    volume1 = models.DecimalField(_("volume 1"), max_digits=18, decimal_places=4)
    unit1 = models.CharField(_("satuan 1"), max_length=40, blank=True)
    volume2 = models.DecimalField(_("volume 2"), max_digits=18, decimal_places=4, null=True, blank=True)
    unit2 = models.CharField(_("satuan 2"), max_length=40, blank=True)
    volume3 = models.DecimalField(_("volume 3"), max_digits=18, decimal_places=4, null=True, blank=True)
    unit3 = models.CharField(_("satuan 3"), max_length=40, blank=True)
    volume4 = models.DecimalField(_("volume 4"), max_digits=18, decimal_places=4, null=True, blank=True)
    unit4 = models.CharField(_("satuan 4"), max_length=40, blank=True)
    unit_price = MoneyField(_("harga satuan"))
    tax_percent = models.DecimalField(_("pajak (%)"), max_digits=5, decimal_places=2, default=Decimal("0"))
    amount = MoneyField(_("jumlah"))
    # The standard price list item (SSH/SBU/HSPK/ASB) the row is priced by, when it is: its price is a cap.
    standard_kind = models.CharField(_("jenis harga standar"), max_length=4, blank=True)
    standard_code = models.CharField(_("kode harga standar"), max_length=40, blank=True)
    # Chosen by an API client (the ``Idempotency-Key`` header): a retried request finds the row it made.
    idempotency_key = models.UUIDField(_("kunci idempoten"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["line", "position"]
        verbose_name = _("rincian RKA")
        verbose_name_plural = _("rincian RKA")
        constraints = [
            models.UniqueConstraint(fields=["line", "position"], name="budget_detail_position_unique"),
            models.UniqueConstraint(
                fields=["line", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="budget_detail_idempotency_unique",
            ),
            models.CheckConstraint(condition=Q(volume1__gte=0), name="budget_detail_volume_not_negative"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="budget_detail_price_not_negative"),
            models.CheckConstraint(
                condition=Q(tax_percent__gte=0, tax_percent__lte=100), name="budget_detail_tax_range"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_detail_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class BudgetRules(TenantOwned):
    """A pemda's mandatory-spending thresholds for one year, in percent; without a row the domain defaults
    apply (``spbe.budgeting.rules.DEFAULTS``)."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    personnel_max = models.DecimalField(
        _("belanja pegawai paling banyak (%)"), max_digits=5, decimal_places=2
    )
    infrastructure_min = models.DecimalField(
        _("belanja infrastruktur paling sedikit (%)"), max_digits=5, decimal_places=2
    )
    education_min = models.DecimalField(
        _("fungsi pendidikan paling sedikit (%)"), max_digits=5, decimal_places=2
    )
    # Transfers to desa: ADD against the general transfers (DAU + DBH), BHPRD against tax and levy revenue.
    add_min = models.DecimalField(
        _("ADD paling sedikit (% dari DAU + DBH)"), max_digits=5, decimal_places=2, default=Decimal("10")
    )
    bhprd_min = models.DecimalField(
        _("BHPRD paling sedikit (% dari pajak dan retribusi daerah)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
    )

    class Meta:
        verbose_name = _("ketentuan belanja wajib")
        verbose_name_plural = _("ketentuan belanja wajib")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year"], name="budget_rules_unique"),
            models.CheckConstraint(
                condition=Q(personnel_max__gte=0, personnel_max__lte=100)
                & Q(infrastructure_min__gte=0, infrastructure_min__lte=100)
                & Q(education_min__gte=0, education_min__lte=100)
                & Q(add_min__gte=0, add_min__lte=100)
                & Q(bhprd_min__gte=0, bhprd_min__lte=100),
                name="budget_rules_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.year}"


class CashPlan(UnitOwned):
    """Anggaran kas: one month's share of one sub-kegiatan of an adopted version (the DPA).

    The twelve months of a sub-kegiatan always add up to its amount exactly (the services refuse any other
    set, and split with ``core.money.allocate``); the plan is the "planned" line of monitoring.
    """

    version = models.ForeignKey(BudgetVersion, on_delete=models.PROTECT, related_name="cash_plans")
    version_id: int
    sub_kegiatan = models.CharField(_("sub kegiatan"), max_length=CODE_LENGTH)
    month = models.PositiveSmallIntegerField(_("bulan"))
    amount = MoneyField(_("rencana"))

    class Meta:
        ordering = ["version", "unit", "sub_kegiatan", "month"]
        verbose_name = _("anggaran kas")
        verbose_name_plural = _("anggaran kas")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "unit", "sub_kegiatan", "month"], name="budget_cash_plan_unique"
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="budget_cash_plan_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_cash_plan_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sub_kegiatan} {self.month}: {self.amount}"


def published_data_set(pemda_code: str, year: int | str) -> str:
    """The data set of a pemda's published APBD of a year (``spbe.core.published``), bumped in the
    transaction that adopts a version of it (adopted versions never change afterwards)."""
    return f"apbd:{pemda_code}:{year}"


# Realisation (SP2D, STS) lives in its own module; imported here so Django registers its models.
from .models_fungsi import Fungsi as Fungsi  # noqa: E402
from .models_fungsi import FungsiBidang as FungsiBidang  # noqa: E402
from .models_realisation import Sp2d as Sp2d  # noqa: E402
from .models_realisation import Sp2dKind as Sp2dKind  # noqa: E402
from .models_realisation import Sts as Sts  # noqa: E402
from .models_rkpd_link import RkaSubKegiatan as RkaSubKegiatan  # noqa: E402
