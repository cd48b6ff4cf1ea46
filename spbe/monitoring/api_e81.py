"""The quarterly E.81 of one agency over the staff API (bearer token), scoped like its page. Indicator
values are decimal strings; columns 14 and 16 are 2-decimal strings, null where the target is zero."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from spbe.accounts.access import get_pemda_for_user
from spbe.accounts.api import TokenAuth

from . import e81
from .rfk import percent_text, rfk_units_for_user

router = Router(tags=["monitoring"], auth=TokenAuth())


def _value(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class E81RowOut(Schema):
    tingkat: str
    kode: str
    nama: str
    indikator: str
    satuan: str
    k6: str
    k7: str
    k8: str
    k9: str | None
    k10: str | None
    k11: str | None
    k12: str | None
    k13: str | None
    k14: str | None
    k15: str
    k16: str | None


class E81Out(Schema):
    kode_skpd: str
    nama_skpd: str
    tahun: int
    triwulan: int
    baris: list[E81RowOut]
    faktor_pendorong: str
    faktor_penghambat: str
    tindak_lanjut: str


@router.get(
    "/pemda/{code}/monitoring/e81/{unit_id}/{year}/{quarter}",
    response=E81Out,
    summary="Evaluasi Renja E.81 per triwulan (staf)",
    description=(
        "Kolom 6-16 Permendagri 86/2017: 13 = 9+10+11+12, 14 = 13/8 x 100, 15 = 7+13, 16 = 15/6 x 100."
    ),
)
def e81_quarter(request: HttpRequest, code: str, unit_id: int, year: int, quarter: int) -> E81Out:
    user = request.auth  # type: ignore[attr-defined]
    pemda = get_pemda_for_user(user, code)
    unit = rfk_units_for_user(user, pemda, unit_id)[0]
    sheet = e81.form(unit, year, quarter)
    ev = sheet.evaluation
    return E81Out(
        kode_skpd=unit.code,
        nama_skpd=unit.name,
        tahun=year,
        triwulan=quarter,
        baris=[
            E81RowOut(
                tingkat=line.target.level,
                kode=line.target.code,
                nama=line.target.name,
                indikator=line.target.indicator,
                satuan=line.target.measure,
                k6=str(line.col6),
                k7=str(line.col7),
                k8=str(line.col8),
                k9=_value(line.quarters[0]),
                k10=_value(line.quarters[1]),
                k11=_value(line.quarters[2]),
                k12=_value(line.quarters[3]),
                k13=_value(line.col13),
                k14=percent_text(line.col14),
                k15=str(line.col15),
                k16=percent_text(line.col16),
            )
            for line in sheet.lines
        ],
        faktor_pendorong=ev.drivers if ev else "",
        faktor_penghambat=ev.obstacles if ev else "",
        tindak_lanjut=ev.follow_up if ev else "",
    )
