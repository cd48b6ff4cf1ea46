"""Acceptance pass, point 7: the public page, API and poster name the desa once ("APBDes Desa Sarongan"),
never its government's name after "Desa" ("APBDes Desa Pemerintah Desa Sarongan", as the demo showed)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from spbe.villages.tests.stage_helpers import YEAR, adopted_apbdes, dana_desa

pytestmark = pytest.mark.django_db


def test_the_public_page_api_and_poster_name_the_desa_once(world: Any, reference_year: int) -> None:
    dana_desa(world)
    adopted_apbdes(world, world.desa_x, Decimal("1000000001"))
    desa = world.desa_x
    # As every pemda's village governments are named when the pemda is set up.
    assert desa.name == f"Pemerintah Desa {desa.region.name}"
    x = desa.region_id

    assert Client().get(f"/api/v1/villages/{x}/apbdes/{YEAR}").json()["nama_desa"] == desa.region.name
    page = Client().get(f"/desa/{x}/apbdes/{YEAR}/").content.decode()
    assert f"APBDes Desa {desa.region.name} Tahun {YEAR}" in page
    assert "Desa Pemerintah Desa" not in page
    pdf = Client().get(f"/desa/{x}/apbdes/{YEAR}/poster.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"Pemerintah Desa {desa.region.name}".upper() in text.upper()
    assert "DESA PEMERINTAH DESA" not in text.upper()
