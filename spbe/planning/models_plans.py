"""Plans: the RPJMD (five years, the regency), each agency's Renstra under it, and per budget year the RKPD
and each agency's Renja, down to sub-kegiatan.

One :class:`Plan` is one document of one kind (a :class:`~spbe.core.versions.Version`: a draft until adopted,
then frozen with a content hash). Its content is a flat list of :class:`PlanRow` in file order, because
that is how every plan is written, read, imported and printed: statements (misi, tujuan, sasaran, each
with its indicator and yearly targets) and nomenclature rows (program, kegiatan, sub-kegiatan, each with
its responsible agency, indicator, yearly targets and indicative ceilings). The RKPD and the Renja hold
sub-kegiatan rows only, each with its location (a desa or kecamatan of the pemda, or the whole regency);
their program and kegiatan totals are sums over the code's prefix.

Codes are kept as text of the plan's nomenclature year (``nomenclature_year``), as in e-budgeting: a year's
list can be reloaded without touching an adopted plan. The services check each code against that year's
list before writing (:mod:`spbe.planning.plans`).

An accepted proposal is tied to the RKPD sub-kegiatan row that funds it by a :class:`PlanFunding`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.access import Place
from spbe.accounts.models import PerangkatDaerah
from spbe.accounts.tenancy import TenantOwned
from spbe.core.fields import MoneyField
from spbe.core.versions import Version
from spbe.regions.models import Region

from .models import Decision, Proposal

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise

ZERO = Decimal("0.00")
PERIOD_YEARS = 5  # an RPJMD and its Renstra cover five budget years
CODE_LENGTH = 40


class PlanKind(models.TextChoices):
    RPJMD = "rpjmd", _("RPJMD")
    RENSTRA = "renstra", _("Renstra perangkat daerah")
    RKPD = "rkpd", _("RKPD")
    RENJA = "renja", _("Renja perangkat daerah")


#: The five-year plans; the other two are the yearly slices.
PERIOD_KINDS = frozenset({PlanKind.RPJMD, PlanKind.RENSTRA})
#: The plans of one agency; the other two are the regency's own (written by Bappeda).
AGENCY_KINDS = frozenset({PlanKind.RENSTRA, PlanKind.RENJA})


class RowKind(models.TextChoices):
    MISI = "misi", _("Misi")
    TUJUAN = "tujuan", _("Tujuan")
    SASARAN = "sasaran", _("Sasaran")
    PROGRAM = "program", _("Program")
    KEGIATAN = "kegiatan", _("Kegiatan")
    SUB_KEGIATAN = "sub_kegiatan", _("Sub kegiatan")


STATEMENT_KINDS = frozenset({RowKind.MISI, RowKind.TUJUAN, RowKind.SASARAN})
NOMENCLATURE_KINDS = frozenset({RowKind.PROGRAM, RowKind.KEGIATAN, RowKind.SUB_KEGIATAN})


class Plan(TenantOwned, Version):
    """One plan document. ``year`` is the first year of the period (RPJMD, Renstra) or the budget year.

    ``unit`` is the agency of a Renstra or Renja (none for the regency's RPJMD and RKPD); a Renstra sits
    under the RPJMD of its period (``parent``). ``version_state`` frozen means adopted (ditetapkan).
    """

    kind = models.CharField(_("jenis rencana"), max_length=8, choices=PlanKind.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    unit = models.ForeignKey(
        PerangkatDaerah,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perangkat daerah"),
    )
    unit_id: int | None
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    parent_id: int | None
    nomenclature_year = models.PositiveSmallIntegerField(_("tahun nomenklatur"))
    vision = models.TextField(_("visi"), blank=True)

    class Meta:
        ordering = ["pemda", "kind", "year", "unit", "number"]
        verbose_name = _("dokumen rencana")
        verbose_name_plural = _("dokumen rencana")
        constraints = [
            *Version.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=PlanKind.values), name="plan_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=sorted(AGENCY_KINDS), unit__isnull=False)
                | (~Q(kind__in=sorted(AGENCY_KINDS)) & Q(unit__isnull=True)),
                name="plan_unit_only_for_agency_plans",
            ),
            models.UniqueConstraint(
                fields=["pemda", "kind", "year", "number"],
                condition=Q(unit__isnull=True),
                name="plan_regional_unique",
            ),
            models.UniqueConstraint(
                fields=["pemda", "kind", "year", "unit", "number"],
                condition=Q(unit__isnull=False),
                name="plan_agency_unique",
            ),
        ]

    def __str__(self) -> str:
        who = f" {self.unit}" if self.unit_id else ""
        return f"{PlanKind(self.kind).label}{who} {self.period_label}"

    def place(self) -> Place:
        """An agency's plan lives at its unit (its officers count there); the regency's at the pemda."""
        return Place(self.pemda_id, unit_id=self.unit_id)

    @property
    def is_period(self) -> bool:
        return self.kind in PERIOD_KINDS

    @property
    def end_year(self) -> int:
        return self.year + PERIOD_YEARS - 1 if self.is_period else self.year

    @property
    def years(self) -> list[int]:
        return list(range(self.year, self.end_year + 1))

    @property
    def period_label(self) -> str:
        return f"{self.year}-{self.end_year}" if self.is_period else str(self.year)


def _amount_of_indicator(label: StrOrPromise) -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(label, max_digits=18, decimal_places=2, null=True, blank=True)


class PlanRow(TenantOwned):
    """One row of a plan, in the order it is written.

    Statements (misi ``1``, tujuan ``1.1``, sasaran ``1.1.1``) carry their text in ``name`` and their parent
    statement's code in ``parent_code``; nomenclature rows carry the code of the plan's nomenclature year,
    its name, the responsible agency, and in an RPJMD optionally the sasaran they serve (``parent_code``).
    ``target_N`` and ``ceiling_N`` belong to the N-th year of the plan (``Plan.years``); the yearly plans
    use the first only. ``location`` is a desa/kelurahan or kecamatan of the pemda; none is regency-wide.
    """

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="rows")
    plan_id: int
    position = models.PositiveIntegerField(_("urutan"))
    row_kind = models.CharField(_("jenis baris"), max_length=12, choices=RowKind.choices)
    code = models.CharField(_("kode"), max_length=CODE_LENGTH)
    name = models.TextField(_("uraian"))
    parent_code = models.CharField(_("kode induk"), max_length=CODE_LENGTH, blank=True)
    unit = models.ForeignKey(
        PerangkatDaerah,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perangkat daerah"),
    )
    unit_id: int | None
    location = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lokasi")
    )
    location_id: str | None
    indicator = models.CharField(_("indikator"), max_length=300, blank=True)
    measure = models.CharField(_("satuan"), max_length=40, blank=True)
    baseline = _amount_of_indicator(_("kondisi awal"))
    target_1 = models.DecimalField(
        _("target tahun 1"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    target_2 = models.DecimalField(
        _("target tahun 2"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    target_3 = models.DecimalField(
        _("target tahun 3"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    target_4 = models.DecimalField(
        _("target tahun 4"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    target_5 = models.DecimalField(
        _("target tahun 5"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    ceiling_1 = MoneyField(_("pagu indikatif tahun 1"), default=ZERO)
    ceiling_2 = MoneyField(_("pagu indikatif tahun 2"), default=ZERO)
    ceiling_3 = MoneyField(_("pagu indikatif tahun 3"), default=ZERO)
    ceiling_4 = MoneyField(_("pagu indikatif tahun 4"), default=ZERO)
    ceiling_5 = MoneyField(_("pagu indikatif tahun 5"), default=ZERO)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("baris rencana")
        verbose_name_plural = _("baris rencana")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_row_position_unique"),
            models.CheckConstraint(condition=Q(row_kind__in=RowKind.values), name="plan_row_kind_valid"),
            models.CheckConstraint(
                condition=Q(row_kind__in=sorted(STATEMENT_KINDS)) | Q(unit__isnull=False),
                name="plan_row_nomenclature_has_unit",
            ),
            *(
                models.CheckConstraint(condition=Q(**{f"ceiling_{n}__gte": 0}), name=f"plan_row_ceiling_{n}")
                for n in range(1, PERIOD_YEARS + 1)
            ),
        ]
        indexes = [models.Index(fields=["plan", "row_kind", "code"], name="plan_row_plan_kind_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def place(self) -> Place:
        return Place(self.pemda_id, unit_id=self.unit_id)

    @property
    def target(self) -> Decimal | None:
        """The target of a yearly plan (RKPD, Renja)."""
        return self.target_1

    @property
    def ceiling(self) -> Decimal:
        """The indicative ceiling of a yearly plan (RKPD, Renja)."""
        amount: Decimal = self.ceiling_1
        return amount

    def targets(self) -> list[Decimal | None]:
        return [getattr(self, f"target_{n}") for n in range(1, PERIOD_YEARS + 1)]

    def ceilings(self) -> list[Decimal]:
        return [getattr(self, f"ceiling_{n}") for n in range(1, PERIOD_YEARS + 1)]


class PlanFunding(TenantOwned):
    """An accepted proposal funded by one sub-kegiatan row of its year's RKPD, with the accepted amount.

    Made with the ``accept_kabupaten`` decision (``decision``) or, for a proposal accepted before the RKPD
    existed, afterwards by Bappeda. One per proposal; never deleted.
    """

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="plan_funding")
    proposal_id: int
    item = models.ForeignKey(PlanRow, on_delete=models.PROTECT, related_name="fundings")
    item_id: int
    amount = MoneyField(_("nilai yang diterima"))
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("pelaku"), max_length=150)

    class Meta:
        verbose_name = _("pendanaan usulan")
        verbose_name_plural = _("pendanaan usulan")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_funding_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} -> {self.item_id}"
