"""Working days: weekends, the national holidays and cuti bersama of the SKB, and a pemda's own changes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from spbe.core import working_days
from spbe.core.models import LocalHoliday

D = dt.date


def test_the_bundled_list_holds_each_skb_in_full() -> None:
    days = working_days.national()
    counted = Counter((d.year, h.kind) for d, h in days.items())
    # SKB 1017/2024: 17 holidays and 10 cuti bersama in 2025; SKB 1497/2025: 17 and 8 in 2026.
    assert counted[(2025, "libur_nasional")] == 17 and counted[(2025, "cuti_bersama")] == 10
    assert counted[(2026, "libur_nasional")] == 17 and counted[(2026, "cuti_bersama")] == 8
    # 2027's SKB is not bundled: only the fixed-date holidays, each saying so.
    assert sorted(d for d in days if d.year == 2027) == [
        D(2027, 1, 1), D(2027, 5, 1), D(2027, 6, 1), D(2027, 8, 17), D(2027, 12, 25),
    ]  # fmt: skip
    assert all("belum dimuat" in h.basis for d, h in days.items() if d.year == 2027)
    assert days[D(2026, 3, 20)].kind == "cuti_bersama"  # Friday before Idulfitri 1447 H
    # Every cuti bersama falls on a weekday (a cuti bersama on a Saturday would be a typing error).
    assert all(d.weekday() < 5 for d, h in days.items() if h.kind == "cuti_bersama")


def test_weekends_are_skipped_as_before() -> None:
    assert working_days.add(D(2027, 3, 1), 10) == D(2027, 3, 15)  # Monday to Monday two weeks on
    assert working_days.add(D(2027, 3, 5), 10) == D(2027, 3, 19)  # from a Friday
    assert working_days.add(D(2027, 3, 6), 10) == D(2027, 3, 19)  # a Saturday counts from Monday
    assert working_days.add(D(2027, 3, 6), 0) == D(2027, 3, 6)
    with pytest.raises(ValueError):
        working_days.add(D(2027, 3, 6), -1)


def test_a_holiday_in_the_window_moves_the_deadline() -> None:
    # Idulfitri 1447 H: Nyepi and its cuti bersama (18, 19 March), cuti bersama 20, 23, 24 March, the holiday
    # on the weekend of 21-22 March, and Wafat Yesus Kristus on Friday 3 April: ten working days from Monday
    # 16 March end on Tuesday 7 April, not on Monday 30 March.
    assert working_days.add(D(2026, 3, 16), 10) == D(2026, 4, 7)
    # The day after Christmas 2025 (cuti bersama) and New Year's Day are skipped too.
    assert working_days.add(D(2025, 12, 24), 1) == D(2025, 12, 29)
    assert working_days.add(D(2025, 12, 31), 1) == D(2026, 1, 2)
    assert not working_days.is_working_day(D(2026, 12, 24))
    assert working_days.is_working_day(D(2026, 12, 23))


@pytest.mark.django_db
def test_a_pemdas_own_changes_count_there_only() -> None:
    LocalHoliday.objects.create(pemda_code="35.10", day=D(2027, 3, 3), name="Hari Jadi", is_holiday=True)
    LocalHoliday.objects.create(pemda_code="35.10", day=D(2027, 8, 17), name="Masuk kerja", is_holiday=False)
    assert working_days.add(D(2027, 3, 1), 10, "35.10") == D(2027, 3, 16)
    assert working_days.add(D(2027, 3, 1), 10, "35.09") == D(2027, 3, 15)  # another pemda: unchanged
    assert working_days.add(D(2027, 8, 16), 1, "35.10") == D(2027, 8, 17)  # made a working day here
    assert working_days.add(D(2027, 8, 16), 1) == D(2027, 8, 18)
    calendar = working_days.Calendar("35.10")
    assert not calendar.is_working_day(D(2027, 3, 3)) and calendar.is_working_day(D(2027, 8, 17))
