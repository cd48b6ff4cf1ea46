"""The demo complaints load through the services once, at every step of the journey."""

from __future__ import annotations

import pytest
from django.test import Client

from spbe.accounts.demo import SEED, seed_banyuwangi
from spbe.accounts.models import Pemda
from spbe.complaints import demo
from spbe.complaints.models import Complaint, State
from spbe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_demo_complaints_load_once_with_their_journeys(regions):
    seed_banyuwangi()
    pemda = Pemda.objects.get(code="35.10")
    demo.seed(pemda, actor=SEED)
    assert demo.seed(pemda, actor=SEED) == "pengaduan: sudah ada, tidak ditambah"
    complaints = Complaint.objects.filter(pemda=pemda)
    assert complaints.count() == demo.COUNT
    assert set(complaints.values_list("state", flat=True)) == set(State.values)
    assert AuditEntry.objects.filter(action="complaint.submit", pemda_code="35.10").count() == demo.COUNT
    answered = complaints.filter(state=State.CLOSED).first()
    page = Client().get(f"/pengaduan/{answered.ticket}/").content.decode()
    assert answered.complainant.name not in page and answered.complainant.nik not in page
