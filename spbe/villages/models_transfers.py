"""Transfer scenarios: one simulated (or imported) allocation of ADD, BHPRD or Dana Desa over a pemda's desa.

DPMD staff simulate as many scenarios per kind and year as they like, compare them, and adopt one; the
adopted scenario is the allocation the APBDes revenue lines (4.2.1-4.2.3) take their amounts from. At most one
scenario per pemda, year and kind is adopted (a partial unique constraint, so the database refuses a second
one even if two adoptions raced), and an adopted scenario is frozen: no service changes it. Nothing here is
ever deleted. The per-desa figures are stored as computed, with the indicators they came from, so a
scenario can be read back, compared and audited without recomputing it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.accounts.access import Place
from spbe.accounts.models import VillageGovernment
from spbe.accounts.tenancy import TenantOwned
from spbe.core.fields import MoneyField


class TransferKind(models.TextChoices):
    ADD = "ADD", _("Alokasi Dana Desa (ADD)")
    BHPRD = "BHPRD", _("Bagi Hasil Pajak dan Retribusi Daerah (BHPRD)")
    DD = "DD", _("Dana Desa")


class ScenarioSource(models.TextChoices):
    FORMULA = "formula", _("Simulasi rumus")
    PUBLISHED = "published", _("Impor rincian yang diterbitkan")


class TransferScenario(TenantOwned):
    """One allocation of a transfer kind for a budget year, with its configuration and per-desa results."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    kind = models.CharField(_("jenis transfer"), max_length=8, choices=TransferKind.choices)
    name = models.CharField(_("nama skenario"), max_length=120)
    source = models.CharField(_("sumber"), max_length=12, choices=ScenarioSource.choices)
    # The engine's configuration as the command reads it (numbers as strings); empty for an import.
    config = models.JSONField(_("konfigurasi"), default=dict, blank=True)
    total = MoneyField(_("total"))
    desa_count = models.PositiveIntegerField(_("jumlah desa"))
    # SHA-256 of the per-desa table in RESULT.csv form: what the audit entry vouches for.
    result_hash = models.CharField(_("sidik hasil"), max_length=64)
    adopted = models.BooleanField(_("ditetapkan"), default=False)
    adopted_at = models.DateTimeField(_("ditetapkan pada"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pemda", "-year", "kind", "name"]
        verbose_name = _("skenario transfer")
        verbose_name_plural = _("skenario transfer")
        constraints = [
            models.UniqueConstraint(
                fields=["pemda", "year", "kind", "name"], name="transfer_scenario_name_unique"
            ),
            models.UniqueConstraint(
                fields=["pemda", "year", "kind"],
                condition=Q(adopted=True),
                name="transfer_scenario_one_adopted",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TransferKind.values), name="transfer_scenario_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ScenarioSource.values), name="transfer_scenario_source_valid"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="transfer_scenario_total_not_negative"),
            models.CheckConstraint(
                condition=Q(adopted=False) | Q(adopted_at__isnull=False),
                name="transfer_scenario_adopted_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.name}"

    def place(self) -> Place:
        return Place(self.pemda_id)


class TransferAllocation(models.Model):
    """One desa's amount in a scenario, by component; the components add up to ``jumlah``."""

    scenario = models.ForeignKey(TransferScenario, on_delete=models.PROTECT, related_name="allocations")
    scenario_id: int
    village = models.ForeignKey(VillageGovernment, on_delete=models.PROTECT, related_name="+")
    village_id: int
    siltap = MoneyField(_("siltap"))
    alokasi_dasar = MoneyField(_("alokasi dasar"))
    alokasi_proporsional = MoneyField(_("alokasi proporsional"))
    jumlah = MoneyField(_("jumlah"))
    # The exact siltap need (the siltap column itself), for the siltap check; zero without siltap.
    siltap_need = MoneyField(_("kebutuhan siltap"))
    # The indicator values the amount was computed from, as the uploaded table had them (decimal strings).
    indicators = models.JSONField(_("indikator"), default=dict, blank=True)

    class Meta:
        ordering = ["scenario", "village"]
        verbose_name = _("alokasi transfer desa")
        verbose_name_plural = _("alokasi transfer desa")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "village"], name="transfer_allocation_unique"),
            models.CheckConstraint(condition=Q(jumlah__gte=0), name="transfer_allocation_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id}/{self.village_id}: {self.jumlah}"
