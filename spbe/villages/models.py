"""Village finance: the APBDes of each desa and year (versions of lines) and its realisation.

An :class:`Apbdes` is one version of a desa's budget for a year (murni, then perubahan), built on
:mod:`spbe.core.versions`: lines change only while it is a draft, and freezing it (adoption) records the
hash of its lines. Codes are stored as OpenSPBE writes them, without the trailing dot Siskeudes keeps
(``4.2.1.01``): the account (village chart, Permendagri 20/2018, down to Siskeudes' objek level), the
kegiatan ``BB.SS.KK`` of an expenditure line, and the Siskeudes funding source (``DDS``, ``ADD`` ...).

:class:`Realisation` holds what was actually received and spent, per desa, year, account, kegiatan and
funding source, as computed from a Siskeudes export or from the desa's own bookkeeping. It is kept in
aggregate, never as the vouchers themselves: the public page and the reports need the sums, and a second
Siskeudes import replaces them whole.

The transfer allocation (``models_transfers``) lives beside this module and does not touch these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.tenancy import VillageOwned
from spbe.core.fields import MoneyField
from spbe.core.versions import LineSpec, Version

CODE_LENGTH = 30
SOURCE_LENGTH = 10
MIN_YEAR = 2000
MAX_YEAR = 2100


class Origin(models.TextChoices):
    """Where a budget or its realisation came from."""

    ENTRY = "entry", _("Entri di OpenSPBE")
    SISKEUDES = "siskeudes", _("Impor Siskeudes")


class Apbdes(VillageOwned, Version):
    """One version of a desa's budget for a year: murni first, then each perubahan based on the last."""

    class Kind(models.TextChoices):
        MURNI = "murni", _("APBDes murni")
        PERUBAHAN = "perubahan", _("APBDes perubahan")

    class Stage(models.TextChoices):
        """Where the draft is on its way to adoption (``workflow.APBDES_FLOW``)."""

        DRAFT = "draft", _("Draf")
        AGREED = "agreed", _("Disepakati Kades dan BPD")
        EVALUATION = "evaluation", _("Dievaluasi camat")
        EVALUATED = "evaluated", _("Selesai dievaluasi")
        ADOPTED = "adopted", _("Ditetapkan")

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.MURNI)
    origin = models.CharField(_("asal"), max_length=10, choices=Origin.choices, default=Origin.ENTRY)
    stage = models.CharField(_("tahap"), max_length=10, choices=Stage.choices, default=Stage.DRAFT)

    class Meta:
        ordering = ["village", "year", "number"]
        verbose_name = _("APBDes")
        verbose_name_plural = _("APBDes")
        constraints = [
            *Version.Meta.constraints,
            models.UniqueConstraint(fields=["village", "year", "number"], name="apbdes_version_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="apbdes_year_range"
            ),
            models.CheckConstraint(condition=Q(kind__in=["murni", "perubahan"]), name="apbdes_kind_valid"),
            models.CheckConstraint(
                condition=Q(origin__in=["entry", "siskeudes"]), name="apbdes_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["draft", "agreed", "evaluation", "evaluated", "adopted"]),
                name="apbdes_stage_valid",
            ),
            # An adopted APBDes is frozen: the hash is taken in the transaction that adopts it.
            models.CheckConstraint(
                condition=~Q(stage="adopted") | Q(version_state="frozen"), name="apbdes_adopted_is_frozen"
            ),
        ]
        indexes = [models.Index(fields=["pemda", "year"], name="apbdes_pemda_year")]

    def __str__(self) -> str:
        return f"APBDes {self.village_id} {self.year} v{self.number}"


class ApbdesLine(models.Model):
    """One line of an APBDes version: account, kegiatan (expenditure only), funding source and amount.

    A line is identified across versions by its codes and number (``LINE_SPEC`` in ``services``), never by
    its id. ``idempotency_key`` is the key the client sent with the save that created it: a save retried
    after a dropped connection finds the line it already made instead of making a second one.
    """

    apbdes = models.ForeignKey(Apbdes, on_delete=models.CASCADE, related_name="lines")
    account_code = models.CharField(_("kode rekening"), max_length=CODE_LENGTH)
    activity_code = models.CharField(_("kode kegiatan"), max_length=CODE_LENGTH, blank=True)
    sub_code = models.CharField(_("kode sub rincian"), max_length=CODE_LENGTH, blank=True)
    number = models.PositiveIntegerField(_("nomor urut"))
    source_code = models.CharField(_("sumber dana"), max_length=SOURCE_LENGTH)
    description = models.CharField(_("uraian"), max_length=500, blank=True)
    amount = MoneyField(_("anggaran"))
    idempotency_key = models.UUIDField(_("kunci idempoten"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["apbdes", "account_code", "activity_code", "sub_code", "number"]
        verbose_name = _("rincian APBDes")
        verbose_name_plural = _("rincian APBDes")
        constraints = [
            models.UniqueConstraint(
                fields=["apbdes", "activity_code", "account_code", "sub_code", "number"],
                name="apbdes_line_key_unique",
            ),
            models.UniqueConstraint(
                fields=["apbdes", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="apbdes_line_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=Q(account_code__regex=r"^[456](\.[0-9]+)+$"), name="apbdes_line_account_format"
            ),
            # Expenditure is planned per kegiatan; revenue and financing belong to no kegiatan.
            models.CheckConstraint(
                condition=(Q(account_code__startswith="5.") & ~Q(activity_code=""))
                | (~Q(account_code__startswith="5.") & Q(activity_code="")),
                name="apbdes_line_activity_for_expenditure",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="apbdes_line_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.account_code} {self.activity_code} {self.amount}"


class LineNote(models.Model):
    """The camat's note on one line of a draft under evaluation (Permendagri 20/2018: evaluation by the
    regency through the camat). Notes are kept, never edited: a correction is a new note."""

    line = models.ForeignKey(ApbdesLine, on_delete=models.CASCADE, related_name="notes")
    # Empty only for a note written by a system actor (a command); a camat's note names the camat.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("catatan"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["line", "created_at", "pk"]
        verbose_name = _("catatan evaluasi")
        verbose_name_plural = _("catatan evaluasi")

    def __str__(self) -> str:
        return self.text[:60]


class Realisation(VillageOwned):
    """What a desa received or spent in a year on one account, kegiatan and funding source.

    Signs follow the account: revenue and financing receipts count what came in, expenditure and
    financing expenditure what went out; a correcting journal can make a figure negative.
    """

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    origin = models.CharField(_("asal"), max_length=10, choices=Origin.choices)
    account_code = models.CharField(_("kode rekening"), max_length=CODE_LENGTH)
    activity_code = models.CharField(_("kode kegiatan"), max_length=CODE_LENGTH, blank=True)
    source_code = models.CharField(_("sumber dana"), max_length=SOURCE_LENGTH, blank=True)
    amount = MoneyField(_("realisasi"))

    class Meta:
        ordering = ["village", "year", "account_code", "activity_code", "source_code"]
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "origin", "account_code", "activity_code", "source_code"],
                name="realisation_unique",
            ),
            models.CheckConstraint(
                condition=Q(account_code__regex=r"^[456](\.[0-9]+)+$"), name="realisation_account_format"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=["entry", "siskeudes"]), name="realisation_origin_valid"
            ),
        ]
        indexes = [models.Index(fields=["pemda", "year"], name="realisation_pemda_year")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.account_code} {self.amount}"


class AccountName(models.Model):
    """The name of a village account below the reference list's depth (Siskeudes ``Ref_Rek4``: objek)."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    code = models.CharField(_("kode"), max_length=CODE_LENGTH)
    name = models.CharField(_("nama"), max_length=500)

    class Meta:
        ordering = ["year", "code"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="account_name_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SiskeudesImport(VillageOwned):
    """The last Siskeudes export imported for a desa and year: which file, when, by whom, how many rows."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    file_name = models.CharField(_("nama berkas"), max_length=255)
    file_sha256 = models.CharField(_("sidik berkas (SHA-256)"), max_length=64)
    rows = models.PositiveIntegerField(_("jumlah baris"))
    imported_at = models.DateTimeField(_("diimpor pada"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["village", "year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="siskeudes_import_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.file_name}"


def published_data_set(kode_desa: str, year: int | str) -> str:
    """The data set of a desa's published APBDes of a year (``spbe.core.published``), bumped in every
    transaction that changes what its page and API show (an import, an adoption)."""
    return f"apbdes:{kode_desa}:{year}"


#: How the lines of an APBDes version are identified and compared across versions (codes, never ids).
LINE_SPEC = LineSpec(
    lines=lambda version: ApbdesLine.objects.filter(apbdes_id=version.pk),
    key=("activity_code", "account_code", "sub_code", "number"),
    values=("source_code", "description", "amount"),
    amount="amount",
    version_field="apbdes",
)


# The transfer allocation's models live in their own module; importing them here registers them with the app.
from .models_transfers import (  # noqa: E402
    ScenarioSource,
    TransferAllocation,
    TransferKind,
    TransferScenario,
)

__all__ = ["ScenarioSource", "TransferAllocation", "TransferKind", "TransferScenario"]

# Disbursement stages, releases, realisation reports and activity completion (``models_stages``).
from .models_stages import (  # noqa: E402
    ActivityCompletion,
    DisbursementStage,
    RealisationReport,
    ReportPeriod,
    StageRelease,
)

__all__ += ["ActivityCompletion", "DisbursementStage", "RealisationReport", "ReportPeriod", "StageRelease"]

# Village bookkeeping (SPP, SPJ, receipts, taxes, cash moves) lives in its own module.
from .models_books import CashMove, Receipt, Spj, SpjLine, Spp, SppLine, SppTax, TaxDeposit  # noqa: E402

__all__ += ["CashMove", "Receipt", "Spj", "SpjLine", "Spp", "SppLine", "SppTax", "TaxDeposit"]

# Realisation typed by hand through the XLSX template (``template``).
from .models_template import ManualRealisation  # noqa: E402

__all__ += ["ManualRealisation"]
