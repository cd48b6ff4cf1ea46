"""The monthly RFK over the staff API (bearer token), scoped like its page: an agency's own rows, every
agency's for Bappeda and the auditor, 404 for anyone else. Percentages are 2-decimal strings (half up;
null where the formula has nothing to divide by), money decimal strings."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from spbe.accounts.access import get_pemda_for_user
from spbe.accounts.api import TokenAuth
from spbe.core.schema import Rupiah

from . import rfk
from .rfk import percent_text

router = Router(tags=["monitoring"], auth=TokenAuth())


class RfkRowOut(Schema):
    kode_skpd: str
    nama_skpd: str
    kode_sub_kegiatan: str
    nama_sub_kegiatan: str
    pagu_dpa: Rupiah
    anggaran_kas: Rupiah
    realisasi_keuangan: Rupiah
    target_persen: str | None
    capaian_keuangan_persen: str | None
    deviasi_persen: str
    fisik_persen: str | None
    nilai_fisik: Rupiah
    jumlah_pekerjaan: int
    divergensi: str


class RfkTotalOut(Schema):
    kode_skpd: str | None
    pagu_dpa: Rupiah
    anggaran_kas: Rupiah
    realisasi_keuangan: Rupiah
    target_persen: str | None
    capaian_keuangan_persen: str | None
    deviasi_persen: str
    fisik_persen: str | None
    nilai_fisik: Rupiah


class RfkOut(Schema):
    tahun: int
    bulan: int
    sampai: dt.date
    ambang_divergensi: str
    baris: list[RfkRowOut]
    per_skpd: list[RfkTotalOut]
    total: RfkTotalOut


class RfkQuery(Schema):
    unit: int | None = None


def _total(total: rfk.RfkTotal) -> RfkTotalOut:
    return RfkTotalOut(
        kode_skpd=total.unit.code if total.unit else None,
        pagu_dpa=total.dpa,
        anggaran_kas=total.cash_plan,
        realisasi_keuangan=total.paid,
        target_persen=percent_text(total.target),
        capaian_keuangan_persen=percent_text(total.achievement),
        deviasi_persen=percent_text(total.deviation) or "",
        fisik_persen=percent_text(total.physical),
        nilai_fisik=total.physical_value,
    )


@router.get(
    "/pemda/{code}/monitoring/rfk/{year}/{month}",
    response=RfkOut,
    summary="RFK bulanan per sub kegiatan (staf)",
    description=(
        "Pagu DPA, anggaran kas kumulatif, SP2D sampai akhir bulan, target = kas/DPA x 100, capaian = "
        "SP2D/DPA x 100, deviasi = (target - capaian)/target x 100 (100 tanpa target), progres fisik "
        "terverifikasi berbobot nilai kontrak dan nilai fisik = fisik/100 x DPA."
    ),
)
def rfk_month(request: HttpRequest, code: str, year: int, month: int, filters: Query[RfkQuery]) -> RfkOut:
    user = request.auth  # type: ignore[attr-defined]
    pemda = get_pemda_for_user(user, code)
    units = rfk.rfk_units_for_user(user, pemda, filters.unit)
    report = rfk.rfk(pemda, year, month, units)
    assert report.total is not None
    return RfkOut(
        tahun=report.year,
        bulan=report.month,
        sampai=report.until,
        ambang_divergensi=str(report.threshold),
        baris=[
            RfkRowOut(
                kode_skpd=r.unit.code,
                nama_skpd=r.unit.name,
                kode_sub_kegiatan=r.sub_kegiatan,
                nama_sub_kegiatan=r.name,
                pagu_dpa=r.dpa,
                anggaran_kas=r.cash_plan,
                realisasi_keuangan=r.paid,
                target_persen=percent_text(r.target),
                capaian_keuangan_persen=percent_text(r.achievement),
                deviasi_persen=percent_text(r.deviation) or "",
                fisik_persen=percent_text(r.physical),
                nilai_fisik=r.physical_value,
                jumlah_pekerjaan=r.projects,
                divergensi=r.divergence,
            )
            for r in report.rows
        ],
        per_skpd=[_total(t) for t in report.units],
        total=_total(report.total),
    )
