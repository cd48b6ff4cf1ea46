"""The lounge's TV screens: a slide per module with data, the public figures only, CSP-clean."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from spbe.lounge import events, queues, screens
from spbe.lounge.screens import short_rupiah

pytestmark = pytest.mark.django_db


def kinds(html: str) -> list[str]:
    return re.findall(r'<section class="slide slide-\w+" data-slide="(\w+)"', html)


def test_short_rupiah_rounds_half_up_to_the_largest_scale():
    assert short_rupiah(Decimal("3512345678901.00")) == "Rp3,51 triliun"
    assert short_rupiah(Decimal("1505000000")) == "Rp1,51 miliar"  # half up, not to even
    assert short_rupiah(Decimal("1500000.50")) == "Rp1,50 juta"
    assert short_rupiah(Decimal("999999")) == "Rp999.999"
    assert short_rupiah(Decimal("-2500000000")) == "Rp-2,50 miliar"


def test_a_lounge_with_only_its_queue_shows_the_board_slide_and_no_other(world, mall):
    # No event, no counter open: even the day's services slide is left out.
    for counter in (mall.loket_pu, mall.loket_pu2, mall.loket_dik):
        queues.counter_update(
            actor=mall.manager, counter=counter, name=counter.name, services=[], is_active=False
        )
    response = world.client_for(None).get("/pemda/35.10/antrean/mpp/layar/")
    assert response.status_code == 200
    html = response.content.decode()
    assert kinds(html) == ["antrean"]
    # CSP: the one script carries the nonce; nothing inline.
    assert re.findall(r"<script[^>]*>", html) == [
        f'<script src="/static/lounge/screens.js" defer nonce="{response.context["csp_nonce"]}">'
    ]
    assert "style=" not in html and "<style" not in html
    assert world.client_for(None).get("/pemda/35.10/antrean/tidak-ada/layar/").status_code == 404


def test_every_module_with_data_gets_its_slide(world, mall):
    from spbe.budgeting.tests.helpers import adopted_apbd
    from spbe.monitoring.models import Project
    from spbe.monitoring.tests.helpers import new_project

    ticket = queues.ticket_take(taker=queues.Taker(), lounge=mall.lounge, service=mall.ijazah)
    queues.ticket_call_next(actor=mall.officer_dik, counter=mall.loket_dik)
    start = timezone.now() + dt.timedelta(days=1)
    events.event_create(
        actor=mall.manager,
        unit=world.unit_a,
        title="Posyandu di Festival Gandrung",
        place_name="Taman Blambangan",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
    )
    adopted_apbd(world, 2027)
    critical = new_project(world, name="Jalan Kritis")
    new_project(world, name="Jembatan Baru")
    Project.objects.filter(pk=critical.pk).update(is_critical=True)

    shown = screens.screens_for(mall.lounge)
    assert [s.kind for s in shown.slides] == ["antrean", "layanan", "anggaran", "proyek"]
    queue, services, budget, projects = shown.slides
    assert queue.data["panggilan"][0]["nomor"] == ticket.code
    assert {a["nama"]: a["loket"] for a in services.data["perangkat_daerah"]} == {
        world.unit_a.name: 2,
        world.unit_a2.name: 1,
    }
    assert services.data["jumlah_layanan"] == 3
    assert services.data["jemput_bola"][0]["judul"] == "Posyandu di Festival Gandrung"
    assert budget.data["tahun"] == 2027 and budget.data["pendapatan"] == "Rp1,50 juta"
    assert budget.data["skpd"] == [{"nama": world.unit_a.name, "belanja": "Rp0"}]
    assert (projects.data["jumlah"], projects.data["kritis"]) == (2, 1)
    assert projects.data["pekerjaan"][0]["nama"] == "Jalan Kritis" and projects.data["pekerjaan"][0]["kritis"]
    assert projects.data["pekerjaan"][1]["progres"] is None  # no verified report yet: nothing claimed

    client = world.client_for(None)
    page = client.get("/pemda/35.10/antrean/mpp/layar/").content.decode()
    assert kinds(page) == ["antrean", "layanan", "anggaran", "proyek"]
    assert "Rp1,50 juta" in page and ticket.code in page and "Jalan Kritis" in page
    part = client.get("/pemda/35.10/antrean/mpp/layar/isi/")
    assert part["Cache-Control"] == "no-cache"
    body = part.content.decode()
    assert body.lstrip().startswith('<div class="slides" data-as-of="') and "<html" not in body
    assert kinds(body) == ["antrean", "layanan", "anggaran", "proyek"]
    assert re.search(r'data-as-of="\d\d-\d\d-\d{4} \d\d\.\d\d WIB"', body)


def test_a_draft_budget_is_not_on_the_screen(world, mall):
    from spbe.budgeting.services import version_create
    from spbe.core.actors import system

    version_create(actor=system("tests"), pemda=world.pemda_a, year=2027)
    assert "anggaran" not in [s.kind for s in screens.screens_for(mall.lounge).slides]
