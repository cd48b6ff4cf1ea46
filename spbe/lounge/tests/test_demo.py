from __future__ import annotations

import pytest

from spbe.accounts.demo import BANYUWANGI_UNITS, SEED, seed_banyuwangi
from spbe.accounts.models import Pemda
from spbe.lounge import demo
from spbe.lounge.models import Service, SurveyResponse

pytestmark = pytest.mark.django_db


def test_every_catalogue_agency_is_a_demo_agency_and_codes_are_unique():
    demo_codes = {code for code, *_ in BANYUWANGI_UNITS}
    assert set(demo.CATALOGUE) <= demo_codes
    prefixes = [prefix for prefix, _counter, _services in demo.CATALOGUE.values()]
    assert len(prefixes) == len(set(prefixes))


def test_the_demo_catalogue_and_survey_load_through_the_imports_once(regions):
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    expected = sum(len(services) for _prefix, _counter, services in demo.CATALOGUE.values())

    demo.seed(pemda, actor=SEED)
    demo.seed(pemda, actor=SEED)

    assert expected >= 190
    assert Service.objects.filter(pemda=pemda).count() == expected
    assert SurveyResponse.objects.filter(pemda=pemda).count() == demo.DEMO_RESPONSES
    # Every service has its standard filled in, and the responses spread over the services.
    assert not Service.objects.filter(pemda=pemda, persyaratan="").exists()
    rated = SurveyResponse.objects.filter(pemda=pemda).values("service").distinct().count()
    assert rated == expected


def test_the_demo_mall_offers_every_service_and_has_history_for_the_statistics(regions):
    import datetime as dt

    from spbe.lounge import queue_selectors, queues
    from spbe.lounge.models import Counter, KioskDevice, LoungeService, QueueDay, QueueTicket

    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    demo.seed(pemda, actor=SEED)
    demo.seed(pemda, actor=SEED)
    lounge = queue_selectors.lounge_of(pemda, "mpp")
    assert LoungeService.objects.filter(lounge=lounge).count() == Service.objects.filter(pemda=pemda).count()
    assert Counter.objects.filter(lounge=lounge).count() == len(demo.CATALOGUE) + 2
    # One kiosk device in the lobby, registered once however often the demo is seeded.
    assert KioskDevice.objects.filter(lounge=lounge, is_active=True).count() == 1
    # The history is numbered as the locked counter numbers: 1..n per prefix and day, n on its QueueDay.
    for row in QueueDay.objects.filter(lounge=lounge):
        numbers = QueueTicket.objects.filter(lounge=lounge, day=row.day, prefix=row.prefix).values_list(
            "number", flat=True
        )
        assert sorted(numbers) == list(range(1, row.last + 1))
    # The history is on the audit trail once, with what was loaded (seeding again adds nothing).
    from spbe.core.models import AuditEntry

    [loaded] = AuditEntry.objects.filter(pemda_code="35.10", action="lounge.queue_history_load")
    assert loaded.after["tickets"] == QueueTicket.objects.filter(lounge=lounge).count() > 0
    today = queues.local_day(pemda)
    assert not QueueTicket.objects.filter(day=today).exists()
    rows = queue_selectors.queue_stats(pemda, today - dt.timedelta(days=30), today, "counter")
    assert len(rows) == len(demo.CATALOGUE) + 2 and all(r.avg_wait_minutes for r in rows)
    # Today starts at 1 for the first citizen.
    capil = Service.objects.get(pemda=pemda, kode_layanan="CAPIL-01")
    assert queues.ticket_take(taker=queues.Taker(), lounge=lounge, service=capil).code == "A-001"
