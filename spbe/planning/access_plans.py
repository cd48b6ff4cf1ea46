"""Who may read and write the plans: Bappeda writes the regency's (RPJMD, RKPD), an agency its own (Renstra,
Renja); TAPD, the auditor and DPRD read everything; agency officers also read the regency's plans, which
their own follow. Anyone else (another pemda, a desa or kecamatan officer) gets 404, as if nothing existed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.access import Can, Place, Policy, get_pemda_for_user, scope_in
from spbe.accounts.models import PEMDA_ROLES, Pemda, Role
from spbe.core.actors import MaybeActor, is_system
from spbe.core.errors import NotFound

from .models_plans import AGENCY_KINDS, Plan

AGENCY = {Role.AGENCY_OPERATOR, Role.AGENCY_HEAD}
READERS = {Role.BAPPEDA_PLANNER, Role.TAPD, Role.AUDITOR, Role.DPRD_MEMBER, Role.DPRD_SECRETARIAT}

PLAN = Policy(
    view={*READERS, *AGENCY},
    # The regency's own plans, counted at the pemda.
    edit_regional={Role.BAPPEDA_PLANNER},
    adopt_regional={Role.BAPPEDA_PLANNER},
    # An agency's plans, counted at its unit: the operator drafts, the head adopts.
    edit_agency=AGENCY,
    adopt_agency={Role.AGENCY_HEAD},
)


def capability(kind: str, verb: str) -> str:
    """``edit``/``adopt`` for ``kind``: ``edit_agency`` for a Renja, ``edit_regional`` for an RKPD."""
    return f"{verb}_{'agency' if kind in AGENCY_KINDS else 'regional'}"


def _with_agency_reading(user: MaybeActor, plan: Plan, can: Can) -> Can:
    """An agency officer reads the regency's plans (its own follow them) though no unit of theirs owns it."""
    if can.view or plan.kind in AGENCY_KINDS or is_system(user):
        return can
    if scope_in(user, plan.pemda_id).roles & AGENCY:
        return Can(can.granted | {"view"}, can.known)
    return can


def plan_can(user: MaybeActor, plan: Plan) -> Can:
    return _with_agency_reading(user, plan, PLAN.can(user, plan.place()))


def plan_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[Plan, Can]:
    """One plan for a reader: NotFound outside the user's scope (another pemda, another agency's Renja)."""
    pemda = get_pemda_for_user(user, pemda_code)
    plan = Plan.objects.select_related("unit", "parent").filter(pemda=pemda, pk=pk).first()
    if plan is None:
        raise NotFound(_("Data tidak ditemukan."))
    can = plan_can(user, plan)
    if not can.view:
        raise NotFound(_("Data tidak ditemukan."))
    return plan, can


def plans_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[Plan]:
    """The plans of ``pemda`` the user may read, as one query: the list version of :func:`plan_for_user`.

    NotFound for a user who may read none at all (a desa operator, a camat, another pemda's officer), so
    the list page answers like any other scoped page outside its readers.
    """
    plans = Plan.objects.filter(pemda=pemda).select_related("unit")
    if is_system(user):
        return plans
    scope = scope_in(user, pemda)
    readers = PLAN.capabilities["view"]
    wanted = Q(pk__in=[])
    found = False
    for grant in scope.grants:
        if grant.role not in readers:
            continue
        found = True
        if grant.role in PEMDA_ROLES:
            return plans
        wanted |= Q(unit_id=grant.unit_id) | Q(unit__isnull=True)
    if not found:
        raise NotFound(_("Data tidak ditemukan."))
    return plans.filter(wanted)


def units_editable_by(user: MaybeActor, pemda: Pemda, kind: str) -> list[int] | None:
    """The units whose plan of ``kind`` the user may write (None: every unit, for a system actor)."""
    if is_system(user):
        return None
    scope = scope_in(user, pemda)
    wanted = PLAN.capabilities[capability(kind, "edit")]
    return sorted({g.unit_id for g in scope.grants if g.role in wanted and g.unit_id is not None})


def regional_can(user: MaybeActor, pemda: Pemda) -> Can:
    """What the user may do with the regency's plans of ``pemda`` before any exists (create, import)."""
    return PLAN.can(user, Place(pemda.code))
