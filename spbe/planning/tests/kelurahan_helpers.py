"""Kelurahan for the planning tests: the tests' region list has none in Banyuwangi, so add two here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conftest import TESTS, grant, make_user
from spbe.accounts.kelurahan import kelurahan_offices_ensure
from spbe.accounts.models import PerangkatDaerah, Role, User
from spbe.regions.models import Region

KEL_X = "35.10.02.1001"  # in Bangorejo, the kecamatan of desa X
KEL_Y = "35.10.03.1001"  # in Purwoharjo, the kecamatan of desa Y


@dataclass
class Kelurahan:
    office_x: PerangkatDaerah
    office_y: PerangkatDaerah
    lurah_x: User
    operator_x: User
    operator_y: User


def add_kelurahan(world: Any) -> Kelurahan:
    for code, name in ((KEL_X, "Kebonrejo"), (KEL_Y, "Sumbersari")):
        Region.objects.create(
            code=code, name=name, level=Region.Level.VILLAGE, kind=Region.Kind.KELURAHAN, parent_id=code[:8]
        )
    added = {o.kelurahan_id: o for o in kelurahan_offices_ensure(actor=TESTS, pemda=world.pemda_a)}
    a = world.pemda_a
    x, y = added[KEL_X], added[KEL_Y]
    return Kelurahan(
        office_x=x,
        office_y=y,
        lurah_x=grant(make_user("lurah.x", a), a, Role.LURAH, unit=x),
        operator_x=grant(make_user("operator.kel.x", a), a, Role.KELURAHAN_OPERATOR, unit=x),
        operator_y=grant(make_user("operator.kel.y", a), a, Role.KELURAHAN_OPERATOR, unit=y),
    )
