"""The public service catalogue: page with search, one printable page per service, and the public API."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from spbe.accounts.models import Pemda
from spbe.lounge.selectors import fold

from .helpers import EDU, SERVICE_HEADER, service_row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world, tmp_path):
    path = write_csv(
        tmp_path / "layanan.csv",
        [
            SERVICE_HEADER,
            service_row("PU-01", "Izin Galian Jalan", persyaratan="KTP\nDenah <lokasi>"),
            service_row("DUK-01", "Pencatatan Akté Kelahiran", EDU, produk="Kutipan akta"),
            service_row("DUK-02", "Surat Pindah Penduduk", EDU),
        ],
    )
    call_command("import_services", "--pemda", "35.10", str(path), stdout=StringIO())
    return world


def test_fold_removes_case_and_diacritics():
    assert fold("  Pencatatan  AKTÉ Kelahiran ") == "pencatatan akte kelahiran"


def test_the_catalogue_page_lists_the_services_in_code_order(catalogue, client):
    response = client.get("/pemda/35.10/layanan/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("DUK-01") < page.index("DUK-02") < page.index("PU-01")
    assert "Izin Galian Jalan" in page
    assert "/pemda/35.10/layanan/PU-01/" in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("akte", {"DUK-01"}),
        ("AKTÉ kelahiran", {"DUK-01"}),
        ("kelahiran akte", {"DUK-01"}),  # every word, in any order
        ("  izin   galian ", {"PU-01"}),
        ("pendidikan", {"DUK-01", "DUK-02"}),  # the agency's name counts
        ("denah", {"PU-01"}),  # and the requirements
        ("duk-02", {"DUK-02"}),
        ("tidak-ada", set()),
    ],
)
def test_the_search_is_case_and_diacritic_insensitive(catalogue, client, query, found):
    page = client.get("/pemda/35.10/layanan/", {"q": query}).content.decode()
    shown = {code for code in ("PU-01", "DUK-01", "DUK-02") if f"/layanan/{code}/" in page}
    assert shown == found
    api = client.get("/api/v1/pemda/35.10/services", {"q": query}).json()
    assert {s["kode_layanan"] for s in api} == found


def test_a_service_page_shows_every_component_escaped_and_printable(catalogue, client):
    response = client.get("/pemda/35.10/layanan/PU-01/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Perda 1/2020",
        "Ambil nomor antrean",
        "3 hari kerja",
        "Gratis",
        "Surat izin",
        "SP4N-LAPOR!",
    ):
        assert text in page
    assert "KTP<br>Denah &lt;lokasi&gt;" in page
    assert "data-print" in page
    assert 'class="breadcrumb no-print"' in page


def test_the_stylesheet_has_a_print_layout(client):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("spbe/app.css")).read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    assert ".topbar" in print_rules and ".no-print" in print_rules


@pytest.mark.parametrize(
    "url",
    [
        "/pemda/35.10/layanan/NOPE/",
        "/pemda/99.99/layanan/",
        "/pemda/19.06/layanan/PU-01/",  # the code exists, but in another pemda
    ],
)
def test_unknown_services_and_pemda_are_404(catalogue, client, url):
    assert client.get(url).status_code == 404


def test_an_inactive_pemda_has_no_public_catalogue(catalogue, client):
    Pemda.objects.filter(code="35.10").update(is_active=False)
    assert client.get("/pemda/35.10/layanan/").status_code == 404
    assert client.get("/api/v1/pemda/35.10/services").status_code == 404


def test_the_api_lists_and_shows_services_without_a_token(catalogue, client):
    listing = client.get("/api/v1/pemda/35.10/services")
    assert listing.status_code == 200
    assert [s["kode_layanan"] for s in listing.json()] == ["DUK-01", "DUK-02", "PU-01"]
    one = client.get("/api/v1/pemda/35.10/services/PU-01").json()
    assert one == {
        "kode_layanan": "PU-01",
        "nama": "Izin Galian Jalan",
        "kode_skpd": "1.03.0.00.0.00.02.0000",
        "nama_skpd": "Dinas PU Bina Marga",
        "dasar_hukum": "Perda 1/2020",
        "persyaratan": "KTP\nDenah <lokasi>",
        "prosedur": "Ambil nomor antrean",
        "waktu": "3 hari kerja",
        "biaya": "Gratis",
        "produk": "Surat izin",
        "pengaduan": "SP4N-LAPOR!",
        "loket": "Loket 1",
    }


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/v1/pemda/35.10/services/NOPE", "Layanan dengan kode NOPE tidak ada."),
        ("/api/v1/pemda/99.99/services", "Pemda dengan kode 99.99 tidak ada."),
        ("/api/v1/pemda/19.06/services/PU-01", "Layanan dengan kode PU-01 tidak ada."),
    ],
)
def test_api_errors_are_problem_documents(catalogue, client, url, detail):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == detail


def test_the_catalogue_shows_the_service_names_of_no_other_pemda(catalogue, client):
    page = client.get("/pemda/19.06/layanan/").content.decode()
    assert "Izin Galian Jalan" not in page
    assert client.get("/api/v1/pemda/19.06/services").json() == []


def test_renaming_an_agency_is_found_by_the_search_at_once(catalogue, client):
    from spbe.accounts.models import PerangkatDaerah

    PerangkatDaerah.objects.filter(pk=catalogue.unit_a2.pk).update(name="Dinas Kependudukan")
    found = client.get("/api/v1/pemda/35.10/services", {"q": "kependudukan"}).json()
    assert {s["kode_layanan"] for s in found} == {"DUK-01", "DUK-02"}
    assert client.get("/api/v1/pemda/35.10/services", {"q": "pendidikan"}).json() == []


def test_the_pemda_page_links_to_its_catalogue(catalogue, client):
    assert 'href="/pemda/35.10/layanan/"' in client.get("/pemda/35.10/").content.decode()


def test_a_service_changed_outside_the_import_is_searched_by_its_new_text(catalogue, client):
    from spbe.lounge.models import Service

    service = Service.objects.get(pemda_id="35.10", kode_layanan="PU-01")
    service.nama = "Izin Pemanfaatan Ruang Milik Jalan"
    service.save(update_fields=["nama"])

    found = client.get("/api/v1/pemda/35.10/services", {"q": "ruang milik"}).json()
    assert {s["kode_layanan"] for s in found} == {"PU-01"}
    assert client.get("/api/v1/pemda/35.10/services", {"q": "galian"}).json() == []


def test_typographic_apostrophes_fold_to_the_straight_one():
    assert fold("Jum\u2019at  BERKAH") == "jum'at berkah"
