import os
import time

import pytest

from spbe.accounts.demo import SEED, seed_banyuwangi
from spbe.accounts.models import Pemda
from spbe.budgeting import demo

pytestmark = pytest.mark.django_db


def test_time(regions, monkeypatch):
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    real = demo._verify_and_adopt
    spent = []

    def timed(*a, **k):
        c, t = time.process_time(), time.perf_counter()
        out = real(*a, **k)
        spent.append((a[0].kind, time.process_time() - c, time.perf_counter() - t))
        return out

    monkeypatch.setattr(demo, "_verify_and_adopt", timed)
    real_revise = demo._revise
    rev = []

    def timed_revise(*a, **k):
        c = time.process_time()
        out = real_revise(*a, **k)
        rev.append(time.process_time() - c)
        return out

    monkeypatch.setattr(demo, "_revise", timed_revise)
    c, t = time.process_time(), time.perf_counter()
    message = demo.seed(pemda, actor=SEED)
    total = (time.process_time() - c, time.perf_counter() - t)
    with open("/tmp/dpa-scratch/seedtime.txt", "w") as f:
        f.write(f"{message}\ntotal cpu/wall {total}\nverify+adopt {spent}\nrevise cpu {rev}\nload {os.getloadavg()}\n")
