"""Who may see and do what to a project, its contract and its progress reports.

Everything of a project lives at its perangkat daerah (:meth:`Project.place`): the field supervisors and
the agency's operators and head *of that unit* work on it; Bappeda's evaluation team and the auditor read
every unit's projects. Anyone else (another unit's officers, a camat, a desa, another pemda) gets 404, as
if the project did not exist. Reports are submitted by field supervisors and checked by a supervisor or
the agency head who did not submit them (maker-checker in :data:`spbe.monitoring.workflow.REPORT_FLOW`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from spbe.accounts.access import Can, Place, Policy, object_for_user, scope_in
from spbe.accounts.models import PEMDA_ROLES, Pemda, Role
from spbe.core.actors import MaybeActor, is_system

from .models import ProgressReport, Project, ReportPhoto

AGENCY = {Role.AGENCY_OPERATOR, Role.AGENCY_HEAD}

DESA_OFFICIALS = {Role.KEPALA_DESA, Role.VILLAGE_SECRETARY, Role.VILLAGE_EXECUTOR, Role.VILLAGE_OPERATOR}

#: A village works package (a project of a desa's APBDes kegiatan, no unit): the desa's own officials run
#: it, its executor (Kasi/Kaur pelaksana kegiatan) reports from the field and the Kades or Sekdes verify;
#: the camat of its kecamatan and DPMD read it (with Bappeda and the auditor), as they read the APBDes.
VILLAGE_WORKS = Policy(
    view={
        *DESA_OFFICIALS,
        Role.VILLAGE_TREASURER,
        Role.BPD_MEMBER,
        Role.CAMAT,
        Role.DPMD,
        Role.BAPPEDA_PLANNER,
        Role.AUDITOR,
    },
    manage={Role.KEPALA_DESA, Role.VILLAGE_OPERATOR},
    report={Role.VILLAGE_EXECUTOR},
    verify={Role.KEPALA_DESA, Role.VILLAGE_SECRETARY},
    view_originals={*DESA_OFFICIALS, Role.CAMAT, Role.DPMD, Role.AUDITOR},
)


class ProjectPolicy(Policy):
    """The unit's policy for a regency project, :data:`VILLAGE_WORKS` for a package at a desa.

    A project's place tells them apart (:meth:`Project.place`: a village works package has a desa and no
    unit), so every check of the module, written against ``PROJECT``, judges both kinds.
    """

    def can(self, user: MaybeActor, place: Place) -> Can:
        if place.unit_id is None and place.village_id is not None:
            return VILLAGE_WORKS.can(user, place)
        return super().can(user, place)


PROJECT = ProjectPolicy(
    view={Role.FIELD_SUPERVISOR, *AGENCY, Role.BAPPEDA_PLANNER, Role.AUDITOR},
    # Projects, contracts, addenda and S-curves are the agency's data.
    manage=AGENCY,
    # Progress from the field.
    report={Role.FIELD_SUPERVISOR},
    verify={Role.FIELD_SUPERVISOR, Role.AGENCY_HEAD},
    # Looking at the originals, with their position and time: the record, not for publication.
    view_originals={Role.FIELD_SUPERVISOR, *AGENCY, Role.AUDITOR},
)


def project_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[Project, Can]:
    """A project for staff: NotFound outside the user's scope (as if it did not exist)."""
    queryset = Project.objects.select_related("unit", "village")
    return object_for_user(user, queryset, PROJECT, pemda_code=pemda_code, pk=pk)


def report_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[ProgressReport, Can]:
    """A progress report, judged at its project's unit."""
    queryset = ProgressReport.objects.select_related("project")
    return object_for_user(user, queryset, PROJECT, pemda_code=pemda_code, pk=pk)


def projects_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[Project]:
    """The projects of ``pemda`` the user may see: every unit's for the evaluators, else their own units'."""
    scope = scope_in(user, pemda)
    viewers = PROJECT.capabilities["view"]
    projects = Project.objects.filter(pemda=pemda).select_related("unit")
    if is_system(user) or any(g.role in viewers and g.role in PEMDA_ROLES for g in scope.grants):
        return projects
    units = {g.unit_id for g in scope.grants if g.role in viewers and g.unit_id is not None}
    return projects.filter(unit_id__in=units, unit__isnull=False)


def photo_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[ReportPhoto, Can]:
    """A report's photo for staff, judged at its project's unit (NotFound outside)."""
    photo, can = object_for_user(
        user,
        ReportPhoto.objects.select_related("report__project"),
        PROJECT,
        pemda_code=pemda_code,
        pk=pk,
    )
    return photo, can
