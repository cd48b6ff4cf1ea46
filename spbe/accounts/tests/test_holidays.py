"""A pemda admin's changes to the holiday calendar: audited, admin-only, scoped to the pemda."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from spbe.accounts.holidays import calendar_year, holiday_remove, holiday_set
from spbe.core import working_days
from spbe.core.errors import NotFound, PermissionDenied, ValidationFailed
from spbe.core.models import AuditEntry, LocalHoliday

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_admin_adds_and_removes_a_local_holiday_with_audit(world: Any) -> None:
    pemda = world.pemda_a
    holiday = holiday_set(actor=world.officer_a, pemda=pemda, day=D(2027, 3, 3), name="  Hari Jadi  ")
    assert (holiday.pemda_code, holiday.name, holiday.is_holiday) == (pemda.code, "Hari Jadi", True)
    assert working_days.add(D(2027, 3, 1), 10, pemda) == D(2027, 3, 16)
    # A second change of the same day replaces the first and says what it was.
    holiday_set(actor=world.officer_a, pemda=pemda, day=D(2027, 3, 3), name="Hari Jadi Kabupaten")
    assert LocalHoliday.objects.filter(pemda_code=pemda.code).count() == 1
    entries = list(AuditEntry.objects.filter(action="holiday.set").order_by("seq"))
    assert [e.pemda_code for e in entries] == [pemda.code, pemda.code]
    before, after = entries[1].before or {}, entries[1].after or {}
    assert before["name"] == "Hari Jadi" and after["name"] == "Hari Jadi Kabupaten"
    kinds = {d.day: d.kind for d in calendar_year(pemda, 2027)}
    assert kinds[D(2027, 3, 3)] == "libur_daerah" and kinds[D(2027, 8, 17)] == "libur_nasional"
    holiday_remove(actor=world.officer_a, pemda=pemda, holiday_id=holiday.pk)
    assert not LocalHoliday.objects.exists()
    assert AuditEntry.objects.filter(action="holiday.remove", before__name="Hari Jadi Kabupaten").count() == 1
    assert working_days.add(D(2027, 3, 1), 10, pemda) == D(2027, 3, 15)


def test_only_a_listed_day_can_become_a_working_day(world: Any) -> None:
    with pytest.raises(ValidationFailed):
        holiday_set(actor=world.officer_a, pemda=world.pemda_a, day=D(2027, 3, 4), name="x", is_holiday=False)
    with pytest.raises(ValidationFailed):  # a weekend is already off
        holiday_set(actor=world.officer_a, pemda=world.pemda_a, day=D(2027, 3, 6), name="Sabtu")
    moved = holiday_set(
        actor=world.officer_a, pemda=world.pemda_a, day=D(2027, 8, 17), name="Pindah", is_holiday=False
    )
    assert moved.is_holiday is False and working_days.is_working_day(D(2027, 8, 17), world.pemda_a)
    assert not LocalHoliday.objects.filter(name="x").exists()


def test_nobody_but_the_admin_of_that_pemda_changes_it(world: Any) -> None:
    for someone in (world.operator_x, world.officer_b):
        with pytest.raises(PermissionDenied):
            holiday_set(actor=someone, pemda=world.pemda_a, day=D(2027, 3, 3), name="Libur")
    mine = holiday_set(actor=world.officer_b, pemda=world.pemda_b, day=D(2027, 3, 3), name="Libur B")
    with pytest.raises(PermissionDenied):
        holiday_remove(actor=world.officer_a, pemda=world.pemda_b, holiday_id=mine.pk)
    with pytest.raises(NotFound):  # another pemda's row is not found through this pemda
        holiday_remove(actor=world.officer_a, pemda=world.pemda_a, holiday_id=mine.pk)
    assert LocalHoliday.objects.filter(pemda_code=world.pemda_b.code).count() == 1
    assert not AuditEntry.objects.filter(action="holiday.set", pemda_code=world.pemda_a.code).exists()


def test_the_page_lists_the_year_and_takes_the_admins_change(world: Any) -> None:
    url = f"/app/{world.pemda_a.code}/hari-libur/2026/"
    client = Client()
    client.force_login(world.officer_a)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cuti bersama Idulfitri 1447 Hijriah" in text and 'id="holiday-form"' in text
    answer = client.post(url, {"day": "2026-11-25", "name": "Hari Guru", "is_holiday": "1"})
    assert answer.status_code == 302
    assert LocalHoliday.objects.get(pemda_code=world.pemda_a.code).day == D(2026, 11, 25)
    # A desa operator reads the calendar but gets no form and cannot post.
    operator = Client()
    operator.force_login(world.operator_x)
    seen = operator.get(url)
    assert seen.status_code == 200 and 'id="holiday-form"' not in seen.content.decode()
    refused = operator.post(url, {"day": "2026-11-26", "name": "Libur", "is_holiday": "1"})
    assert refused.status_code == 403
    assert LocalHoliday.objects.count() == 1
    # An outsider of the pemda gets 404.
    outsider = Client()
    outsider.force_login(world.officer_b)
    assert outsider.get(url).status_code == 404
