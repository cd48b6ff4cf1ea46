"""Official documents as PDF: the house template and style, words and figures, the offline fetcher."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from pypdf import PdfReader

from spbe.core import documents
from spbe.core.documents import (
    DOCUMENT_ORIGIN,
    DocumentFetchRefused,
    Signer,
    format_number,
    long_date,
    pdf_response,
    render_pdf,
    safe_filename,
    signing_place,
    static_only_fetcher,
)

A4 = (595, 842)  # points

SAMPLE = """{% extends "core/documents/base.html" %}{% load money documents %}
{% block orientation %}{{ orientation }}{% endblock %}
{% block content %}
<p>Jumlah: <span class="num">{{ amount|rupiah }}</span></p>
<p class="terbilang">{{ amount|terbilang|capfirst }}</p>
<table class="doc-table">
<thead><tr><th>Nomor baris</th><th>Uraian</th><th>Nilai</th></tr></thead>
<tbody>{% for i in rows %}
<tr><td>{{ i }}</td><td>Baris {{ i }}</td><td class="num">{{ i|angka:2 }}</td></tr>
{% endfor %}</tbody>
</table>
{% if image %}<img src="{{ image }}" alt="">{% endif %}
{% signature_blocks signers columns=2 place="Banyuwangi" date=day %}
{% endblock %}"""


@pytest.fixture
def sample(settings, tmp_path):
    """A document template of the tests' own, extending the house base like every module's documents."""
    (tmp_path / "sample.html").write_text(SAMPLE, encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    return "sample.html"


def context(**extra):
    return {
        "pemda_name": "Pemerintah Kabupaten Banyuwangi",
        "document_title": "Daftar Uji Dokumen",
        "issuer": "Kecamatan Genteng",
        "document_subtitle": "Tahun 2028",
        "amount": Decimal("1234567.89"),
        "rows": range(1, 4),
        "orientation": "portrait",
        "day": dt.date(2026, 11, 29),
        "signers": [
            Signer(role="Camat Genteng", name="Drs. Budi Santoso", nip="197001011990031001"),
            Signer(role="Notulis", name=""),
            Signer(role="Perwakilan Peserta", name="Siti Aminah", intro="Mengetahui,"),
        ],
        **extra,
    }


def pages_of(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text without whitespace: pypdf puts spaces where kerning moves letters ("T ahun", "NIP .")."""
    return "".join(text.split())


def has(text: str, *expected: str) -> bool:
    return all(flat(e) in flat(text) for e in expected)


def test_a_document_carries_the_title_amount_words_signatures_and_page_numbers(sample):
    pdf = render_pdf(sample, context())
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert reader.metadata is not None and reader.metadata.title == "Daftar Uji Dokumen"
    text = reader.pages[0].extract_text()
    assert has(text, "DAFTAR UJI DOKUMEN")  # the title block (upper-cased by the stylesheet)
    assert has(text, "Rp1.234.567,89")
    assert has(
        text,
        "Satu juta dua ratus tiga puluh empat ribu lima ratus enam puluh tujuh rupiah",
        "rupiah delapan puluh sembilan sen",
    )
    assert has(text, "Banyuwangi, 29 November 2026", "Drs. Budi Santoso", "NIP. 197001011990031001")
    assert has(text, "Mengetahui,", "Siti Aminah")
    assert has(text, "(..................................)")  # the notulis signs by hand
    assert has(text, "Halaman 1 dari 1")
    assert has(text, "3,00")  # figures the Indonesian way


def test_a_long_table_runs_over_pages_numbered_x_of_n_with_its_header_repeated(sample):
    pdf = render_pdf(sample, context(rows=range(1, 121)))
    pages = pages_of(pdf)
    assert len(pages) >= 3
    n = len(pages)
    for number, text in enumerate(pages, start=1):
        assert has(text, f"Halaman {number} dari {n}")
        assert has(text, "Nomor baris")  # the table header on every page
    # The running header names the pemda and the document from the second page on.
    assert has(pages[1], "Daftar Uji Dokumen", "Pemerintah Kabupaten Banyuwangi")
    assert not has(pages[0], "Daftar Uji Dokumen")  # page 1 has the letterhead (upper case) instead
    assert has(pages[-1], "Baris 120", "Banyuwangi, 29 November 2026")


def test_the_stylesheet_sets_a4_portrait_or_landscape(sample):
    """Without the house stylesheet WeasyPrint would print on US Letter (612 x 792 points)."""
    portrait = PdfReader(io.BytesIO(render_pdf(sample, context())))
    box = portrait.pages[0].mediabox
    assert (round(box.width), round(box.height)) == A4
    landscape = PdfReader(io.BytesIO(render_pdf(sample, context(orientation="landscape"))))
    box = landscape.pages[0].mediabox
    assert (round(box.width), round(box.height)) == A4[::-1]


def test_a_document_is_written_in_indonesian_whatever_the_reader_chose(sample):
    with translation.override("en"):
        text = pages_of(render_pdf(sample, context()))[0]
    assert has(text, "Halaman 1 dari 1", "29 November 2026")


def test_the_fetcher_serves_the_products_static_files():
    response = static_only_fetcher()(f"{DOCUMENT_ORIGIN}/static/spbe/documents.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"
    inline = static_only_fetcher()("data:text/plain;base64,aGFsbw==")
    assert inline.read() == b"halo"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/spbe/documents.css",
        "http://dokumen.invalid/static/spbe/documents.css",  # the origin is https only
        "file:///etc/passwd",
        "ftp://example.com/x",
        f"{DOCUMENT_ORIGIN}/media/upload.png",
        f"{DOCUMENT_ORIGIN}/static/../../../etc/passwd",
        f"{DOCUMENT_ORIGIN}/static/spbe/%2e%2e/%2e%2e/settings.py",
        f"{DOCUMENT_ORIGIN}/static//etc/passwd",
        f"{DOCUMENT_ORIGIN}/static/spbe/documents.css?x=1",
        f"{DOCUMENT_ORIGIN}/static/spbe/tidak-ada.css",
        f"{DOCUMENT_ORIGIN}.example.com/static/spbe/documents.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(DocumentFetchRefused):
        static_only_fetcher()(url)


def test_rendering_never_opens_a_connection(sample, monkeypatch):
    """An external image in a document is left out, and nothing is fetched for it."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("no network while rendering")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    pdf = render_pdf(sample, context(image="https://example.com/logo.png"))
    assert attempts == []
    assert has(pages_of(pdf)[0], "Halaman 1 dari 1")


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ('Laporan IKM Semester 1/2026 "Dinas PU"', "Laporan-IKM-Semester-1-2026-Dinas-PU.pdf"),
        ("../../etc/passwd", "etc-passwd.pdf"),
        ("Lampiran\r\nSet-Cookie: x=1", "Lampiran-Set-Cookie-x-1.pdf"),
        ("Akté Kelahiran.pdf", "Akte-Kelahiran.pdf"),
        ("", "dokumen.pdf"),
        ("جدول", "dokumen.pdf"),
        ("a" * 300, "a" * 100 + ".pdf"),
    ],
)
def test_download_names_are_plain_and_safe(name, safe):
    assert safe_filename(name) == safe


def test_a_pdf_response_is_a_pdf_with_a_safe_name():
    response = pdf_response(b"%PDF-1.7", 'Lampiran "A"; x.pdf', attachment=True)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Lampiran-A-x.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert pdf_response(b"", "x")["Content-Disposition"] == 'inline; filename="x.pdf"'


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 11, 29), "29 November 2026"),
        (dt.date(2027, 1, 1), "1 Januari 2027"),
        (dt.date(2028, 2, 29), "29 Februari 2028"),
        (dt.date(2026, 5, 7), "7 Mei 2026"),
        (dt.date(2026, 8, 17), "17 Agustus 2026"),
    ],
)
def test_long_dates_are_indonesian(day, text):
    assert long_date(day) == text


def test_a_moment_is_dated_in_the_active_time_zone():
    # 17:30 UTC on the 29th is already the 30th in Jayapura (WIT, UTC+9), still the 29th in Jakarta.
    moment = dt.datetime(2026, 11, 29, 17, 30, tzinfo=dt.UTC)
    with timezone.override("Asia/Jayapura"):
        assert long_date(moment) == "30 November 2026"
    with timezone.override("Asia/Jakarta"):
        assert long_date(moment) == "30 November 2026"  # 00:30 WIB
    with timezone.override("UTC"):
        assert long_date(moment) == "29 November 2026"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("1234.5"), None, "1.234,5"),
        (Decimal("150.00"), None, "150"),
        (Decimal("2.50"), None, "2,5"),
        (Decimal("1000000"), None, "1.000.000"),
        (Decimal("88.305"), 2, "88,31"),  # half up, like money
        (Decimal("88.3049"), 2, "88,30"),
        (Decimal("-1234.5"), 0, "-1.235"),
        (Decimal("-0.001"), 2, "0,00"),
        (7, None, "7"),
        (Decimal("1E+3"), None, "1.000"),
    ],
)
def test_numbers_are_written_the_indonesian_way(value, places, text):
    assert format_number(value, places) == text


@pytest.mark.parametrize(
    ("region", "place"),
    [
        ("Kabupaten Banyuwangi", "Banyuwangi"),
        ("Kota Surabaya", "Surabaya"),
        ("Kota Administrasi Jakarta Pusat", "Jakarta Pusat"),
        ("Genteng", "Genteng"),
    ],
)
def test_a_document_is_signed_at_the_places_own_name(region, place):
    assert signing_place(region) == place


def render(text: str, **values) -> str:
    return Template("{% load documents %}" + text).render(Context(values))


def test_the_filters_show_nothing_for_values_that_are_not_dates_or_numbers():
    assert render("{{ d|tanggal_panjang }}", d=dt.date(2026, 11, 29)) == "29 November 2026"
    assert render("{{ d|tanggal_panjang }}", d="2026-11-29") == ""
    assert render("{{ n|angka:2 }}", n=Decimal("88.305")) == "88,31"
    assert render("{{ n|angka }}", n="abc") == ""
    assert render("{{ n|angka }}", n=0.1) == ""  # a float never reaches a document
    assert render("{{ n|angka:'x' }}", n=1) == ""


def test_signature_blocks_wrap_at_the_given_number_of_columns():
    signers = [Signer(role=f"Jabatan {i}", name=f"Nama {i}") for i in range(1, 6)]
    html = render(
        "{% signature_blocks signers columns=3 place='Genteng' date=day %}",
        signers=signers,
        day=dt.date(2026, 11, 29),
    )
    rows = html.split('<td class="signature-role">')
    # Two rows of three columns: five signers and one empty cell.
    assert len(rows) - 1 == 6
    assert html.count("signature-name") == 5
    assert "Genteng, 29 November 2026" in html
    # "place, date" stands above the last column: two empty cells before it.
    assert '<tr><td></td><td></td><td class="signature-when">' in html
    assert "NIP." not in html
    html = render("{% signature_blocks signers %}", signers=signers[:2])
    assert html.count('<td class="signature-role">') == 2
    assert "signature-when" not in html


def test_loading_the_url_map_does_not_import_weasyprint():
    """WeasyPrint takes seconds to import; web processes and commands load the URL map at start."""
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); from django.urls import get_resolver;"
        "get_resolver().url_patterns; import spbe.core.documents, spbe.core.templatetags.documents;"
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert out.stdout.strip() == "False"


def test_the_module_refuses_nothing_it_should_serve_for_the_base_template():
    """The base template links the house stylesheet through {% static %}, which the fetcher serves."""
    html = documents.render_html("core/documents/base.html", {"document_title": "X", "pemda_name": "Y"})
    assert 'href="/static/spbe/documents.css"' in html
