"""The XLSX template pages of a desa's APBDes: download the budget or realisation template, upload it back.

Thin: scope through :func:`access.apbdes_for_user` / the village helpers (404 outside), the writes are
:mod:`spbe.villages.template`'s services. A refused upload shows every located error as
``<file> [<sheet>]: row N, column X: reason`` and nothing is saved.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.errors import ImportFailed, NotFound, SpbeError, ValidationFailed
from spbe.core.exports import XLSX_TYPE
from spbe.core.money import format_rupiah

from . import template
from .access import apbdes_for_user
from .models import Apbdes

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _latest_adopted(apbdes: Apbdes) -> Apbdes | None:
    return (
        Apbdes.objects.filter(village_id=apbdes.village_id, year=apbdes.year, stage=Apbdes.Stage.ADOPTED)
        .order_by("-number")
        .first()
    )


def _failure_lines(exc: SpbeError) -> list[str]:
    if isinstance(exc, ImportFailed):
        lines = [exc.message]
        lines += [f"{e.file}: {e.contract_line()}" if e.file else e.contract_line() for e in exc.errors[:50]]
        if exc.total > 50:
            lines.append(_("... dan %(more)d kesalahan lain.") % {"more": exc.total - 50})
        return lines
    return [exc.message]


def _saved(upload: UploadedFile[bytes] | None, directory: str) -> tuple[Path, str]:
    if upload is None:
        raise ValidationFailed(_("Pilih berkas XLSX templat."), field="berkas")
    name = Path(upload.name or "templat.xlsx").name
    if Path(name).suffix.lower() != ".xlsx":
        raise ValidationFailed(
            _("Berkas harus XLSX (templat yang diunduh dari halaman ini)."), field="berkas"
        )
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("Berkas lebih dari 10 MB."), field="berkas")
    path = Path(directory) / "templat.xlsx"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path, name


@require_http_methods(["GET", "POST"])
@pemda_view
def template_page(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    """Downloads of both templates and their upload forms; POST ``jenis=apbdes|realisasi`` uploads one."""
    apbdes, can = apbdes_for_user(request.user, pemda.code, kode_desa, year)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        kind = request.POST.get("jenis", "")
        try:
            with tempfile.TemporaryDirectory() as directory:
                path, name = _saved(request.FILES.get("berkas"), directory)
                if kind == "apbdes":
                    count = template.budget_import(
                        actor=request.user, apbdes=apbdes, path=path, file_name=name
                    )
                    messages.success(
                        request,
                        _("%(count)d rincian dari %(file)s menggantikan isi draf.")
                        % {"count": count, "file": name},
                    )
                elif kind == "realisasi":
                    result = template.realisation_import(
                        actor=request.user, village=apbdes.village, year=year, path=path, file_name=name
                    )
                    messages.success(
                        request,
                        _("%(rows)d baris realisasi (%(total)s) dari %(file)s disimpan.")
                        % {"rows": result.rows, "total": format_rupiah(result.total), "file": name},
                    )
                else:
                    raise ValidationFailed(_("Jenis templat tidak dikenal."))
        except SpbeError as exc:
            errors, status = _failure_lines(exc), 422
        else:
            return redirect("villages:entry-template", pemda.code, kode_desa, year)
    context = {
        "pemda": pemda,
        "apbdes": apbdes,
        "can": can,
        "errors": errors,
        "adopted": _latest_adopted(apbdes),
        "draft": apbdes.stage == Apbdes.Stage.DRAFT and not apbdes.is_frozen,
    }
    return render(request, "villages/template/page.html", context, status=status)


@require_GET
@pemda_view
def template_download(
    request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, kind: str
) -> HttpResponse:
    apbdes, _can = apbdes_for_user(request.user, pemda.code, kode_desa, year)
    if kind == "apbdes":
        body = template.budget_template(apbdes)
    elif kind == "realisasi":
        body = template.realisation_template(apbdes.village, year)
    else:
        raise NotFound(_("Templat tidak dikenal."))
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}-{kode_desa}-{year}.xlsx"'
    return response
