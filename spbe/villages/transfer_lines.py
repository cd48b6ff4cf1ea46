"""The adopted transfer allocation as revenue lines of each desa's APBDes (4.2.1 Dana Desa, 4.2.2 BHPRD,
4.2.3 ADD): written into drafts, compared against adopted versions, never written into those.

The amount a desa receives is the regency's decision (the adopted scenario), not the desa's: so the service
sets the transfer revenue of every draft APBDes of the year still in the ``draft`` stage to exactly the
adopted amount, with the matching funding source, and records each changed draft in the audit trail.
Drafts already agreed with the BPD or under the camat's evaluation are not touched (their lines are
frozen by the workflow until returned to draft) and are listed, as are adopted APBDes whose transfer
revenue now differs from the allocation: those desa need an APBDes perubahan. Adopted versions are frozen
and stay exactly as adopted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda
from spbe.core import audit
from spbe.core.actors import MaybeActor
from spbe.core.bulk import update_rows

from .models import Apbdes, ApbdesLine
from .models_transfers import TransferAllocation, TransferKind, TransferScenario
from .transfers import transfer_scenario_adopt
from .transfers_access import TRANSFER

#: The APBDes revenue jenis, the objek line the service writes, and the funding source of each kind.
REVENUE: dict[str, tuple[str, str, str]] = {
    TransferKind.DD: ("4.2.1", "4.2.1.01", "DDS"),
    TransferKind.BHPRD: ("4.2.2", "4.2.2.01", "PBH"),
    TransferKind.ADD: ("4.2.3", "4.2.3.01", "ADD"),
}
DESCRIPTIONS: dict[str, str] = {
    TransferKind.DD: "Dana Desa",
    TransferKind.BHPRD: "Bagi Hasil Pajak dan Retribusi Daerah",
    TransferKind.ADD: "Alokasi Dana Desa",
}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Difference:
    """A desa whose APBDes (adopted, or a draft past the draft stage) differs from the allocation."""

    kode_desa: str
    nama_desa: str
    kind: str
    budget: Decimal
    allocation: Decimal
    stage: str


@dataclass
class RevenueSync:
    """What one run wrote and found: drafts updated, and APBDes left as they are that now differ."""

    year: int
    kinds: list[str]
    updated: list[str] = field(default_factory=list)  # desa codes whose draft was changed
    adopted_differ: list[Difference] = field(default_factory=list)
    pending_differ: list[Difference] = field(default_factory=list)  # drafts agreed or under evaluation


def _jenis_filter(jenis: str) -> Q:
    return Q(account_code=jenis) | Q(account_code__startswith=f"{jenis}.")


def adopted_allocations(pemda: Pemda, year: int, kinds: list[str]) -> dict[str, dict[int, Decimal]]:
    """The adopted amount per kind and desa id (one query for every kind)."""
    amounts: dict[str, dict[int, Decimal]] = {kind: {} for kind in kinds}
    rows = TransferAllocation.objects.filter(
        scenario__pemda=pemda, scenario__year=year, scenario__adopted=True, scenario__kind__in=kinds
    ).values_list("scenario__kind", "village_id", "jumlah")
    for kind, village_id, amount in rows:
        amounts[kind][village_id] = amount
    return amounts


def _latest_versions(pemda: Pemda, year: int) -> list[Apbdes]:
    """Each desa's latest APBDes version of the year (the one a change or a comparison concerns)."""
    latest: dict[int, Apbdes] = {}
    for apbdes in (
        Apbdes.objects.filter(pemda=pemda, year=year)
        .select_related("village")
        .order_by("village_id", "number")
    ):
        latest[apbdes.village_id] = apbdes
    return list(latest.values())


def transfer_revenue_apply(
    *, actor: MaybeActor, pemda: Pemda, year: int, kinds: list[str] | None = None
) -> RevenueSync:
    """Write the adopted allocation of ``kinds`` (default: every kind adopted for ``year``) into the
    transfer revenue lines of the year's draft APBDes; list the APBDes left as they are that differ.

    In one transaction, the drafts locked: a desa's operator saving a line waits, then sees the new amount.
    A kind without an adopted scenario is skipped: there is no decision to write yet.
    """
    TRANSFER.require(actor, Place.of_pemda(pemda), "adopt")
    adopted_kinds = set(
        TransferScenario.objects.filter(pemda=pemda, year=year, adopted=True).values_list("kind", flat=True)
    )
    chosen = [k for k in (kinds or list(REVENUE)) if k in adopted_kinds]
    result = RevenueSync(year=year, kinds=chosen)
    if not chosen:
        return result
    with transaction.atomic():
        allocations = adopted_allocations(pemda, year, chosen)
        versions = _latest_versions(pemda, year)
        drafts = [a for a in versions if not a.is_frozen and a.stage == Apbdes.Stage.DRAFT]
        # Lock the drafts in id order (as every line save does, one at a time), then re-read their stage:
        # a draft moved on meanwhile is no longer written.
        locked = {
            a.pk: a.stage
            for a in Apbdes.objects.select_for_update(of=("self",))
            .filter(pk__in=[d.pk for d in drafts], version_state=Apbdes.State.DRAFT)
            .order_by("pk")
        }
        writable = {d.pk: d for d in drafts if locked.get(d.pk) == Apbdes.Stage.DRAFT}
        others = [a for a in versions if a.pk not in writable]
        lines_by_apbdes: defaultdict[int, list[ApbdesLine]] = defaultdict(list)
        transfer_q = Q()
        for kind in chosen:
            transfer_q |= _jenis_filter(REVENUE[kind][0])
        for line in ApbdesLine.objects.filter(transfer_q, apbdes_id__in=list(writable)).order_by(
            "apbdes_id", "account_code", "sub_code", "number"
        ):
            lines_by_apbdes[line.apbdes_id].append(line)

        updates: dict[int, tuple[Decimal, str]] = {}
        creates: list[ApbdesLine] = []
        changes: list[audit.Change] = []
        for apbdes in writable.values():
            before: dict[str, str] = {}
            after: dict[str, str] = {}
            for kind in chosen:
                jenis, objek, source = REVENUE[kind]
                amount = allocations[kind].get(apbdes.village_id, ZERO)
                mine = [ln for ln in lines_by_apbdes[apbdes.pk] if ln.account_code.startswith(jenis)]
                current = sum((ln.amount for ln in mine), ZERO)
                if not mine:
                    if amount == 0:
                        continue
                    creates.append(
                        ApbdesLine(
                            apbdes_id=apbdes.pk,
                            account_code=objek,
                            number=1,
                            source_code=source,
                            description=DESCRIPTIONS[kind],
                            amount=amount,
                        )
                    )
                elif current == amount and all(ln.source_code == source for ln in mine if ln.amount):
                    continue
                else:
                    # The first line carries the whole amount; any other line under the jenis goes to zero
                    # rather than away, so the camat's earlier notes on it are kept.
                    updates[mine[0].pk] = (amount, source)
                    for extra in mine[1:]:
                        updates[extra.pk] = (ZERO, extra.source_code)
                before[jenis] = format(current, "f")
                after[jenis] = format(amount, "f")
            if after:
                result.updated.append(apbdes.village.region_id)
                changes.append(
                    audit.Change(
                        action="apbdes.transfer_revenue",
                        obj=apbdes,
                        pemda_code=pemda.code,
                        before=before,
                        after={**after, "desa": apbdes.village.region_id, "year": year},
                    )
                )
        update_rows(ApbdesLine, ["amount", "source_code"], updates)
        ApbdesLine.objects.bulk_create(creates, batch_size=1_000)
        if changes:
            audit.record_many(actor=actor, changes=changes)

        # Versions left as they are: compare their transfer revenue per kind (one grouped query per kind).
        for kind in chosen:
            jenis = REVENUE[kind][0]
            sums = dict(
                ApbdesLine.objects.filter(_jenis_filter(jenis), apbdes_id__in=[a.pk for a in others])
                .values_list("apbdes_id")
                .annotate(total=Sum("amount", default=0))
                .order_by()
            )
            for apbdes in others:
                budget = sums.get(apbdes.pk, ZERO)
                amount = allocations[kind].get(apbdes.village_id, ZERO)
                if budget == amount:
                    continue
                difference = Difference(
                    apbdes.village.region_id,
                    apbdes.village.name,
                    kind,
                    budget,
                    amount,
                    apbdes.get_stage_display(),
                )
                (result.adopted_differ if apbdes.is_frozen else result.pending_differ).append(difference)
        result.updated.sort()
        result.adopted_differ.sort(key=lambda d: (d.kode_desa, d.kind))
        result.pending_differ.sort(key=lambda d: (d.kode_desa, d.kind))
    return result


def allocation_adopt(
    *, actor: MaybeActor, scenario: TransferScenario
) -> tuple[TransferScenario, RevenueSync]:
    """Adopt ``scenario`` and write it into the year's draft APBDes in the same transaction."""
    with transaction.atomic():
        adopted = transfer_scenario_adopt(actor=actor, scenario=scenario)
        sync = transfer_revenue_apply(
            actor=actor, pemda=adopted.pemda, year=adopted.year, kinds=[adopted.kind]
        )
    return adopted, sync


def revenue_summary(sync: RevenueSync) -> str:
    """One line for a page message or a command: what was written and what now differs."""
    text = _("%(updated)d draf APBDes diperbarui.") % {"updated": len(sync.updated)}
    if sync.adopted_differ:
        codes = sorted({d.kode_desa for d in sync.adopted_differ})
        shown = ", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")
        text += " " + _(
            "%(count)d APBDes yang sudah ditetapkan kini berbeda dari alokasi dan perlu APBDes perubahan: "
            "%(codes)s."
        ) % {"count": len(codes), "codes": shown}
    if sync.pending_differ:
        codes = sorted({d.kode_desa for d in sync.pending_differ})
        text += " " + _(
            "%(count)d draf yang sedang disepakati atau dievaluasi tidak diubah; kembalikan ke draf untuk "
            "menyesuaikannya."
        ) % {"count": len(codes)}
    return text
