"""The realisation bookkeeping writes is the realisation Siskeudes would report for the same vouchers.

Desa X keeps its books in OpenSPBE; desa Y sends a Siskeudes export of exactly the same year: Dana Desa and
SiLPA received, bank interest (a receipt in OpenSPBE, a mutation booked to 4.3.6 in Siskeudes), cash drawn
from the bank (a move with no account), a paid payment request with tax withheld, an advance accounted for
by an SPJ for less than it was, an advance not yet accounted for, and BUMDes equity paid (financing). Both
desa must end with the same realisation rows to the sen, and the same figures on the public API.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from spbe.core.actors import system
from spbe.core.errors import Conflict
from spbe.villages import books
from spbe.villages.books import Evidence, SppLineData
from spbe.villages.models import Origin, Realisation
from spbe.villages.siskeudes import siskeudes_import

from .books_helpers import LINES, YEAR, Officials, adopted, line, officials
from .siskeudes_zip import write_zip

pytestmark = pytest.mark.django_db
D = dt.date
Y = "03.2001."


def keep_books(world: Any, people: Officials) -> None:
    desa = world.desa_x
    apbdes = adopted(world, people)
    t = people.treasurer

    def receive(account: str, amount: str, day: dt.date) -> None:
        books.receipt_record(
            actor=t, village=desa, year=YEAR, apbdes_line_id=line(apbdes, account).pk, received_on=day,
            via="bank", amount=amount, description="Terima " + account,
        )  # fmt: skip

    def request(kind: str, account: str, activity: str, amount: str) -> Any:
        spp = books.spp_create(
            actor=people.executor, village=desa, year=YEAR, kind=kind, activity_code=activity,
            description=f"SPP {kind} {account}", lines=[SppLineData(line(apbdes, account).pk, amount)],
        )  # fmt: skip
        for who, action in (
            (people.executor, "submit"),
            (people.sekdes, "verify"),
            (people.kades, "approve"),
        ):
            books.spp_move(actor=who, spp=spp, action=action)
        return spp

    receive("6.1.1", "20000000", D(YEAR, 1, 4))
    receive("4.2.1", "40000000", D(YEAR, 2, 1))
    receive("4.3.6", "150000.25", D(YEAR, 2, 28))
    books.cash_move_record(
        actor=t, village=desa, year=YEAR, direction="ke_tunai", moved_on=D(YEAR, 3, 1), amount="10000000",
        description="Tarik tunai",
    )  # fmt: skip
    road = request("definitif", "5.3.5", "02.03.01", "12500000.50")
    books.spp_pay(actor=t, spp=road, paid_on=D(YEAR, 3, 2), via="bank", taxes={"pph22": "187500.01"})
    wages = request("panjar", "5.2.2", "02.03.01", "8000000")
    books.spp_pay(actor=t, spp=wages, paid_on=D(YEAR, 3, 3), via="tunai")
    spj = books.spj_submit(
        actor=people.executor, spp=wages, submitted_on=D(YEAR, 3, 10),
        evidence=[Evidence(wages.lines.get().pk, "KW-1", D(YEAR, 3, 9), "Upah", "7250000.50")],
    )  # fmt: skip
    books.spj_move(actor=people.sekdes, spj=spj, action="accept")
    open_advance = request("panjar", "5.2.2", "02.03.01", "2000000")
    books.spp_pay(actor=t, spp=open_advance, paid_on=D(YEAR, 3, 11), via="tunai")
    equity = request("pembiayaan", "6.2.2", "", "5000000")
    books.spp_pay(actor=t, spp=equity, paid_on=D(YEAR, 3, 12), via="bank")


def siskeudes_zip(path: Path) -> Path:
    year = str(YEAR)
    common = {"Tahun": year, "Kd_Desa": Y}

    def keg(code: str) -> str:
        return f"{Y}{code or '00.00.00'}."

    budget = [
        {**common, "Kd_Keg": keg(d.activity_code), "Kd_Rincian": d.account_code + ".", "Kd_SubRinci": "01",
         "No_Urut": "1", "SumberDana": d.source_code, "Uraian": d.description, "Anggaran": str(d.amount),
         "AnggaranStlhPAK": str(d.amount)}
        for d in LINES
    ]  # fmt: skip
    spp = [("SPP/1", "LS"), ("SPP/2", "UM"), ("SPP/3", "UM"), ("SPP/4", "PBY")]
    spp_lines = [
        ("SPP/1", "02.03.01", "5.3.5.", "DDS", "12500000.50"),
        ("SPP/2", "02.03.01", "5.2.2.", "DDS", "8000000"),
        ("SPP/3", "02.03.01", "5.2.2.", "DDS", "2000000"),
        ("SPP/4", "", "6.2.2.", "PAD", "5000000"),
    ]
    return write_zip(
        path,
        {
            "Ta_RABRinci": budget,
            "Ta_TBPRinci": [
                {
                    **common,
                    "No_Bukti": "TBP/1",
                    "Kd_Keg": keg(""),
                    "Kd_Rincian": "6.1.1.",
                    "SumberDana": "PAD",
                    "Nilai": "20000000",
                },
                {
                    **common,
                    "No_Bukti": "TBP/2",
                    "Kd_Keg": keg(""),
                    "Kd_Rincian": "4.2.1.",
                    "SumberDana": "DDS",
                    "Nilai": "40000000.00",
                },
            ],
            "Ta_Mutasi": [
                {
                    **common,
                    "No_Bukti": "BNK/1",
                    "Kd_Rincian": "4.3.6.",
                    "Sumberdana": "PAD",
                    "Nilai": "150000.25",
                },
                {**common, "No_Bukti": "BNK/2", "Kd_Rincian": "", "Nilai": "10000000"},
            ],
            "Ta_SPP": [{**common, "No_SPP": no, "Jn_SPP": kind} for no, kind in spp],
            "Ta_SPPRinci": [
                {**common, "No_SPP": no, "Kd_Keg": keg(k), "Kd_Rincian": r, "Sumberdana": s, "Nilai": v}
                for no, k, r, s, v in spp_lines
            ],
            "Ta_SPJRinci": [
                {
                    **common,
                    "No_SPJ": "SPJ/1",
                    "No_SPP": "SPP/2",
                    "Kd_Keg": keg("02.03.01"),
                    "Kd_Rincian": "5.2.2.",
                    "Sumberdana": "DDS",
                    "Nilai": "7250000.50",
                },
            ],
        },
    )


def rows(desa: Any, origin: str) -> dict[tuple[str, str, str], Decimal]:
    return {
        (r.account_code, r.activity_code, r.source_code): r.amount
        for r in Realisation.objects.filter(village=desa, year=YEAR, origin=origin)
    }


def test_bookkeeping_and_an_equivalent_siskeudes_export_realise_the_same(world: Any, tmp_path: Path) -> None:
    keep_books(world, officials(world))
    siskeudes_import(siskeudes_zip(tmp_path / "y.zip"), actor=system("tests"), pemda_code=world.pemda_a.code)
    kept, imported = rows(world.desa_x, Origin.ENTRY), rows(world.desa_y, Origin.SISKEUDES)
    assert kept == imported
    assert kept == {
        ("4.2.1", "", "DDS"): Decimal("40000000.00"),
        ("4.3.6", "", "PAD"): Decimal("150000.25"),
        ("6.1.1", "", "PAD"): Decimal("20000000.00"),
        ("5.3.5", "02.03.01", "DDS"): Decimal("12500000.50"),
        ("5.2.2", "02.03.01", "DDS"): Decimal("7250000.50"),
        ("6.2.2", "", "PAD"): Decimal("5000000.00"),
    }
    # The rows kept voucher by voucher are what the vouchers add up to.
    assert books.realisation_from_vouchers(world.desa_x, YEAR) == kept
    client = Client()
    x = client.get(f"/api/v1/villages/{world.desa_x.region_id}/apbdes/{YEAR}").json()
    y = client.get(f"/api/v1/villages/{world.desa_y.region_id}/apbdes/{YEAR}").json()
    for key in ("pendapatan", "belanja", "pembiayaan", "sumber_dana"):
        assert x[key] == y[key], key
    assert x["belanja"]["realisasi"] == "19750001.00"
    assert x["pembiayaan"]["netto"]["realisasi"] == "15000000.00"


def test_a_desa_keeping_books_here_is_refused_by_the_siskeudes_import(world: Any, tmp_path: Path) -> None:
    keep_books(world, officials(world))
    # The same export, claimed for desa X.
    path = siskeudes_zip(tmp_path / "x.zip")
    moved = tmp_path / "x2.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(moved, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info).decode("utf-8").replace(Y, "02.2001.").encode("utf-8"))
    before = rows(world.desa_x, Origin.ENTRY)
    with pytest.raises(Conflict):
        siskeudes_import(moved, actor=system("tests"), pemda_code=world.pemda_a.code)
    assert rows(world.desa_x, Origin.ENTRY) == before
    assert not Realisation.objects.filter(village=world.desa_x, origin=Origin.SISKEUDES).exists()
