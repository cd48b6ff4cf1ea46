"""Public APBDes API: a desa's adopted budget and its realisation, the same bytes for everyone.

Answers are built once per data version (``spbe.core.published``: an import or an adoption bumps it) and
sent with a strong ETag and ``Cache-Control: public``; ``PUBLISHED_ROUTES`` lets the WSGI layer replay
them without running Django. Amounts are JSON strings of plain decimals (``"1234567.89"``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
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
from .access import apbdes_for_user
from .models import ApbdesLine, published_data_set
from .services import LineData, apbdes_line_save

router = Router(tags=["keuangan desa"])
CACHE_SECONDS = 300
# One data set per desa and year (models.published_data_set), so an import or an adoption in one desa
# leaves every other desa's published answers in place.
PUBLISHED_ROUTES = [
    (r"/api/v1/villages/(?P<desa>[0-9.]{1,20})/apbdes/(?P<year>[0-9]{4})", "apbdes:{desa}:{year}")
]


class PairOut(Schema):
    anggaran: Rupiah
    realisasi: Rupiah


class FinancingOut(Schema):
    penerimaan: PairOut
    pengeluaran: PairOut
    netto: PairOut


class BidangOut(Schema):
    kode: str
    nama: str
    anggaran: Rupiah
    realisasi: Rupiah


class SourceOut(Schema):
    kode: str
    anggaran: Rupiah
    realisasi: Rupiah


class VersionOut(Schema):
    nomor: int
    jenis: str
    asal: str
    ditetapkan_pada: dt.datetime | None
    sidik_isi: str


class ApbdesOut(Schema):
    kode_desa: str
    nama_desa: str
    tahun: int
    versi: VersionOut
    pendapatan: PairOut
    belanja: PairOut
    pembiayaan: FinancingOut
    bidang: list[BidangOut]
    sumber_dana: list[SourceOut]
    rekening: list[BidangOut]


def public_apbdes_json(kode_desa: str, year: int) -> tuple[bytes, str]:
    """The published JSON of a desa's APBDes and its ETag, built once per data version."""
    data_set = published_data_set(kode_desa, year)
    key = f"villages:{data_set}:{current_version(data_set)}"
    entry: tuple[bytes, str] | None = cache.get(key)
    if entry is None:
        data = ApbdesOut.model_validate(selectors.apbdes_summary(selectors.published_apbdes(kode_desa, year)))
        body = json.dumps(
            data.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
        ).encode()
        entry = (body, strong_etag(body))
        cache.set(key, entry, CACHE_SECONDS)
    return entry


@router.get(
    "/villages/{kode_desa}/apbdes/{year}",
    response=ApbdesOut,
    summary="APBDes dan realisasi satu desa",
    description="APBDes yang sudah ditetapkan (versi terakhir) beserta realisasinya: pendapatan, belanja, "
    "pembiayaan, per bidang, per sumber dana dan per rekening. Jumlah uang berupa teks desimal.",
)
def get_apbdes(request: HttpRequest, kode_desa: str, year: int) -> Any:
    body, etag = public_apbdes_json(kode_desa, year)
    response = public_answer(request, body, max_age=CACHE_SECONDS, etag=etag)
    return language_neutral(response)


# --- staff: line entry --------------------------------------------------------------------------------

staff_router = Router(tags=["keuangan desa"], auth=TokenAuth())


class LineIn(Schema):
    kode_rekening: str
    kode_kegiatan: str = ""
    sumber_dana: str
    uraian: str = ""
    anggaran: Rupiah


class LineOut(Schema):
    id: int
    kode_rekening: str
    kode_kegiatan: str
    nomor: int
    sumber_dana: str
    uraian: str
    anggaran: Rupiah
    kunci_idempoten: uuid.UUID | None


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _line_out(line: ApbdesLine) -> LineOut:
    return LineOut(
        id=line.pk,
        kode_rekening=line.account_code,
        kode_kegiatan=line.activity_code,
        nomor=line.number,
        sumber_dana=line.source_code,
        uraian=line.description,
        anggaran=line.amount,
        kunci_idempoten=line.idempotency_key,
    )


LINES = "/pemda/{code}/villages/{kode_desa}/apbdes/{year}/lines"


@staff_router.get(LINES, response=list[LineOut], summary="Rincian APBDes satu desa (staf)")
def line_list(request: HttpRequest, code: str, kode_desa: str, year: int) -> list[LineOut]:
    apbdes, _can = apbdes_for_user(_user(request), code, kode_desa, year)
    return [_line_out(line) for line in selectors.lines_of(apbdes)]


@staff_router.post(
    LINES,
    response={200: LineOut, 201: LineOut},
    summary="Menyimpan satu rincian APBDes",
    description="Wajib dengan header `Idempotency-Key` (UUID yang dibuat klien untuk setiap simpan). "
    "Simpan ulang dengan kunci yang sama (misalnya setelah koneksi putus) mengembalikan rincian yang "
    "sudah tersimpan dengan status 200, tidak pernah membuat rincian kedua.",
)
def line_create(request: HttpRequest, code: str, kode_desa: str, year: int, body: LineIn) -> Status[LineOut]:
    user = _user(request)
    apbdes, _can = apbdes_for_user(user, code, kode_desa, year)
    key = idempotency_key(request, required=True)
    assert key is not None  # required: a missing or malformed key is a 422 above
    line, created = apbdes_line_save(
        actor=user,
        apbdes=apbdes,
        idempotency_key=key,
        data=LineData(
            account_code=body.kode_rekening,
            activity_code=body.kode_kegiatan,
            source_code=body.sumber_dana,
            description=body.uraian,
            amount=body.anggaran,
        ),
    )
    return Status(201 if created else 200, _line_out(line))
