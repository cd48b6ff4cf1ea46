"""Who may see, simulate and adopt transfer scenarios: DPMD staff and the pemda admin, pemda-wide.

Transfers to desa are the regency's decision, prepared by the DPMD: no agency, camat or village role sees
the scenarios (a desa learns its amount from the adopted allocation in its APBDes). Outsiders, and members
of the pemda without a transfer role, get NotFound, as if there were nothing there.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from spbe.accounts.access import Can, Place, Policy, get_pemda_for_user, object_for_user
from spbe.accounts.models import Pemda, Role
from spbe.core.actors import MaybeActor
from spbe.core.errors import NotFound

from .models_transfers import TransferScenario

TRANSFER_STAFF = {Role.DPMD, Role.PEMDA_ADMIN}

TRANSFER = Policy(
    view=TRANSFER_STAFF,
    simulate=TRANSFER_STAFF,
    adopt=TRANSFER_STAFF,
)


def transfers_for_user(user: MaybeActor, pemda_code: str) -> tuple[Pemda, Can]:
    """The pemda whose transfer scenarios the user may see, with what the user may do; else NotFound."""
    pemda = get_pemda_for_user(user, pemda_code)
    can = TRANSFER.can(user, Place.of_pemda(pemda))
    if not can.view:
        raise NotFound(_("Data tidak ditemukan."))
    return pemda, can


def scenario_for_user(user: MaybeActor, pemda_code: str, pk: int) -> tuple[TransferScenario, Can]:
    """One scenario of the pemda for transfer staff; NotFound for anyone else or another pemda's."""
    return object_for_user(
        user, TransferScenario.objects.select_related("pemda"), TRANSFER, pemda_code=pemda_code, pk=pk
    )
