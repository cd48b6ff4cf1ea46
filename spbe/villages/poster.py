"""The APBDes infographic poster (the billboard every desa must put up): as PDF and as PNG, for everyone.

One set of figures (:func:`poster_data`, from the published APBDes and its realisation) feeds both: revenue
by source, expenditure by bidang, financing, realisation and the largest kegiatan. The PDF is an official
document (``spbe.core.documents``); the PNG is drawn with Pillow (WeasyPrint has had no PNG output since
v53 and no PDF rasteriser is installed), with Pillow's bundled font so it draws the same on every server.
Amounts are shown exactly, to the rupiah and sen, as on the public page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spbe.core.documents import render_pdf_response, safe_filename
from spbe.core.errors import NotFound
from spbe.core.money import format_rupiah
from spbe.reference.models import VillageActivity

from . import selectors
from .models import Apbdes, ApbdesLine, Realisation

ZERO = Decimal("0.00")
KEY_ACTIVITIES = 6
#: Revenue headings of the poster: the kelompok/jenis of the village chart and their names.
REVENUE_HEADINGS = [
    ("4.1", "Pendapatan Asli Desa"),
    ("4.2.1", "Dana Desa"),
    ("4.2.2", "Bagi Hasil Pajak dan Retribusi"),
    ("4.2.3", "Alokasi Dana Desa"),
    ("4.2.4", "Bantuan Keuangan Provinsi"),
    ("4.2.5", "Bantuan Keuangan Kabupaten/Kota"),
    ("4.3", "Pendapatan Lain-lain"),
]


@dataclass(frozen=True)
class Row:
    kode: str
    nama: str
    anggaran: Decimal
    realisasi: Decimal

    @property
    def percent(self) -> Decimal:
        if self.anggaran <= 0:
            return ZERO
        return (self.realisasi * 100 / self.anggaran).quantize(Decimal("0.01"))


def poster_data(apbdes: Apbdes) -> dict[str, Any]:
    """Everything the poster shows, from the published version (a few grouped queries)."""
    summary = selectors.apbdes_summary(apbdes)
    accounts = {r["kode"]: r for r in summary["rekening"]}
    revenue = [
        Row(
            code, str(accounts[code]["nama"] or name), accounts[code]["anggaran"], accounts[code]["realisasi"]
        )
        for code, name in REVENUE_HEADINGS
        if code in accounts
    ]
    bidang = [Row(b["kode"], b["nama"], b["anggaran"], b["realisasi"]) for b in summary["bidang"]]
    budget = dict(
        ApbdesLine.objects.filter(apbdes=apbdes, account_code__startswith="5.")
        .values_list("activity_code")
        .annotate(total=Sum("amount", default=0))
        .order_by("-total", "activity_code")[:KEY_ACTIVITIES]
    )
    real = dict(
        Realisation.objects.filter(
            village_id=apbdes.village_id,
            year=apbdes.year,
            origin=apbdes.origin,
            account_code__startswith="5.",
            activity_code__in=list(budget),
        )
        .values_list("activity_code")
        .annotate(total=Sum("amount", default=0))
        .order_by()
    )
    names = dict(
        VillageActivity.objects.filter(year=apbdes.year, code__in=list(budget)).values_list("code", "name")
    )
    activities = [
        Row(code, names.get(code, ""), amount, real.get(code, ZERO))
        for code, amount in sorted(budget.items(), key=lambda item: (-item[1], item[0]))
    ]
    side = {k: Row(k, "", summary[k]["anggaran"], summary[k]["realisasi"]) for k in ("pendapatan", "belanja")}
    financing = summary["pembiayaan"]
    return {
        "summary": summary,
        "apbdes": apbdes,
        "pendapatan": side["pendapatan"],
        "belanja": side["belanja"],
        "revenue": revenue,
        "bidang": bidang,
        "penerimaan": Row("6.1", _("Penerimaan pembiayaan"), **financing["penerimaan"]),
        "pengeluaran": Row("6.2", _("Pengeluaran pembiayaan"), **financing["pengeluaran"]),
        "netto": Row("6", _("Pembiayaan netto"), **financing["netto"]),
        "surplus": summary["pendapatan"]["anggaran"] - summary["belanja"]["anggaran"],
        "activities": activities,
    }


def _published(kode_desa: str, year: int) -> Apbdes:
    try:
        return selectors.published_apbdes(kode_desa, year)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _title(data: dict[str, Any]) -> str:
    return _("APBDes Desa %(name)s Tahun %(year)d") % {
        "name": data["summary"]["nama_desa"],
        "year": data["summary"]["tahun"],
    }


@require_GET
def poster_pdf(request: HttpRequest, kode_desa: str, year: int) -> HttpResponse:
    apbdes = _published(kode_desa, year)
    data = poster_data(apbdes)
    context = {
        **data,
        "pemda_name": apbdes.pemda.name,
        "document_title": _title(data),
        "issuer": apbdes.village.name,  # the government's name: "Pemerintah Desa Sarongan"
        "document_subtitle": _("Informasi Anggaran Pendapatan dan Belanja Desa dan realisasinya"),
        "printed_at": timezone.localtime(),
        "financing": [data["penerimaan"], data["pengeluaran"], data["netto"]],
    }
    return render_pdf_response(
        "villages/stages/poster_pdf.html", context, f"poster-apbdes-{kode_desa}-{year}.pdf"
    )


# --- PNG ----------------------------------------------------------------------------------------------

WIDTH = 1240
MARGIN = 48
GREEN, DARK, GREY, LIGHT, ACCENT = (22, 101, 52), (17, 24, 39), (75, 85, 99), (229, 231, 235), (202, 138, 4)


def _rp(amount: Decimal) -> str:
    return format_rupiah(amount)


def render_png(data: dict[str, Any]) -> bytes:
    """Draw the poster: title, totals, revenue by source, spending by bidang, financing, key kegiatan."""
    from PIL import Image, ImageDraw, ImageFont

    def font(size: int) -> Any:
        return ImageFont.load_default(size=size)

    title_font, head_font, text_font, small_font = font(44), font(30), font(24), font(20)
    sections: list[tuple[str, list[Row]]] = [
        (_("Pendapatan menurut sumber"), data["revenue"]),
        (_("Belanja menurut bidang"), data["bidang"]),
        (_("Pembiayaan"), [data["penerimaan"], data["pengeluaran"], data["netto"]]),
        (_("Kegiatan utama"), data["activities"]),
    ]
    height = 330 + sum(80 + 78 * len(rows) for _title, rows in sections) + 80
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 140), fill=GREEN)
    draw.text((MARGIN, 28), _title(data), font=title_font, fill="white")
    draw.text(
        (MARGIN, 88),
        _("Kode desa %(code)s · versi %(n)d · realisasi menurut laporan desa")
        % {"code": data["summary"]["kode_desa"], "n": data["apbdes"].number},
        font=small_font,
        fill="white",
    )
    y = 170
    for label, row in ((_("Pendapatan"), data["pendapatan"]), (_("Belanja"), data["belanja"])):
        draw.text((MARGIN, y), label, font=head_font, fill=DARK)
        draw.text((MARGIN + 260, y), _rp(row.anggaran), font=head_font, fill=DARK)
        draw.text(
            (MARGIN + 760, y + 4),
            _("realisasi %(amount)s (%(p)s%%)")
            % {"amount": _rp(row.realisasi), "p": str(row.percent).replace(".", ",")},
            font=small_font,
            fill=GREY,
        )
        y += 52
    draw.text(
        (MARGIN, y),
        _("Surplus/(defisit): %(amount)s") % {"amount": _rp(data["surplus"])},
        font=text_font,
        fill=GREY,
    )
    y += 60
    for title, rows in sections:
        draw.rectangle((MARGIN, y, WIDTH - MARGIN, y + 4), fill=ACCENT)
        draw.text((MARGIN, y + 16), title, font=head_font, fill=GREEN)
        y += 80
        biggest = max((r.anggaran for r in rows), default=ZERO) or Decimal(1)
        for row in rows:
            name = f"{row.kode} {row.nama}".strip()
            draw.text((MARGIN, y), name[:60], font=text_font, fill=DARK)
            draw.text((WIDTH - MARGIN - 420, y), _rp(row.anggaran), font=text_font, fill=DARK)
            bar = int((WIDTH - 2 * MARGIN) * row.anggaran / biggest) if row.anggaran > 0 else 0
            draw.rectangle((MARGIN, y + 34, MARGIN + bar, y + 46), fill=LIGHT)
            done = int(bar * min(row.realisasi, row.anggaran) / row.anggaran) if row.anggaran > 0 else 0
            draw.rectangle((MARGIN, y + 34, MARGIN + done, y + 46), fill=GREEN)
            draw.text(
                (MARGIN, y + 50),
                _("realisasi %(amount)s (%(p)s%%)")
                % {"amount": _rp(row.realisasi), "p": str(row.percent).replace(".", ",")},
                font=small_font,
                fill=GREY,
            )
            y += 78
    draw.text(
        (MARGIN, height - 56),
        _("Sidik isi APBDes: %(hash)s") % {"hash": (data["apbdes"].content_hash or "")[:32]},
        font=small_font,
        fill=GREY,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@require_GET
def poster_png(request: HttpRequest, kode_desa: str, year: int) -> HttpResponse:
    apbdes = _published(kode_desa, year)
    response = HttpResponse(render_png(poster_data(apbdes)), content_type="image/png")
    response["Content-Disposition"] = (
        f'inline; filename="{safe_filename(f"poster-apbdes-{kode_desa}-{year}", ".png")}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
