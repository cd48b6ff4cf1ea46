"""Who may see and act on disbursement stages and realisation reports, and over which desa.

DPMD configures stages, releases them and receives reports for the whole pemda (with the pemda admin and
the auditor reading along); the camat sees and receives the reports of the desa of the kecamatan; a desa's
officers see their own desa, submit its reports and record which kegiatan are finished. Everyone else,
an officer of another desa or a pemda member without one of these roles, gets 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spbe.accounts.access import Can, Place, Policy, get_pemda_for_user, get_village_for_user, scope_in
from spbe.accounts.access import villages_for_user as scoped_villages
from spbe.accounts.models import Pemda, Role, VillageGovernment
from spbe.core.actors import MaybeActor, is_system
from spbe.core.errors import NotFound

from .access import VILLAGE_OFFICERS

STAGE_STAFF = {Role.DPMD, Role.PEMDA_ADMIN, Role.AUDITOR}

STAGES = Policy(
    view={*STAGE_STAFF, Role.CAMAT, *VILLAGE_OFFICERS},
    configure={Role.DPMD},
    release={Role.DPMD},
    submit_report={Role.KEPALA_DESA, Role.VILLAGE_SECRETARY, Role.VILLAGE_OPERATOR},
    camat_receive={Role.CAMAT},
    receive={Role.DPMD},
    return_report={Role.CAMAT, Role.DPMD},
    record_completion={
        Role.KEPALA_DESA,
        Role.VILLAGE_SECRETARY,
        Role.VILLAGE_EXECUTOR,
        Role.VILLAGE_OPERATOR,
    },
)
VIEW_ROLES = STAGES.capabilities["view"]


def stages_for_user(user: MaybeActor, pemda_code: str) -> tuple[Pemda, QuerySet[VillageGovernment], Can]:
    """The pemda, the desa whose stages and reports the user may see, and what the user may do pemda-wide.

    NotFound for an outsider and for a member of the pemda holding none of the roles of :data:`STAGES`.
    """
    pemda = get_pemda_for_user(user, pemda_code)
    if not is_system(user) and not (scope_in(user, pemda).roles & VIEW_ROLES):
        raise NotFound(_("Data tidak ditemukan."))
    villages = scoped_villages(user, pemda).select_related("region", "kecamatan").order_by("region_id")
    return pemda, villages, STAGES.can(user, Place.of_pemda(pemda))


def village_for_user(user: MaybeActor, pemda_code: str, kode_desa: str) -> tuple[VillageGovernment, Can]:
    """One desa the user may see the stages and reports of, with what the user may do there."""
    pemda, _villages, _can = stages_for_user(user, pemda_code)
    village = get_village_for_user(user, pemda, kode_desa)
    can = STAGES.can(user, Place.of_village(village))
    if not can.view:
        raise NotFound(_("Desa tidak ditemukan."))
    return village, can
