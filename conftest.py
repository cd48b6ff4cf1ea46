"""Shared test fixtures: a small region list and the personas every scoped test uses.

Personas (house style): an officer of pemda A (Banyuwangi, 35.10) and of pemda B (Belitung Timur, 19.06,
the outsider), operators of desa X and desa Y in pemda A, an auditor of pemda A, and an anonymous citizen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from spbe.accounts.models import Pemda, PerangkatDaerah, Role, User, VillageGovernment
from spbe.accounts.services import membership_grant, pemda_create, unit_create, user_create
from spbe.regions.loader import load_regions

MINI_REGIONS = Path(__file__).resolve().parent / "spbe" / "regions" / "tests" / "data"
PASSWORD = "rahasia-yang-panjang-1"  # noqa: S105 (test fixture)
DESA_X = "35.10.02.2001"
DESA_Y = "35.10.03.2001"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_hasher(request, settings):
    """Argon2 costs ~0.2 s a password by design; tests that check hashing itself mark ``real_hasher``."""
    if request.node.get_closest_marker("real_hasher") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def regions(db):
    """Two provinces, four regencies and their first districts and villages (a few of each kind)."""
    return load_regions(MINI_REGIONS)


@dataclass
class World:
    pemda_a: Pemda
    pemda_b: Pemda
    officer_a: User
    officer_b: User
    operator_x: User
    operator_y: User
    auditor: User
    desa_x: VillageGovernment
    desa_y: VillageGovernment
    unit_a: PerangkatDaerah
    unit_b: PerangkatDaerah

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def make_user(username: str, pemda: Pemda | None = None) -> User:
    return user_create(
        actor=None, username=username, password=PASSWORD, full_name=username.title(), pemda=pemda
    )


@pytest.fixture
def world(regions) -> World:
    pemda_a = pemda_create(actor=None, region_code="35.10").pemda
    pemda_b = pemda_create(actor=None, region_code="19.06").pemda
    unit_a = unit_create(
        actor=None, pemda=pemda_a, code="1.03.0.00.0.00.02.0000", name="Dinas PU Bina Marga", kind="dinas"
    )
    unit_b = unit_create(
        actor=None, pemda=pemda_b, code="1.03.0.00.0.00.01.0000", name="Dinas PUPR", kind="dinas"
    )
    officer_a, officer_b = make_user("officer.a", pemda_a), make_user("officer.b", pemda_b)
    operator_x, operator_y = make_user("operator.x", pemda_a), make_user("operator.y", pemda_a)
    auditor = make_user("auditor.a", pemda_a)
    desa_x = VillageGovernment.objects.get(region_id=DESA_X)
    desa_y = VillageGovernment.objects.get(region_id=DESA_Y)
    membership_grant(actor=None, user=officer_a, pemda=pemda_a, role=Role.PEMDA_ADMIN)
    membership_grant(actor=None, user=officer_b, pemda=pemda_b, role=Role.PEMDA_ADMIN)
    membership_grant(actor=None, user=operator_x, pemda=pemda_a, role=Role.VILLAGE_OPERATOR, village=desa_x)
    membership_grant(actor=None, user=operator_y, pemda=pemda_a, role=Role.VILLAGE_OPERATOR, village=desa_y)
    membership_grant(actor=None, user=auditor, pemda=pemda_a, role=Role.AUDITOR)
    return World(
        pemda_a,
        pemda_b,
        officer_a,
        officer_b,
        operator_x,
        operator_y,
        auditor,
        desa_x,
        desa_y,
        unit_a,
        unit_b,
    )
