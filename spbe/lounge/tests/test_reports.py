"""The published IKM report per pemda or agency and semester: the page, the PDF and the respondent profile."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from spbe.lounge.models import Service, SurveyResponse
from spbe.lounge.reports import Semester, grade_bands, ikm_report

from .helpers import EDU, PU, SERVICE_HEADER, service_row, write_csv

pytestmark = pytest.mark.django_db

BASE = "/pemda/35.10/ikm"


def answer(world, kode, day, answers, **profile):
    service = Service.objects.get(pemda=world.pemda_a, kode_layanan=kode)
    return SurveyResponse(
        pemda=world.pemda_a,
        unit=service.unit,
        service=service,
        tanggal=day,
        **{f"u{i}": a for i, a in enumerate(answers, start=1)},
        **profile,
    )


@pytest.fixture
def surveyed(world, tmp_path):
    """Five respondents in semester I of 2026: three at Dinas PU (PU-01), two at Dinas Pendidikan (DIK-01).

    Dinas PU: U1-U8 sum to 11 and U9 to 8 over 3 respondents, so the IKM is (8 x 11/3 + 8/3) / 9 x 25 =
    88.888... -> 88,89 (A). Dinas Pendidikan: all 2s and all 3s, 62,50 (D). The pemda: U1-U8 sum to 16
    and U9 to 13 over 5, (8 x 16/5 + 13/5) / 9 x 25 = 78.333... -> 78,33 (B). One response on the first
    day of semester II and one on the last day of 2025 stay out of it.
    """
    path = write_csv(
        tmp_path / "layanan.csv",
        [
            SERVICE_HEADER,
            service_row("PU-01", "Izin Galian Jalan"),
            service_row("DIK-01", "Legalisir Ijazah", EDU),
        ],
    )
    call_command("import_services", "--pemda", "35.10", str(path), stdout=StringIO())
    day = dt.date(2026, 3, 2)
    SurveyResponse.objects.bulk_create(
        [
            answer(
                world,
                "PU-01",
                day,
                [4] * 9,
                jenis_kelamin="L",
                usia=25,
                pendidikan="SMA",
                pekerjaan="Wiraswasta",
            ),
            answer(
                world, "PU-01", day, [3] * 9, jenis_kelamin="P", usia=45, pendidikan="S1", pekerjaan="PNS"
            ),
            answer(world, "PU-01", dt.date(2026, 1, 1), [4] * 8 + [1], jenis_kelamin="P"),
            answer(
                world, "DIK-01", day, [2] * 9, jenis_kelamin="L", usia=19, pendidikan="SD", pekerjaan="Petani"
            ),
            answer(
                world,
                "DIK-01",
                dt.date(2026, 6, 30),
                [3] * 9,
                jenis_kelamin="L",
                usia=60,
                pendidikan="SMA",
                pekerjaan="Petani",
            ),
            answer(world, "PU-01", dt.date(2026, 7, 1), [1] * 9),
            answer(world, "PU-01", dt.date(2025, 12, 31), [1] * 9),
        ]
    )
    return world


def profile_of(report):
    return {g.title: {row.label: (row.count, row.percent) for row in g.rows} for g in report.profile}


def test_the_pemda_report_has_the_index_grade_nrr_agencies_and_profile(surveyed):
    report = ikm_report(surveyed.pemda_a, Semester(2026, 1))
    assert report.result is not None
    assert report.result.respondents == 5
    assert report.result.index == Decimal("78.33")
    assert (report.result.grade, report.result.label) == ("B", "Baik")
    assert [e.key for e in report.elements] == [f"u{i}" for i in range(1, 10)]
    assert [e.nrr for e in report.elements] == [Decimal("3.20")] * 8 + [Decimal("2.60")]
    assert [(p.code, p.result.respondents, p.result.index, p.result.grade) for p in report.parts] == [
        (EDU, 2, Decimal("62.50"), "D"),
        (PU, 3, Decimal("88.89"), "A"),
    ]
    profile = profile_of(report)
    assert profile["Jenis kelamin"] == {
        "Laki-laki": (3, Decimal("60.00")),
        "Perempuan": (2, Decimal("40.00")),
    }
    assert profile["Usia"] == {
        "di bawah 20 tahun": (1, Decimal("20.00")),
        "20-29 tahun": (1, Decimal("20.00")),
        "40-49 tahun": (1, Decimal("20.00")),
        "60 tahun ke atas": (1, Decimal("20.00")),
        "Tidak diisi": (1, Decimal("20.00")),
    }
    assert list(profile["Pendidikan"].items()) == [
        ("SMA", (2, Decimal("40.00"))),
        ("S1", (1, Decimal("20.00"))),
        ("SD", (1, Decimal("20.00"))),
        ("Tidak diisi", (1, Decimal("20.00"))),
    ]
    assert profile["Pekerjaan"]["Petani"] == (2, Decimal("40.00"))
    assert not report.provisional  # semester I of 2026 ended before today in the tests (2026-11-29 or later)


def test_an_agency_report_counts_only_its_own_respondents_by_service(surveyed):
    report = ikm_report(surveyed.pemda_a, Semester(2026, 1), PU)
    assert report.unit == surveyed.unit_a
    assert report.result is not None
    assert (report.result.respondents, report.result.index, report.result.label) == (
        3,
        Decimal("88.89"),
        "Sangat Baik",
    )
    assert [e.nrr for e in report.elements] == [Decimal("3.67")] * 8 + [Decimal("2.67")]
    assert [(p.code, p.name) for p in report.parts] == [("PU-01", "Izin Galian Jalan")]
    assert profile_of(report)["Jenis kelamin"] == {
        "Laki-laki": (1, Decimal("33.33")),
        "Perempuan": (2, Decimal("66.67")),
    }


def test_the_semester_edges_are_the_first_of_january_and_july(surveyed):
    second = ikm_report(surveyed.pemda_a, Semester(2026, 2))
    assert second.result is not None
    assert (second.result.respondents, second.result.index, second.result.grade) == (1, Decimal("25.00"), "D")
    earlier = ikm_report(surveyed.pemda_a, Semester(2025, 2))
    assert earlier.result is not None and earlier.result.respondents == 1
    assert ikm_report(surveyed.pemda_a, Semester(2025, 1)).result is None


def test_free_text_answers_beyond_the_first_ten_are_summed_as_other(surveyed):
    jobs = [f"Pekerjaan {i:02d}" for i in range(12)]
    SurveyResponse.objects.bulk_create(
        [answer(surveyed, "PU-01", dt.date(2027, 2, 1), [4] * 9, pekerjaan=job) for job in [*jobs, jobs[0]]]
    )
    rows = profile_of(ikm_report(surveyed.pemda_a, Semester(2027, 1)))["Pekerjaan"]
    assert next(iter(rows)) == "Pekerjaan 00" and rows["Pekerjaan 00"][0] == 2
    assert len(rows) == 11
    assert rows["Jawaban lain"][0] == 2  # Pekerjaan 10 and 11
    assert "Pekerjaan 11" not in rows


def test_the_grade_bands_read_from_the_regulation():
    assert [(b.grade, str(b.lowest), str(b.highest), b.label) for b in grade_bands()] == [
        ("A", "88.31", "100.00", "Sangat Baik"),
        ("B", "76.61", "88.30", "Baik"),
        ("C", "65.00", "76.60", "Kurang Baik"),
        ("D", "25.00", "64.99", "Tidak Baik"),
    ]


def test_the_public_page_shows_the_report_in_indonesian_figures(surveyed, client):
    response = client.get(f"{BASE}/2026/1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Semester I Tahun 2026" in page
    assert "78,33" in page and "Baik" in page
    assert "3,20" in page and "2,60" in page
    # Each agency links to its own report; the PDF is one click away.
    assert f"{BASE}/2026/1/skpd/{PU}/" in page and "88,89" in page
    assert f"{BASE}/2026/1/laporan.pdf" in page
    assert f"{BASE}/2025/2/" in page and f"{BASE}/2026/2/" in page
    assert "Laki-laki" in page and "60,00" in page
    assert "sementara" not in page


def test_the_agency_page_lists_its_services(surveyed, client):
    page = client.get(f"{BASE}/2026/1/skpd/{PU}/").content.decode()
    assert "Dinas PU Bina Marga" in page and "88,89" in page and "Sangat Baik" in page
    assert "/pemda/35.10/layanan/PU-01/" in page
    assert "Legalisir Ijazah" not in page
    assert f"{BASE}/2026/1/skpd/{PU}/laporan.pdf" in page


def pdf_text(response) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(response.content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages), len(reader.pages)


def test_the_pdf_carries_the_index_nrr_profile_and_page_numbers(surveyed, client):
    response = client.get(f"{BASE}/2026/1/skpd/{PU}/laporan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'inline; filename="IKM-1.03.0.00.0.00.02.0000-2026-semester-1.pdf"'
    )
    text, pages = pdf_text(response)
    for expected in (
        "LAPORAN INDEKS KEPUASAN MASYARAKAT",
        "Dinas PU Bina Marga",
        "Semester I Tahun 2026 (1 Januari 2026 \u2013 30 Juni 2026)",
        "88,89",
        "Sangat Baik",
        "U9 sarana dan prasarana",
        "2,67",
        "Perempuan",
        "66,67",
        f"Halaman 1 dari {pages}",
    ):
        assert "".join(expected.split()) in text, expected


def test_an_empty_semester_says_so(surveyed, client):
    page = client.get(f"{BASE}/2024/1/").content.decode()
    assert "Belum ada responden" in page
    text, _pages = pdf_text(client.get(f"{BASE}/2024/1/laporan.pdf"))
    assert "Belumadaresponden" in text


def test_a_semester_not_yet_over_is_marked_provisional(surveyed, client):
    assert ikm_report(surveyed.pemda_a, Semester(2099, 1)).provisional
    assert "sementara" in client.get(f"{BASE}/2099/1/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/2026/3/",
        f"{BASE}/2026/0/laporan.pdf",
        f"{BASE}/1999/1/",
        f"{BASE}/2026/1/skpd/9.99.0.00.0.00.01.0000/",
        f"{BASE}/2026/1/skpd/1.03.0.00.0.00.01.0000/laporan.pdf",  # unit B's code: pemda B's agency
        "/pemda/99.99/ikm/2026/1/",
    ],
)
def test_what_does_not_exist_is_404(surveyed, client, url):
    assert client.get(url).status_code == 404


def test_another_pemdas_report_shows_nothing_of_this_one(surveyed, client):
    page = client.get("/pemda/19.06/ikm/2026/1/").content.decode()
    assert "Belum ada responden" in page
    assert "Dinas PU Bina Marga" not in page and "78,33" not in page


def test_the_report_only_answers_get(surveyed, client):
    assert client.post(f"{BASE}/2026/1/").status_code == 405
    assert client.post(f"{BASE}/2026/1/laporan.pdf").status_code == 405


def test_the_ikm_address_without_a_semester_opens_the_current_one(surveyed, client):
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    # 30 June 2028, 23:30 in Jakarta is already 1 July in Jayapura but still semester I in WIB.
    late_june = dt.datetime(2028, 6, 30, 16, 30, tzinfo=dt.UTC)
    with mock.patch.object(timezone, "now", return_value=late_june):
        response = client.get("/pemda/35.10/ikm/")
    assert response.status_code == 302
    assert response["Location"] == "/pemda/35.10/ikm/2028/1/"
    assert client.get("/pemda/99.99/ikm/").status_code == 404
