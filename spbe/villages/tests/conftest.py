"""Personas the village tests need beyond the shared world: the BPD member of desa X."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import grant, make_user
from spbe.accounts.models import Role, User


@pytest.fixture
def bpd_x(world: Any) -> User:
    return grant(make_user("bpd.x", world.pemda_a), world.pemda_a, Role.BPD_MEMBER, village=world.desa_x)
