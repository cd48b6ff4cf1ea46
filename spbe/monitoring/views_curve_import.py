"""Staff pages for the planned S-curve: typed in, imported from a file, or drawn from the schedule; and the
import of many projects' curves at once."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, ValidationFailed
from spbe.core.tabular import CSV_SUFFIXES, XLSX_SUFFIXES

from . import curve_import, selectors, services
from .access import project_for_user
from .rfk import rfk_units_for_user


def saved_upload(upload: UploadedFile[bytes] | None, directory: str, stem: str) -> Path:
    """The uploaded table in a private temporary folder, keeping its suffix (the reader goes by it)."""
    if upload is None:
        raise ValidationFailed(_("Pilih berkas CSV atau XLSX."), field="berkas")
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        raise ValidationFailed(_("Berkas harus CSV atau XLSX."), field="berkas")
    path = Path(directory) / f"{stem}{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def parse_lines(text: str) -> list[tuple[dt.date, str]]:
    """Typed points, one a line: ``2027-05-31 70`` or ``31/05/2027; 70,5`` (date, then cumulative %)."""
    points = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = line.replace(";", " ").replace("\t", " ").split()
        if len(parts) != 2:
            raise ValidationFailed(
                _("Baris %(n)d: tulis tanggal lalu persen kumulatif, misalnya 2027-05-31 70.")
                % {"n": number},
                field="points",
            )
        try:
            day = curve_import.parse_day(parts[0])
        except ValueError:
            raise ValidationFailed(
                _("Baris %(n)d: %(text)s bukan tanggal.") % {"n": number, "text": parts[0]}, field="points"
            ) from None
        points.append((day, parts[1]))
    return points


@pemda_view
def curve_edit(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    project, can = project_for_user(request.user, pemda.code, pk)
    can.require("manage")
    errors: list[str] = []
    typed = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        typed = request.POST.get("points", "")
        try:
            if action == "entry":
                services.plan_set(actor=request.user, project=project, points=parse_lines(typed))
            elif action == "import":
                with tempfile.TemporaryDirectory() as directory:
                    path = saved_upload(request.FILES.get("berkas"), directory, "kurva")
                    curve_import.plan_import(actor=request.user, project=project, path=path)
            elif action == "schedule":
                curve_import.plan_from_schedule(
                    actor=request.user,
                    project=project,
                    shape=request.POST.get("shape", ""),
                    step=request.POST.get("step", ""),
                )
            else:
                raise ValidationFailed(_("Pilih cara menyusun kurva S."), field="action")
        except (ValidationFailed, Conflict) as error:
            errors = curve_import.import_failure_lines(error)
        else:
            messages.success(request, _("Kurva S rencana disimpan."))
            return redirect("monitoring:curve-edit", pemda_code=pemda.code, pk=project.pk)
    data = selectors.staff_project(project)
    if not typed:
        typed = "\n".join(f"{p.on.isoformat()} {p.percent}" for p in data.plan)
    return render(
        request,
        "monitoring/curve_import/edit.html",
        {
            "pemda": pemda,
            "project": project,
            "data": data,
            "errors": errors,
            "typed": typed,
            "shapes": curve_import.SHAPES.items(),
            "steps": curve_import.STEPS.items(),
        },
    )


@pemda_view
def curves_import(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Many projects' curves from one file (``kode_proyek, tanggal, rencana_kumulatif``)."""
    rfk_units_for_user(request.user, pemda)  # outsiders: 404
    errors: list[str] = []
    if request.method == "POST":
        try:
            with tempfile.TemporaryDirectory() as directory:
                path = saved_upload(request.FILES.get("berkas"), directory, "kurva")
                done = curve_import.plans_import(actor=request.user, pemda=pemda, path=path)
        except (ValidationFailed, Conflict) as error:
            errors = curve_import.import_failure_lines(error)
        else:
            messages.success(request, _("Kurva S %(n)d pekerjaan disimpan.") % {"n": len(done)})
            return redirect("monitoring:project-list", pemda_code=pemda.code)
    return render(request, "monitoring/curve_import/import_many.html", {"pemda": pemda, "errors": errors})
