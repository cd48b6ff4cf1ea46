"""Standard price lists (SSH/SBU/HSPK): imported per pemda and year; a detail row priced above its item is
refused."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from spbe.budgeting.models import RkaDetail
from spbe.budgeting.services import DetailInput, detail_add, detail_change
from spbe.core.errors import ValidationFailed
from spbe.reference.models import StandardPrice

from .conftest import YEAR, write_csv
from .helpers import SYSTEM, draft, line, rka

PRICE_COLUMNS = ["kode", "nama", "spesifikasi", "satuan", "harga"]
SEMEN = "1.1.7.01.03.01.001"


def import_prices(path, *extra: str, err: io.StringIO | None = None) -> None:
    call_command(
        "import_standard_prices", "--pemda", "35.10", "--year", str(YEAR), *extra, str(path),
        stdout=io.StringIO(), stderr=err or io.StringIO(),
    )  # fmt: skip


@pytest.fixture
def prices(world, ref2028, tmp_path):
    rows = [
        {"kode": SEMEN, "nama": "Semen Portland 50 kg", "satuan": "zak", "harga": "75.000"},
        {"kode": "1.1.7.01.03.02.001", "nama": "Pasir beton", "satuan": "m3", "harga": "250000,50"},
    ]
    import_prices(write_csv(tmp_path / "ssh.csv", rows, PRICE_COLUMNS), "--kind", "ssh")
    return StandardPrice.objects.filter(pemda=world.pemda_a, year=YEAR)


def test_prices_are_imported_for_the_pemda_and_year(prices, world, tmp_path):
    assert dict(prices.values_list("code", "price")) == {
        SEMEN: Decimal("75000.00"),
        "1.1.7.01.03.02.001": Decimal("250000.50"),
    }
    bad = [
        {"kode": SEMEN, "nama": "Semen", "satuan": "zak", "harga": "-1"},
        {"kode": "", "nama": "X", "satuan": "", "harga": "1"},
    ]
    err = io.StringIO()
    with pytest.raises(CommandError):
        import_prices(write_csv(tmp_path / "bad.csv", bad, PRICE_COLUMNS), "--kind", "ssh", err=err)
    assert err.getvalue().splitlines()[:3] == [
        "row 2, column harga: harga tidak boleh negatif",
        "row 3, column kode: kode wajib diisi",
        "row 3, column satuan: satuan wajib diisi",
    ]
    assert prices.get(code=SEMEN).price == Decimal("75000.00")


def test_a_unit_price_above_the_standard_is_refused(prices, world):
    cement = line(rka(draft(world.pemda_a), world.unit_a))
    above = DetailInput("Semen", [("10", "zak")], Decimal("75000.01"), standard=("ssh", SEMEN))
    with pytest.raises(ValidationFailed, match="di atas harga standar"):
        detail_add(actor=SYSTEM, line=cement, detail=above)
    with pytest.raises(ValidationFailed, match="tidak ada"):
        detail_add(
            actor=SYSTEM,
            line=cement,
            detail=DetailInput("Semen", [("1", "zak")], Decimal("1"), standard=("sbu", SEMEN)),
        )
    row = detail_add(
        actor=SYSTEM,
        line=cement,
        detail=DetailInput("Semen", [("10", "zak")], Decimal("75000"), standard=("ssh", SEMEN)),
    )
    assert (row.amount, row.standard_kind, row.standard_code) == (Decimal("750000.00"), "ssh", SEMEN)
    with pytest.raises(ValidationFailed, match="di atas harga standar"):
        detail_change(actor=SYSTEM, detail=row, change=above)
    assert RkaDetail.objects.get(pk=row.pk).unit_price == Decimal("75000.00")


def test_another_pemdas_list_does_not_apply(prices, world):
    StandardPrice.objects.filter(pemda=world.pemda_a).update(pemda=world.pemda_b)
    cement = line(rka(draft(world.pemda_a), world.unit_a))
    with pytest.raises(ValidationFailed, match="tidak ada"):
        detail_add(
            actor=SYSTEM,
            line=cement,
            detail=DetailInput("Semen", [("1", "zak")], Decimal("1"), standard=("ssh", SEMEN)),
        )
