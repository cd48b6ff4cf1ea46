"""Reads of e-monitoring: what the rule needs of a project, and what the public may see.

Public reads only ever return verified reports and the metadata-free copies of their photos; the private
originals, their EXIF positions and times, unverified and returned reports are not reachable from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core.errors import NotFound

from . import rules
from .models import (
    COUNTED_STATES,
    Addendum,
    Contract,
    PlanPoint,
    ProgressReport,
    Project,
    ReportPhoto,
    ReportState,
)


def rule_input(project: Project, on: date) -> rules.ContractInput | None:
    """The project as :func:`spbe.monitoring.rules.status` reads it on ``on``; None without a contract.

    Reports that count are submitted or verified ones (a returned report was refused), in date order and,
    on one date, in the order they were filed: the later one (a correction) counts.
    """
    contract = Contract.objects.filter(project=project).only("starts_on").first()
    if contract is None:
        return None
    plan = PlanPoint.objects.filter(project=project).order_by("on").values_list("on", "percent")
    reports = (
        ProgressReport.objects.filter(project=project, state__in=COUNTED_STATES)
        .order_by("reported_on", "pk")
        .values_list("reported_on", "percent")
    )
    return rules.ContractInput(
        key=str(project.pk),
        tahun=project.year,
        mulai=contract.starts_on,
        plan=tuple((day, Fraction(value)) for day, value in plan),
        reports=tuple((day, Fraction(value)) for day, value in reports),
        tanggal=on,
    )


@dataclass(frozen=True)
class PublicProject:
    project: Project
    contract: Contract | None
    addenda: list[Addendum]
    plan: list[PlanPoint]
    reports: list[ProgressReport]  # verified only, each with its photos prefetched as ``photos.all()``


def public_project(pk: int) -> PublicProject:
    """A project as the public sees it; NotFound if there is none (or its pemda is no longer active)."""
    project = (
        Project.objects.select_related("pemda", "unit", "village__region")
        .filter(pk=pk, pemda__is_active=True)
        .first()
    )
    if project is None:
        raise NotFound(_("Pekerjaan tidak ditemukan."))
    contract = Contract.objects.filter(project=project).first()
    reports = list(
        ProgressReport.objects.filter(project=project, state=ReportState.VERIFIED)
        .order_by("reported_on", "pk")
        .prefetch_related(Prefetch("photos", queryset=ReportPhoto.objects.order_by("pk")))
    )
    return PublicProject(
        project=project,
        contract=contract,
        addenda=list(Addendum.objects.filter(contract=contract).order_by("number")) if contract else [],
        plan=list(PlanPoint.objects.filter(project=project).order_by("on")),
        reports=reports,
    )


def public_pemda(code: str) -> Pemda:
    pemda = Pemda.objects.filter(code=code, is_active=True).first()
    if pemda is None:
        raise NotFound(_("Pemda dengan kode %(code)s tidak ada.") % {"code": code})
    return pemda


@dataclass(frozen=True)
class ProjectFilter:
    """The public filters of a pemda's projects: budget year, unit code, kecamatan (district region code)."""

    year: int | None = None
    unit: str = ""
    kecamatan: str = ""


def public_projects(pemda: Pemda, chosen: ProjectFilter) -> QuerySet[Project]:
    """Every project of ``pemda`` with its unit, contract and desa in one query.

    ``verified_percent`` is the latest verified report's % (None before any), kept on the project row
    (:func:`spbe.monitoring.speed.refresh_verified`): the public sees verified progress only, while
    ``actual_percent`` also counts reports still awaiting verification.
    """
    projects = (
        Project.objects.filter(pemda=pemda)
        .select_related("unit", "contract", "village__region")
        .order_by("year", "name", "pk")
    )
    if chosen.year is not None:
        projects = projects.filter(year=chosen.year)
    if chosen.unit:
        projects = projects.filter(unit__code=chosen.unit)
    if chosen.kecamatan:
        projects = projects.filter(village__kecamatan__district_id=chosen.kecamatan)
    return projects


def public_photo(project_pk: int, photo_pk: int) -> ReportPhoto:
    """A photo of a verified report of the project: its public copy may be served; else NotFound."""
    photo = ReportPhoto.objects.filter(
        pk=photo_pk,
        report__project_id=project_pk,
        report__state=ReportState.VERIFIED,
        pemda__is_active=True,
    ).first()
    if photo is None:
        raise NotFound(_("Foto tidak ditemukan."))
    return photo


def contracted_project_ids(pemda: Pemda) -> list[int]:
    """The projects of ``pemda`` that have a contract, so the rule can be applied to them."""
    return list(
        Contract.objects.filter(pemda=pemda).order_by("project_id").values_list("project_id", flat=True)
    )


@dataclass(frozen=True)
class StaffProject:
    contract: Contract | None
    plan: list[PlanPoint]
    reports: list[ProgressReport]  # every report, newest first, photos prefetched


def staff_project(project: Project) -> StaffProject:
    """What a project's page shows its staff: contract, curve and every report in any state."""
    return StaffProject(
        contract=Contract.objects.filter(project=project).first(),
        plan=list(PlanPoint.objects.filter(project=project).order_by("on")),
        reports=list(
            ProgressReport.objects.filter(project=project)
            .select_related("submitted_by", "verified_by")
            .prefetch_related(Prefetch("photos", queryset=ReportPhoto.objects.order_by("pk")))
            .order_by("-reported_on", "-pk")
        ),
    )


def report_photos(report: ProgressReport) -> list[ReportPhoto]:
    return list(ReportPhoto.objects.filter(report=report).order_by("pk"))
