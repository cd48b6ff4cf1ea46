"""Reads of village finance: an APBDes with its realisation, summed the way the public page shows it.

Sums come from SQL (one grouped query for the lines, one for the realisation); the roll-up to bidang,
funding sources and every level of the account tree happens in Python over those few grouped rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from spbe.core.errors import NotFound
from spbe.core.money_sql import MoneySum
from spbe.reference.models import VillageAccount, VillageActivity

from .models import AccountName, Apbdes, ApbdesLine, Realisation
from .rules import GOVERNMENT_SUB_BIDANG, Totals, ancestors, is_expenditure_side, is_receipt_side

ZERO = Decimal("0.00")


@dataclass
class Pair:
    """Budget and realisation of one heading."""

    anggaran: Decimal = ZERO
    realisasi: Decimal = ZERO

    def add(self, anggaran: Decimal, realisasi: Decimal) -> None:
        self.anggaran += anggaran
        self.realisasi += realisasi

    def as_dict(self) -> dict[str, Decimal]:
        return {"anggaran": self.anggaran, "realisasi": self.realisasi}


def published_apbdes(kode_desa: str, year: int) -> Apbdes:
    """The adopted (frozen) APBDes of a desa and year, its latest version; NotFound for anything else."""
    apbdes = (
        Apbdes.objects.select_related("village", "village__region", "village__kecamatan")
        .filter(village__region_id=kode_desa, year=year, version_state=Apbdes.State.FROZEN)
        .order_by("-number")
        .first()
    )
    if apbdes is None:
        raise NotFound(
            _("APBDes %(year)d desa %(code)s tidak ada atau belum ditetapkan.")
            % {"year": year, "code": kode_desa}
        )
    return apbdes


def apbdes_totals(apbdes: Apbdes) -> Totals:
    """The sums the adoption checks need, from one aggregate query."""
    sums = ApbdesLine.objects.filter(apbdes=apbdes).aggregate(
        revenue=MoneySum("amount", filter=Q(account_code__startswith="4.")),
        expenditure=MoneySum("amount", filter=Q(account_code__startswith="5.")),
        financing_in=MoneySum("amount", filter=Q(account_code__startswith="6.1.")),
        financing_out=MoneySum("amount", filter=Q(account_code__startswith="6.2.")),
        government=MoneySum(
            "amount",
            filter=Q(account_code__startswith="5.", activity_code__startswith=f"{GOVERNMENT_SUB_BIDANG}."),
        ),
    )
    return Totals(**sums)


def lines_of(apbdes: Apbdes) -> list[ApbdesLine]:
    """The lines of one version in the order of the chart: account, kegiatan, number."""
    return list(
        ApbdesLine.objects.filter(apbdes=apbdes).order_by(
            "account_code", "activity_code", "sub_code", "number"
        )
    )


def _names(year: int, codes: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    accounts = dict(VillageAccount.objects.filter(year=year, code__in=codes).values_list("code", "name"))
    deeper = codes - accounts.keys()
    if deeper:
        accounts.update(AccountName.objects.filter(year=year, code__in=deeper).values_list("code", "name"))
    bidang = dict(VillageActivity.objects.filter(year=year, level="bidang").values_list("code", "name"))
    return accounts, bidang


def apbdes_summary(apbdes: Apbdes) -> dict[str, Any]:
    """Budget and realisation of one APBDes version by side, bidang, funding source and account."""
    budget = (
        ApbdesLine.objects.filter(apbdes=apbdes)
        .values_list("account_code", "activity_code", "source_code")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )
    real = (
        Realisation.objects.filter(village_id=apbdes.village_id, year=apbdes.year, origin=apbdes.origin)
        .values_list("account_code", "activity_code", "source_code")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )
    sides = {k: Pair() for k in ("pendapatan", "belanja", "penerimaan", "pengeluaran")}
    bidang: defaultdict[str, Pair] = defaultdict(Pair)
    sources: defaultdict[str, Pair] = defaultdict(Pair)
    accounts: defaultdict[str, Pair] = defaultdict(Pair)
    rows = [(a, k, s, t, ZERO) for a, k, s, t in budget] + [(a, k, s, ZERO, t) for a, k, s, t in real]
    for account, activity, source, anggaran, realisasi in rows:
        if account.startswith("4"):
            sides["pendapatan"].add(anggaran, realisasi)
        elif account.startswith("5"):
            sides["belanja"].add(anggaran, realisasi)
            bidang[activity.split(".")[0] if activity else ""].add(anggaran, realisasi)
            sources[source].add(anggaran, realisasi)
        elif is_receipt_side(account):
            sides["penerimaan"].add(anggaran, realisasi)
        elif is_expenditure_side(account):
            sides["pengeluaran"].add(anggaran, realisasi)
        for level in ancestors(account):
            accounts[level].add(anggaran, realisasi)
    account_names, bidang_names = _names(apbdes.year, set(accounts))
    netto = Pair(
        sides["penerimaan"].anggaran - sides["pengeluaran"].anggaran,
        sides["penerimaan"].realisasi - sides["pengeluaran"].realisasi,
    )

    def tree_order(code: str) -> tuple[int, ...]:
        return tuple(int(part) for part in code.split("."))

    return {
        "kode_desa": apbdes.village.region_id,
        # The desa's own name ("Sarongan"), not its government's ("Pemerintah Desa Sarongan"): pages
        # and the poster put "Desa" before it.
        "nama_desa": apbdes.village.region.name,
        "tahun": apbdes.year,
        "versi": {
            "nomor": apbdes.number,
            "jenis": apbdes.kind,
            "asal": apbdes.origin,
            "ditetapkan_pada": apbdes.frozen_at,
            "sidik_isi": apbdes.content_hash,
        },
        "pendapatan": sides["pendapatan"].as_dict(),
        "belanja": sides["belanja"].as_dict(),
        "pembiayaan": {
            "penerimaan": sides["penerimaan"].as_dict(),
            "pengeluaran": sides["pengeluaran"].as_dict(),
            "netto": netto.as_dict(),
        },
        "bidang": [
            {"kode": code, "nama": bidang_names.get(code, ""), **pair.as_dict()}
            for code, pair in sorted(bidang.items())
        ],
        "sumber_dana": [{"kode": code, **pair.as_dict()} for code, pair in sorted(sources.items())],
        "rekening": [
            {"kode": code, "nama": account_names.get(code, ""), **pair.as_dict()}
            for code, pair in sorted(accounts.items(), key=lambda item: tree_order(item[0]))
            if pair.anggaran or pair.realisasi
        ],
    }
