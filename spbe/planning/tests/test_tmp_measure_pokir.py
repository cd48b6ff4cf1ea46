import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spbe.accounts.demo import SEED, seed_banyuwangi
from spbe.accounts.models import Pemda
from spbe.planning.demo_pokir import seed_pokir

pytestmark = pytest.mark.django_db


def test_measure(regions):
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    import os
    started, wall = time.process_time(), time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        summary = seed_pokir(pemda, actor=SEED)
    print("\nMEASURE", summary, f"cpu={time.process_time() - started:.2f}s wall={time.monotonic() - wall:.2f}s queries={len(queries)} load={os.getloadavg()}")
