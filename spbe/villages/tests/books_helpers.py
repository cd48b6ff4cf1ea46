"""Shared set-up of the bookkeeping tests: desa X's officials and an adopted APBDes kept in OpenSPBE."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from conftest import grant, make_user
from spbe.accounts.models import Role, User
from spbe.villages.models import Apbdes, ApbdesLine
from spbe.villages.services import LineData, apbdes_adopt, apbdes_create, apbdes_line_save, apbdes_move

YEAR = 2027  # the default budget year, whose reference lists the test database holds

# Balanced (116,000,000 in and out) and within the 70:30 rule (30,000,000 of 116,000,000).
LINES = [
    LineData("4.2.1", "", "DDS", "Dana Desa", "100000000"),
    LineData("4.3.6", "", "PAD", "Bunga bank", "1000000"),
    LineData("6.1.1", "", "PAD", "SiLPA", "20000000"),
    LineData("5.1.1", "01.01.01", "ADD", "Siltap kepala desa", "30000000"),
    LineData("5.3.5", "02.03.01", "DDS", "Rabat beton jalan dusun", "61000000"),
    LineData("5.2.2", "02.03.01", "DDS", "Upah tukang", "25000000"),
    LineData("6.2.2", "", "PAD", "Penyertaan modal BUMDes", "5000000"),
]


@dataclass
class Officials:
    executor: User
    sekdes: User
    kades: User
    treasurer: User
    bpd: User


def officials(world: Any, desa: Any = None, suffix: str = "x") -> Officials:
    """The kasi, Sekdes, BPD member and treasurer of desa X (the kades comes from the shared world)."""
    desa = desa or world.desa_x
    a = world.pemda_a
    found = User.objects.filter(username=f"kasi.{suffix}").first()
    if found is not None:
        return Officials(
            found,
            User.objects.get(username=f"sekdes.{suffix}"),
            world.kades_x if suffix == "x" else User.objects.get(username=f"kades.{suffix}"),
            User.objects.get(username=f"bendahara.{suffix}"),
            User.objects.get(username=f"bpd.books.{suffix}"),
        )
    kades = (
        world.kades_x
        if suffix == "x"
        else grant(make_user(f"kades.{suffix}", a), a, Role.KEPALA_DESA, village=desa)
    )
    return Officials(
        executor=grant(make_user(f"kasi.{suffix}", a), a, Role.VILLAGE_EXECUTOR, village=desa),
        sekdes=grant(make_user(f"sekdes.{suffix}", a), a, Role.VILLAGE_SECRETARY, village=desa),
        kades=kades,
        treasurer=grant(make_user(f"bendahara.{suffix}", a), a, Role.VILLAGE_TREASURER, village=desa),
        bpd=grant(make_user(f"bpd.books.{suffix}", a), a, Role.BPD_MEMBER, village=desa),
    )


def adopted(world: Any, people: Officials, desa: Any = None, camat: Any = None) -> Apbdes:
    """An APBDes of desa X typed in OpenSPBE and adopted along its whole way."""
    desa = desa or world.desa_x
    apbdes = apbdes_create(actor=people.sekdes, village=desa, year=YEAR)
    for data in LINES:
        apbdes_line_save(actor=people.sekdes, apbdes=apbdes, idempotency_key=uuid.uuid4(), data=data)
    apbdes_move(actor=people.bpd, apbdes=apbdes, action="agree")
    apbdes_move(actor=people.kades, apbdes=apbdes, action="submit")
    apbdes_move(actor=camat or world.camat_x, apbdes=apbdes, action="approve")
    return apbdes_adopt(actor=people.kades, apbdes=apbdes)


def line(apbdes: Apbdes, account: str) -> ApbdesLine:
    return ApbdesLine.objects.get(apbdes=apbdes, account_code=account)


def scoped_urls(world: Any) -> dict[str, str]:
    """A concrete URL of every bookkeeping route of pemda A, for test_outsiders: desa Y with one SPP (desa X
    is the disbursement stages' desa there)."""
    from spbe.villages.books import SppLineData, spp_create
    from spbe.villages.models_books import Spp

    spp = Spp.objects.filter(village=world.desa_y, year=YEAR).first()
    if spp is None:
        people = officials(world, world.desa_y, "y")
        apbdes = adopted(world, people, world.desa_y, camat=world.camat_y)
        spp = spp_create(
            actor=people.executor,
            village=world.desa_y,
            year=YEAR,
            kind="definitif",
            activity_code="01.01.01",
            description="Siltap Januari",
            lines=[SppLineData(line(apbdes, "5.1.1").pk, "2500000")],
        )
    base = f"/app/{world.pemda_a.code}/desa/{world.desa_y.region_id}/pembukuan/{YEAR}/"
    one = f"{base}spp/{spp.number}/"
    return {
        "villages:books-latest": f"/app/{world.pemda_a.code}/desa/{world.desa_y.region_id}/pembukuan/",
        "villages:books-home": base,
        "villages:books-spp-create": f"{base}spp/baru/",
        "villages:books-spp": one,
        "villages:books-spp-action": f"{one}aksi/",
        "villages:books-spp-pay": f"{one}bayar/",
        "villages:books-spj-submit": f"{one}spj/",
        "villages:books-spj-action": f"{one}spj/aksi/",
        "villages:books-receipt": f"{base}penerimaan/",
        "villages:books-tax-deposit": f"{base}setor-pajak/",
        "villages:books-cash-move": f"{base}mutasi-kas/",
        "villages:books-book": f"{base}buku/bku/",
        "villages:books-overdue": f"/app/{world.pemda_a.code}/pembukuan-desa/panjar-terlambat/",
    }


#: The bookkeeping routes that only take POST.
POST_ONLY = {
    "villages:books-spp-action",
    "villages:books-spp-pay",
    "villages:books-spj-submit",
    "villages:books-spj-action",
}
