"""The APBD over the API: a pemda's adopted budget for everyone, versions, checks and RKA for officers.

The public answer (``/api/v1/pemda/{code}/apbd/{year}``) is the newest *adopted* version only: a draft is
the TAPD's work in progress and answers 404 like a year without a budget. It is built once per data
version (adoption bumps it, ``spbe.core.published``) and sent with a strong ETag and ``Cache-Control:
public`` so the WSGI layer replays it.

The staff routes take a bearer token and are scoped by :data:`spbe.budgeting.access.BUDGET`: the TAPD,
auditors, Bappeda, the DPRD and the pemda admin read the whole pemda; agency roles read their own
agency's RKA (a pemda-wide summary or another agency's RKA is 404 to them); everyone else gets 404.
Amounts are JSON strings of plain decimals (``"1234567.89"``), never numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from ninja import Router, Schema, Status

from spbe.accounts.api import TokenAuth
from spbe.accounts.models import User
from spbe.core.http import idempotency_key, public_answer, strong_etag
from spbe.core.middleware import language_neutral
from spbe.core.published import current_version
from spbe.core.schema import Rupiah

from . import selectors
from .access import line_for_user, unit_rka_for_user, version_for_user, versions_for_user
from .models import BudgetVersion, RkaDetail, RkaLine, published_data_set
from .services import DetailInput, detail_add, detail_add_once

router = Router(tags=["anggaran"])
staff_router = Router(tags=["anggaran"], auth=TokenAuth())
CACHE_SECONDS = 300
# One data set per pemda and year (models.published_data_set): adopting one pemda's APBD leaves every
# other published answer in place.
PUBLISHED_ROUTES = [(r"/api/v1/pemda/(?P<pemda>[0-9.]{1,10})/apbd/(?P<year>[0-9]{4})", "apbd:{pemda}:{year}")]


# --- shared shapes ------------------------------------------------------------------------------------


class TotalsOut(Schema):
    pendapatan: Rupiah
    belanja: Rupiah
    penerimaan_pembiayaan: Rupiah
    pengeluaran_pembiayaan: Rupiah
    surplus_defisit: Rupiah
    pembiayaan_netto: Rupiah
    silpa: Rupiah
    belanja_pegawai_persen: Decimal | None
    belanja_pegawai_lulus: bool


class VersionOut(Schema):
    id: int
    nomor: int
    jenis: str
    nama: str
    status: str
    ditetapkan_pada: dt.datetime | None
    sidik_isi: str


def _version(v: BudgetVersion) -> VersionOut:
    return VersionOut(
        id=v.pk,
        nomor=v.number,
        jenis=v.kind,
        nama=v.label,
        status="ditetapkan" if v.is_adopted else "draf",
        ditetapkan_pada=v.frozen_at,
        sidik_isi=v.content_hash,
    )


def _totals(figures: dict[str, Any]) -> dict[str, Any]:
    return {name: figures[name] for name in TotalsOut.model_fields}


# --- public -------------------------------------------------------------------------------------------


class AccountTotalOut(Schema):
    kode: str
    nama: str
    jumlah: Rupiah


class AgencyTotalOut(Schema):
    kode: str
    nama: str
    pendapatan: Rupiah
    belanja: Rupiah


class PublicVersionOut(Schema):
    nomor: int
    jenis: str
    nama: str
    ditetapkan_pada: dt.datetime | None
    sidik_isi: str


class ApbdOut(TotalsOut):
    kode_pemda: str
    nama_pemda: str
    tahun: int
    versi: PublicVersionOut
    rekening: list[AccountTotalOut]
    skpd: list[AgencyTotalOut]


def _apbd(version: BudgetVersion) -> ApbdOut:
    figures = selectors.summary(version)
    rekening: dict[str, Decimal] = figures["rekening"]  # type: ignore[assignment]
    skpd: dict[str, dict[str, Decimal]] = figures["skpd"]  # type: ignore[assignment]
    names = selectors.account_names(version.year, list(rekening))
    units = selectors.unit_names(version)
    return ApbdOut(
        **_totals(figures),
        kode_pemda=version.pemda.code,
        nama_pemda=version.pemda.name,
        tahun=version.year,
        versi=PublicVersionOut(
            nomor=version.number,
            jenis=version.kind,
            nama=version.label,
            ditetapkan_pada=version.frozen_at,
            sidik_isi=version.content_hash,
        ),
        rekening=[AccountTotalOut(kode=c, nama=names.get(c, ""), jumlah=t) for c, t in rekening.items()],
        skpd=[
            AgencyTotalOut(kode=c, nama=units.get(c, ""), pendapatan=t["pendapatan"], belanja=t["belanja"])
            for c, t in skpd.items()
        ],
    )


def public_apbd_json(pemda_code: str, year: int) -> tuple[bytes, str]:
    """The published JSON of a pemda's adopted APBD and its ETag, built once per data version."""
    data_set = published_data_set(pemda_code, year)
    key = f"budgeting:{data_set}:{current_version(data_set)}"
    entry: tuple[bytes, str] | None = cache.get(key)
    if entry is None:
        data = _apbd(selectors.published_version(pemda_code, year))
        body = json.dumps(
            data.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
        ).encode()
        entry = (body, strong_etag(body))
        cache.set(key, entry, CACHE_SECONDS)
    return entry


@router.get(
    "/pemda/{code}/apbd/{year}",
    response=ApbdOut,
    summary="APBD yang sudah ditetapkan",
    description="Versi APBD terakhir yang sudah ditetapkan: pendapatan, belanja, pembiayaan, per rekening "
    "(akun, kelompok, jenis) dan per perangkat daerah. Jumlah uang berupa teks desimal. Draf tidak "
    "diterbitkan (404).",
)
def apbd_detail(request: HttpRequest, code: str, year: int) -> Any:
    body, etag = public_apbd_json(code, year)
    response = public_answer(request, body, max_age=CACHE_SECONDS, etag=etag)
    return language_neutral(response)


# --- staff --------------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@staff_router.get(
    "/pemda/{code}/budget/{year}/versions",
    response=list[VersionOut],
    summary="Versi APBD suatu tahun (staf)",
)
def version_list(request: HttpRequest, code: str, year: int) -> list[VersionOut]:
    """Every version of the year, for anyone who reads some of the pemda's budget (an agency finds the
    version of its RKA here)."""
    return [_version(v) for v in versions_for_user(_user(request), code, year)]


class SummaryOut(TotalsOut):
    versi: VersionOut
    rekening: dict[str, Rupiah]
    skpd: dict[str, dict[str, Rupiah]]


@staff_router.get(
    "/pemda/{code}/budget/versions/{version_id}/summary",
    response=SummaryOut,
    summary="Ringkasan APBD satu versi (staf)",
    description="Angka yang sama dengan `spbe budget_summary`: total, per rekening dan per perangkat daerah.",
)
def version_summary(request: HttpRequest, code: str, version_id: int) -> SummaryOut:
    version = version_for_user(_user(request), code, version_id)
    figures = selectors.summary(version)
    return SummaryOut(
        **_totals(figures),
        versi=_version(version),
        rekening=figures["rekening"],  # type: ignore[arg-type]
        skpd=figures["skpd"],  # type: ignore[arg-type]
    )


class CauseLineOut(Schema):
    kode_skpd: str
    kode_sub_kegiatan: str
    kode_rekening: str
    jumlah: Rupiah


class CheckOut(Schema):
    nama: str
    lulus: bool
    jumlah: Rupiah
    dasar: Rupiah
    persen: Decimal | None
    ambang: Decimal | None
    baris: list[CauseLineOut]


@staff_router.get(
    "/pemda/{code}/budget/versions/{version_id}/checks",
    response=list[CheckOut],
    summary="Pemeriksaan keseimbangan dan belanja wajib satu versi (staf)",
)
def version_checks(request: HttpRequest, code: str, version_id: int) -> list[CheckOut]:
    version = version_for_user(_user(request), code, version_id)
    return [
        CheckOut(
            nama=c.name,
            lulus=c.ok,
            jumlah=c.amount,
            dasar=c.base,
            persen=c.percent,
            ambang=c.threshold,
            baris=[
                CauseLineOut(
                    kode_skpd=x.unit,
                    kode_sub_kegiatan=x.sub_kegiatan,
                    kode_rekening=x.account,
                    jumlah=x.amount,
                )
                for x in c.lines
            ],
        )
        for c in selectors.checks(version)
    ]


class DetailOut(Schema):
    id: int
    urutan: int
    uraian: str
    koefisien: list[tuple[Decimal, str]]
    harga_satuan: Rupiah
    pajak_persen: Decimal
    jumlah: Rupiah
    harga_standar: str


class LineOut(Schema):
    id: int
    kode_sub_kegiatan: str
    kode_rekening: str
    sumber_dana: str
    lokasi: str
    jumlah: Rupiah
    verifikasi: str
    catatan_verifikasi: str
    rincian: list[DetailOut]


class RkaOut(Schema):
    id: int
    versi: VersionOut
    kode_skpd: str
    nama_skpd: str
    status: str
    jumlah: Rupiah
    baris: list[LineOut]


def _detail(d: RkaDetail) -> DetailOut:
    factors = [(d.volume1, d.unit1)] + [
        (volume, unit)
        for volume, unit in ((d.volume2, d.unit2), (d.volume3, d.unit3), (d.volume4, d.unit4))
        if volume is not None
    ]
    return DetailOut(
        id=d.pk,
        urutan=d.position,
        uraian=d.description,
        koefisien=factors,
        harga_satuan=d.unit_price,
        pajak_persen=d.tax_percent,
        jumlah=d.amount,
        harga_standar=f"{d.standard_kind.upper()} {d.standard_code}".strip(),
    )


def _line(line: RkaLine, details: list[RkaDetail]) -> LineOut:
    return LineOut(
        id=line.pk,
        kode_sub_kegiatan=line.sub_kegiatan,
        kode_rekening=line.account,
        sumber_dana=line.funding,
        lokasi=line.location,
        jumlah=line.amount,
        verifikasi=line.review,
        catatan_verifikasi=line.review_note,
        rincian=[_detail(d) for d in details],
    )


@staff_router.get(
    "/pemda/{code}/budget/versions/{version_id}/rka/{unit_code}",
    response=RkaOut,
    summary="RKA satu perangkat daerah dengan baris dan rinciannya (staf)",
)
def rka_detail(request: HttpRequest, code: str, version_id: int, unit_code: str) -> RkaOut:
    rka = unit_rka_for_user(_user(request), code, version_id, unit_code)
    lines = selectors.rka_lines(rka)
    return RkaOut(
        id=rka.pk,
        versi=_version(rka.version),
        kode_skpd=rka.unit.code,
        nama_skpd=rka.unit.name,
        status=rka.state,
        jumlah=sum((line.amount for line, _details in lines), Decimal("0.00")),
        baris=[_line(line, details) for line, details in lines],
    )


class DetailIn(Schema):
    """One detail row: 1 to 4 ``[volume, unit]`` factors, unit price as a decimal string, tax in percent."""

    uraian: str
    koefisien: list[tuple[str, str]]
    harga_satuan: Rupiah
    pajak_persen: str = "0"
    harga_standar_jenis: str = ""
    harga_standar_kode: str = ""


@staff_router.get(
    "/pemda/{code}/budget/lines/{line_id}/details",
    response=LineOut,
    summary="Satu baris RKA dengan rinciannya (staf)",
)
def line_details(request: HttpRequest, code: str, line_id: int) -> LineOut:
    line = line_for_user(_user(request), code, line_id)
    return _line(line, selectors.line_details(line))


@staff_router.post(
    "/pemda/{code}/budget/lines/{line_id}/details",
    response={200: DetailOut, 201: DetailOut},
    summary="Menambah rincian pada baris RKA (operator perangkat daerah)",
    description="Pagu dijaga di dalam transaksi yang sama, juga terhadap penyunting yang bersamaan: "
    "melampaui pagu atau RKA yang tidak dalam status draf/dikembalikan menjawab 409. Dengan header "
    "`Idempotency-Key` (UUID) permintaan yang diulang menjawab 200 dengan rincian yang sudah dibuat.",
)
def detail_create(request: HttpRequest, code: str, line_id: int, body: DetailIn) -> Status[DetailOut]:
    user = _user(request)
    line = line_for_user(user, code, line_id)
    key = idempotency_key(request)
    standard = (
        (body.harga_standar_jenis, body.harga_standar_kode)
        if body.harga_standar_jenis.strip() or body.harga_standar_kode.strip()
        else None
    )
    detail = DetailInput(body.uraian, body.koefisien, body.harga_satuan, body.pajak_persen, standard)
    if key is None:
        row, created = detail_add(actor=user, line=line, detail=detail), True
    else:
        row, created = detail_add_once(actor=user, line=line, detail=detail, idempotency_key=key)
    return Status(201 if created else 200, _detail(row))
