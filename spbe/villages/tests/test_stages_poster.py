"""Point 7: the APBDes infographic poster, PDF and PNG, linked from the public APBDes page, exact figures."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from spbe.villages.poster import poster_data
from spbe.villages.tests.stage_helpers import YEAR, adopted_apbdes, dana_desa, draft, realise

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_citizen_opens_the_poster_from_the_public_page(world: Any, reference_year: int) -> None:
    dana_desa(world)
    apbdes = adopted_apbdes(world, world.desa_x, D("1000000001"))
    realise(world.desa_x, D("250000000.55"))
    x = world.desa_x.region_id
    page = Client().get(f"/desa/{x}/apbdes/{YEAR}/").content.decode()
    assert f'href="/desa/{x}/apbdes/{YEAR}/poster.pdf"' in page
    assert f'href="/desa/{x}/apbdes/{YEAR}/poster.png"' in page

    pdf = Client().get(f"/desa/{x}/apbdes/{YEAR}/poster.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "1.000.000.001,00" in text  # Dana Desa revenue and road spending, to the rupiah
    assert "250.000.000,55" in text  # realised, to the sen
    assert "Dana Desa" in text and "Kegiatan utama" in text

    png = Client().get(f"/desa/{x}/apbdes/{YEAR}/poster.png")
    assert png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.size[0] == 1240 and image.size[1] > 1000

    data = poster_data(apbdes)
    assert [(r.kode, r.anggaran) for r in data["revenue"]] == [("4.2.1", D("1000000001.00"))]
    assert data["belanja"].realisasi == D("250000000.55") and data["belanja"].percent == D("25.00")
    assert [(r.kode, r.anggaran, r.realisasi) for r in data["activities"]] == [
        ("02.03.01", D("1000000001.00"), D("250000000.55"))
    ]


def test_no_poster_before_the_apbdes_is_adopted(world: Any, reference_year: int) -> None:
    draft(world, world.desa_y)
    y = world.desa_y.region_id
    assert Client().get(f"/desa/{y}/apbdes/{YEAR}/poster.pdf").status_code == 404
    assert Client().get(f"/desa/{y}/apbdes/{YEAR}/poster.png").status_code == 404
