"""Pages of village bookkeeping, made for a phone: the SPP list, its forms, the books and their downloads.

Thin: every read is scoped by :func:`books.books_for_user` (404 outside the user's desa, kecamatan or
pemda), every write is one service call of :mod:`spbe.villages.books`, whose answer on capability,
four eyes and budget is the one that counts. A refused write comes back as a message (or the form again
with what was typed), never as an error page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spbe.accounts.access import Place, get_village_for_user, villages_for_user
from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.documents import render_pdf_response, safe_filename
from spbe.core.errors import NotFound, SpbeError, ValidationFailed
from spbe.core.exports import Column, xlsx_response

from . import books
from .books import BOOK_KINDS, Books, Evidence, SppLineData, books_for_user, spp_for_user
from .models import Apbdes
from .models_books import CashMove, Channel, Receipt, Spp, TaxKind

FORM_ROWS = 5  # line rows an SPP or SPJ form offers; more are a second SPP or a revised one


def _titles() -> dict[str, str]:
    # Translated at request time, in the reader's language.
    return {
        "bku": _("Buku Kas Umum"),
        "bank": _("Buku Bank"),
        "pajak": _("Buku Pembantu Pajak"),
        "panjar": _("Buku Pembantu Panjar"),
    }


def _books(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> Books:
    return books_for_user(request.user, pemda, kode_desa, year)


def _home(b: Books) -> str:
    return reverse("villages:books-home", args=[b.village.pemda_id, b.village.region_id, b.year])


def _id(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


@require_GET
@pemda_view
def books_latest(request: HttpRequest, pemda: Pemda, kode_desa: str) -> HttpResponse:
    """The desa's books of its latest adopted year (the default budget year when none is adopted yet)."""
    village = get_village_for_user(request.user, pemda, kode_desa)
    latest = (
        Apbdes.objects.filter(village=village, stage=Apbdes.Stage.ADOPTED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    year = latest or settings.SPBE_DEFAULT_BUDGET_YEAR
    books_for_user(request.user, pemda, kode_desa, year)  # 404 for anyone without a view of the books
    return redirect("villages:books-home", pemda.code, kode_desa, year)


@require_GET
@pemda_view
def books_home(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    """The desa's year: balances, payment requests with their state, advances, receipts, the books."""
    b = _books(request, pemda, kode_desa, year)
    spps = list(Spp.objects.filter(village=b.village, year=year).order_by("-number"))
    advances = books.advances(Spp.objects.filter(village=b.village, year=year))
    overdue = {a.spp.pk for a in advances if a.overdue}
    context = {
        "pemda": pemda,
        "b": b,
        "spps": spps,
        "overdue": overdue,
        "advances": advances,
        "receipts": list(Receipt.objects.filter(village=b.village, year=year).order_by("-number")[:50]),
        "balances": books.balances(b.village, year) if b.kept_here else {},
        "taxes": {TaxKind(k).label: v for k, v in books.tax_outstanding(b.village, year).items() if v},
        "titles": _titles(),
        "day": books.books_day(b.village, year),
    }
    return render(request, "villages/books/home.html", context)


def _spp_form(
    request: HttpRequest, pemda: Pemda, b: Books, *, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    if b.apbdes is None or not b.kept_here:
        raise NotFound(_("APBDes yang ditetapkan dan dikelola di OpenSPBE tidak ada."))
    lines = books.budget_lines(b.apbdes)
    activities = sorted({bl.line.activity_code for bl in lines if bl.line.activity_code})
    context = {
        "pemda": pemda,
        "b": b,
        "lines": lines,
        "activities": activities,
        "kinds": Spp.Kind.choices,
        "rows": range(FORM_ROWS),
        "posted": request.POST if request.method == "POST" else {},
        "errors": errors or [],
    }
    return render(request, "villages/books/spp_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@pemda_view
def spp_create(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    b = _books(request, pemda, kode_desa, year)
    if request.method == "GET":
        return _spp_form(request, pemda, b)
    lines = []
    for i in range(FORM_ROWS):
        line_id = _id(request.POST.get(f"line_{i}"))
        amount = request.POST.get(f"amount_{i}", "").strip()
        if line_id is not None or amount:
            lines.append(SppLineData(line_id or 0, amount))
    try:
        spp = books.spp_create(
            actor=request.user,
            village=b.village,
            year=year,
            kind=request.POST.get("kind", ""),
            activity_code=request.POST.get("activity_code", ""),
            description=request.POST.get("description", ""),
            lines=lines,
        )
    except SpbeError as exc:
        return _spp_form(request, pemda, b, errors=[exc.message], status=200)
    messages.success(request, _("SPP %(spp)s disimpan sebagai draf.") % {"spp": spp})
    return redirect("villages:books-spp", pemda.code, kode_desa, year, spp.number)


@require_GET
@pemda_view
def spp_detail(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, number: int) -> HttpResponse:
    spp, b = spp_for_user(request.user, pemda, kode_desa, year, number)
    spj = getattr(spp, "spj", None) if spp.kind == Spp.Kind.PANJAR else None
    advance = books.advances(Spp.objects.filter(pk=spp.pk))
    context = {
        "pemda": pemda,
        "b": b,
        "spp": spp,
        "lines": list(spp.lines.all()),
        "taxes": list(spp.taxes.all()),
        "actions": [t for t in books.SPP_FLOW.available(spp, b.can) if t.name != "pay"],
        "may_pay": spp.state == Spp.State.APPROVED and b.can.pay,
        "tax_kinds": TaxKind.choices,
        "channels": Channel.choices,
        "default_day": books.default_day(b.village, year).isoformat(),
        "spj": spj,
        "spj_lines": list(spj.lines.select_related("spp_line")) if spj else [],
        "advance": advance[0] if advance else None,
        "may_account": spp.kind == Spp.Kind.PANJAR
        and spp.state == Spp.State.PAID
        and b.can.request
        and (spj is None or spj.state == "returned"),
        "spj_actions": books.SPJ_FLOW.available(spj, b.can) if spj else [],
        "rows": range(FORM_ROWS),
    }
    return render(request, "villages/books/spp_detail.html", context)


def _back(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, number: int) -> HttpResponse:
    return redirect("villages:books-spp", pemda.code, kode_desa, year, number)


@require_POST
@pemda_view
def spp_action(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, number: int) -> HttpResponse:
    spp, _b = spp_for_user(request.user, pemda, kode_desa, year, number)
    action = request.POST.get("action", "")
    try:
        if action not in books.SPP_FLOW.by_name or action == "pay":
            raise ValidationFailed(_("Tindakan tidak dikenal."))
        books.spp_move(actor=request.user, spp=spp, action=action, note=request.POST.get("note", ""))
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("SPP %(spp)s: %(state)s.") % {"spp": spp, "state": spp.get_state_display()}
        )
    return _back(request, pemda, kode_desa, year, number)


@require_POST
@pemda_view
def spp_pay(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, number: int) -> HttpResponse:
    spp, _b = spp_for_user(request.user, pemda, kode_desa, year, number)
    taxes = {kind: request.POST.get(f"tax_{kind}", "").strip() for kind in TaxKind.values}
    try:
        books.spp_pay(
            actor=request.user,
            spp=spp,
            paid_on=request.POST.get("paid_on", ""),
            via=request.POST.get("via", ""),
            taxes={k: v for k, v in taxes.items() if v},
        )
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("SPP %(spp)s dibayar dan dicatat di Buku Kas Umum.") % {"spp": spp})
    return _back(request, pemda, kode_desa, year, number)


@require_POST
@pemda_view
def spj_submit(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, number: int) -> HttpResponse:
    spp, _b = spp_for_user(request.user, pemda, kode_desa, year, number)
    evidence = []
    for i in range(FORM_ROWS):
        amount = request.POST.get(f"amount_{i}", "").strip()
        if not amount:
            continue
        evidence.append(
            Evidence(
                _id(request.POST.get(f"line_{i}")) or 0,
                request.POST.get(f"no_{i}", ""),
                request.POST.get(f"date_{i}", ""),
                request.POST.get(f"text_{i}", ""),
                amount,
            )
        )
    try:
        books.spj_submit(
            actor=request.user, spp=spp, submitted_on=request.POST.get("submitted_on", ""), evidence=evidence
        )
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("SPJ panjar diajukan ke Sekdes."))
    return _back(request, pemda, kode_desa, year, number)


@require_POST
@pemda_view
def spj_action(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, number: int) -> HttpResponse:
    spp, _b = spp_for_user(request.user, pemda, kode_desa, year, number)
    spj = getattr(spp, "spj", None)
    try:
        if spj is None:
            raise ValidationFailed(_("SPP ini belum memiliki SPJ."))
        action = request.POST.get("action", "")
        if action not in books.SPJ_FLOW.by_name:
            raise ValidationFailed(_("Tindakan tidak dikenal."))
        books.spj_move(actor=request.user, spj=spj, action=action, note=request.POST.get("note", ""))
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("SPJ %(state)s.") % {"state": spj.get_state_display()})
    return _back(request, pemda, kode_desa, year, number)


# --- treasurer's forms -------------------------------------------------------------------------------


def _treasury_form(
    request: HttpRequest, pemda: Pemda, b: Books, template: str, extra: dict[str, Any], errors: list[str]
) -> HttpResponse:
    if b.apbdes is None or not b.kept_here:
        raise NotFound(_("APBDes yang ditetapkan dan dikelola di OpenSPBE tidak ada."))
    context = {
        "pemda": pemda,
        "b": b,
        "channels": Channel.choices,
        "posted": request.POST if request.method == "POST" else {},
        "errors": errors,
        "default_day": books.default_day(b.village, b.year).isoformat(),
        **extra,
    }
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@pemda_view
def receipt_create(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    b = _books(request, pemda, kode_desa, year)
    errors: list[str] = []
    if request.method == "POST":
        try:
            receipt = books.receipt_record(
                actor=request.user,
                village=b.village,
                year=year,
                apbdes_line_id=_id(request.POST.get("line")) or 0,
                received_on=request.POST.get("received_on", ""),
                via=request.POST.get("via", ""),
                amount=request.POST.get("amount", ""),
                description=request.POST.get("description", ""),
                payer=request.POST.get("payer", ""),
            )
        except SpbeError as exc:
            errors = [exc.message]
        else:
            messages.success(request, _("Penerimaan %(no)s dicatat.") % {"no": receipt})
            return redirect(_home(b))
    lines = books.budget_lines(b.apbdes, spending=False) if b.apbdes is not None else []
    return _treasury_form(request, pemda, b, "villages/books/receipt_form.html", {"lines": lines}, errors)


@require_http_methods(["GET", "POST"])
@pemda_view
def tax_deposit(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    b = _books(request, pemda, kode_desa, year)
    errors: list[str] = []
    if request.method == "POST":
        try:
            deposit = books.tax_deposit_record(
                actor=request.user,
                village=b.village,
                year=year,
                kind=request.POST.get("kind", ""),
                deposited_on=request.POST.get("deposited_on", ""),
                via=request.POST.get("via", ""),
                amount=request.POST.get("amount", ""),
                ntpn=request.POST.get("ntpn", ""),
            )
        except SpbeError as exc:
            errors = [exc.message]
        else:
            messages.success(request, _("Setoran pajak %(no)s dicatat.") % {"no": deposit})
            return redirect(_home(b))
    extra = {"kinds": TaxKind.choices, "outstanding": books.tax_outstanding(b.village, year)}
    return _treasury_form(request, pemda, b, "villages/books/tax_form.html", extra, errors)


@require_http_methods(["GET", "POST"])
@pemda_view
def cash_move(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    b = _books(request, pemda, kode_desa, year)
    errors: list[str] = []
    if request.method == "POST":
        try:
            move = books.cash_move_record(
                actor=request.user,
                village=b.village,
                year=year,
                direction=request.POST.get("direction", ""),
                moved_on=request.POST.get("moved_on", ""),
                amount=request.POST.get("amount", ""),
                description=request.POST.get("description", ""),
            )
        except SpbeError as exc:
            errors = [exc.message]
        else:
            messages.success(request, _("Mutasi kas %(no)s dicatat.") % {"no": move})
            return redirect(_home(b))
    extra = {"directions": CashMove.Direction.choices}
    return _treasury_form(request, pemda, b, "villages/books/move_form.html", extra, errors)


# --- the books ---------------------------------------------------------------------------------------


def _period(request: HttpRequest, year: int) -> tuple[dt.date, dt.date]:
    def read(name: str, default: dt.date) -> dt.date:
        text = request.GET.get(name, "").strip()
        if not text:
            return default
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValidationFailed(_("Tanggal tidak sah; tulis TTTT-BB-HH."), field=name) from exc

    start, end = read("dari", dt.date(year, 1, 1)), read("sampai", dt.date(year, 12, 31))
    if start.year != year or end.year != year:
        raise ValidationFailed(
            _("Periode harus dalam tahun anggaran %(year)d.") % {"year": year}, field="dari"
        )
    return start, end


def _columns(kind: str) -> list[Column]:
    return [
        Column(_("Tanggal"), lambda e: e.date, "date"),
        Column(_("Nomor bukti"), lambda e: e.reference, width=28),
        Column(_("Uraian"), lambda e: e.description, width=44),
        Column(
            _("Rekening") if kind != "pajak" else _("Pajak"), lambda e: e.account_code or e.tax_kind, width=16
        ),
        Column(_("Kas/Bank"), lambda e: e.channel, width=10),
        Column(_("Penerimaan") if kind != "panjar" else _("Panjar diberikan"), lambda e: e.money_in, "money"),
        Column(
            _("Pengeluaran") if kind != "panjar" else _("Dipertanggungjawabkan"),
            lambda e: e.money_out,
            "money",
        ),
        Column(_("Saldo"), lambda e: e.balance, "money"),
    ]


@require_GET
@pemda_view
def book_page(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, kind: str) -> HttpResponse:
    """One book for a period as a page, or as XLSX or PDF (``?format=``), with the running balance."""
    if kind not in BOOK_KINDS:
        raise NotFound(_("Buku tidak dikenal."))
    b = _books(request, pemda, kode_desa, year)
    try:
        start, end = _period(request, year)
        the_book = books.book(b.village, year, kind, start, end)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("villages:books-book", pemda.code, kode_desa, year, kind)
    title = _titles()[kind]
    fmt = request.GET.get("format", "")
    name = f"{title} {b.village.name} {start.isoformat()} {end.isoformat()}"
    if fmt == "xlsx":
        opening = books.Entry(start, -1, "", _("Saldo awal"), "", balance=the_book.opening)
        closing = books.Entry(
            end, 9, "", _("Jumlah periode ini / saldo akhir"), "",
            money_in=the_book.total_in, money_out=the_book.total_out, balance=the_book.closing,
        )  # fmt: skip
        rows = [opening, *the_book.rows, closing]
        download = xlsx_response(
            rows, _columns(kind), filename=safe_filename(name, "").rstrip("."), sheet_title=title
        )
        # pemda_view is typed for HttpResponse; Django serves a file response through it alike.
        return cast(HttpResponse, download)
    context = {"pemda": pemda, "b": b, "book": the_book, "title": title, "kind": kind, "titles": _titles()}
    if fmt == "pdf":
        context.update(
            document_title=f"{title} {b.village.name} {year}",
            document_subtitle=_("Tahun anggaran %(year)d") % {"year": year},
            pemda_name=pemda.name,
            issuer=b.village.name,
        )
        return render_pdf_response(
            "villages/books/book_pdf.html", context, safe_filename(name), request=request
        )
    return render(request, "villages/books/book.html", context)


@require_GET
@pemda_view
def overdue_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Advances past their ten working days without an SPJ, in every desa the user may see."""
    visible = villages_for_user(request.user, pemda)
    allowed = [
        v.pk for v in visible.select_related("kecamatan") if books.BOOKS.can(request.user, _place(v)).view
    ]
    if not allowed:
        raise NotFound(_("Data tidak ditemukan."))
    rows = books.overdue_advances(pemda, visible.filter(pk__in=allowed))
    total = sum((a.spp.total for a in rows), Decimal("0"))
    return render(request, "villages/books/overdue.html", {"pemda": pemda, "rows": rows, "total": total})


def _place(village: Any) -> Place:
    return Place.of_village(village)
