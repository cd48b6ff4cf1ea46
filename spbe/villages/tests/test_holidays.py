"""An advance's ten working days skip the pemda's holidays (spbe.core.working_days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from spbe.accounts.holidays import holiday_set
from spbe.villages.books import spp_pay

from .books_helpers import YEAR, Officials, adopted, officials
from .test_books import approved, fund

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def people(world: Any) -> Officials:
    return officials(world)


@pytest.fixture
def apbdes(world: Any, people: Officials) -> Any:
    return adopted(world, people)


def test_a_holiday_in_the_window_moves_the_advance_deadline(
    world: Any, people: Officials, apbdes: Any
) -> None:
    fund(world, people, apbdes)
    # Without a holiday, ten working days from Monday 1 March end on Monday 15 March (test_books); the
    # pemda's own holiday on Wednesday 3 March moves the deadline to Tuesday 16 March.
    holiday_set(actor=world.officer_a, pemda=world.pemda_a, day=D(YEAR, 3, 3), name="Hari Jadi Kabupaten")
    spp = approved(world, people, apbdes, kind="panjar", amount="8000000", account="5.2.2")
    spp_pay(actor=people.treasurer, spp=spp, paid_on=D(YEAR, 3, 1), via="tunai")
    spp.refresh_from_db()
    assert spp.advance_due_on == D(YEAR, 3, 16)
