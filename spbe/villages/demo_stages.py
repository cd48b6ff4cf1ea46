"""Demo of controlled disbursement and reports up the chain, on top of the village-finance demo's year.

Through the batch services a regency uses: DPMD sets the stages (Dana Desa 40/40/20 with absorption and
finished-work conditions, ADD 50/50 on the adopted APBDes alone, BHPRD in one go) and releases each stage
to every eligible desa at once; desa report (per stage, semester I, year end) and the camat and DPMD
receive most of the reports; most desa record their Dana Desa kegiatan finished. A few desa are left
blocked for each kind of condition, chosen by their position in code order so every run (and the test
world) has them:

* the desa in :func:`draft_codes` keep their APBDes as a draft in OpenSPBE (not imported from Siskeudes, so
  not adopted): the transfer-revenue service writes their 4.2.x lines, and every stage 1 waits for them;
* every 20th desa from the 4th has not sent its Dana Desa stage 1 report, every 20th from the 8th has sent it
  but the camat has not received it yet, every 17th from the 6th has an unfinished kegiatan: stage 2 waits;
* desa that spent little (the village-finance demo's low absorption) are below the 75% stage 3 threshold.

Safe to run again: a pemda-year whose Dana Desa stages exist is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from spbe.accounts.models import Pemda, VillageGovernment
from spbe.core.actors import Actor

from .models import Apbdes, RealisationReport
from .models_stages import DisbursementStage, ReportPeriod
from .models_transfers import TransferKind
from .reports import activity_completions_set_many, reports_move_many, reports_submit
from .services import apbdes_create
from .stages import StageSpec, funded_activities, source_of, stage_plan_set, stage_release_eligible
from .transfer_lines import transfer_revenue_apply

PLANS: dict[str, list[StageSpec]] = {
    TransferKind.DD: [
        StageSpec("40"),
        StageSpec("40", min_absorption="50", requires_activities_done=True),
        StageSpec("20", min_absorption="75", requires_activities_done=True),
    ],
    TransferKind.ADD: [StageSpec("50"), StageSpec("50")],
    TransferKind.BHPRD: [StageSpec("100")],
}
DRAFTS = 2


def draft_codes(codes: Sequence[str]) -> set[str]:
    """The desa (the last ones in code order) whose APBDes the demo keeps as an OpenSPBE draft."""
    return set(sorted(codes)[-DRAFTS:]) if len(codes) > DRAFTS else set()


def _reported(
    actor: Actor,
    villages: list[VillageGovernment],
    year: int,
    period: str,
    stage: DisbursementStage | None,
    *,
    skip: set[int],
    camat_skip: set[int],
) -> None:
    """Desa report, the camat receives and DPMD receives, except the desa at positions ``skip`` (no report)
    and ``camat_skip`` (sent, not yet received)."""
    senders = [v for i, v in enumerate(villages) if i not in skip]
    reports = reports_submit(actor=actor, villages=senders, year=year, period=period, stage=stage)
    position = {v.pk: i for i, v in enumerate(villages)}
    onward = [r for r in reports if position[r.village_id] not in camat_skip]
    reports_move_many(actor=actor, reports=onward, action="camat_receive")
    reports_move_many(actor=actor, reports=onward, action="receive")


def seed_stages(pemda: Pemda, year: int, *, actor: Actor) -> str:
    """Stages, releases, reports and finished kegiatan of ``year``; one summary line."""
    if DisbursementStage.objects.filter(pemda=pemda, year=year, kind=TransferKind.DD).exists():
        return f"pencairan {year}: tahap sudah ada, tidak diubah"
    villages = list(
        VillageGovernment.objects.filter(pemda=pemda).select_related("kecamatan").order_by("region_id")
    )
    if not villages:
        return f"pencairan {year}: tidak ada desa"
    # 1. The desa still drafting their APBDes in OpenSPBE get their transfer revenue from the allocation.
    having = set(Apbdes.objects.filter(pemda=pemda, year=year).values_list("village__region_id", flat=True))
    for village in villages:
        if (
            village.region_id in draft_codes([v.region_id for v in villages])
            and village.region_id not in having
        ):
            apbdes_create(actor=actor, village=village, year=year)
    transfer_revenue_apply(actor=actor, pemda=pemda, year=year)
    adopted = set(
        Apbdes.objects.filter(pemda=pemda, year=year, version_state=Apbdes.State.FROZEN).values_list(
            "village_id", flat=True
        )
    )
    reporting = [v for v in villages if v.pk in adopted]
    # 2. The stages, and stage 1 of every kind to every eligible desa.
    plans = {
        kind: stage_plan_set(actor=actor, pemda=pemda, year=year, kind=kind, stages=specs)
        for kind, specs in PLANS.items()
    }
    for stages in plans.values():
        stage_release_eligible(actor=actor, stage=stages[0], villages=villages)
    # 3. Stage reports and finished kegiatan; then the next stages to whoever qualifies.
    no_report = {i for i in range(len(reporting)) if i % 20 == 3}
    not_received = {i for i in range(len(reporting)) if i % 20 == 7}
    dd, add = plans[TransferKind.DD], plans[TransferKind.ADD]
    _reported(actor, reporting, year, ReportPeriod.STAGE, dd[0], skip=no_report, camat_skip=not_received)
    funded = funded_activities([v.pk for v in reporting], year, source_of(TransferKind.DD))
    unfinished = {v.pk for i, v in enumerate(reporting) if i % 17 == 5}
    done = [
        (village, code)
        for village in reporting
        for n, code in enumerate(funded.get(village.pk, []))
        if not (village.pk in unfinished and n == 0)
    ]
    activity_completions_set_many(actor=actor, rows=done, year=year)
    stage_release_eligible(actor=actor, stage=dd[1], villages=villages)
    stage_release_eligible(actor=actor, stage=add[1], villages=villages)
    released_two = set(dd[1].releases.values_list("village_id", flat=True))
    second = [v for v in reporting if v.pk in released_two]
    _reported(actor, second, year, ReportPeriod.STAGE, dd[1], skip=set(), camat_skip=set())
    third = stage_release_eligible(actor=actor, stage=dd[2], villages=villages)
    # 4. Semester I and year-end reports of most desa, up the chain.
    positions = range(len(reporting))
    _reported(
        actor,
        reporting,
        year,
        ReportPeriod.SEMESTER1,
        None,
        skip={i for i in positions if i % 25 == 11},
        camat_skip={i for i in positions if i % 25 == 13},
    )
    _reported(
        actor,
        reporting,
        year,
        ReportPeriod.YEAR_END,
        None,
        skip={i for i in positions if i % 6 == 1},
        camat_skip={i for i in positions if i % 6 == 2},
    )
    reports = RealisationReport.objects.filter(pemda=pemda, year=year).count()
    return (
        f"pencairan {year}: tahap DD/ADD/BHPRD diatur; DD tahap 2 ke {len(released_two)} desa, tahap 3 ke "
        f"{len(third.released)} desa ({third.blocked} terhambat); {reports} laporan realisasi; "
        f"{len(villages) - len(adopted)} APBDes masih draf"
    )
