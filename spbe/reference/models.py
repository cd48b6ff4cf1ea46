"""Year-keyed reference lists: planning nomenclature, regional and village charts of accounts, village
activities and funding sources.

Every list is kept per budget year because the official lists change from year to year; a budget line
refers to the row of its own year. Codes are stored in one canonical form (see ``codes``) and each row
keeps its parent's code rather than a foreign key, so a whole year's list can be replaced or reloaded in
bulk without ordering inserts by depth.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from spbe.core.fields import MoneyField
from spbe.core.models import TimeStampedModel

from . import codes

MIN_YEAR = 2000
MAX_YEAR = 2100
CODE_LENGTH = 20
NAME_LENGTH = 500


class ReferenceRow(TimeStampedModel):
    """A row of a hierarchical, year-keyed code list. Subclasses add ``level`` with their own choices."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    code = models.CharField(_("kode"), max_length=CODE_LENGTH)
    parent_code = models.CharField(_("kode induk"), max_length=CODE_LENGTH, blank=True)
    name = models.CharField(_("nama"), max_length=NAME_LENGTH)

    # The first level of the subclass's hierarchy: the only level that has no parent.
    TOP_LEVEL: str = ""

    class Meta:
        abstract = True
        ordering = ["year", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def _tree_constraints(prefix: str, levels: tuple[str, ...]) -> list[models.BaseConstraint]:
    # ``levels`` comes from ``codes`` (a nested Meta cannot see the model's Level class); the first is
    # the top level, the only one without a parent.
    top = levels[0]
    return [
        models.UniqueConstraint(fields=["year", "code"], name=f"{prefix}_year_code_unique"),
        models.CheckConstraint(condition=models.Q(level__in=list(levels)), name=f"{prefix}_level_valid"),
        models.CheckConstraint(
            condition=models.Q(level=top, parent_code="")
            | (~models.Q(level=top) & ~models.Q(parent_code="")),
            name=f"{prefix}_parent_by_level",
        ),
        models.CheckConstraint(
            condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name=f"{prefix}_year_range"
        ),
    ]


class Nomenclature(ReferenceRow):
    """Planning nomenclature ``U.BB.PP.L.KK.SSSS``: urusan, bidang, program, kegiatan, sub-kegiatan.

    The program penunjang is kept as the regulation writes it, once, under the placeholder ``X`` /
    ``X.XX``; users of a concrete bidang put the real ``U.BB`` in place of ``X.XX``.
    """

    class Level(models.TextChoices):
        URUSAN = "urusan", _("urusan")
        BIDANG = "bidang", _("bidang urusan")
        PROGRAM = "program", _("program")
        KEGIATAN = "kegiatan", _("kegiatan")
        SUB_KEGIATAN = "sub_kegiatan", _("sub kegiatan")

    TOP_LEVEL = Level.URUSAN

    level = models.CharField(_("tingkat"), max_length=12, choices=Level.choices)
    kinerja = models.TextField(_("kinerja"), blank=True)
    indikator = models.TextField(_("indikator"), blank=True)
    satuan = models.CharField(_("satuan"), max_length=100, blank=True)

    class Meta(ReferenceRow.Meta):
        verbose_name = _("nomenklatur")
        verbose_name_plural = _("nomenklatur")
        indexes = [models.Index(fields=["year", "parent_code"], name="reference_nomen_parent_idx")]
        constraints = _tree_constraints("reference_nomenclature", codes.NOMENCLATURE_LEVELS)


class Account(ReferenceRow):
    """Regional chart of accounts (kode rekening), stored in the canonical width 1.1.2.2.2.4."""

    class Level(models.TextChoices):
        AKUN = "akun", _("akun")
        KELOMPOK = "kelompok", _("kelompok")
        JENIS = "jenis", _("jenis")
        OBJEK = "objek", _("objek")
        RINCIAN_OBJEK = "rincian_objek", _("rincian objek")
        SUB_RINCIAN_OBJEK = "sub_rincian_objek", _("sub rincian objek")

    TOP_LEVEL = Level.AKUN

    level = models.CharField(_("tingkat"), max_length=17, choices=Level.choices)

    class Meta(ReferenceRow.Meta):
        verbose_name = _("kode rekening")
        verbose_name_plural = _("kode rekening")
        indexes = [models.Index(fields=["year", "parent_code"], name="reference_account_parent_idx")]
        constraints = _tree_constraints("reference_account", codes.ACCOUNT_LEVELS)


class VillageAccount(ReferenceRow):
    """APBDes chart of accounts (Permendagri 20/2018), e.g. ``4.2.1`` Dana Desa."""

    class Level(models.TextChoices):
        AKUN = "akun", _("akun")
        KELOMPOK = "kelompok", _("kelompok")
        JENIS = "jenis", _("jenis")
        OBJEK = "objek", _("objek")

    TOP_LEVEL = Level.AKUN

    level = models.CharField(_("tingkat"), max_length=8, choices=Level.choices)

    class Meta(ReferenceRow.Meta):
        verbose_name = _("rekening APBDes")
        verbose_name_plural = _("rekening APBDes")
        indexes = [models.Index(fields=["year", "parent_code"], name="reference_vaccount_parent_idx")]
        constraints = _tree_constraints("reference_villageaccount", codes.VILLAGE_ACCOUNT_LEVELS)


class VillageActivity(ReferenceRow):
    """APBDes bidang ``01``, sub-bidang ``01.01`` and kegiatan ``01.01.02`` (Siskeudes reference)."""

    class Level(models.TextChoices):
        BIDANG = "bidang", _("bidang")
        SUB_BIDANG = "sub_bidang", _("sub bidang")
        KEGIATAN = "kegiatan", _("kegiatan")

    TOP_LEVEL = Level.BIDANG

    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)

    class Meta(ReferenceRow.Meta):
        verbose_name = _("kegiatan APBDes")
        verbose_name_plural = _("kegiatan APBDes")
        indexes = [models.Index(fields=["year", "parent_code"], name="reference_vactivity_parent_idx")]
        constraints = _tree_constraints("reference_villageactivity", codes.VILLAGE_ACTIVITY_LEVELS)


class FundingSource(TimeStampedModel):
    """Where the money of a budget line comes from (sumber dana), for the regency or for villages.

    The list is flat. Codes are unique per year *and scope*: the Siskeudes village code ``PAD``
    (Pendapatan Asli Desa) and the regency's ``PAD`` (Pendapatan Asli Daerah) are different sources.
    """

    class Scope(models.TextChoices):
        DAERAH = "daerah", _("daerah")
        DESA = "desa", _("desa")

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    scope = models.CharField(_("lingkup"), max_length=6, choices=Scope.choices)
    code = models.CharField(_("kode"), max_length=CODE_LENGTH)
    name = models.CharField(_("nama"), max_length=NAME_LENGTH)

    class Meta:
        ordering = ["year", "scope", "code"]
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")
        constraints = [
            models.UniqueConstraint(fields=["year", "scope", "code"], name="reference_fundingsource_unique"),
            models.CheckConstraint(
                condition=models.Q(scope__in=["daerah", "desa"]), name="reference_fundingsource_scope_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="reference_fundingsource_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StandardPrice(TimeStampedModel):
    """One item of a pemda's standard price lists for a year (SSH, SBU, HSPK, ASB), set by regulation of the
    regional head: a budget detail row priced by it may not go above it.

    Unlike the national lists above, each pemda sets its own, so rows are keyed by pemda as well as year.
    """

    class Kind(models.TextChoices):
        SSH = "ssh", _("Standar Satuan Harga")
        SBU = "sbu", _("Standar Biaya Umum")
        HSPK = "hspk", _("Harga Satuan Pokok Kegiatan")
        ASB = "asb", _("Analisis Standar Belanja")

    pemda = models.ForeignKey("accounts.Pemda", on_delete=models.PROTECT, related_name="+")
    pemda_id: str
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    kind = models.CharField(_("jenis"), max_length=4, choices=Kind.choices)
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=NAME_LENGTH)
    specification = models.TextField(_("spesifikasi"), blank=True)
    unit = models.CharField(_("satuan"), max_length=40)
    price = MoneyField(_("harga"))

    class Meta:
        ordering = ["pemda", "year", "kind", "code"]
        verbose_name = _("harga standar")
        verbose_name_plural = _("harga standar")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "kind", "code"], name="reference_price_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["ssh", "sbu", "hspk", "asb"]), name="reference_price_kind"
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="reference_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), name="reference_price_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind.upper()} {self.code} {self.name}"
