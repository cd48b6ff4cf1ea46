"""Staff API of village bookkeeping (bearer token): a desa's payment requests and its books.

Scoped like the pages (``books.books_for_user``: 404 outside the user's desa, kecamatan or pemda); errors
are problem+json through the API's handlers. Amounts are JSON strings of plain decimals; a book carries its
running balance on every row, as the printed book does.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from spbe.accounts.access import get_pemda_for_user
from spbe.accounts.api import TokenAuth
from spbe.accounts.models import User
from spbe.core.errors import NotFound
from spbe.core.schema import Rupiah

from . import books
from .models_books import Spp

router = Router(tags=["keuangan desa"], auth=TokenAuth())
BASE = "/pemda/{code}/villages/{kode_desa}/books/{year}"


class SppOut(Schema):
    nomor: int
    jenis: str
    kode_kegiatan: str
    uraian: str
    jumlah: Rupiah
    status: str
    tanggal_bayar: dt.date | None
    dibayar_dari: str
    batas_spj: dt.date | None
    terlambat: bool


class EntryOut(Schema):
    tanggal: dt.date
    nomor_bukti: str
    uraian: str
    kas_bank: str
    penerimaan: Rupiah
    pengeluaran: Rupiah
    saldo: Rupiah


class BookOut(Schema):
    buku: str
    dari: dt.date
    sampai: dt.date
    saldo_awal: Rupiah
    jumlah_penerimaan: Rupiah
    jumlah_pengeluaran: Rupiah
    saldo_akhir: Rupiah
    baris: list[EntryOut]


def _books(request: HttpRequest, code: str, kode_desa: str, year: int) -> books.Books:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return books.books_for_user(user, get_pemda_for_user(user, code), kode_desa, year)


@router.get(BASE + "/spp", response=list[SppOut], summary="SPP satu desa dan tahun (staf)")
def spp_list(request: HttpRequest, code: str, kode_desa: str, year: int) -> list[SppOut]:
    b = _books(request, code, kode_desa, year)
    spps = Spp.objects.filter(village=b.village, year=year).order_by("number")
    overdue = {a.spp.pk for a in books.advances(spps) if a.overdue}
    return [
        SppOut(
            nomor=s.number,
            jenis=s.kind,
            kode_kegiatan=s.activity_code,
            uraian=s.description,
            jumlah=s.total,
            status=s.state,
            tanggal_bayar=s.paid_on,
            dibayar_dari=s.paid_via,
            batas_spj=s.advance_due_on,
            terlambat=s.pk in overdue,
        )
        for s in spps
    ]


@router.get(BASE + "/{kind}", response=BookOut, summary="Buku kas umum, bank, pajak atau panjar (staf)")
def book(
    request: HttpRequest, code: str, kode_desa: str, year: int, kind: str, dari: dt.date | None = None,
    sampai: dt.date | None = None,
) -> BookOut:  # fmt: skip
    if kind not in books.BOOK_KINDS:
        raise NotFound(_("Buku tidak dikenal: bku, bank, pajak atau panjar."))
    b = _books(request, code, kode_desa, year)
    found = books.book(b.village, year, kind, dari or dt.date(year, 1, 1), sampai or dt.date(year, 12, 31))
    return BookOut(
        buku=kind,
        dari=found.start,
        sampai=found.end,
        saldo_awal=found.opening,
        jumlah_penerimaan=found.total_in,
        jumlah_pengeluaran=found.total_out,
        saldo_akhir=found.closing,
        baris=[
            EntryOut(
                tanggal=e.date,
                nomor_bukti=e.reference,
                uraian=e.description,
                kas_bank=e.channel,
                penerimaan=e.money_in,
                pengeluaran=e.money_out,
                saldo=e.balance,
            )
            for e in found.rows
        ],
    )
