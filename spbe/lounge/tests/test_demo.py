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
