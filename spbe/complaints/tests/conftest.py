"""Personas of the complaint tests that the shared world lacks, and a complaint to work on."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import grant, make_user
from spbe.accounts.models import Role
from spbe.complaints.models import Channel, Complaint
from spbe.complaints.services import ComplainantData, complaint_submit
from spbe.core.actors import system

PERSONAL = ComplainantData(
    name="Budi Santoso", nik="3510012345670001", phone="0812-3456-7890", email="budi.santoso@contoh.id"
)
WEB = system("pengaduan-web")


def submit(world: Any, **fields: Any) -> Complaint:
    values: dict[str, Any] = {
        "actor": WEB,
        "pemda": world.pemda_a,
        "channel": Channel.WEB,
        "subject": "Jalan berlubang di Krajan",
        "description": "Lubang besar di depan balai desa sejak bulan lalu.",
        "location": "Dusun Krajan",
        "complainant": PERSONAL,
    }
    values.update(fields)
    return complaint_submit(**values)


@pytest.fixture
def people(world):
    a = world.pemda_a
    world.complaint_officer = grant(make_user("pengaduan.a", a), a, Role.COMPLAINT_OFFICER)
    world.service_manager = grant(make_user("mpp.a", a), a, Role.SERVICE_MANAGER)
    world.counter_a = grant(make_user("loket.a", a), a, Role.COUNTER_OFFICER, unit=world.unit_a)
    world.officer_b_complaints = grant(
        make_user("pengaduan.b", world.pemda_b), world.pemda_b, Role.COMPLAINT_OFFICER
    )
    return world
