"""A pemda's days off beyond the national list: local holidays, a late SKB's cuti bersama, a moved day.

The national list is bundled (``spbe/core/data/hari_libur.csv``); this is the pemda admin's small, audited
correction to it, read by ``spbe.core.working_days`` wherever a deadline counts working days. Everyone in
the pemda may read the calendar; only its admin changes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from spbe.core import audit, working_days
from spbe.core.actors import MaybeActor
from spbe.core.errors import NotFound, ValidationFailed
from spbe.core.models import LocalHoliday
from spbe.core.text import clean_name

from .access import Place, Policy
from .models import Pemda, Role

# Reading needs only a membership of the pemda (the page resolves the pemda through access, outsiders get
# 404): a desa treasurer must see why a deadline moved. Changing it is the pemda admin's.
CALENDAR = Policy(edit={Role.PEMDA_ADMIN})
NAME_LENGTH = 200
SNAPSHOT = ("day", "name", "is_holiday")


@dataclass(frozen=True)
class Day:
    """One day off (or a listed day made a working day) of the year, as the page lists it."""

    day: dt.date
    name: str
    kind: str  # "libur_nasional", "cuti_bersama", "libur_daerah" or "hari_kerja"
    basis: str
    local: LocalHoliday | None


def calendar_year(pemda: Pemda, year: int) -> list[Day]:
    """The national list of ``year`` merged with the pemda's own changes, by date (``pemda`` as resolved
    for the user by ``access.get_pemda_for_user``)."""
    days: dict[dt.date, Day] = {
        h.day: Day(h.day, h.name, h.kind, h.basis, None)
        for h in working_days.national().values()
        if h.day.year == year
    }
    for local in LocalHoliday.objects.filter(pemda_code=pemda.code, day__year=year):
        listed = days.get(local.day)
        kind = "libur_daerah" if local.is_holiday else "hari_kerja"
        days[local.day] = Day(local.day, local.name, kind, listed.basis if listed else "", local)
    return [days[d] for d in sorted(days)]


def holiday_set(
    *, actor: MaybeActor, pemda: Pemda, day: dt.date, name: str, is_holiday: bool = True
) -> LocalHoliday:
    """Make ``day`` a day off in the pemda (``is_holiday``) or a working day although the national list
    says otherwise; a second change of the same day replaces the first."""
    CALENDAR.require(actor, Place.of_pemda(pemda), "edit")
    name = clean_name(name)[:NAME_LENGTH] if name.strip() else ""
    if not name:
        raise ValidationFailed(_("Keterangan wajib diisi."), field="name")
    listed = day in working_days.national()
    if not is_holiday and not listed:
        raise ValidationFailed(
            _("Tanggal %(day)s bukan hari libur nasional; tidak ada yang dijadikan hari kerja.")
            % {"day": day.isoformat()},
            field="day",
        )
    if is_holiday and day.weekday() >= 5:
        raise ValidationFailed(_("Sabtu dan Minggu sudah hari libur."), field="day")
    with transaction.atomic():
        existing = LocalHoliday.objects.select_for_update().filter(pemda_code=pemda.code, day=day).first()
        before = audit.snapshot(existing, SNAPSHOT) if existing else None
        holiday, _created = LocalHoliday.objects.update_or_create(
            pemda_code=pemda.code, day=day, defaults={"name": name, "is_holiday": is_holiday}
        )
        audit.record(
            actor=actor,
            action="holiday.set",
            obj=holiday,
            pemda_code=pemda.code,
            before=before,
            after=audit.snapshot(holiday, SNAPSHOT),
        )
    return holiday


def holiday_remove(*, actor: MaybeActor, pemda: Pemda, holiday_id: int) -> None:
    """Undo a pemda's change: the day goes back to what the national list says."""
    CALENDAR.require(actor, Place.of_pemda(pemda), "edit")
    with transaction.atomic():
        holiday = (
            LocalHoliday.objects.select_for_update().filter(pk=holiday_id, pemda_code=pemda.code).first()
        )
        if holiday is None:
            raise NotFound(_("Hari libur daerah tidak ditemukan."))
        before = audit.snapshot(holiday, SNAPSHOT)
        holiday.delete()
        audit.record(
            actor=actor,
            action="holiday.remove",
            object_type="core.localholiday",
            object_id=holiday_id,
            pemda_code=pemda.code,
            before=before,
        )
