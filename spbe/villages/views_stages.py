"""Pages of controlled disbursement and reports up the chain: the DPMD dashboard (the camat's view of the
kecamatan, a desa's own view), a stage with what blocks each desa, the stage plan, one desa's stages, reports
and kegiatan, and the consolidated semester I / year-end report as page, XLSX and PDF.

Thin: scope through :mod:`~spbe.villages.stages_access` (404 outside it), reads through
:mod:`~spbe.villages.reports` and :mod:`~spbe.villages.stages`, every write through their services.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.documents import render_pdf_response
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.exports import Column, export_response

from . import reports as report_reads
from .models_stages import DisbursementStage, RealisationReport, ReportPeriod
from .models_transfers import TransferKind
from .reports import REPORT_FLOW, activity_completion_set, report_move, report_submit
from .stages import StageSpec, stage_plan_set, stage_release, stage_release_eligible, stage_status, stages_of
from .stages_access import STAGES, stages_for_user, village_for_user
from .transfer_lines import revenue_summary, transfer_revenue_apply

PERIODS: dict[str, Any] = {
    ReportPeriod.SEMESTER1.value: gettext_lazy("Semester I"),
    ReportPeriod.YEAR_END.value: gettext_lazy("Akhir tahun"),
}


def _kind(kind: str) -> str:
    if kind not in TransferKind.values:
        raise Http404
    return kind


def _stage(pemda: Pemda, year: int, kind: str, number: int) -> DisbursementStage:
    stage = DisbursementStage.objects.filter(pemda=pemda, year=year, kind=_kind(kind), number=number).first()
    if stage is None:
        raise Http404(_("Tahap tidak ditemukan."))
    return stage


def _fail(request: HttpRequest, exc: ValidationFailed | Conflict | PermissionDenied) -> None:
    messages.error(request, exc.message)


@require_GET
@pemda_view
def dashboard_current(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """The dashboard of the current budget year (the link on the pemda's start page)."""
    stages_for_user(request.user, pemda.code)
    return redirect("village_stages:dashboard", pemda_code=pemda.code, year=settings.SPBE_DEFAULT_BUDGET_YEAR)


@require_GET
@pemda_view
def dashboard(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    pemda, villages, can = stages_for_user(request.user, pemda.code)
    desa = list(villages)
    stages = stages_of(pemda, year)
    rows = report_reads.dashboard(desa, year, stages)
    context = {
        "pemda": pemda,
        "year": year,
        "rows": rows,
        "stages": stages,
        "can": can,
        "kinds": TransferKind.choices,
        "periods": PERIODS,
        "adopted": sum(1 for r in rows if r.apbdes is not None),
        "reported_s1": sum(1 for r in rows if r.semester1 is not None),
        "reported_ye": sum(1 for r in rows if r.year_end is not None),
        "blocked": sum(1 for r in rows if r.blocked),
    }
    return render(request, "villages/stages/dashboard.html", context)


@require_GET
@pemda_view
def stage_page(request: HttpRequest, pemda: Pemda, year: int, kind: str, number: int) -> HttpResponse:
    pemda, villages, can = stages_for_user(request.user, pemda.code)
    stage = _stage(pemda, year, kind, number)
    entries = stage_status(stage, list(villages))
    context = {
        "pemda": pemda,
        "year": year,
        "stage": stage,
        "entries": entries,
        "can": can,
        "eligible": sum(1 for e in entries if e.eligible),
        "released": sum(1 for e in entries if e.released),
        "total_released": sum((e.amount for e in entries if e.released), Decimal(0)),
    }
    return render(request, "villages/stages/stage.html", context)


@require_POST
@pemda_view
def stage_release_one(
    request: HttpRequest, pemda: Pemda, year: int, kind: str, number: int, kode_desa: str
) -> HttpResponse:
    village, _can = village_for_user(request.user, pemda.code, kode_desa)
    stage = _stage(pemda, year, kind, number)
    try:
        release = stage_release(actor=request.user, stage=stage, village=village)
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            _("Tahap %(n)d %(kind)s disalurkan ke %(desa)s: Rp%(amount)s.")
            % {
                "n": stage.number,
                "kind": stage.kind,
                "desa": village.name,
                "amount": f"{release.amount:,.2f}",
            },
        )
    return redirect("village_stages:stage", pemda_code=pemda.code, year=year, kind=kind, number=number)


@require_POST
@pemda_view
def stage_release_all(request: HttpRequest, pemda: Pemda, year: int, kind: str, number: int) -> HttpResponse:
    pemda, villages, _can = stages_for_user(request.user, pemda.code)
    stage = _stage(pemda, year, kind, number)
    try:
        result = stage_release_eligible(actor=request.user, stage=stage, villages=list(villages))
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            _("%(count)d desa menerima tahap %(n)d; %(blocked)d desa masih terhambat.")
            % {"count": len(result.released), "n": stage.number, "blocked": result.blocked},
        )
    return redirect("village_stages:stage", pemda_code=pemda.code, year=year, kind=kind, number=number)


@require_POST
@pemda_view
def revenue_apply(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    """Write the adopted allocation into the year's draft APBDes again (drafts started since adoption)."""
    stages_for_user(request.user, pemda.code)
    try:
        sync = transfer_revenue_apply(actor=request.user, pemda=pemda, year=year)
    except PermissionDenied as exc:
        _fail(request, exc)
    else:
        messages.success(request, revenue_summary(sync))
    return redirect("village_stages:dashboard", pemda_code=pemda.code, year=year)


def _specs(post: Any, count: int) -> list[StageSpec]:
    specs = []
    for i in range(1, count + 1):
        share = post.get(f"share_{i}", "").strip()
        if not share:
            continue
        specs.append(
            StageSpec(
                share=share,
                requires_apbdes=post.get(f"apbdes_{i}") == "on",
                min_absorption=post.get(f"absorption_{i}", "").strip() or None,
                requires_activities_done=post.get(f"activities_{i}") == "on",
            )
        )
    return specs


@require_http_methods(["GET", "POST"])
@pemda_view
def plan_page(request: HttpRequest, pemda: Pemda, year: int, kind: str) -> HttpResponse:
    pemda, _villages, can = stages_for_user(request.user, pemda.code)
    kind = _kind(kind)
    error = ""
    if request.method == "POST":
        try:
            stage_plan_set(
                actor=request.user, pemda=pemda, year=year, kind=kind, stages=_specs(request.POST, 6)
            )
        except (ValidationFailed, Conflict, PermissionDenied) as exc:
            error = exc.message
        else:
            messages.success(
                request, _("Susunan tahap %(kind)s %(year)d disimpan.") % {"kind": kind, "year": year}
            )
            return redirect("village_stages:dashboard", pemda_code=pemda.code, year=year)
    current = stages_of(pemda, year, kind)
    slots = [{"number": i, "stage": current[i - 1] if i <= len(current) else None} for i in range(1, 7)]
    context = {"pemda": pemda, "year": year, "kind": kind, "slots": slots, "error": error, "can": can}
    return render(request, "villages/stages/plan.html", context)


@require_GET
@pemda_view
def desa_page(request: HttpRequest, pemda: Pemda, year: int, kode_desa: str) -> HttpResponse:
    village, can = village_for_user(request.user, pemda.code, kode_desa)
    plan = stages_of(pemda, year)
    by_kind: dict[str, list[DisbursementStage]] = {}
    for stage in plan:
        by_kind.setdefault(stage.kind, []).append(stage)
    statuses = [(stage, stage_status(stage, [village], plan=by_kind[stage.kind])[0]) for stage in plan]
    reports = list(
        RealisationReport.objects.filter(village=village, year=year)
        # The desa joined: each report's place() below reads its kecamatan without a query per report.
        .select_related("stage", "village")
        .order_by("period", "stage__kind", "stage__number")
    )
    for report in reports:
        report.moves = REPORT_FLOW.available(report, STAGES.can(request.user, report.place()))  # type: ignore[attr-defined]
    reported = {(r.period, r.stage_id) for r in reports if r.state != RealisationReport.State.RETURNED}
    can_report = [
        (ReportPeriod.SEMESTER1, None, PERIODS[ReportPeriod.SEMESTER1]),
        (ReportPeriod.YEAR_END, None, PERIODS[ReportPeriod.YEAR_END]),
        *(
            (
                ReportPeriod.STAGE,
                stage,
                _("Realisasi %(kind)s tahap %(n)d") % {"kind": stage.kind, "n": stage.number},
            )
            for stage, entry in statuses
            if entry.released
        ),
    ]
    context = {
        "pemda": pemda,
        "year": year,
        "village": village,
        "can": can,
        "statuses": statuses,
        "reports": reports,
        "to_report": [
            (period, stage, label)
            for period, stage, label in can_report
            if (period, stage.pk if stage is not None else None) not in reported
        ],
        "activities": report_reads.activities_of(village, year),
    }
    return render(request, "villages/stages/desa.html", context)


@require_POST
@pemda_view
def desa_report_submit(request: HttpRequest, pemda: Pemda, year: int, kode_desa: str) -> HttpResponse:
    village, _can = village_for_user(request.user, pemda.code, kode_desa)
    # The form's one select sends "<period>:<stage id>" (the id empty for semester and year-end reports).
    period, _sep, stage_id = request.POST.get("choice", "").partition(":")
    stage = None
    if stage_id:
        stage = DisbursementStage.objects.filter(
            pemda=pemda, year=year, pk=int(stage_id) if stage_id.isdigit() else 0
        ).first()
        if stage is None:
            raise Http404
    try:
        report_submit(actor=request.user, village=village, year=year, period=period, stage=stage)
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Laporan realisasi dikirim ke camat."))
    return redirect("village_stages:desa", pemda_code=pemda.code, year=year, kode_desa=kode_desa)


@require_POST
@pemda_view
def report_action(request: HttpRequest, pemda: Pemda, year: int, pk: int, action: str) -> HttpResponse:
    _pemda, villages, _can = stages_for_user(request.user, pemda.code)
    report = (
        RealisationReport.objects.select_related("village")
        .filter(pemda=pemda, year=year, pk=pk, village__in=villages)
        .first()
    )
    if report is None or action not in REPORT_FLOW.by_name:
        raise Http404
    try:
        report_move(actor=request.user, report=report, action=action, note=request.POST.get("note", ""))
    except (ValidationFailed, Conflict, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("Status laporan: %(state)s.") % {"state": report.get_state_display()})
    return redirect(
        "village_stages:desa", pemda_code=pemda.code, year=year, kode_desa=report.village.region_id
    )


@require_POST
@pemda_view
def desa_activity(request: HttpRequest, pemda: Pemda, year: int, kode_desa: str) -> HttpResponse:
    village, _can = village_for_user(request.user, pemda.code, kode_desa)
    try:
        activity_completion_set(
            actor=request.user,
            village=village,
            year=year,
            activity_code=request.POST.get("activity_code", ""),
            completed=request.POST.get("completed") == "1",
            note=request.POST.get("note", ""),
        )
    except (ValidationFailed, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect("village_stages:desa", pemda_code=pemda.code, year=year, kode_desa=kode_desa)


def _figure(side: str, key: str) -> Callable[[report_reads.ConsolidatedRow], Decimal]:
    return lambda row: row.figures[side][key]


def _period(period: str) -> str:
    if period not in PERIODS:
        raise Http404
    return period


@require_GET
@pemda_view
def consolidated(
    request: HttpRequest, pemda: Pemda, year: int, period: str, fmt: str = "html"
) -> HttpResponse:
    pemda, villages, _can = stages_for_user(request.user, pemda.code)
    data = report_reads.consolidate(list(villages), year, _period(period))
    title = _("Konsolidasi laporan realisasi APBDes %(period)s %(year)d") % {
        "period": PERIODS[period],
        "year": year,
    }
    filename = f"konsolidasi-apbdes-{pemda.code}-{year}-{period}"
    if fmt == "xlsx":
        columns = [
            Column(_("Kode desa"), lambda r: r.village.region_id),
            Column(_("Desa"), lambda r: r.village.name),
            Column(_("Kecamatan"), lambda r: r.village.kecamatan.name),
            Column(
                _("Status laporan"),
                lambda r: r.report.get_state_display() if r.report else _("Belum dikirim"),
            ),
            *(
                Column(f"{label} {part}", _figure(side, key), "money")
                for side, label in (
                    ("pendapatan", _("Pendapatan")),
                    ("belanja", _("Belanja")),
                    ("penerimaan", _("Penerimaan pembiayaan")),
                    ("pengeluaran", _("Pengeluaran pembiayaan")),
                )
                for key, part in (("anggaran", _("anggaran")), ("realisasi", _("realisasi")))
            ),
        ]
        download = export_response(
            "xlsx", data.rows, columns, filename=f"{filename}.xlsx", sheet_title=str(PERIODS[period])
        )
        # pemda_view is typed for HttpResponse; Django serves a streamed or file response through it alike.
        return cast(HttpResponse, download)
    context = {"pemda": pemda, "year": year, "period": period, "period_label": PERIODS[period], "data": data}
    if fmt == "pdf":
        context.update(
            {
                "pemda_name": pemda.name,
                "document_title": title,
                "issuer": _("Dinas Pemberdayaan Masyarakat dan Desa"),
                "printed_at": timezone.localtime(),
            }
        )
        return render_pdf_response(
            "villages/stages/consolidated_pdf.html", context, f"{filename}.pdf", request=request
        )
    return render(request, "villages/stages/consolidated.html", {**context, "title": title})
