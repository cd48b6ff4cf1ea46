"""Monitoring personas and a fixed 'today', so reports and statuses are dated the same on every run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from conftest import grant, make_user
from spbe.accounts.models import Role, User
from spbe.monitoring import services

TODAY = dt.date(2027, 6, 30)


@dataclass
class Monitors:
    supervisor: User  # field supervisor of unit A
    supervisor2: User  # a second field supervisor of unit A
    supervisor_a2: User  # field supervisor of unit A2: sees nothing of unit A
    planner: User  # Bappeda evaluation team: reads every unit


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(services, "pemda_today", lambda pemda: TODAY)


@pytest.fixture
def monitors(world) -> Monitors:
    a = world.pemda_a
    return Monitors(
        supervisor=grant(make_user("supervisor.a", a), a, Role.FIELD_SUPERVISOR, unit=world.unit_a),
        supervisor2=grant(make_user("supervisor2.a", a), a, Role.FIELD_SUPERVISOR, unit=world.unit_a),
        supervisor_a2=grant(make_user("supervisor.a2", a), a, Role.FIELD_SUPERVISOR, unit=world.unit_a2),
        planner=grant(make_user("planner.a", a), a, Role.BAPPEDA_PLANNER),
    )
