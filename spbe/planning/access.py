"""Who may do what to a proposal, stage by stage; every role counts only at the proposal's own place.

A proposal's place (:meth:`Proposal.place`) is its desa or kelurahan, their kecamatan office and the agency
it is routed to, so each stage's capability reaches exactly one circle of people: the desa/kelurahan forum
is the village operator or kades *of that desa*, or the kelurahan operator or lurah *of that kelurahan*,
the kecamatan forum the camat *of its kecamatan* (desa and kelurahan proposals alike), agency
verification the operator or head *of the suggested unit*, then Bappeda planners, then the Musrenbang
kabupaten (Bappeda or TAPD, never whoever decided at Bappeda: see ``bappeda_by`` in the workflow).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.access import Can, Place, Policy, get_pemda_for_user, object_for_user, scope_in
from spbe.accounts.models import KELURAHAN_ROLES, PEMDA_ROLES, VILLAGE_ROLES, Pemda, PerangkatDaerah, Role
from spbe.core.actors import MaybeActor, is_system
from spbe.core.errors import NotFound

from .models import Proposal, Stage

VILLAGE = {Role.VILLAGE_OPERATOR, Role.KEPALA_DESA}
KELURAHAN = {Role.KELURAHAN_OPERATOR, Role.LURAH}
AGENCY = {Role.AGENCY_OPERATOR, Role.AGENCY_HEAD}

PROPOSAL = Policy(
    view={
        *VILLAGE,
        *KELURAHAN,
        Role.CAMAT,
        *AGENCY,
        Role.BAPPEDA_PLANNER,
        Role.TAPD,
        Role.DPRD_MEMBER,
        Role.AUDITOR,
    },
    # Entering a proposal, by source: a desa's or kelurahan's Musrenbang, a DPRD member's pokir, an
    # agency's Renja.
    propose_musrenbang={*VILLAGE, *KELURAHAN},
    propose_pokir={Role.DPRD_MEMBER},
    propose_renja=AGENCY,
    # Deciding at each stage (forward, reject, defer; accept at the Musrenbang kabupaten). The first
    # forum is the desa's or the kelurahan's: each counts only at its own place.
    decide_desa={*VILLAGE, *KELURAHAN},
    decide_kecamatan={Role.CAMAT},
    decide_agency=AGENCY,
    decide_bappeda={Role.BAPPEDA_PLANNER},
    decide_kabupaten={Role.BAPPEDA_PLANNER, Role.TAPD},
)

#: The capability that decides at each stage where a proposal waits for a decision.
STAGE_CAPABILITY: dict[str, str] = {
    Stage.DESA: "decide_desa",
    Stage.KECAMATAN: "decide_kecamatan",
    Stage.AGENCY: "decide_agency",
    Stage.BAPPEDA: "decide_bappeda",
    Stage.KABUPATEN: "decide_kabupaten",
}


def proposal_for_user(user: MaybeActor, pemda_code: str, public_id: str) -> tuple[Proposal, Can]:
    """A proposal with its proposer, for staff: NotFound outside the user's scope (as if it did not exist)."""
    queryset = Proposal.objects.select_related("village", "kelurahan", "region", "proposer", "suggested_unit")
    return object_for_user(user, queryset, PROPOSAL, pemda_code=pemda_code, public_id=public_id)


#: A pemda's planning year as a whole: its stage calendar, kecamatan quota and ranking weights.
PLANNING = Policy(
    view={Role.BAPPEDA_PLANNER, Role.TAPD, Role.AUDITOR},
    configure={Role.BAPPEDA_PLANNER},
)


def kecamatan_for_user(user: MaybeActor, pemda_code: str, district_code: str) -> tuple[PerangkatDaerah, Can]:
    """A kecamatan office (by its region code, ``35.10.02``) whose forum's proposals the user may see.

    NotFound outside the user's scope: the camat of another kecamatan, a desa or agency officer, another
    pemda's officer. Pemda-wide planning roles (Bappeda, TAPD, DPRD, auditor) see every kecamatan.
    """
    pemda = get_pemda_for_user(user, pemda_code)
    unit = PerangkatDaerah.objects.filter(
        pemda=pemda, kind=PerangkatDaerah.Kind.KECAMATAN, district_id=district_code
    ).first()
    if unit is None:
        raise NotFound(_("Data tidak ditemukan."))
    can = PROPOSAL.can(user, Place.of_unit(unit))
    if not can.view:
        raise NotFound(_("Data tidak ditemukan."))
    return unit, can


def proposals_for_user(user: MaybeActor, pemda: Pemda) -> QuerySet[Proposal]:
    """The proposals of ``pemda`` the user may see, as one query: the list version of ``proposal_for_user``.

    Follows :class:`~spbe.accounts.access.Grant.covers` for the ``view`` roles of :data:`PROPOSAL`: a
    pemda-wide planning role sees all; a village role its own desa; a kelurahan role its own kelurahan; a
    camat the desa and kelurahan of its kecamatan (the denormalised ``kecamatan`` column, no join); an
    agency officer the proposals routed to its unit. Anyone else (a pemda admin, the platform operator)
    sees none. NotFound for a user with no place in ``pemda``.
    """
    scope = scope_in(user, pemda)
    proposals = Proposal.objects.filter(pemda=pemda)
    if is_system(user):
        return proposals
    viewers = PROPOSAL.capabilities["view"]
    wanted = Q(pk__in=[])
    for grant in scope.grants:
        if grant.role not in viewers:
            continue
        if grant.role in PEMDA_ROLES:
            return proposals
        if grant.role in VILLAGE_ROLES:
            wanted |= Q(village_id=grant.village_id)
        elif grant.role == Role.CAMAT:
            wanted |= Q(kecamatan_id=grant.unit_id) | Q(suggested_unit_id=grant.unit_id)
        elif grant.role in KELURAHAN_ROLES:
            wanted |= Q(kelurahan_id=grant.unit_id) | Q(suggested_unit_id=grant.unit_id)
        else:
            wanted |= Q(suggested_unit_id=grant.unit_id)
    return proposals.filter(wanted)
