"""Who may see and change a desa's APBDes; every village role counts only in its own desa.

A desa's officers see and work on their own desa's budget, the camat sees (and later evaluates) the desa of
the kecamatan, DPMD and the auditor see every desa of the pemda. Anyone else, an officer of another desa
included, gets 404 as if the budget did not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from spbe.accounts.access import Can, Policy, object_for_user
from spbe.accounts.models import Role
from spbe.core.actors import MaybeActor

from .models import Apbdes

VILLAGE_OFFICERS = {
    Role.VILLAGE_OPERATOR,
    Role.KEPALA_DESA,
    Role.VILLAGE_SECRETARY,
    Role.VILLAGE_TREASURER,
    Role.VILLAGE_EXECUTOR,
    Role.BPD_MEMBER,
}

APBDES = Policy(
    view={*VILLAGE_OFFICERS, Role.CAMAT, Role.DPMD, Role.AUDITOR, Role.PEMDA_ADMIN},
    # Drafting lines: the operator and the sekretaris desa who prepares the draft (Permendagri 20/2018).
    edit={Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY},
    # The BPD agrees on the draft with the Kades; the camat evaluates it; the Kades sends and adopts it.
    agree={Role.BPD_MEMBER},
    evaluate={Role.CAMAT},
    adopt={Role.KEPALA_DESA},
    import_siskeudes={Role.DPMD},
)


def apbdes_queryset() -> QuerySet[Apbdes]:
    return Apbdes.objects.select_related("village", "village__kecamatan", "village__region")


def apbdes_for_user(
    user: MaybeActor, pemda_code: str, kode_desa: str, year: int, number: int | None = None
) -> tuple[Apbdes, Can]:
    """The APBDes of a desa and year (its latest version, or version ``number``) with what the user may
    do to it; NotFound when it does not exist or lies outside the user's scope."""
    rows = apbdes_queryset().order_by("-number")
    lookup: dict[str, object] = {"village__region_id": kode_desa, "year": year}
    if number is not None:
        lookup["number"] = number
    return object_for_user(user, rows, APBDES, pemda_code=pemda_code, **lookup)
