from __future__ import annotations

import pytest
from django.test import Client

from spbe.accounts.demo import BANYUWANGI_UNITS, DEMO_PASSWORD, DEMO_USERS, seed_banyuwangi
from spbe.accounts.models import Membership, PerangkatDaerah, Role, User

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_user_for_every_role_and_is_safe_to_seed_twice(regions):
    seed_banyuwangi()
    seeded = seed_banyuwangi()
    assert {d.role for d in DEMO_USERS} == set(Role.values)
    # The tests' short region list has no Kecamatan Banyuwangi and so none of its kelurahan: the logins
    # placed there are left out rather than placed somewhere else.
    assert {d.username for d in DEMO_USERS} - {d.username for d in seeded} == {
        "lurah",
        "operator.kelurahan",
        "camat.banyuwangi",
    }
    assert PerangkatDaerah.objects.filter(pemda_id="35.10").exclude(
        kind__in=["kecamatan", "kelurahan"]
    ).count() == len(BANYUWANGI_UNITS)
    assert len(BANYUWANGI_UNITS) == 40
    assert len({code for code, *_ in BANYUWANGI_UNITS}) == 40
    for demo in seeded[:-1]:  # the platform operator last, with no membership
        assert (
            Membership.objects.filter(user__username=demo.username, role=demo.role, is_active=True).count()
            == 1
        )
    assert User.objects.get(username="operator").is_superuser
    camat = Membership.objects.get(user__username="camat")
    assert camat.unit is not None and camat.unit.district_id == "35.10.02"


@pytest.mark.real_hasher
def test_the_printed_demo_password_signs_in(regions):
    seed_banyuwangi()
    assert User.objects.get(username="kades").password.startswith("argon2")
    assert Client().login(username="kades", password=DEMO_PASSWORD)
