"""The batch paths of e-monitoring: many projects, contracts, reports and decisions at once.

An agency registering a year's packages, a field team uploading a backlog of weekly reports, a supervisor
verifying a page of reports, the daily check of a regency's ten thousand contracts: the same checks as the
one-at-a-time services in :mod:`spbe.monitoring.services` (shared helpers, not copies), with one
transaction, one insert per table, one audit entry per object and each project's critical status
recomputed once per batch instead of once per row.

Photos of a batch are checked and copied once per distinct file: two reports carrying the same photo
(byte for byte, by SHA-256: a correction re-sending the photo of the report it corrects) get two
:class:`~spbe.monitoring.models.ReportPhoto` rows naming the same stored files. Photo files are never
deleted by the product (reports are append-only), so sharing them is safe.

``as_of`` is the day the batch is judged on (reports may not be after it; statuses are computed on it). It
defaults to today in the pemda; a year recorded in advance (the demo's budget year) or a migration from a
previous system passes the day its data stands at, as the villages' books do with ``books_day``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, DecimalField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.core import audit, photos
from spbe.core.actors import MaybeActor, is_person, require_actor
from spbe.core.bulk import update_rows
from spbe.core.errors import Conflict, ValidationFailed

from . import escalation, rules, services
from .access import PROJECT
from .models import COUNTED_STATES, Contract, PlanPoint, ProgressReport, Project, ReportPhoto
from .models_scm import ScmOutcome, ShowCauseMeeting
from .services import (
    CONTRACT_AUDIT_FIELDS,
    PROJECT_AUDIT_FIELDS,
    PhotoChecks,
    aware,
    check_photo,
    check_report,
    map_changed,
    new_contract,
    new_project,
    status_snapshot,
    stored_name,
)
from .speed import dashboard_changed, refresh_verified
from .workflow import REPORT_FLOW


@dataclass(frozen=True)
class ContractSpec:
    method: str
    number: str
    value: Decimal | str
    signed_on: date
    starts_on: date
    ends_on: date
    ocid: str
    vendor_name: str = ""


@dataclass(frozen=True)
class ProjectSpec:
    unit: PerangkatDaerah
    year: int
    sub_kegiatan_code: str
    name: str
    location_kind: str
    points: Sequence[tuple[Decimal, Decimal]]
    village: VillageGovernment | None = None
    address: str = ""
    contract: ContractSpec | None = None


def _at_row(number: int, error: ValidationFailed) -> ValidationFailed:
    """The same error, saying which item of the batch (1-based) it is about."""
    return ValidationFailed(
        _("Baris %(n)d: %(reason)s") % {"n": number, "reason": error.message}, field=error.field
    )


def projects_create_many(*, actor: MaybeActor, items: Sequence[ProjectSpec]) -> list[Project]:
    """Register many projects, each with its contract if given, all or nothing.

    Every item passes the checks of :func:`~spbe.monitoring.services.project_create` and
    :func:`~spbe.monitoring.services.contract_create`; OCIDs must be new and distinct within the batch.
    """
    vetted = require_actor(actor)
    projects: list[Project] = []
    contracts: list[tuple[int, ContractSpec]] = []
    for number, item in enumerate(items, start=1):
        PROJECT.require(vetted, Place.of_unit(item.unit), "manage")
        try:
            projects.append(
                new_project(
                    unit=item.unit,
                    year=item.year,
                    sub_kegiatan_code=item.sub_kegiatan_code,
                    name=item.name,
                    location_kind=item.location_kind,
                    points=item.points,
                    village=item.village,
                    address=item.address,
                )
            )
        except ValidationFailed as error:
            raise _at_row(number, error) from None
        if item.contract is not None:
            contracts.append((number - 1, item.contract))
    ocids = [spec.ocid.strip() for _index, spec in contracts]
    repeated = sorted({o for o in ocids if ocids.count(o) > 1}) if len(set(ocids)) != len(ocids) else []
    if repeated:
        raise ValidationFailed(
            _("OCID %(ocid)s dipakai lebih dari satu kontrak.") % {"ocid": repeated[0]}, field="ocid"
        )
    with transaction.atomic():
        taken = list(Contract.objects.filter(ocid__in=ocids).values_list("ocid", flat=True)[:1])
        if taken:
            raise ValidationFailed(
                _("OCID %(ocid)s sudah dipakai kontrak lain.") % {"ocid": taken[0]}, field="ocid"
            )
        Project.objects.bulk_create(projects, batch_size=500)
        rows: list[Contract] = []
        for index, spec in contracts:
            try:
                rows.append(
                    new_contract(
                        project=projects[index],
                        method=spec.method,
                        number=spec.number,
                        value=spec.value,
                        signed_on=spec.signed_on,
                        starts_on=spec.starts_on,
                        ends_on=spec.ends_on,
                        ocid=spec.ocid,
                        vendor_name=spec.vendor_name,
                    )
                )
            except ValidationFailed as error:
                raise _at_row(index + 1, error) from None
        Contract.objects.bulk_create(rows, batch_size=500)
        for code in sorted({p.pemda_id for p in projects}):
            map_changed(code)
        audit.record_many(
            actor=vetted,
            changes=[
                audit.Change(
                    "project.create",
                    obj=p,
                    pemda_code=p.pemda_id,
                    after=audit.snapshot(p, PROJECT_AUDIT_FIELDS),
                )
                for p in projects
            ]
            + [
                audit.Change(
                    "contract.create",
                    obj=c,
                    pemda_code=c.pemda_id,
                    after=audit.snapshot(c, CONTRACT_AUDIT_FIELDS),
                )
                for c in rows
            ],
        )
    return projects


@dataclass(frozen=True)
class ReportSpec:
    project: Project
    reported_on: date
    percent: Decimal | str
    note: str = ""
    problems: str = ""
    photo_files: Sequence[bytes] = field(default_factory=tuple)
    corrects: ProgressReport | None = None


@dataclass
class _Prepared:
    original: bytes
    info: photos.PhotoInfo
    copies: photos.PublicCopies
    names: tuple[str, str, str] = ("", "", "")


def reports_submit_many(
    *, actor: MaybeActor, items: Sequence[ReportSpec], as_of: date | None = None
) -> list[ProgressReport]:
    """File many progress reports with their photos, all or nothing; one status recomputation per project.

    The checks of :func:`~spbe.monitoring.services.report_submit` for every item (the date not after
    ``as_of``, not before the contract's start; every photo a real image), then one insert of the reports
    and one of their photos, each distinct photo stored once, show-cause meetings decided by the reports
    in date order, and each project's critical status recomputed on ``as_of`` with its row locked.
    """
    vetted = require_actor(actor)
    project_ids = sorted({item.project.pk for item in items})
    projects = {
        p.pk: p for p in Project.objects.filter(pk__in=project_ids).select_related("pemda", "contract")
    }
    days = {pk: as_of or services.pemda_today(p.pemda) for pk, p in projects.items()}
    limits = photos.PhotoLimits.from_settings()
    distinct: dict[str, _Prepared] = {}
    checked: list[tuple[ReportSpec, Decimal, str, str, list[tuple[str, PhotoChecks]]]] = []
    max_distance = settings.SPBE_MONITORING_PHOTO_MAX_DISTANCE_M
    max_age = settings.SPBE_MONITORING_PHOTO_MAX_AGE_DAYS
    for number, item in enumerate(items, start=1):
        project = projects[item.project.pk]
        PROJECT.require(vetted, project.place(), "report")
        try:
            value, note, problems = check_report(
                project=project,
                contract=getattr(project, "contract", None),
                reported_on=item.reported_on,
                percent=item.percent,
                note=item.note,
                problems=item.problems,
                corrects=item.corrects,
                photo_count=len(item.photo_files),
                today=days[project.pk],
            )
        except ValidationFailed as error:
            raise _at_row(number, error) from None
        zone = ZoneInfo(project.pemda.time_zone)
        taken: list[tuple[str, PhotoChecks]] = []
        for photo_number, upload in enumerate(item.photo_files, start=1):
            digest = hashlib.sha256(upload).hexdigest()
            if digest not in distinct:
                try:
                    distinct[digest] = _Prepared(*photos.prepare(upload, limits=limits, field="photos"))
                except photos.PhotoRejected as error:
                    raise photos.PhotoRejected(
                        _("Baris %(row)d, foto ke-%(n)d: %(reason)s")
                        % {"row": number, "n": photo_number, "reason": error.message},
                        field="photos",
                    ) from None
            checks = check_photo(
                distinct[digest].info,
                project=project,
                reported_on=item.reported_on,
                zone=zone,
                max_distance_m=max_distance,
                max_age_days=max_age,
            )
            taken.append((digest, checks))
        checked.append((item, value, note, problems, taken))
    reports: list[ProgressReport] = []
    with photos.files_of_transaction() as files:
        # Projects locked in id order, as write_plans does: two batches never deadlock.
        list(Project.objects.select_for_update().filter(pk__in=project_ids).order_by("pk").values_list("pk"))
        for item, value, note, problems, taken in checked:
            reports.append(
                ProgressReport(
                    pemda_id=item.project.pemda_id,
                    project_id=item.project.pk,
                    reported_on=item.reported_on,
                    percent=value,
                    note=note,
                    problems=problems,
                    corrects=item.corrects,
                    submitted_by_id=vetted.pk if is_person(vetted) else None,
                    no_photo=not taken,
                    photo_far=any(c.is_far for _d, c in taken),
                    photo_old=any(c.is_old for _d, c in taken),
                    photo_no_position=any(c.no_position for _d, c in taken),
                    photo_no_time=any(c.no_time for _d, c in taken),
                )
            )
        ProgressReport.objects.bulk_create(reports, batch_size=500)
        for prepared in distinct.values():
            names = []
            for target, name, data in (
                ("original", stored_name(prepared.info.format.lower()), prepared.original),
                ("public", stored_name("jpg"), prepared.copies.photo),
                ("thumbnail", stored_name("jpg"), prepared.copies.thumbnail),
            ):
                holder = ReportPhoto(pemda_id=reports[0].pemda_id)
                files.save(getattr(holder, target), name, data)
                names.append(getattr(holder, target).name)
            prepared.names = (names[0], names[1], names[2])
        rows: list[ReportPhoto] = []
        for report, (item, _v, _n, _p, taken) in zip(reports, checked, strict=True):
            zone = ZoneInfo(projects[item.project.pk].pemda.time_zone)
            for digest, checks in taken:
                prepared = distinct[digest]
                info = prepared.info
                rows.append(
                    ReportPhoto(
                        pemda_id=report.pemda_id,
                        report=report,
                        original=prepared.names[0],
                        public=prepared.names[1],
                        thumbnail=prepared.names[2],
                        original_sha256=digest,
                        content_type=info.content_type,
                        width=info.width,
                        height=info.height,
                        latitude=info.position.latitude if info.position else None,
                        longitude=info.position.longitude if info.position else None,
                        taken_at=aware(info.taken_at, zone),
                        distance_m=checks.distance_m,
                        is_far=checks.is_far,
                        is_old=checks.is_old,
                        no_position=checks.no_position,
                        no_time=checks.no_time,
                    )
                )
        ReportPhoto.objects.bulk_create(rows, batch_size=500)
        # Meetings waiting for a report: looked up once; decided by this batch's reports in date order.
        waiting: dict[int, date] = {}
        for project_id, held_on in ShowCauseMeeting.objects.filter(
            project_id__in=project_ids, outcome=ScmOutcome.PENDING
        ).values_list("project_id", "held_on"):
            waiting[project_id] = min(held_on, waiting.get(project_id, held_on))
        for report in sorted(reports, key=lambda r: (r.reported_on, r.pk)):
            if report.project_id in waiting and report.reported_on >= waiting[report.project_id]:
                escalation.decide_outcomes(vetted, report)
                if not ShowCauseMeeting.objects.filter(
                    project_id=report.project_id, outcome=ScmOutcome.PENDING
                ).exists():
                    del waiting[report.project_id]
        statuses = refresh_statuses(vetted, project_ids, days)
        by_photo = defaultdict(list)
        for row in rows:
            by_photo[row.report_id].append(row)
        last = {r.project_id: r.pk for r in sorted(reports, key=lambda r: (r.reported_on, r.pk))}
        audit.record_many(
            actor=vetted,
            changes=[
                audit.Change(
                    "progress_report.submit",
                    obj=report,
                    pemda_code=report.pemda_id,
                    after={
                        "project": report.project_id,
                        "reported_on": report.reported_on,
                        "percent": report.percent,
                        "corrects": report.corrects_id,
                        "photos": [
                            {
                                "sha256": p.original_sha256,
                                "distance_m": p.distance_m,
                                "far": p.is_far,
                                "old": p.is_old,
                                "no_position": p.no_position,
                                "no_time": p.no_time,
                            }
                            for p in by_photo[report.pk]
                        ],
                        # The status after the whole batch, on the project's last report of it.
                        "status": status_snapshot(statuses[report.project_id], days[report.project_id])
                        if last[report.project_id] == report.pk
                        else None,
                        "batch": True,
                    },
                )
                for report in reports
            ],
        )
    return reports


def reports_verify_many(
    *, actor: MaybeActor, reports: Sequence[ProgressReport], note: str = ""
) -> list[ProgressReport]:
    """Verify many submitted reports at once (a supervisor's page), each by someone who did not submit it."""
    chosen = list(ProgressReport.objects.filter(pk__in=[r.pk for r in reports]).select_related("project"))
    if len(chosen) != len(reports):
        raise Conflict(_("Sebagian laporan tidak ditemukan."))
    with transaction.atomic():
        REPORT_FLOW.apply_many(
            list(chosen),
            "verify",
            actor=actor,
            can_for=lambda r: PROJECT.can(actor, cast(ProgressReport, r).place()),
            note=note,
        )
        refresh_verified([r.project_id for r in chosen])
        for code in sorted({r.pemda_id for r in chosen}):
            map_changed(code)
    return chosen


def reports_return_many(
    *, actor: MaybeActor, returns: Sequence[tuple[ProgressReport, str]], as_of: date | None = None
) -> list[ProgressReport]:
    """Return many reports, each with its reason; each affected project's status recomputed once."""
    vetted = require_actor(actor)
    wanted = {r.pk: reason for r, reason in returns}
    chosen = list(ProgressReport.objects.filter(pk__in=list(wanted)).select_related("project__pemda"))
    if len(chosen) != len(wanted):
        raise Conflict(_("Sebagian laporan tidak ditemukan."))
    project_ids = sorted({r.project_id for r in chosen})
    by_reason: dict[str, list[ProgressReport]] = defaultdict(list)
    for report in chosen:
        by_reason[wanted[report.pk]].append(report)
    with transaction.atomic():
        list(Project.objects.select_for_update().filter(pk__in=project_ids).order_by("pk").values_list("pk"))
        for reason, group in by_reason.items():
            REPORT_FLOW.apply_many(
                list(group),
                "return",
                actor=vetted,
                can_for=lambda r: PROJECT.can(vetted, cast(ProgressReport, r).place()),
                note=reason,
            )
        for report in chosen:
            escalation.reopen_outcomes(vetted, report)
        refresh_verified(project_ids)
        projects = {r.project_id: r.project for r in chosen}
        refresh_statuses(
            vetted, project_ids, {pk: as_of or services.pemda_today(projects[pk].pemda) for pk in project_ids}
        )
    return chosen


# ------------------------------------------------------------------------------------ the daily check

REFRESH_CHUNK = 1000
STATUS_FIELDS = (
    "status_on",
    "planned_percent",
    "actual_percent",
    "deviation",
    "period",
    "projected_finish",
    "is_critical",
)


RULE_CHUNK = 1000
CENT = Decimal("0.01")


def _window(on: date, before: date) -> dict[str, Subquery]:
    """Correlated subqueries on the (project, on) and (project, state, reported_on) indexes: what the rule
    reads of one project on ``on``, a handful of index seeks per project whatever its curve and history."""
    plan = PlanPoint.objects.filter(project=OuterRef("pk"))
    counted = ProgressReport.objects.filter(project=OuterRef("pk"), state__in=COUNTED_STATES)
    prev = plan.filter(on__lte=on).order_by("-on")
    nxt = plan.filter(on__gt=on).order_by("on")
    # On one date the report filed last counts, as in the rule (reports in (date, filing) order).
    now = counted.filter(reported_on__lte=on).order_by("-reported_on", "-pk")
    back = counted.filter(reported_on__lte=before).order_by("-reported_on", "-pk")
    percent = DecimalField(max_digits=5, decimal_places=2)
    return {
        "w_prev_on": Subquery(prev.values("on")[:1], output_field=DateField()),
        "w_prev": Subquery(prev.values("percent")[:1], output_field=percent),
        "w_next_on": Subquery(nxt.values("on")[:1], output_field=DateField()),
        "w_next": Subquery(nxt.values("percent")[:1], output_field=percent),
        "w_now_on": Subquery(now.values("reported_on")[:1], output_field=DateField()),
        "w_now": Subquery(now.values("percent")[:1], output_field=percent),
        "w_back_on": Subquery(back.values("reported_on")[:1], output_field=DateField()),
        "w_back": Subquery(back.values("percent")[:1], output_field=percent),
    }


# The columns of :func:`_window`, in the order :func:`rule_inputs` reads them.
WINDOW = ("w_prev_on", "w_prev", "w_next_on", "w_next", "w_back_on", "w_back", "w_now_on", "w_now")


def _exact(value: Decimal) -> Fraction:
    # A subquery's decimal comes back from SQLite unscaled (12.3400000000000); every stored % has 2 places.
    return Fraction(Decimal(value).quantize(CENT))


def rule_inputs(projects: Sequence[tuple[int, int, date]], on: date) -> dict[int, rules.ContractInput]:
    """What the rule reads of many projects on ``on``, in one query per thousand projects.

    ``projects`` are (project id, budget year, contract start). The rule only ever reads the plan points
    around ``on`` (the last on or before it and the first after it) and the latest counted report on
    ``on`` and 30 days before it, so the database picks just those (two dated values each, by index) and
    each input carries them as Fractions: :func:`rules.status` gives the same answer as on the whole curve
    and history (a test compares the two every day of a year), and ten thousand contracts are judged
    without reading or converting the millions of points and reports behind them.
    """
    before = on - timedelta(days=rules.PACE_DAYS)
    meta = {pk: (year, mulai) for pk, year, mulai in projects}
    ids = list(meta)
    result: dict[int, rules.ContractInput] = {}
    for start in range(0, len(ids), RULE_CHUNK):
        rows = (
            Project.objects.filter(pk__in=ids[start : start + RULE_CHUNK])
            .annotate(**_window(on, before))
            .order_by()
            .values_list("pk", *WINDOW)
        )
        for pk, prev_on, prev, next_on, nxt, back_on, back, now_on, now in rows:
            year, mulai = meta[pk]
            plan = tuple((d, _exact(v)) for d, v in ((prev_on, prev), (next_on, nxt)) if d is not None)
            # The report 30 days back is also the latest on ``on`` when none came since: one point then.
            picked = [(d, v) for d, v in ((back_on, back), (now_on, now)) if d is not None]
            if len(picked) == 2 and back_on == now_on:
                picked = picked[1:]
            result[pk] = rules.ContractInput(
                key=str(pk),
                tahun=year,
                mulai=mulai,
                plan=plan,
                reports=tuple((d, _exact(v)) for d, v in picked),
                tanggal=on,
            )
    return result


def _status_values(result: rules.Status, on: date) -> tuple[object, ...]:
    return (
        on,
        Decimal(rules.two_decimals(result.rencana)),
        Decimal(rules.two_decimals(result.realisasi)),
        Decimal(rules.two_decimals(result.deviasi)),
        result.periode,
        result.proyeksi_selesai,
        result.kritis,
    )


def refresh_statuses(
    actor: MaybeActor, project_ids: Sequence[int], on: date | dict[int, date]
) -> dict[int, rules.Status]:
    """Write the rule's answer on many projects (inside the caller's transaction, their rows locked).

    The batch form of :func:`~spbe.monitoring.services.refresh_status`: the projects and what the rule
    reads of them read as tuples in a few set queries (:func:`rule_inputs`), only the statuses that moved
    written, in one statement, and each turn of the critical flag audited (``record_many``), put on the
    public map and escalated exactly as the one-project refresh does it. ``on`` is one day for all, or a
    day per project. Projects without a contract are skipped.
    """
    vetted = require_actor(actor)
    rows = {
        pk: (pemda_id, year, starts_on, tuple(current))
        for pk, pemda_id, year, starts_on, *current in Project.objects.filter(
            pk__in=project_ids, contract__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "pemda_id", "year", "contract__starts_on", *STATUS_FIELDS)
    }
    days = on if isinstance(on, dict) else dict.fromkeys(rows, on)
    inputs: dict[int, rules.ContractInput] = {}
    for day in sorted({days[pk] for pk in rows}):
        inputs |= rule_inputs([(pk, r[1], r[2]) for pk, r in rows.items() if days[pk] == day], day)
    moved: dict[int, tuple[object, ...]] = {}
    turned: dict[int, tuple[rules.Status, bool]] = {}
    results: dict[int, rules.Status] = {}
    stamp = timezone.now()
    for pk, (_pemda, _year, _start, current) in rows.items():
        result = results[pk] = rules.status(inputs[pk])
        values = _status_values(result, days[pk])
        if values != current:
            moved[pk] = (*values, stamp)
        was = bool(current[-1])
        if was != result.kritis:
            turned[pk] = (result, was)
    update_rows(Project, (*STATUS_FIELDS, "updated_at"), moved)
    for code in sorted({rows[pk][0] for pk in moved}):
        # The dashboards show every project's planned, actual and deviation.
        dashboard_changed(code)
    if turned:
        # Only the projects whose flag turned are read as objects: for the audit entry and the escalation.
        projects = list(Project.objects.filter(pk__in=list(turned)).select_related("pemda").order_by("pk"))
        for code in sorted({p.pemda_id for p in projects}):
            map_changed(code)
        audit.record_many(
            actor=vetted,
            changes=[
                audit.Change(
                    "project.critical" if turned[p.pk][0].kritis else "project.not_critical",
                    obj=p,
                    pemda_code=p.pemda_id,
                    before={"is_critical": turned[p.pk][1]},
                    after=status_snapshot(turned[p.pk][0], days[p.pk]),
                )
                for p in projects
            ],
        )
        for project in projects:
            if turned[project.pk][0].kritis:
                escalation.became_critical(vetted, project, days[project.pk])
    return results


def statuses_refresh_many(*, actor: MaybeActor, pemda: Pemda, on: date) -> tuple[int, int, int]:
    """Judge every contracted project of ``pemda`` on ``on``: (assessed, critical, changed flag).

    In chunks of :data:`REFRESH_CHUNK` projects, each chunk one transaction with its project rows locked
    (a report arriving meanwhile waits for its chunk, never for the whole regency), through
    :func:`refresh_statuses`; then the show-cause meetings whose target passed undecided are missed.
    """
    vetted = require_actor(actor)
    ids = list(
        Contract.objects.filter(pemda=pemda).order_by("project_id").values_list("project_id", flat=True)
    )
    units = dict(Project.objects.filter(pemda=pemda).values_list("pk", "unit_id"))
    for pk in ids:
        PROJECT.require(vetted, Place(pemda.code, unit_id=units[pk]), "manage")
    overdue = escalation.projects_with_overdue_meetings(pemda, on)
    assessed = critical = changed = 0
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        with transaction.atomic():
            was = dict(
                Project.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", "is_critical")
            )
            results = refresh_statuses(vetted, chunk, on)
            assessed += len(results)
            critical += sum(r.kritis for r in results.values())
            changed += sum(was[pk] != r.kritis for pk, r in results.items())
            late = [pk for pk in chunk if pk in overdue]
            for project in Project.objects.filter(pk__in=late).select_related("pemda").order_by("pk"):
                escalation.overdue_outcomes(vetted, project, on)
    return assessed, critical, changed
