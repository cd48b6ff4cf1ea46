"""A lounge with counters of two agencies, and the officers who work them, for the queue tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import TESTS, grant, make_user
from spbe.accounts.models import Role, User
from spbe.lounge.models import Counter, Lounge, Service
from spbe.lounge.queues import counter_create, lounge_create, lounge_offer


@dataclass
class Mall:
    lounge: Lounge
    izin: Service  # unit A, prefix A
    reklame: Service  # unit A, prefix A too: one numbering for the group
    ijazah: Service  # unit A2, prefix B
    loket_pu: Counter
    loket_pu2: Counter
    loket_dik: Counter
    officer_pu: User  # counter officer of unit A
    officer_dik: User  # counter officer of unit A2
    manager: User  # service-mall manager of pemda A


def build_mall(world) -> Mall:
    a = world.pemda_a
    izin = Service.objects.create(
        pemda=a, unit=world.unit_a, kode_layanan="PU-01", nama="Izin Galian", search_text="pu-01 izin galian"
    )
    reklame = Service.objects.create(
        pemda=a,
        unit=world.unit_a,
        kode_layanan="PU-02",
        nama="Izin Reklame",
        search_text="pu-02 izin reklame",
    )
    ijazah = Service.objects.create(
        pemda=a,
        unit=world.unit_a2,
        kode_layanan="DIK-01",
        nama="Legalisir Ijazah",
        search_text="dik-01 legalisir ijazah",
    )
    lounge = lounge_create(actor=TESTS, pemda=a, code="mpp", name="Mal Pelayanan Publik")
    lounge_offer(actor=TESTS, lounge=lounge, service=izin, prefix="A")
    lounge_offer(actor=TESTS, lounge=lounge, service=reklame, prefix="A")
    lounge_offer(actor=TESTS, lounge=lounge, service=ijazah, prefix="B")
    return Mall(
        lounge=lounge,
        izin=izin,
        reklame=reklame,
        ijazah=ijazah,
        loket_pu=counter_create(
            actor=TESTS, lounge=lounge, unit=world.unit_a, name="Loket 1", services=[izin, reklame]
        ),
        loket_pu2=counter_create(
            actor=TESTS, lounge=lounge, unit=world.unit_a, name="Loket 2", services=[izin]
        ),
        loket_dik=counter_create(
            actor=TESTS, lounge=lounge, unit=world.unit_a2, name="Loket 3", services=[ijazah]
        ),
        officer_pu=grant(make_user("loket.pu", a), a, Role.COUNTER_OFFICER, unit=world.unit_a),
        officer_dik=grant(make_user("loket.dik", a), a, Role.COUNTER_OFFICER, unit=world.unit_a2),
        manager=grant(make_user("mpp.a", a), a, Role.SERVICE_MANAGER),
    )


@pytest.fixture
def mall(world) -> Mall:
    return build_mall(world)
