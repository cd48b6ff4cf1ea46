"""Realisation over the staff API: SP2D and STS entry (the treasury), their registers and the LRA.

Scoped by :mod:`spbe.budgeting.access_realisation`: the TAPD (BPKAD) records; pemda-wide budget readers read
everything; an agency's operator and head read their own agency's registers and LRA; outsiders get 404.
A payment that would take its DPA line above its amount answers 409 problem+json, as does a number already
used. ``Idempotency-Key: <uuid>`` makes an entry safe to retry: the repeat answers 200 with the first row.
Amounts are JSON strings of plain decimals (``"1234567.89"``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from spbe.accounts.api import TokenAuth
from spbe.accounts.models import User
from spbe.core.errors import ValidationFailed
from spbe.core.http import idempotency_key
from spbe.core.schema import Rupiah

from . import lra as lra_selectors
from .access_realisation import realisation_scope, sp2d_for_user, sts_for_user
from .models_realisation import Sp2d, Sts
from .realisation import Sp2dInput, StsInput, sp2d_correct, sp2d_record, sts_correct, sts_record

router = Router(tags=["realisasi anggaran"], auth=TokenAuth())
LIMIT_MAX = 1000


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class Sp2dOut(Schema):
    id: int
    nomor: str
    tanggal: dt.date
    jenis_sp2d: str
    kode_skpd: str
    kode_sub_kegiatan: str
    kode_rekening: str
    sumber_dana: str
    uraian: str
    jumlah: Rupiah
    koreksi_atas: int | None


class StsOut(Schema):
    id: int
    nomor: str
    tanggal: dt.date
    kode_skpd: str
    kode_rekening: str
    uraian: str
    jumlah: Rupiah
    koreksi_atas: int | None


def _sp2d(row: Sp2d) -> Sp2dOut:
    return Sp2dOut(
        id=row.pk,
        nomor=row.number,
        tanggal=row.date,
        jenis_sp2d=row.kind,
        kode_skpd=row.unit.code,
        kode_sub_kegiatan=row.sub_kegiatan,
        kode_rekening=row.account,
        sumber_dana=row.funding,
        uraian=row.description,
        jumlah=row.amount,
        koreksi_atas=row.corrects_id,
    )


def _sts(row: Sts) -> StsOut:
    return StsOut(
        id=row.pk,
        nomor=row.number,
        tanggal=row.date,
        kode_skpd=row.unit.code,
        kode_rekening=row.account,
        uraian=row.description,
        jumlah=row.amount,
        koreksi_atas=row.corrects_id,
    )


class RegisterQuery(Schema):
    kode_skpd: str = ""
    dari: dt.date | None = None
    sampai: dt.date | None = None
    mulai: int = 0
    batas: int = 100


def _window(query: RegisterQuery) -> tuple[int, int]:
    if query.mulai < 0 or not 1 <= query.batas <= LIMIT_MAX:
        raise ValidationFailed(_("batas 1-%(max)d, mulai tidak negatif.") % {"max": LIMIT_MAX}, field="batas")
    return query.mulai, query.mulai + query.batas


# --- SP2D ----------------------------------------------------------------------------------------------


class Sp2dIn(Schema):
    kode_skpd: str
    nomor: str
    tanggal: dt.date
    jenis_sp2d: str = "LS"
    kode_sub_kegiatan: str = ""
    kode_rekening: str
    sumber_dana: str = ""
    uraian: str
    jumlah: Rupiah


class CorrectionIn(Schema):
    nomor: str
    tanggal: dt.date
    jumlah: Rupiah
    uraian: str


@router.get(
    "/pemda/{code}/budget/{year}/sp2d", response=list[Sp2dOut], summary="Daftar SP2D satu tahun (staf)"
)
def sp2d_list(request: HttpRequest, code: str, year: int, query: Query[RegisterQuery]) -> list[Sp2dOut]:
    pemda, unit, _can = realisation_scope(_user(request), code, query.kode_skpd or None)
    first, last = _window(query)
    rows = lra_selectors.sp2d_register(pemda, year, unit=unit, start=query.dari, end=query.sampai)
    return [_sp2d(row) for row in rows[first:last]]


@router.post(
    "/pemda/{code}/budget/{year}/sp2d",
    response={200: Sp2dOut, 201: Sp2dOut},
    summary="Mencatat SP2D pada baris DPA (BUD/BPKAD)",
    description="Dibebankan pada baris DPA versi terakhir yang ditetapkan (perangkat daerah x sub kegiatan x "
    "rekening x sumber dana). Realisasi yang melampaui pagu baris menjawab 409, juga terhadap pencatat "
    "yang bersamaan. Dengan header `Idempotency-Key` (UUID) permintaan yang diulang menjawab 200.",
)
def sp2d_create(request: HttpRequest, code: str, year: int, body: Sp2dIn) -> Status[Sp2dOut]:
    user = _user(request)
    pemda, _unit, _can = realisation_scope(user, code)
    entry = Sp2dInput(
        lra_selectors.unit_by_code(pemda, body.kode_skpd),
        body.nomor,
        body.tanggal,
        body.jenis_sp2d,
        body.kode_sub_kegiatan,
        body.kode_rekening,
        body.sumber_dana,
        body.uraian,
        body.jumlah,
    )
    row, created = sp2d_record(
        actor=user, pemda=pemda, year=year, entry=entry, idempotency_key=idempotency_key(request)
    )
    return Status(201 if created else 200, _sp2d(row))


@router.get(
    "/pemda/{code}/budget/sp2d/{sp2d_id}/corrections",
    response=list[Sp2dOut],
    summary="Koreksi/pengembalian yang tercatat atas satu SP2D (staf)",
)
def sp2d_corrections(request: HttpRequest, code: str, sp2d_id: int) -> list[Sp2dOut]:
    original, _can = sp2d_for_user(_user(request), code, sp2d_id)
    return [_sp2d(row) for row in lra_selectors.corrections_of(original)]


@router.post(
    "/pemda/{code}/budget/sp2d/{sp2d_id}/corrections",
    response={201: Sp2dOut},
    summary="Koreksi/pengembalian atas SP2D: baris baru bernilai negatif (BUD/BPKAD)",
)
def sp2d_correction(request: HttpRequest, code: str, sp2d_id: int, body: CorrectionIn) -> Status[Sp2dOut]:
    user = _user(request)
    original, _can = sp2d_for_user(user, code, sp2d_id)
    row = sp2d_correct(
        actor=user,
        original=original,
        number=body.nomor,
        date=body.tanggal,
        amount=body.jumlah,
        description=body.uraian,
    )
    return Status(201, _sp2d(row))


# --- STS -----------------------------------------------------------------------------------------------


class StsIn(Schema):
    kode_skpd: str
    nomor: str
    tanggal: dt.date
    kode_rekening: str
    uraian: str
    jumlah: Rupiah


@router.get("/pemda/{code}/budget/{year}/sts", response=list[StsOut], summary="Daftar STS satu tahun (staf)")
def sts_list(request: HttpRequest, code: str, year: int, query: Query[RegisterQuery]) -> list[StsOut]:
    pemda, unit, _can = realisation_scope(_user(request), code, query.kode_skpd or None)
    first, last = _window(query)
    rows = lra_selectors.sts_register(pemda, year, unit=unit, start=query.dari, end=query.sampai)
    return [_sts(row) for row in rows[first:last]]


@router.post(
    "/pemda/{code}/budget/{year}/sts",
    response={200: StsOut, 201: StsOut},
    summary="Mencatat STS penerimaan (BUD/BPKAD)",
    description="Dengan header `Idempotency-Key` (UUID) permintaan yang diulang menjawab 200.",
)
def sts_create(request: HttpRequest, code: str, year: int, body: StsIn) -> Status[StsOut]:
    user = _user(request)
    pemda, _unit, _can = realisation_scope(user, code)
    entry = StsInput(
        lra_selectors.unit_by_code(pemda, body.kode_skpd),
        body.nomor,
        body.tanggal,
        body.kode_rekening,
        body.uraian,
        body.jumlah,
    )
    row, created = sts_record(
        actor=user, pemda=pemda, year=year, entry=entry, idempotency_key=idempotency_key(request)
    )
    return Status(201 if created else 200, _sts(row))


@router.get(
    "/pemda/{code}/budget/sts/{sts_id}/corrections",
    response=list[StsOut],
    summary="Koreksi yang tercatat atas satu STS (staf)",
)
def sts_corrections(request: HttpRequest, code: str, sts_id: int) -> list[StsOut]:
    original, _can = sts_for_user(_user(request), code, sts_id)
    return [_sts(row) for row in lra_selectors.corrections_of(original)]


@router.post(
    "/pemda/{code}/budget/sts/{sts_id}/corrections",
    response={201: StsOut},
    summary="Koreksi atas STS: baris baru bernilai negatif (BUD/BPKAD)",
)
def sts_correction(request: HttpRequest, code: str, sts_id: int, body: CorrectionIn) -> Status[StsOut]:
    user = _user(request)
    original, _can = sts_for_user(user, code, sts_id)
    row = sts_correct(
        actor=user,
        original=original,
        number=body.nomor,
        date=body.tanggal,
        amount=body.jumlah,
        description=body.uraian,
    )
    return Status(201, _sts(row))


# --- LRA -----------------------------------------------------------------------------------------------


class LraQuery(Schema):
    dari: dt.date | None = None
    sampai: dt.date | None = None
    menurut: str = "akun"
    kedalaman: int | None = None
    kode_skpd: str = ""


class LraRowOut(Schema):
    kode: str
    nama: str
    tingkat: int
    jenis_baris: str
    anggaran: Rupiah
    realisasi: Rupiah
    sisa: Rupiah
    persen: Decimal | None


class PairOut(Schema):
    anggaran: Rupiah
    realisasi: Rupiah
    persen: Decimal | None


class LraOut(Schema):
    kode_pemda: str
    tahun: int
    versi: int
    dari: dt.date
    sampai: dt.date
    menurut: str
    kode_skpd: str
    ringkasan: dict[str, PairOut]
    baris: list[LraRowOut]


@router.get(
    "/pemda/{code}/budget/{year}/lra",
    response=LraOut,
    summary="Laporan realisasi anggaran untuk periode mana pun (staf)",
    description="`menurut`: akun (pohon rekening, `kedalaman` 1-6), skpd, program (`kedalaman` 1-3) atau "
    "fungsi (fungsi dan sub fungsi, `kedalaman` 1-2). "
    "Periode bawaan: 1 Januari sampai 31 Desember. Persen dibulatkan setengah ke atas, 2 desimal.",
)
def lra_report(request: HttpRequest, code: str, year: int, query: Query[LraQuery]) -> LraOut:
    pemda, unit, _can = realisation_scope(_user(request), code, query.kode_skpd or None)
    start, end = lra_selectors.whole_year(year)
    report = lra_selectors.lra(
        pemda,
        year,
        start=query.dari or start,
        end=query.sampai or end,
        view=query.menurut,
        depth=query.kedalaman,
        unit=unit,
    )
    return LraOut(
        kode_pemda=pemda.code,
        tahun=year,
        versi=report.version.number,
        dari=report.start,
        sampai=report.end,
        menurut=report.view,
        kode_skpd=unit.code if unit is not None else "",
        ringkasan={
            name: PairOut(anggaran=pair.budget, realisasi=pair.realised, persen=pair.percent)
            for name, pair in report.summary.items()
        },
        baris=[
            LraRowOut(
                kode=row.code,
                nama=row.name,
                tingkat=row.level,
                jenis_baris=row.kind,
                anggaran=row.budget,
                realisasi=row.realised,
                sisa=row.remaining,
                persen=row.percent,
            )
            for row in report.rows
        ],
    )
