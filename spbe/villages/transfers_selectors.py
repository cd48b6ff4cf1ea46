"""Reads of transfer scenarios for the DPMD pages: lists, per-desa rows, a comparison, the siltap check.

Callers pass objects they obtained through :mod:`spbe.villages.transfers_access`; nothing here checks
access again, and nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from spbe.accounts.models import Pemda

from .allocation import SiltapShortfall, siltap_shortfalls
from .models_transfers import TransferAllocation, TransferKind, TransferScenario


def scenarios(
    pemda: Pemda, *, year: int | None = None, kind: str | None = None
) -> QuerySet[TransferScenario]:
    """The pemda's scenarios, newest year first, then by kind and name."""
    queryset = TransferScenario.objects.filter(pemda=pemda)
    if year is not None:
        queryset = queryset.filter(year=year)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-year", "kind", "name")


def adopted_scenario(pemda: Pemda, year: int, kind: str) -> TransferScenario | None:
    """The adopted allocation of ``kind`` for ``year``, which the APBDes revenue lines take amounts from."""
    return TransferScenario.objects.filter(pemda=pemda, year=year, kind=kind, adopted=True).first()


def adopted_amounts(pemda: Pemda, year: int) -> dict[str, dict[str, Decimal]]:
    """Each desa's adopted amount per kind for ``year`` (``{"35.10.02.2001": {"ADD": ..., "DD": ...}}``)."""
    amounts: dict[str, dict[str, Decimal]] = {}
    rows = TransferAllocation.objects.filter(
        scenario__pemda=pemda, scenario__year=year, scenario__adopted=True
    ).values_list("village__region_id", "scenario__kind", "jumlah")
    for code, kind, jumlah in rows:
        amounts.setdefault(code, {})[kind] = jumlah
    return amounts


def scenario_rows(scenario: TransferScenario) -> QuerySet[TransferAllocation]:
    """The scenario's per-desa rows with the desa and its kecamatan, by desa code."""
    return (
        TransferAllocation.objects.filter(scenario=scenario)
        .select_related("village", "village__kecamatan")
        .order_by("village__region_id")
    )


@dataclass(frozen=True)
class ComparedDesa:
    """One desa in two scenarios; an amount is None where the desa is not in that scenario."""

    kode_desa: str
    nama: str
    left: Decimal | None
    right: Decimal | None

    @property
    def difference(self) -> Decimal:
        """Right minus left (a missing amount counts as zero)."""
        return (self.right or Decimal("0.00")) - (self.left or Decimal("0.00"))


@dataclass(frozen=True)
class Comparison:
    left: TransferScenario
    right: TransferScenario
    rows: list[ComparedDesa]

    @property
    def left_total(self) -> Decimal:
        return Decimal(self.left.total)

    @property
    def right_total(self) -> Decimal:
        return Decimal(self.right.total)

    @property
    def difference(self) -> Decimal:
        return self.right_total - self.left_total

    @property
    def changed(self) -> int:
        return sum(1 for row in self.rows if row.difference)


def compare_scenarios(left: TransferScenario, right: TransferScenario) -> Comparison:
    """Two scenarios side by side, desa by desa (by code), with the difference right minus left."""
    if left.pemda_id != right.pemda_id:
        raise ValueError("scenarios of different pemda are never compared")
    found: dict[str, dict[str, object]] = {}
    values = TransferAllocation.objects.filter(scenario__in=[left, right]).values_list(
        "scenario_id", "village__region_id", "village__name", "jumlah"
    )
    for scenario_id, code, name, jumlah in values:
        entry = found.setdefault(code, {"nama": name})
        entry["left" if scenario_id == left.pk else "right"] = jumlah
        if left.pk == right.pk:
            entry["right"] = jumlah
    rows = [
        ComparedDesa(
            kode_desa=code,
            nama=str(entry["nama"]),
            left=entry.get("left"),  # type: ignore[arg-type]
            right=entry.get("right"),  # type: ignore[arg-type]
        )
        for code, entry in sorted(found.items())
    ]
    return Comparison(left=left, right=right, rows=rows)


@dataclass(frozen=True)
class NamedShortfall:
    nama: str
    shortfall: SiltapShortfall


def siltap_check(scenario: TransferScenario) -> list[NamedShortfall]:
    """The desa whose ADD in ``scenario``, under the siltap cap, does not cover their siltap need.

    Only an ADD scenario computed with siltap has needs to check; any other scenario lists none.
    """
    if scenario.kind != TransferKind.ADD:
        return []
    amounts: dict[str, Decimal] = {}
    needs: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    for code, name, jumlah, need in TransferAllocation.objects.filter(scenario=scenario).values_list(
        "village__region_id", "village__name", "jumlah", "siltap_need"
    ):
        names[code] = name
        amounts[code] = jumlah
        if need:
            needs[code] = need
    return [NamedShortfall(names[s.kode_desa], s) for s in siltap_shortfalls(amounts, needs)]
