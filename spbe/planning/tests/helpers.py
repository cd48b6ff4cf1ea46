"""Shared builders for the planning tests: a valid proposal and the planners the world lacks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.planning.models import Proposal
from spbe.planning.services import ProposerData, proposal_create

PERSONAL = ProposerData(
    name="Siti Rahmawati", nik="3510012345678901", phone="081234567890", email="siti@contoh.id"
)


def new_proposal(world: Any, actor: Any = "operator_x", **fields: Any) -> Proposal:
    values: dict[str, Any] = {
        "village": world.desa_x,
        "year": 2028,
        "source": "musrenbang",
        "title": "Rehab jalan dusun Krajan",
        "problem": "Jalan rusak saat hujan",
        "volume": Decimal("350"),
        "unit_of_measure": "meter",
        "estimated_cost": Decimal("250000000.50"),
        "suggested_unit": world.unit_a,
        "beneficiaries": 420,
        "community_contribution": Decimal("5000000"),
        "latitude": Decimal("-8.512345"),
        "longitude": Decimal("114.123456"),
        "proposer": PERSONAL,
    }
    values.update(fields)
    return proposal_create(actor=world.operator_x if actor == "operator_x" else actor, **values)


def planners(world: Any) -> tuple[Any, Any]:
    """Two Bappeda planners of pemda A (maker-checker between Bappeda and the Musrenbang kabupaten)."""
    a = world.pemda_a
    return (
        grant(make_user("planner.one", a), a, Role.BAPPEDA_PLANNER),
        grant(make_user("planner.two", a), a, Role.BAPPEDA_PLANNER),
    )
