"""Public pages and API of complaints: the form (CSRF, per-client limit), the status page, the API.

Every public response about a complaint shows the complainant masked: a walk over every public route of
the module reads each answer for the raw name, NIK, phone and e-mail.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from spbe.complaints.models import Complainant, Complaint, EntryKind, State
from spbe.complaints.services import complaint_answer, complaint_route, complaint_verify

from .conftest import PERSONAL, submit

pytestmark = pytest.mark.django_db

RAW = (
    PERSONAL.name,
    "Budi",
    "Santoso",
    PERSONAL.nik,
    "1234567",
    "0812",
    "3456-7890",
    "81234567890",
    PERSONAL.email,
    "budi.santoso",
    "contoh.id",
)
FORM = {
    "subject": "Lampu jalan mati",
    "description": "Sudah dua minggu gelap.",
    "location": "Jl. Ahmad Yani",
    "name": PERSONAL.name,
    "nik": PERSONAL.nik,
    "phone": PERSONAL.phone,
    "email": PERSONAL.email,
}


def _patterns(resolver, prefix="", namespace=""):
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            found.append((prefix + str(p.pattern), f"{namespace}{p.name}"))
    return found


def public_routes() -> set[str]:
    """Every route of this module anyone may read: its pages outside /app/ and its API outside /pemda/."""
    return {
        route
        for route, name in _patterns(get_resolver())
        if (name.startswith("complaints:") and not route.startswith("app/"))
        or (route.startswith("api/v1/complaints"))
    }


def handled(people):
    complaint = submit(people)
    complaint_verify(actor=people.complaint_officer, complaint=complaint)
    complaint_route(actor=people.complaint_officer, complaint=complaint, unit=people.unit_a)
    complaint_answer(actor=people.agency_operator_a, complaint=complaint, text="Sudah diperbaiki.")
    return complaint


def test_every_public_response_shows_the_complainant_masked(people):
    complaint = handled(people)
    urls = {
        "pemda/<str:pemda_code>/pengaduan/": "/pemda/35.10/pengaduan/",
        "pengaduan/": f"/pengaduan/?tiket={complaint.ticket}",
        "pengaduan/<str:ticket>/": f"/pengaduan/{complaint.ticket}/",
        "pengaduan/<str:ticket>/cetak/<str:width>/": f"/pengaduan/{complaint.ticket}/cetak/80/",
        "api/v1/complaints/<ticket>": f"/api/v1/complaints/{complaint.ticket}",
    }
    assert public_routes() == set(urls), "add the new public route here so its answer is checked for masking"
    client = Client()
    for url in urls.values():
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        for value in RAW:
            assert value not in body, f"{value!r} in {url}"
    page = client.get(f"/pengaduan/{complaint.ticket}/").content.decode()
    assert "Bu** S******" in page and "************0001" in page and "*********890" in page
    assert "Sudah diperbaiki." in page and "Dinas PU Bina Marga" in page


def test_the_api_gives_the_journey_and_the_masked_identity(people):
    complaint = handled(people)
    response = Client().get(f"/api/v1/complaints/{complaint.ticket}")
    assert response.status_code == 200
    data = response.json()
    assert data["ticket"] == complaint.ticket
    assert data["status"] == State.ANSWERED
    assert data["unit"] == {"code": people.unit_a.code, "name": "Dinas PU Bina Marga"}
    assert data["complainant"] == {
        "name": "Bu** S******",
        "nik": "************0001",
        "phone": "*********890",
        "email": "b***********@******.id",
    }
    assert [s["kind"] for s in data["journey"]] == ["received", "verified", "routed", "answered"]
    assert data["journey"][-1]["text"] == "Sudah diperbaiki."
    # Staff names are never published: the journey names the agency, not the officer.
    assert "agency.operator" not in response.content.decode()
    assert "pengaduan.a" not in response.content.decode()


def test_the_openapi_schema_has_no_raw_identity_fields(people):
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    masked = schema["MaskedOut"]["properties"]
    assert set(masked) == {"name", "nik", "phone", "email"}
    assert "complainant" in schema["ComplaintOut"]["properties"]
    assert schema["ComplaintOut"]["properties"]["complainant"]["$ref"].endswith("/MaskedOut")


def test_unknown_tickets_are_404_in_page_and_api(people):
    assert Client().get("/pengaduan/ADU-35.10-2027-999999/").status_code == 404
    response = Client().get("/api/v1/complaints/ADU-35.10-2027-999999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_form_submits_a_complaint_and_shows_its_ticket(people):
    client = Client()
    response = client.post("/pemda/35.10/pengaduan/", FORM, follow=True)
    complaint = Complaint.objects.get()
    assert response.redirect_chain[-1][0] == f"/pengaduan/{complaint.ticket}/"
    body = response.content.decode()
    assert complaint.ticket in body
    for value in RAW:
        assert value not in body
    assert complaint.channel == "web" and complaint.subject == "Lampu jalan mati"
    assert Complainant.objects.get(complaint=complaint).nik == PERSONAL.nik
    assert list(complaint.entries.values_list("kind", flat=True)) == [EntryKind.RECEIVED]


def test_the_form_needs_its_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/pemda/35.10/pengaduan/", FORM).status_code == 403
    assert not Complaint.objects.exists()
    page = client.get("/pemda/35.10/pengaduan/")
    token = page.cookies["csrftoken"].value
    response = client.post("/pemda/35.10/pengaduan/", {**FORM, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Complaint.objects.count() == 1


def test_the_form_is_limited_per_client(people, settings):
    settings.SPBE_COMPLAINT_MAX_PER_CLIENT = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        assert client.post("/pemda/35.10/pengaduan/", FORM).status_code == 302
    refused = client.post("/pemda/35.10/pengaduan/", FORM)
    assert refused.status_code == 429
    assert "Terlalu banyak pengaduan" in refused.content.decode()
    assert Client(REMOTE_ADDR="203.0.113.8").post("/pemda/35.10/pengaduan/", FORM).status_code == 302
    assert Complaint.objects.count() == 3


def test_the_form_shows_field_errors_and_saves_nothing(people):
    response = Client().post("/pemda/35.10/pengaduan/", {**FORM, "nik": "123"})
    assert response.status_code == 200
    assert "NIK harus 16 angka" in response.content.decode()
    assert not Complaint.objects.exists()


def test_an_unknown_or_inactive_pemda_has_no_form(people):
    assert Client().get("/pemda/99.99/pengaduan/").status_code == 404
    people.pemda_a.__class__.objects.filter(code="35.10").update(is_active=False)
    assert Client().get("/pemda/35.10/pengaduan/").status_code == 404


def test_the_pemda_page_links_to_the_form(people):
    assert 'href="/pemda/35.10/pengaduan/"' in Client().get("/pemda/35.10/").content.decode()
