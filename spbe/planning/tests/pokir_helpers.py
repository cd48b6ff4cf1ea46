"""Builders for the pokir tests: DPRD members, the DPRD secretariat, and a valid pokir."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from conftest import grant, make_user
from spbe.accounts.models import Role, User
from spbe.planning.models import Proposal
from spbe.planning.pokir import Recess, pokir_create

RECESS = Recess(dapil="Banyuwangi 3", recess_date=date(2026, 10, 2), recess_place="Balai Desa", attendees=85)


@dataclass
class Dprd:
    member: User
    other_member: User
    secretariat: User
    secretariat_b: User


def dprd(world: Any) -> Dprd:
    a, b = world.pemda_a, world.pemda_b
    return Dprd(
        member=grant(make_user("dprd.satu", a), a, Role.DPRD_MEMBER),
        other_member=grant(make_user("dprd.dua", a), a, Role.DPRD_MEMBER),
        secretariat=grant(make_user("setwan.a", a), a, Role.DPRD_SECRETARIAT),
        secretariat_b=grant(make_user("setwan.b", b), b, Role.DPRD_SECRETARIAT),
    )


def new_pokir(world: Any, member: User, **fields: Any) -> Proposal:
    values: dict[str, Any] = {
        "village": world.desa_x,
        "year": 2028,
        "recess": RECESS,
        "title": "Pembangunan drainase Dusun Krajan",
        "problem": "Genangan setiap musim hujan",
        "volume": Decimal("200"),
        "unit_of_measure": "meter",
        "estimated_cost": Decimal("175000000.25"),
        "suggested_unit": world.unit_a,
        "beneficiaries": 300,
        "bidang": "1.03",
        "address": "Dusun Krajan RT 02",
    }
    values.update(fields)
    return pokir_create(actor=member, **values)
