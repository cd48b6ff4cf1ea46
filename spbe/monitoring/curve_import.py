"""The planned S-curve from a file (one project or many) or drawn from the contract's schedule.

Import: a CSV or XLSX read by :func:`spbe.core.tabular.read_table`, with columns ``tanggal,
rencana_kumulatif`` for one project, or ``kode_proyek, tanggal, rencana_kumulatif`` for many (``kode_proyek``
is the project's number as shown on its page, or its contract's OCID). Every row and every curve is checked
before anything is written: a date, a cumulative % from 0 to 100 with at most 2 decimals, a curve that never
goes down, is 0% up to the contract start and ends at 100%. Any error refuses the whole file, each as
``row N, column X: reason`` (the header is row 1). Then every curve is replaced in one transaction
(:func:`spbe.monitoring.services.write_plans`).

Schedule: points every week (7, 14, ... days after the start) or at each month's end, plus the contract's
end date, following a straight line or the standard S shape ``3t^2 - 2t^3`` of elapsed time ``t`` (slow
start, fast middle, slow finish). Values are exact fractions rounded once, half up, to 2 decimals; the end
date is exactly 100%.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.accounts.models import Pemda
from spbe.core.actors import MaybeActor, require_actor
from spbe.core.errors import Conflict, ImportFailed, RowError, SpbeError, ValidationFailed
from spbe.core.tabular import Column, ErrorCollector, read_table

from . import rules
from .access import PROJECT
from .models import Contract, PlanPoint, Project
from .services import check_plan_points, parse_percent, write_plans

SHAPES = {"s": gettext_lazy("Kurva S standar"), "linear": gettext_lazy("Garis lurus")}
STEPS = {"weekly": gettext_lazy("Mingguan"), "monthly": gettext_lazy("Bulanan")}
DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ]00:00(?::00)?)?"),
    re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"),
)
ONE_PROJECT = [Column("tanggal", max_length=30), Column("rencana_kumulatif", max_length=30)]
MANY_PROJECTS = [Column("kode_proyek", max_length=100), *ONE_PROJECT]
MAX_POINTS = 400  # weekly points of seven years: more is a mistake


def parse_day(text: str) -> dt.date:
    """``2027-03-31`` (also an XLSX date cell) or ``31/03/2027``; ValueError otherwise."""
    for pattern in DATE_PATTERNS:
        found = pattern.fullmatch(text.strip())
        if found:
            return dt.date(int(found["y"]), int(found["m"]), int(found["d"]))
    raise ValueError(text)


def _shape_value(shape: str, t: Fraction) -> Fraction:
    return 100 * t if shape == "linear" else 100 * (3 * t * t - 2 * t * t * t)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def schedule_points(
    starts_on: dt.date, ends_on: dt.date, *, shape: str, step: str
) -> list[tuple[dt.date, Decimal]]:
    """The planned curve from ``starts_on`` (0%) to ``ends_on`` (100%), weekly or at month ends."""
    if shape not in SHAPES:
        raise ValidationFailed(_("Bentuk kurva harus S standar atau garis lurus."), field="shape")
    if step not in STEPS:
        raise ValidationFailed(_("Jarak titik harus mingguan atau bulanan."), field="step")
    total = (ends_on - starts_on).days
    if total <= 0:
        raise ValidationFailed(_("Jadwal kontrak harus lebih dari satu hari."), field="ends_on")
    days: list[dt.date] = []
    if step == "weekly":
        day = starts_on + dt.timedelta(days=7)
        while day < ends_on:
            days.append(day)
            day += dt.timedelta(days=7)
    else:
        day = _month_end(starts_on)
        while day < ends_on:
            if day > starts_on:
                days.append(day)
            day = _month_end(day + dt.timedelta(days=1))
    days.append(ends_on)
    return [
        (day, Decimal(rules.two_decimals(_shape_value(shape, Fraction((day - starts_on).days, total)))))
        for day in days
    ]


def plan_from_schedule(*, actor: MaybeActor, project: Project, shape: str, step: str) -> list[PlanPoint]:
    """Draw the project's S-curve from its contract's current start and end dates."""
    PROJECT.require(actor, project.place(), "manage")
    contract = Contract.objects.filter(project=project).first()
    if contract is None:
        raise Conflict(_("Catat kontrak pekerjaan ini dulu: kurva S dimulai dari tanggal mulai kontrak."))
    points = schedule_points(contract.starts_on, contract.ends_on, shape=shape, step=step)
    parsed = check_plan_points(contract.starts_on, points)
    return write_plans(actor=actor, plans={project: parsed}, source=f"schedule:{shape}:{step}")[project.pk]


def _read_rows(
    path: Path, columns: list[Column], errors: ErrorCollector
) -> list[tuple[int, str, dt.date, Decimal]]:
    """Each row as (row number, project key, date, %), every bad cell collected as a RowError."""
    table = read_table(path, columns)
    out: list[tuple[int, str, dt.date, Decimal]] = []
    for row in table:
        key = row.values.get("kode_proyek", "").strip()
        ok = True
        if "kode_proyek" in row.values and not key:
            errors.add(RowError(row.row, _("kode proyek kosong"), "kode_proyek", path.name))
            ok = False
        try:
            day = parse_day(row.values["tanggal"])
        except ValueError:
            errors.add(
                RowError(row.row, _("bukan tanggal (tulis 2027-03-31 atau 31/03/2027)"), "tanggal", path.name)
            )
            ok = False
        try:
            percent = parse_percent(row.values["rencana_kumulatif"], field="rencana_kumulatif")
        except ValidationFailed as error:
            errors.add(RowError(row.row, error.message, "rencana_kumulatif", path.name))
            ok = False
        if ok:
            out.append((row.row, key, day, percent))
    return out


def _check_curves(
    path: Path,
    grouped: dict[Project, list[tuple[int, dt.date, Decimal]]],
    starts: dict[int, dt.date],
    errors: ErrorCollector,
) -> dict[Project, list[tuple[dt.date, Decimal]]]:
    plans: dict[Project, list[tuple[dt.date, Decimal]]] = {}
    for project, rows in grouped.items():
        rows.sort(key=lambda r: (r[1], r[0]))
        if len(rows) > MAX_POINTS:
            errors.add(
                RowError(
                    rows[MAX_POINTS][0], _("lebih dari %(n)d titik") % {"n": MAX_POINTS}, "tanggal", path.name
                )
            )
            continue
        try:
            plans[project] = check_plan_points(starts[project.pk], [(day, value) for _n, day, value in rows])
        except rules.PlanError as error:
            number = rows[error.index][0]
            column = "tanggal" if error.on_date else "rencana_kumulatif"
            errors.add(RowError(number, str(error), column, path.name))
    return plans


def plan_import(*, actor: MaybeActor, project: Project, path: Path | str) -> list[PlanPoint]:
    """Replace one project's curve from a file of ``tanggal, rencana_kumulatif``."""
    PROJECT.require(actor, project.place(), "manage")
    path = Path(path)
    contract = Contract.objects.filter(project=project).first()
    if contract is None:
        raise Conflict(_("Catat kontrak pekerjaan ini dulu: kurva S dimulai dari tanggal mulai kontrak."))
    errors = ErrorCollector()
    rows = _read_rows(path, ONE_PROJECT, errors)
    plans = {}
    if not errors:
        if not rows:
            errors.add(RowError(2, _("tidak ada titik kurva S"), "tanggal", path.name))
        else:
            grouped = {project: [(n, day, value) for n, _key, day, value in rows]}
            plans = _check_curves(path, grouped, {project.pk: contract.starts_on}, errors)
    if errors:
        raise errors.failure(
            _("Kurva S tidak diimpor: perbaiki berkas %(file)s lalu ulangi.") % {"file": path.name}
        )
    return write_plans(actor=actor, plans=plans, source="import")[project.pk]


def plans_import(*, actor: MaybeActor, pemda: Pemda, path: Path | str) -> dict[int, list[PlanPoint]]:
    """Replace the curves of many projects from a file of ``kode_proyek, tanggal, rencana_kumulatif``.

    A project the actor may not manage is reported as not found, like any unknown code.
    """
    vetted = require_actor(actor)
    path = Path(path)
    errors = ErrorCollector()
    rows = _read_rows(path, MANY_PROJECTS, errors)
    keys = {key for _n, key, _d, _v in rows}
    numbers = {int(k) for k in keys if k.isdigit()}
    found = list(Project.objects.filter(pemda=pemda, pk__in=numbers).select_related("pemda")) + list(
        Project.objects.filter(
            pemda=pemda, contract__ocid__in=keys - {str(n) for n in numbers}
        ).select_related("pemda")
    )
    contracts = dict(Contract.objects.filter(project__in=found).values_list("project_id", "starts_on"))
    by_key: dict[str, Project] = {}
    ocids = dict(Contract.objects.filter(project__in=found).values_list("project_id", "ocid"))
    for candidate in found:
        if not PROJECT.can(vetted, candidate.place()).view:
            continue
        by_key[str(candidate.pk)] = candidate
        if candidate.pk in ocids:
            by_key[ocids[candidate.pk]] = candidate
    grouped: dict[Project, list[tuple[int, dt.date, Decimal]]] = defaultdict(list)
    for number, key, day, value in rows:
        project = by_key.get(key)
        if project is None:
            errors.add(
                RowError(
                    number, _("pekerjaan %(key)s tidak ditemukan") % {"key": key}, "kode_proyek", path.name
                )
            )
        elif not PROJECT.can(vetted, project.place()).manage:
            errors.add(
                RowError(
                    number, _("Anda tidak berwenang mengubah kurva S pekerjaan ini"), "kode_proyek", path.name
                )
            )
        elif project.pk not in contracts:
            errors.add(RowError(number, _("pekerjaan ini belum memiliki kontrak"), "kode_proyek", path.name))
        else:
            grouped[project].append((number, day, value))
    if not rows and not errors:
        errors.add(RowError(2, _("tidak ada titik kurva S"), "kode_proyek", path.name))
    plans = _check_curves(path, grouped, contracts, errors)
    if errors:
        raise errors.failure(
            _("Kurva S tidak diimpor: perbaiki berkas %(file)s lalu ulangi.") % {"file": path.name}
        )
    return write_plans(actor=vetted, plans=plans, source="import")


def import_failure_lines(error: SpbeError) -> list[str]:
    """The message and its ``row N, column X: reason`` lines, for pages and commands."""
    if isinstance(error, ImportFailed):
        return [error.message, *(e.contract_line() for e in error.errors)]
    return [error.message]
