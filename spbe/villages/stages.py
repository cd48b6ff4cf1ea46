"""Controlled disbursement: the stages (tahap) of each transfer, their conditions, and their release per desa.

DPMD sets, per pemda, year and transfer kind, the stages with their share of each desa's allocation (the
shares add up to exactly 100%) and their conditions:

* ``requires_apbdes``: the desa's APBDes of the year is adopted;
* ``min_absorption``: the previous stage's realisation report has been received by the regency and shows
  at least this absorption (spent from the transfer's funding source / released so far);
* ``requires_activities_done``: no kegiatan funded by the previous stage is unfinished. A kegiatan is
  "funded by the previous stage" when the previous stage's report lists it (the kegiatan with spending
  from the transfer's funding source when the desa reported; without a report, those with such spending
  now), and finished when the desa has recorded it so (:class:`ActivityCompletion`).

Every stage also needs the desa's previous stage released and an adopted allocation for the desa. The
amount of stage ``n`` is the desa's allocation split over the stages by share with ``money.allocate`` (so
the stages add up to the allocation exactly), taking off whatever earlier stages actually released: after
a re-adoption the later stages absorb the difference and the releases still add up to the allocation.

:func:`stage_status` evaluates every condition for many desa in a fixed number of queries; a release locks
the stage row, evaluates again under the lock and writes the release with its evidence and audit entry in
one transaction, so two DPMD officers never release the same stage twice (and a unique constraint makes
sure of it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, VillageGovernment
from spbe.core import audit
from spbe.core.actors import MaybeActor, is_person
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.money import allocate, format_rupiah
from spbe.monitoring import village_works

from .models import Apbdes, Realisation
from .models_stages import MAX_STAGES, ActivityCompletion, DisbursementStage, RealisationReport, StageRelease
from .models_transfers import TransferAllocation, TransferKind
from .stages_access import STAGES
from .transfer_lines import REVENUE

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MIN_YEAR, MAX_YEAR = 2000, 2100


def source_of(kind: str) -> str:
    """The APBDes funding source a transfer kind is spent from (Dana Desa: DDS, BHPRD: PBH, ADD: ADD)."""
    return REVENUE[kind][2]


# --- configuration -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageSpec:
    """One stage as DPMD sets it: share (percent) and conditions."""

    share: Decimal | str
    requires_apbdes: bool = True
    min_absorption: Decimal | str | None = None
    requires_activities_done: bool = False


def _percent(value: Decimal | str, field_name: str, number: int) -> Decimal:
    try:
        percent = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        percent = Decimal("NaN")
    if not percent.is_finite() or percent != percent.quantize(Decimal("0.01")) or not 0 <= percent <= 100:
        raise ValidationFailed(
            _("Tahap %(n)d: '%(value)s' bukan persentase 0-100 dengan paling banyak dua desimal.")
            % {"n": number, "value": value},
            field=field_name,
        )
    return percent


def stage_plan_set(
    *, actor: MaybeActor, pemda: Pemda, year: int, kind: str, stages: Sequence[StageSpec]
) -> list[DisbursementStage]:
    """Set the stages of ``kind`` in ``year``, replacing the plan; refused once any stage was released.

    Shares must add up to exactly 100; the first stage has no previous stage, so it cannot require a
    report or finished kegiatan.
    """
    STAGES.require(actor, Place.of_pemda(pemda), "configure")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(_("Tahun anggaran tidak sah."), field="year")
    if kind not in TransferKind.values:
        raise ValidationFailed(_("Jenis transfer tidak dikenal: %(kind)s.") % {"kind": kind}, field="kind")
    if not 1 <= len(stages) <= MAX_STAGES:
        raise ValidationFailed(
            _("Jumlah tahap harus 1 sampai %(max)d.") % {"max": MAX_STAGES}, field="stages"
        )
    checked: list[tuple[Decimal, bool, Decimal | None, bool]] = []
    for number, spec in enumerate(stages, start=1):
        share = _percent(spec.share, "share", number)
        if share == 0:
            raise ValidationFailed(
                _("Tahap %(n)d: porsi harus lebih dari 0%%.") % {"n": number}, field="share"
            )
        minimum = None
        if spec.min_absorption not in (None, ""):
            minimum = _percent(spec.min_absorption, "min_absorption", number)
        if number == 1 and (minimum is not None or spec.requires_activities_done):
            raise ValidationFailed(
                _(
                    "Tahap 1 tidak memiliki tahap sebelumnya: syarat laporan dan kegiatan hanya untuk "
                    "tahap 2 dan seterusnya."
                ),
                field="min_absorption",
            )
        checked.append((share, spec.requires_apbdes, minimum, spec.requires_activities_done))
    total = sum((share for share, *_rest in checked), Decimal(0))
    if total != HUNDRED:
        raise ValidationFailed(
            _("Jumlah porsi tahap %(total)s%%, seharusnya tepat 100%%.") % {"total": total}, field="share"
        )
    with transaction.atomic():
        existing = list(
            DisbursementStage.objects.select_for_update()
            .filter(pemda=pemda, year=year, kind=kind)
            .order_by("number")
        )
        if StageRelease.objects.filter(stage__in=existing).exists():
            raise Conflict(
                _("Tahap %(kind)s %(year)d sudah ada yang disalurkan; susunan tahap tidak dapat diubah lagi.")
                % {"kind": kind, "year": year}
            )
        if RealisationReport.objects.filter(stage__in=existing).exists():
            raise Conflict(
                _("Sudah ada laporan realisasi untuk tahap ini; susunan tahap tidak dapat diubah.")
            )
        before = [_spec_json(s) for s in existing]
        DisbursementStage.objects.filter(pk__in=[s.pk for s in existing]).delete()
        created = DisbursementStage.objects.bulk_create(
            [
                DisbursementStage(
                    pemda=pemda,
                    year=year,
                    kind=kind,
                    number=number,
                    share=share,
                    requires_apbdes=apbdes,
                    min_absorption=minimum,
                    requires_activities_done=activities,
                    created_by_id=actor.pk if is_person(actor) else None,
                )
                for number, (share, apbdes, minimum, activities) in enumerate(checked, start=1)
            ]
        )
        created = list(DisbursementStage.objects.filter(pemda=pemda, year=year, kind=kind).order_by("number"))
        audit.record(
            actor=actor,
            action="disbursement_stage.plan",
            object_type="villages.disbursementstage",
            object_id=f"{pemda.code}:{year}:{kind}",
            pemda_code=pemda.code,
            before={"stages": before} if before else None,
            after={"year": year, "kind": kind, "stages": [_spec_json(s) for s in created]},
        )
    return created


def _spec_json(stage: DisbursementStage) -> dict[str, object]:
    return {
        "number": stage.number,
        "share": format(stage.share, "f"),
        "requires_apbdes": stage.requires_apbdes,
        "min_absorption": None if stage.min_absorption is None else format(stage.min_absorption, "f"),
        "requires_activities_done": stage.requires_activities_done,
    }


# --- evaluation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    """One condition that does not hold, with a code for tests and filters and a sentence for people."""

    code: str
    message: str


@dataclass
class DesaStage:
    """One desa at one stage: the amount due, the release if any, and what blocks it."""

    village: VillageGovernment
    allocation: Decimal | None
    amount: Decimal
    release: StageRelease | None = None
    blockers: list[Blocker] = field(default_factory=list)
    evidence: dict[str, object] = field(default_factory=dict)

    @property
    def released(self) -> bool:
        return self.release is not None

    @property
    def eligible(self) -> bool:
        return self.release is None and not self.blockers


def stages_of(pemda: Pemda, year: int, kind: str | None = None) -> list[DisbursementStage]:
    rows = DisbursementStage.objects.filter(pemda=pemda, year=year).order_by("kind", "number")
    return list(rows.filter(kind=kind) if kind else rows)


def stage_parts(allocation: Decimal, stages: Sequence[DisbursementStage]) -> dict[int, Decimal]:
    """The allocation split over the stages by share, exact to the rupiah (to the sen if it has sen)."""
    unit = Decimal("1") if allocation == allocation.to_integral_value() else Decimal("0.01")
    return allocate(allocation, {s.number: s.share for s in stages}, unit=unit)


def absorption_percent(spent: Decimal, released: Decimal) -> Decimal:
    """Spent / released as a percentage, rounded down to 0.01 (a threshold is never passed by rounding)."""
    if released <= 0:
        return ZERO
    return (spent * HUNDRED / released).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def spent_from_source(village_ids: Iterable[int], year: int, source: str) -> dict[int, Decimal]:
    """Expenditure (5.x) realised from ``source`` per desa, in one grouped query."""
    return dict(
        Realisation.objects.filter(
            village_id__in=list(village_ids), year=year, source_code=source, account_code__startswith="5."
        )
        .values_list("village_id")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )


def funded_activities(village_ids: Iterable[int], year: int, source: str) -> dict[int, list[str]]:
    """The kegiatan with expenditure realised from ``source``, per desa (one query)."""
    found: defaultdict[int, set[str]] = defaultdict(set)
    rows = (
        Realisation.objects.filter(
            village_id__in=list(village_ids), year=year, source_code=source, account_code__startswith="5."
        )
        .exclude(activity_code="")
        .values_list("village_id", "activity_code", "amount")
    )
    for village_id, activity, amount in rows:
        if amount > 0:
            found[village_id].add(activity)
    return {village_id: sorted(codes) for village_id, codes in found.items()}


def stage_status(
    stage: DisbursementStage,
    villages: Sequence[VillageGovernment],
    *,
    plan: Sequence[DisbursementStage] | None = None,
) -> list[DesaStage]:
    """Every condition of ``stage`` for each of ``villages``, in a number of queries that does not grow
    with the number of desa."""
    plan = list(plan) if plan is not None else stages_of_kind(stage)
    ids = [v.pk for v in villages]
    allocation = adopted_allocations_for(stage, ids)
    releases: defaultdict[int, dict[int, StageRelease]] = defaultdict(dict)
    for release in StageRelease.objects.filter(
        stage__pemda_id=stage.pemda_id, stage__year=stage.year, stage__kind=stage.kind, village_id__in=ids
    ).select_related("stage"):
        releases[release.village_id][release.stage.number] = release
    adopted: set[int] = set()
    if stage.requires_apbdes:
        adopted = set(
            Apbdes.objects.filter(
                village_id__in=ids, year=stage.year, version_state=Apbdes.State.FROZEN
            ).values_list("village_id", flat=True)
        )
    previous = next((s for s in plan if s.number == stage.number - 1), None)
    reports: dict[int, RealisationReport] = {}
    if previous is not None:
        reports = {
            r.village_id: r for r in RealisationReport.objects.filter(stage=previous, village_id__in=ids)
        }
    now_funded: dict[int, list[str]] = {}
    completed: defaultdict[int, set[str]] = defaultdict(set)
    if previous is not None and stage.requires_activities_done:
        now_funded = funded_activities(ids, stage.year, source_of(stage.kind))
        for village_id, code in ActivityCompletion.objects.filter(
            village_id__in=ids, year=stage.year, completed=True
        ).values_list("village_id", "activity_code"):
            completed[village_id].add(code)
        # A kegiatan with works packages in e-monitoring is finished when their verified progress says so.
        for village_id, code, done in village_works.kegiatan_done(ids, stage.year):
            (completed[village_id].add if done else completed[village_id].discard)(code)

    result: list[DesaStage] = []
    for village in villages:
        mine = releases.get(village.pk, {})
        total = allocation.get(village.pk)
        amount = ZERO
        if total is not None:
            parts = stage_parts(total, plan)
            due_so_far = sum((parts[s.number] for s in plan if s.number <= stage.number), ZERO)
            released_before = sum((r.amount for n, r in mine.items() if n < stage.number), ZERO)
            amount = max(ZERO, due_so_far - released_before)
        entry = DesaStage(village, total, amount, release=mine.get(stage.number))
        if entry.release is not None:
            entry.amount = entry.release.amount
            result.append(entry)
            continue
        blockers = entry.blockers
        evidence = entry.evidence
        evidence["allocation"] = None if total is None else format(total, "f")
        if total is None:
            blockers.append(
                Blocker(
                    "allocation",
                    _("Belum ada alokasi %(kind)s yang ditetapkan untuk desa ini.") % {"kind": stage.kind},
                )
            )
        if previous is not None:
            evidence["previous_released"] = previous.number in mine
            if previous.number not in mine:
                blockers.append(
                    Blocker(
                        "previous",
                        _("Tahap %(n)d belum disalurkan ke desa ini.") % {"n": previous.number},
                    )
                )
        if stage.requires_apbdes:
            evidence["apbdes_adopted"] = village.pk in adopted
            if village.pk not in adopted:
                blockers.append(
                    Blocker("apbdes", _("APBDes %(year)d belum ditetapkan.") % {"year": stage.year})
                )
        report = reports.get(village.pk)
        if previous is not None and stage.min_absorption is not None:
            evidence["report"] = None
            if report is None:
                blockers.append(
                    Blocker(
                        "report",
                        _("Laporan realisasi tahap %(n)d belum dikirim desa.") % {"n": previous.number},
                    )
                )
            else:
                evidence["report"] = {
                    "id": report.pk,
                    "state": report.state,
                    "absorption": format(report.absorption, "f"),
                    "minimum": format(stage.min_absorption, "f"),
                }
                if report.state != RealisationReport.State.RECEIVED:
                    blockers.append(
                        Blocker(
                            "report",
                            _("Laporan realisasi tahap %(n)d belum diterima kabupaten (status: %(state)s).")
                            % {"n": previous.number, "state": report.get_state_display()},
                        )
                    )
                elif report.absorption < stage.min_absorption:
                    blockers.append(
                        Blocker(
                            "absorption",
                            _("Serapan tahap %(n)d %(absorption)s%% di bawah syarat %(minimum)s%%.")
                            % {
                                "n": previous.number,
                                "absorption": report.absorption,
                                "minimum": stage.min_absorption,
                            },
                        )
                    )
        if previous is not None and stage.requires_activities_done:
            funded = report.activities if report is not None else now_funded.get(village.pk, [])
            unfinished = sorted(set(funded) - completed[village.pk])
            evidence["activities"] = {"funded": list(funded), "unfinished": unfinished}
            if unfinished:
                shown = ", ".join(unfinished[:5]) + (" …" if len(unfinished) > 5 else "")
                blockers.append(
                    Blocker(
                        "activities",
                        _("%(count)d kegiatan yang didanai tahap %(n)d belum selesai: %(codes)s.")
                        % {"count": len(unfinished), "n": previous.number, "codes": shown},
                    )
                )
        evidence["amount"] = format(amount, "f")
        result.append(entry)
    return result


def stages_of_kind(stage: DisbursementStage) -> list[DisbursementStage]:
    return list(
        DisbursementStage.objects.filter(pemda_id=stage.pemda_id, year=stage.year, kind=stage.kind).order_by(
            "number"
        )
    )


def adopted_allocations_for(stage: DisbursementStage, village_ids: list[int]) -> dict[int, Decimal]:
    """The adopted amount of the stage's kind and year per desa id, for ``village_ids`` (one query)."""
    return dict(
        TransferAllocation.objects.filter(
            scenario__pemda_id=stage.pemda_id,
            scenario__year=stage.year,
            scenario__kind=stage.kind,
            scenario__adopted=True,
            village_id__in=village_ids,
        ).values_list("village_id", "jumlah")
    )


# --- release ------------------------------------------------------------------------------------------


def _locked(stage: DisbursementStage) -> DisbursementStage:
    # Releases of one stage queue on its row; releases of different stages go on side by side.
    return DisbursementStage.objects.select_for_update(of=("self",)).select_related("pemda").get(pk=stage.pk)


def _write(actor: MaybeActor, stage: DisbursementStage, entries: list[DesaStage]) -> list[StageRelease]:
    now = timezone.now()
    try:
        with transaction.atomic():
            releases = StageRelease.objects.bulk_create(
                [
                    StageRelease(
                        pemda_id=stage.pemda_id,
                        village=entry.village,
                        stage=stage,
                        amount=entry.amount,
                        released_at=now,
                        released_by_id=actor.pk if is_person(actor) else None,
                        evidence=entry.evidence,
                    )
                    for entry in entries
                ],
                batch_size=1_000,
            )
    except IntegrityError as exc:
        raise Conflict(_("Tahap ini baru saja disalurkan oleh pengguna lain; muat ulang halaman.")) from exc
    audit.record_many(
        actor=actor,
        changes=[
            audit.Change(
                action="disbursement_stage.release",
                object_type="villages.stagerelease",
                object_id=f"{stage.pk}:{entry.village.region_id}",
                pemda_code=stage.pemda_id,
                after={
                    "kind": stage.kind,
                    "year": stage.year,
                    "stage": stage.number,
                    "desa": entry.village.region_id,
                    "amount": format(entry.amount, "f"),
                    "evidence": entry.evidence,
                },
            )
            for entry in entries
        ],
    )
    return releases


def stage_release(*, actor: MaybeActor, stage: DisbursementStage, village: VillageGovernment) -> StageRelease:
    """Release ``stage`` to ``village`` if every condition holds; else ValidationFailed naming what fails."""
    STAGES.require(actor, Place.of_pemda(stage.pemda_id), "release")
    if village.pemda_id != stage.pemda_id:
        raise ValidationFailed(_("Desa ini bukan bagian dari pemda tahap ini."), field="village")
    with transaction.atomic():
        locked = _locked(stage)
        (entry,) = stage_status(locked, [village])
        if entry.release is not None:
            raise Conflict(_("Tahap %(n)d sudah disalurkan ke desa ini.") % {"n": locked.number})
        if entry.blockers:
            raise ValidationFailed(
                _("Tahap %(n)d belum dapat disalurkan ke %(desa)s: %(reasons)s")
                % {
                    "n": locked.number,
                    "desa": village.name,
                    "reasons": " ".join(b.message for b in entry.blockers),
                }
            )
        if entry.amount <= 0:
            raise ValidationFailed(_("Tidak ada sisa alokasi untuk tahap ini."))
        (release,) = _write(actor, locked, [entry])
    return release


@dataclass(frozen=True)
class BatchResult:
    released: list[StageRelease]
    total: Decimal
    blocked: int


def stage_release_eligible(
    *, actor: MaybeActor, stage: DisbursementStage, villages: Sequence[VillageGovernment] | None = None
) -> BatchResult:
    """Release ``stage`` to every desa (of ``villages``, default all of the pemda) whose conditions hold."""
    STAGES.require(actor, Place.of_pemda(stage.pemda_id), "release")
    with transaction.atomic():
        locked = _locked(stage)
        if villages is None:
            villages = list(
                VillageGovernment.objects.filter(pemda_id=locked.pemda_id)
                .select_related("region")
                .order_by("region_id")
            )
        entries = stage_status(locked, list(villages))
        eligible = [e for e in entries if e.eligible and e.amount > 0]
        releases = _write(actor, locked, eligible) if eligible else []
    return BatchResult(
        releases,
        sum((e.amount for e in eligible), ZERO),
        sum(1 for e in entries if e.release is None and e.blockers),
    )


def amount_text(amount: Decimal) -> str:
    return format_rupiah(amount)


def releases_of(village_ids: Iterable[int], year: int) -> dict[tuple[int, str], Decimal]:
    """Total released per (desa id, kind) in ``year`` (one grouped query)."""
    rows = (
        StageRelease.objects.filter(village_id__in=list(village_ids), stage__year=year)
        .values_list("village_id", "stage__kind")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )
    return {(village_id, kind): total for village_id, kind, total in rows}
