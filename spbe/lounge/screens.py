"""What the lounge's TV screens show, slide by slide: the queue board, the day's services and event
services, the adopted budget, the projects. A slide is there only when its module has something to show.

Budget and project figures are read from their modules' public readers (the published APBD answer of
``spbe.budgeting``, ``spbe.monitoring.selectors.public_projects``): the screens show the public exactly
what the public API and pages show, never a draft or an unverified report. Each reader is imported only
when that module is installed, so a deployment without it simply has no such slide.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.core.errors import NotFound

from . import events, queue_selectors
from .models import Counter, Lounge, LoungeService

TOP_AGENCIES = 6
TOP_PROJECTS = 8
UPCOMING_EVENTS = 6
SCALES = (
    (Decimal(10) ** 12, gettext_lazy("triliun")),
    (Decimal(10) ** 9, gettext_lazy("miliar")),
    (Decimal(10) ** 6, gettext_lazy("juta")),
)


def short_rupiah(amount: Decimal) -> str:
    """``Rp3,51 triliun``: an amount a TV can show from across the room (the exact figure is in the API)."""
    for size, word in SCALES:
        if abs(amount) >= size:
            scaled = (amount / size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            whole, _sep, cents = f"{scaled:,.2f}".partition(".")
            return f"Rp{whole.replace(',', '.')},{cents} {word}"
    return f"Rp{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}".replace(",", ".")


@dataclass
class Slide:
    kind: str  # antrean | layanan | anggaran | proyek
    title: str
    data: dict[str, Any] = field(default_factory=dict)


def _queue(lounge: Lounge) -> Slide:
    return Slide("antrean", _("Antrean"), queue_selectors.board(lounge))


def _services(lounge: Lounge) -> Slide | None:
    """Today's agencies at their open counters with how many services each, and the event services on
    today or coming soon."""
    counters = (
        Counter.objects.filter(lounge=lounge, is_active=True)
        .values("unit__name")
        .annotate(loket=Count("pk", distinct=True), layanan=Count("services", distinct=True))
        .order_by("unit__name")
    )
    agencies = [
        {"nama": row["unit__name"], "loket": row["loket"], "layanan": row["layanan"]} for row in counters
    ]
    offered = LoungeService.objects.filter(
        lounge=lounge, service__in=Counter.objects.filter(lounge=lounge, is_active=True).values("services")
    ).count()
    zone = zoneinfo.ZoneInfo(lounge.pemda.time_zone)
    coming = [
        {
            "judul": e.title,
            "tempat": e.place_name,
            "waktu": f"{e.starts_at.astimezone(zone):%d-%m-%Y %H.%M} - {e.ends_at.astimezone(zone):%H.%M}",
            "perangkat_daerah": e.unit.name,
        }
        for e in events.upcoming(lounge.pemda)[:UPCOMING_EVENTS]
    ]
    if not agencies and not coming:
        return None
    return Slide(
        "layanan",
        _("Layanan hari ini"),
        {"perangkat_daerah": agencies, "jumlah_layanan": offered, "jemput_bola": coming},
    )


def _budget(lounge: Lounge) -> Slide | None:
    """The newest adopted APBD, as its public API publishes it (cached per published data version)."""
    if not apps.is_installed("spbe.budgeting"):
        return None
    from spbe.budgeting.api import public_apbd_json
    from spbe.budgeting.models import BudgetVersion

    # Which year to show: the newest one adopted (a screen in November may already show next year's).
    year = BudgetVersion.objects.filter(pemda_id=lounge.pemda_id, version_state="frozen").aggregate(
        year=Max("year")
    )["year"]
    if year is None:
        return None
    try:
        body, _etag = public_apbd_json(lounge.pemda_id, year)
    except NotFound:
        return None
    apbd = json.loads(body)
    agencies = sorted(apbd["skpd"], key=lambda a: Decimal(a["belanja"]), reverse=True)[:TOP_AGENCIES]
    return Slide(
        "anggaran",
        _("APBD %(year)d") % {"year": year},
        {
            "tahun": year,
            "versi": apbd["versi"]["nama"],
            "pendapatan": short_rupiah(Decimal(apbd["pendapatan"])),
            "belanja": short_rupiah(Decimal(apbd["belanja"])),
            "pembiayaan_netto": short_rupiah(Decimal(apbd["pembiayaan_netto"])),
            "skpd": [{"nama": a["nama"], "belanja": short_rupiah(Decimal(a["belanja"]))} for a in agencies],
        },
    )


def _projects(lounge: Lounge) -> Slide | None:
    """The newest year's projects: how many, how many critical, and the latest verified progress."""
    if not apps.is_installed("spbe.monitoring"):
        return None
    from spbe.monitoring.selectors import ProjectFilter, public_projects

    everything = public_projects(lounge.pemda, ProjectFilter())
    year = everything.aggregate(year=Max("year"))["year"]
    if year is None:
        return None
    projects = public_projects(lounge.pemda, ProjectFilter(year=year))
    counts = projects.aggregate(n=Count("pk"), kritis=Count("pk", filter=Q(is_critical=True)))
    shown = projects.order_by("-is_critical", "name", "pk")[:TOP_PROJECTS]
    return Slide(
        "proyek",
        _("Pekerjaan %(year)d") % {"year": year},
        {
            "tahun": year,
            "jumlah": counts["n"],
            "kritis": counts["kritis"],
            "pekerjaan": [
                {
                    "nama": p.name,
                    # A village works package (monitoring) has its desa instead of an agency.
                    "perangkat_daerah": p.unit.name
                    if p.unit
                    else (p.village.region.name if p.village else ""),
                    "progres": None if percent is None else f"{percent:.2f}".replace(".", ","),
                    "persen": 0 if percent is None else int(percent),
                    "kritis": p.is_critical,
                }
                # public_projects annotates the latest verified report's percent (None before any)
                for p, percent in ((p, getattr(p, "verified_percent", None)) for p in shown)
            ],
        },
    )


@dataclass(frozen=True)
class Screens:
    lounge: Lounge
    slides: list[Slide]
    as_of: dt.datetime


def screens_for(lounge: Lounge, now: dt.datetime | None = None) -> Screens:
    """Every slide with data, in the order the screen rotates through them (the queue always first)."""
    slides = [_queue(lounge)]
    for build in (_services, _budget, _projects):
        slide = build(lounge)
        if slide is not None:
            slides.append(slide)
    return Screens(lounge, slides, now or timezone.now())
