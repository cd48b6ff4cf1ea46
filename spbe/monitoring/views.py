"""Staff pages of e-monitoring: the projects of one's units, a phone-sized progress report with photos,
and the check (verify or return) by a supervisor or the agency head who did not submit it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from . import selectors, services
from .access import photo_for_user, project_for_user, projects_for_user, report_for_user
from .forms import PHOTO_ACCEPT, CheckForm, ReportForm
from .models import ReportState

LIST_LIMIT = 500


@pemda_view
def project_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    projects = projects_for_user(request.user, pemda).order_by("-is_critical", "year", "name")[:LIST_LIMIT]
    return render(request, "monitoring/project_list.html", {"pemda": pemda, "projects": projects})


@pemda_view
def project_detail(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    project, can = project_for_user(request.user, pemda.code, pk)
    data = selectors.staff_project(project)
    return render(
        request,
        "monitoring/project_detail.html",
        {"pemda": pemda, "project": project, "can": can, "data": data},
    )


@pemda_view
def report_create(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    """The supervisor's report from the field: percent, date, note, problems and photos, on a phone."""
    project, can = project_for_user(request.user, pemda.code, pk)
    can.require("report")
    form = ReportForm(initial={"reported_on": services.pemda_today(pemda)})
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_submit(
                    actor=request.user,
                    project=project,
                    reported_on=form.cleaned_data["reported_on"],
                    percent=form.cleaned_data["percent"],
                    note=form.cleaned_data["note"],
                    problems=form.cleaned_data["problems"],
                    photo_files=request.FILES.getlist("photos"),
                )
            except (ValidationFailed, Conflict) as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, _("Laporan progres terkirim dan menunggu verifikasi."))
                return redirect("monitoring:project-detail", pemda_code=pemda.code, pk=project.pk)
    return render(
        request,
        "monitoring/report_form.html",
        {"pemda": pemda, "project": project, "form": form, "accept": PHOTO_ACCEPT},
    )


@pemda_view
def report_check(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    """A report with its photos and their flags; verify or return it (POST)."""
    report, can = report_for_user(request.user, pemda.code, pk)
    form = CheckForm()
    if request.method == "POST":
        form = CheckForm(request.POST)
        if form.is_valid():
            act = (
                services.report_verify if form.cleaned_data["action"] == "verify" else services.report_return
            )
            try:
                act(actor=request.user, report=report, note=form.cleaned_data["note"])
            except (ValidationFailed, PermissionDenied, Conflict) as error:
                form.add_error(None, error.message)
            else:
                done = (
                    _("Laporan diverifikasi.")
                    if report.state == ReportState.VERIFIED
                    else _("Laporan dikembalikan.")
                )
                messages.success(request, done)
                return redirect("monitoring:project-detail", pemda_code=pemda.code, pk=report.project_id)
    return render(
        request,
        "monitoring/report_check.html",
        {
            "pemda": pemda,
            "report": report,
            "project": report.project,
            "photos": selectors.report_photos(report),
            "can": can,
            "form": form,
            # Buttons only for someone who may decide: never the one who submitted it (maker-checker).
            "may_check": report.state == ReportState.SUBMITTED
            and can.verify
            and report.submitted_by_id != request.user.pk,
        },
    )


@pemda_view
def photo(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    """A report photo for staff: the clean copy, its thumbnail (``?ukuran=kecil``) or, for those who keep the
    record, the original with its metadata (``?ukuran=asli``)."""
    row, can = photo_for_user(request.user, pemda.code, pk)
    size = request.GET.get("ukuran", "")
    if size == "asli":
        if not can.view_originals:
            raise NotFound(_("Foto tidak ditemukan."))
        stored, content_type = row.original, row.content_type
    else:
        stored, content_type = (row.thumbnail if size == "kecil" else row.public), "image/jpeg"
    with stored.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    # Staff-only bytes: kept by this browser alone, never by a shared cache.
    response["Cache-Control"] = "private, max-age=3600"
    return response
