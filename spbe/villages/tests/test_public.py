"""The public APBDes API and page: figures of an imported desa, 404s, published caching."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from spbe.core.actors import system
from spbe.core.models import DataVersion
from spbe.core.published import PublishedResponses, collect_routes
from spbe.villages.models import Apbdes
from spbe.villages.siskeudes import siskeudes_import

from .siskeudes_zip import write_zip
from .test_siskeudes import scenario

pytestmark = pytest.mark.django_db
URL = "/api/v1/villages/35.10.02.2001/apbdes/2027"


@pytest.fixture
def imported(world: Any, reference_year: int, tmp_path: Path) -> None:
    siskeudes_import(write_zip(tmp_path / "s.zip", scenario()), actor=system("tests"), pemda_code="35.10")


def test_the_api_answers_every_heading_with_amounts_as_decimal_strings(imported: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["pendapatan"] == {"anggaran": "801200000.50", "realisasi": "640350000.25"}
    assert data["belanja"] == {"anggaran": "620000000.00", "realisasi": "124500000.00"}
    assert data["pembiayaan"] == {
        "penerimaan": {"anggaran": "50000000.00", "realisasi": "50000000.00"},
        "pengeluaran": {"anggaran": "30000000.00", "realisasi": "30000000.00"},
        "netto": {"anggaran": "20000000.00", "realisasi": "20000000.00"},
    }
    assert data["bidang"][1] == {
        "kode": "02",
        "nama": "BIDANG PELAKSANAAN PEMBANGUNAN DESA",
        "anggaran": "500000000.00",
        "realisasi": "95000000.00",
    }
    assert data["sumber_dana"] == [
        {"kode": "ADD", "anggaran": "120000000.00", "realisasi": "29500000.00"},
        {"kode": "DDS", "anggaran": "500000000.00", "realisasi": "95000000.00"},
    ]
    codes = [r["kode"] for r in data["rekening"]]
    assert codes[:5] == ["4", "4.2", "4.2.1", "4.2.1.01", "4.3"]
    assert all(not c.endswith(".") for c in codes)
    assert {"kode": "4.3.6.01", "nama": "", "anggaran": "1200000.50", "realisasi": "350000.25"} in data[
        "rekening"
    ]
    assert response["Cache-Control"].startswith("public") and response["ETag"]
    assert Client().get(URL, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/villages/35.10.02.2001/apbdes/2026",  # a year without an APBDes
        "/api/v1/villages/35.10.99.2001/apbdes/2027",  # no such desa
        "/api/v1/villages/35.10.03.2002/apbdes/2027",  # a desa without an APBDes
    ],
)
def test_an_unknown_desa_or_year_is_a_problem_404(imported: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_a_draft_is_not_published(world: Any) -> None:
    Apbdes.objects.create(pemda=world.pemda_a, village=world.desa_x, year=2027)
    assert Client().get(URL).status_code == 404


def test_a_second_import_is_visible_at_once(imported: None, world: Any, tmp_path: Path) -> None:
    first = Client().get(URL).json()
    tables = scenario()
    tables["Ta_TBPRinci"][0]["Nilai"] = "300000000"
    siskeudes_import(write_zip(tmp_path / "t.zip", tables), actor=system("tests"), pemda_code="35.10")
    second = Client().get(URL).json()
    assert first["pendapatan"]["realisasi"] == "640350000.25"
    assert second["pendapatan"]["realisasi"] == "620350000.25"


def test_the_public_page_shows_the_same_figures(imported: None) -> None:
    response = Client().get("/desa/35.10.02.2001/apbdes/2027/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Rp801.200.000,50" in text and "Rp640.350.000,25" in text
    assert "BIDANG PELAKSANAAN PEMBANGUNAN DESA" in text
    assert Client().get("/desa/35.10.02.2001/apbdes/2026/").status_code == 404


def test_each_desa_year_is_its_own_published_data_set(imported: None, world: Any, tmp_path: Path) -> None:
    app = PublishedResponses(lambda environ, start: [], routes=collect_routes())
    assert app._data_set(URL) == "apbdes:35.10.02.2001:2027"

    def version(name: str) -> int:
        return DataVersion.objects.get(name=name).version

    x, y = version("apbdes:35.10.02.2001:2027"), version("apbdes:35.10.03.2001:2027")
    tables = scenario()
    for name in ("Ta_RABRinci", "Ta_TBPRinci", "Ta_SPP", "Ta_SPPRinci"):
        tables[name] = [r for r in tables[name] if r["Kd_Desa"] == "02.2001."]
    siskeudes_import(write_zip(tmp_path / "x.zip", tables), actor=system("tests"), pemda_code="35.10")
    assert (version("apbdes:35.10.02.2001:2027"), version("apbdes:35.10.03.2001:2027")) == (x + 1, y)
