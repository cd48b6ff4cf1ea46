"""Reports up the chain: a desa's realisation reports (per stage, semester I, year end), received by the camat
and then by the regency, consolidated for every desa; and the DPMD dashboard that reads them.

A report is a snapshot: when the desa submits, the budget of its adopted APBDes and the realisation so far
are copied into the report (sums by side as decimal strings; for a stage report the amount released of that
transfer and the amount spent from its funding source, and the kegiatan so funded). What the camat and the
regency receive is exactly what the desa sent. Consolidation sums those snapshots exactly (Decimal).

Reads here take the desa as a list and run a fixed number of grouped queries, whatever the number of desa.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import VillageGovernment
from spbe.core import audit
from spbe.core.actors import MaybeActor, is_person
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.workflow import Transition, Workflow

from .models import Apbdes, ApbdesLine, Realisation
from .models_stages import (
    ActivityCompletion,
    DisbursementStage,
    RealisationReport,
    ReportPeriod,
    StageRelease,
)
from .rules import is_expenditure_side, is_receipt_side
from .stages import ZERO, absorption_percent, funded_activities, source_of, spent_from_source
from .stages_access import STAGES

SIDES = ("pendapatan", "belanja", "penerimaan", "pengeluaran")

REPORT_FLOW = Workflow(
    "realisation_report",
    [
        Transition(
            "camat_receive",
            source={"submitted"},
            target="camat_received",
            capability="camat_receive",
            stamp="camat_by",
        ),
        Transition(
            "receive", source={"camat_received"}, target="received", capability="receive", stamp="received_by"
        ),
        Transition(
            "return",
            # A received report can be returned too: a desa whose absorption was below a stage's threshold
            # reports again once it has spent more.
            source={"submitted", "camat_received", "received"},
            target="returned",
            capability="return_report",
            note_required=True,
        ),
    ],
)


def _side(account: str) -> str | None:
    if account.startswith("4"):
        return "pendapatan"
    if account.startswith("5"):
        return "belanja"
    if is_receipt_side(account):
        return "penerimaan"
    if is_expenditure_side(account):
        return "pengeluaran"
    return None


def adopted_versions(village_ids: Sequence[int], year: int) -> dict[int, Apbdes]:
    """Each desa's latest adopted APBDes of ``year`` (one query)."""
    latest: dict[int, Apbdes] = {}
    for apbdes in Apbdes.objects.filter(
        village_id__in=list(village_ids), year=year, version_state=Apbdes.State.FROZEN
    ).order_by("village_id", "number"):
        latest[apbdes.village_id] = apbdes
    return latest


def budget_and_realisation(village_ids: Sequence[int], year: int) -> dict[int, dict[str, dict[str, Decimal]]]:
    """Per desa: ``{side: {"anggaran", "realisasi"}}`` of its latest adopted APBDes (two grouped queries,
    plus one for the versions)."""
    versions = adopted_versions(village_ids, year)
    result: dict[int, dict[str, dict[str, Decimal]]] = {
        v: {side: {"anggaran": ZERO, "realisasi": ZERO} for side in SIDES} for v in versions
    }
    by_apbdes = {a.pk: a.village_id for a in versions.values()}
    budget = (
        ApbdesLine.objects.filter(apbdes_id__in=list(by_apbdes))
        .values_list("apbdes_id", "account_code")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )
    for apbdes_id, account, total in budget:
        side = _side(account)
        if side:
            result[by_apbdes[apbdes_id]][side]["anggaran"] += total
    origins = {a.village_id: a.origin for a in versions.values()}
    real = (
        Realisation.objects.filter(village_id__in=list(versions), year=year)
        .values_list("village_id", "origin", "account_code")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )
    for village_id, origin, account, total in real:
        side = _side(account)
        # The realisation of the same origin as the adopted APBDes, as the public page shows it.
        if side and origins.get(village_id) == origin:
            result[village_id][side]["realisasi"] += total
    return result


def _figures_json(figures: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, str]]:
    return {side: {k: format(v, "f") for k, v in pair.items()} for side, pair in figures.items()}


@dataclass(frozen=True)
class Snapshot:
    figures: dict[str, dict[str, str]]
    absorption: Decimal
    released: Decimal
    spent: Decimal
    activities: list[str]


def _snapshots(
    villages: Sequence[VillageGovernment], year: int, period: str, stage: DisbursementStage | None
) -> dict[int, Snapshot | str]:
    """The snapshot for each desa, or the reason it cannot report (no adopted APBDes, stage not released)."""
    ids = [v.pk for v in villages]
    figures = budget_and_realisation(ids, year)
    released: dict[int, Decimal] = {}
    spent: dict[int, Decimal] = {}
    activities: dict[int, list[str]] = {}
    if stage is not None:
        released = dict(
            StageRelease.objects.filter(
                village_id__in=ids, stage__kind=stage.kind, stage__year=year, stage__number__lte=stage.number
            )
            .values_list("village_id")
            .annotate(total=Sum("amount", default=0))
            .order_by()
        )
        released_this = set(
            StageRelease.objects.filter(stage=stage, village_id__in=ids).values_list("village_id", flat=True)
        )
        spent = spent_from_source(ids, year, source_of(stage.kind))
        activities = funded_activities(ids, year, source_of(stage.kind))
    result: dict[int, Snapshot | str] = {}
    for village in villages:
        mine = figures.get(village.pk)
        if mine is None:
            result[village.pk] = _("APBDes %(year)d desa %(desa)s belum ditetapkan.") % {
                "year": year,
                "desa": village.name,
            }
            continue
        if stage is not None:
            if village.pk not in released_this:
                result[village.pk] = _("Tahap %(n)d belum disalurkan ke desa %(desa)s.") % {
                    "n": stage.number,
                    "desa": village.name,
                }
                continue
            got, used = released.get(village.pk, ZERO), spent.get(village.pk, ZERO)
            result[village.pk] = Snapshot(
                _figures_json(mine), absorption_percent(used, got), got, used, activities.get(village.pk, [])
            )
        else:
            belanja = mine["belanja"]
            result[village.pk] = Snapshot(
                _figures_json(mine),
                absorption_percent(belanja["realisasi"], belanja["anggaran"]),
                ZERO,
                ZERO,
                [],
            )
    return result


def _check_period(period: str, stage: DisbursementStage | None) -> None:
    if period not in ReportPeriod.values:
        raise ValidationFailed(_("Periode laporan tidak dikenal: %(p)s.") % {"p": period}, field="period")
    if (period == ReportPeriod.STAGE) != (stage is not None):
        raise ValidationFailed(
            _("Laporan tahap wajib menyebut tahapnya (dan hanya laporan tahap)."), field="stage"
        )


def reports_submit(
    *,
    actor: MaybeActor,
    villages: Sequence[VillageGovernment],
    year: int,
    period: str,
    stage: DisbursementStage | None = None,
) -> list[RealisationReport]:
    """Submit the report of ``period`` (of ``stage``) for each desa, or for none of them.

    A desa reports once per period (per stage); a report the camat or the regency returned is submitted
    again with fresh figures. Each desa's officers submit their own; a batch is for commands and the demo.
    """
    _check_period(period, stage)
    for village in villages:
        STAGES.require(actor, Place.of_village(village), "submit_report")
        if stage is not None and stage.pemda_id != village.pemda_id:
            raise ValidationFailed(_("Tahap ini bukan milik pemda desa ini."), field="stage")
    snapshots = _snapshots(villages, year, period, stage)
    problems = [s for s in snapshots.values() if isinstance(s, str)]
    if problems:
        raise ValidationFailed(" ".join(problems[:10]) + (" …" if len(problems) > 10 else ""))
    now = timezone.now()
    submitted_by = actor.pk if is_person(actor) else None
    try:
        with transaction.atomic():
            existing = {
                r.village_id: r
                for r in RealisationReport.objects.select_for_update(of=("self",)).filter(
                    village_id__in=[v.pk for v in villages],
                    year=year,
                    period=period,
                    stage=stage,
                )
            }
            new: list[RealisationReport] = []
            again: list[RealisationReport] = []
            for village in villages:
                snap = snapshots[village.pk]
                assert isinstance(snap, Snapshot)
                fields: dict[str, Any] = {
                    "figures": snap.figures,
                    "absorption": snap.absorption,
                    "released": snap.released,
                    "spent": snap.spent,
                    "activities": snap.activities,
                    "submitted_at": now,
                    "submitted_by_id": submitted_by,
                    "state": RealisationReport.State.SUBMITTED,
                }
                report = existing.get(village.pk)
                if report is None:
                    new.append(
                        RealisationReport(
                            pemda_id=village.pemda_id,
                            village=village,
                            year=year,
                            period=period,
                            stage=stage,
                            **fields,
                        )
                    )
                elif report.state != RealisationReport.State.RETURNED:
                    raise Conflict(
                        _("Laporan %(period)s desa %(desa)s sudah dikirim (status: %(state)s).")
                        % {
                            "period": report.get_period_display(),
                            "desa": village.name,
                            "state": report.get_state_display(),
                        }
                    )
                else:
                    for name, value in fields.items():
                        setattr(report, name, value)
                    again.append(report)
            RealisationReport.objects.bulk_create(new, batch_size=1_000)
            if again:
                RealisationReport.objects.bulk_update(
                    again,
                    [
                        "figures",
                        "absorption",
                        "released",
                        "spent",
                        "activities",
                        "submitted_at",
                        "submitted_by",
                        "state",
                        "updated_at",
                    ],
                )
            saved = list(
                RealisationReport.objects.filter(
                    village_id__in=[v.pk for v in villages], year=year, period=period, stage=stage
                ).select_related("village")
            )
            audit.record_many(
                actor=actor,
                changes=[
                    audit.Change(
                        action="realisation_report.submit",
                        obj=report,
                        pemda_code=report.pemda_id,
                        after={
                            "desa": report.village.region_id,
                            "year": year,
                            "period": period,
                            "stage": None if stage is None else f"{stage.kind}-{stage.number}",
                            "absorption": format(report.absorption, "f"),
                            "figures": report.figures,
                        },
                    )
                    for report in saved
                ],
            )
    except IntegrityError as exc:
        raise Conflict(_("Laporan ini baru saja dikirim oleh pengguna lain; muat ulang halaman.")) from exc
    return saved


def report_submit(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
    year: int,
    period: str,
    stage: DisbursementStage | None = None,
) -> RealisationReport:
    """One desa's report (see :func:`reports_submit`)."""
    (report,) = reports_submit(actor=actor, villages=[village], year=year, period=period, stage=stage)
    return report


def report_move(
    *, actor: MaybeActor, report: RealisationReport, action: str, note: str = ""
) -> RealisationReport:
    """``camat_receive`` (the camat), ``receive`` (the regency, after it) or ``return`` (with a note)."""
    can = STAGES.can(actor, report.place())
    REPORT_FLOW.apply(report, action, actor=actor, can=can, note=note)
    return report


def reports_move_many(
    *, actor: MaybeActor, reports: Sequence[RealisationReport], action: str, note: str = ""
) -> int:
    """Move many reports by one transition (the camat's or DPMD's "receive all"), all or none."""
    if not reports:
        return 0
    # Each report's place() reads its desa's kecamatan: one query for all the desa not loaded yet, instead
    # of one per report.
    prefetch_related_objects([r for r in reports if not RealisationReport.village.is_cached(r)], "village")
    with transaction.atomic():
        REPORT_FLOW.apply_many(
            list(reports),
            action,
            actor=actor,
            can_for=lambda r: STAGES.can(actor, cast(RealisationReport, r).place()),
            note=note,
        )
    return len(reports)


def activity_completion_set(
    *,
    actor: MaybeActor,
    village: VillageGovernment,
    year: int,
    activity_code: str,
    completed: bool,
    note: str = "",
) -> ActivityCompletion:
    """The desa records that a kegiatan's work is finished (or reopens it)."""
    STAGES.require(actor, Place.of_village(village), "record_completion")
    code = activity_code.strip().removesuffix(".")
    if not code or len(code) > 30:
        raise ValidationFailed(_("Kode kegiatan tidak sah."), field="activity_code")
    note = note.strip()[:300]
    with transaction.atomic():
        row = (
            ActivityCompletion.objects.select_for_update()
            .filter(village=village, year=year, activity_code=code)
            .first()
        )
        before = None if row is None else {"completed": row.completed, "note": row.note}
        if row is None:
            row = ActivityCompletion.objects.create(
                pemda_id=village.pemda_id,
                village=village,
                year=year,
                activity_code=code,
                completed=completed,
                note=note,
                recorded_by_id=actor.pk if is_person(actor) else None,
            )
        else:
            row.completed, row.note = completed, note
            row.recorded_by_id = actor.pk if is_person(actor) else None
            row.save(update_fields=["completed", "note", "recorded_by", "updated_at"])
        audit.record(
            actor=actor,
            action="activity_completion.set",
            obj=row,
            pemda_code=village.pemda_id,
            before=before,
            after={
                "desa": village.region_id,
                "year": year,
                "kegiatan": code,
                "completed": completed,
                "note": note,
            },
        )
    return row


def activity_completions_set_many(
    *, actor: MaybeActor, rows: Sequence[tuple[VillageGovernment, str]], year: int
) -> int:
    """Mark many (desa, kegiatan) finished at once (imports and the demo), one audit entry per desa."""
    for village, _code in rows:
        STAGES.require(actor, Place.of_village(village), "record_completion")
    with transaction.atomic():
        made = ActivityCompletion.objects.bulk_create(
            [
                ActivityCompletion(
                    pemda_id=village.pemda_id,
                    village=village,
                    year=year,
                    activity_code=code,
                    completed=True,
                    recorded_by_id=actor.pk if is_person(actor) else None,
                )
                for village, code in rows
            ],
            update_conflicts=True,
            unique_fields=["village", "year", "activity_code"],
            update_fields=["completed", "recorded_by", "updated_at"],
            batch_size=1_000,
        )
        by_desa: dict[VillageGovernment, list[str]] = {}
        for village, code in rows:
            by_desa.setdefault(village, []).append(code)
        audit.record_many(
            actor=actor,
            changes=[
                audit.Change(
                    action="activity_completion.set_many",
                    object_type="villages.activitycompletion",
                    object_id=f"{village.region_id}:{year}",
                    pemda_code=village.pemda_id,
                    after={"desa": village.region_id, "year": year, "kegiatan": codes, "completed": True},
                )
                for village, codes in by_desa.items()
            ],
        )
    return len(made)


# --- consolidation and the dashboard ------------------------------------------------------------------


@dataclass
class ConsolidatedRow:
    village: VillageGovernment
    report: RealisationReport | None
    figures: dict[str, dict[str, Decimal]]


@dataclass
class Consolidated:
    year: int
    period: str
    rows: list[ConsolidatedRow]
    totals: dict[str, dict[str, Decimal]]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def absorption(self) -> Decimal:
        belanja = self.totals["belanja"]
        return absorption_percent(belanja["realisasi"], belanja["anggaran"])


def consolidate(villages: Sequence[VillageGovernment], year: int, period: str) -> Consolidated:
    """Every desa's semester I or year-end report as sent, summed exactly; desa without one show zeros.

    Two queries (the reports), whatever the number of desa.
    """
    if period not in (ReportPeriod.SEMESTER1, ReportPeriod.YEAR_END):
        raise ValidationFailed(_("Periode konsolidasi harus semester1 atau year_end."), field="period")
    reports = {
        r.village_id: r
        for r in RealisationReport.objects.filter(
            village_id__in=[v.pk for v in villages], year=year, period=period, stage__isnull=True
        )
    }
    totals = {side: {"anggaran": ZERO, "realisasi": ZERO} for side in SIDES}
    counts: defaultdict[str, int] = defaultdict(int)
    rows: list[ConsolidatedRow] = []
    for village in villages:
        report = reports.get(village.pk)
        figures = {side: {"anggaran": ZERO, "realisasi": ZERO} for side in SIDES}
        counts[report.state if report is not None else "missing"] += 1
        if report is not None:
            for side in SIDES:
                pair = report.figures.get(side, {})
                figures[side] = {k: Decimal(pair.get(k, "0")) for k in ("anggaran", "realisasi")}
                for k in ("anggaran", "realisasi"):
                    totals[side][k] += figures[side][k]
        rows.append(ConsolidatedRow(village, report, figures))
    return Consolidated(year, period, rows, totals, dict(counts))


@dataclass
class DashboardRow:
    village: VillageGovernment
    apbdes: Apbdes | None
    semester1: RealisationReport | None
    year_end: RealisationReport | None
    anggaran: Decimal
    realisasi: Decimal
    absorption: Decimal
    released: dict[str, Decimal]
    blocked: list[str]  # "DD 2: <reason>"


def dashboard(
    villages: Sequence[VillageGovernment], year: int, stages: Sequence[DisbursementStage]
) -> list[DashboardRow]:
    """Who adopted, who reported, absorption per desa and blocked stages, in a number of queries that
    grows with the stages configured, never with the desa."""
    from .stages import releases_of, stage_status

    ids = [v.pk for v in villages]
    versions = adopted_versions(ids, year)
    figures = budget_and_realisation(ids, year)
    reports: dict[tuple[int, str], RealisationReport] = {
        (r.village_id, r.period): r
        for r in RealisationReport.objects.filter(village_id__in=ids, year=year, stage__isnull=True)
    }
    released = releases_of(ids, year)
    blocked: defaultdict[int, list[str]] = defaultdict(list)
    by_kind: defaultdict[str, list[DisbursementStage]] = defaultdict(list)
    for stage in stages:
        by_kind[stage.kind].append(stage)
    for kind, plan in by_kind.items():
        for stage in plan:
            for entry in stage_status(stage, villages, plan=plan):
                # Only the next stage due is "blocked"; later ones wait for it anyway.
                if (
                    entry.release is None
                    and entry.blockers
                    and not any(b.code == "previous" for b in entry.blockers)
                ):
                    blocked[entry.village.pk].append(
                        f"{kind} {stage.number}: " + " ".join(b.message for b in entry.blockers)
                    )
    rows: list[DashboardRow] = []
    for village in villages:
        belanja = figures.get(village.pk, {}).get("belanja", {"anggaran": ZERO, "realisasi": ZERO})
        rows.append(
            DashboardRow(
                village,
                versions.get(village.pk),
                reports.get((village.pk, ReportPeriod.SEMESTER1)),
                reports.get((village.pk, ReportPeriod.YEAR_END)),
                belanja["anggaran"],
                belanja["realisasi"],
                absorption_percent(belanja["realisasi"], belanja["anggaran"]),
                {kind: total for (vid, kind), total in released.items() if vid == village.pk},
                blocked.get(village.pk, []),
            )
        )
    return rows


def activities_of(village: VillageGovernment, year: int) -> list[dict[str, Any]]:
    """The kegiatan of the desa's adopted APBDes with budget, realisation and completion (three queries)."""
    apbdes = adopted_versions([village.pk], year).get(village.pk)
    if apbdes is None:
        return []
    budget = dict(
        ApbdesLine.objects.filter(apbdes=apbdes, account_code__startswith="5.")
        .values_list("activity_code")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )
    real = dict(
        Realisation.objects.filter(
            Q(account_code__startswith="5."), village=village, year=year, origin=apbdes.origin
        )
        .values_list("activity_code")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )
    done = dict(
        ActivityCompletion.objects.filter(village=village, year=year).values_list(
            "activity_code", "completed"
        )
    )
    return [
        {
            "kode": code,
            "anggaran": budget[code],
            "realisasi": real.get(code, ZERO),
            "selesai": done.get(code, False),
        }
        for code in sorted(budget)
    ]
