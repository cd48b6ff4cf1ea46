"""DPMD pages for transfer scenarios: the list, one scenario with its siltap check, a comparison, adoption.

Thin: access through :mod:`~spbe.villages.transfers_access` (404 outside the transfer staff), reads through
:mod:`~spbe.villages.transfers_selectors`, the one write through :func:`transfer_scenario_adopt`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, ImportFailed, ValidationFailed
from spbe.core.tabular import CSV_SUFFIXES, XLSX_SUFFIXES

from .models_transfers import TransferKind
from .transfer_lines import allocation_adopt, revenue_summary
from .transfers import transfer_scenario_import_published, transfer_scenario_simulate
from .transfers_access import scenario_for_user, transfers_for_user
from .transfers_selectors import compare_scenarios, scenario_rows, scenarios, siltap_check


def _scenario_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _list_page(
    request: HttpRequest,
    pemda: Pemda,
    *,
    errors: list[str] | None = None,
    posted: dict[str, Any] | None = None,
) -> HttpResponse:
    _pemda, can = transfers_for_user(request.user, pemda.code)
    context = {
        "pemda": pemda,
        "scenarios": list(scenarios(pemda)),
        "can": can,
        "kinds": TransferKind.choices,
        "errors": errors or [],
        "posted": posted or {},
    }
    return render(request, "villages/transfer_list.html", context)


@require_GET
@pemda_view
def scenario_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    return _list_page(request, pemda)


def _saved_upload(upload: UploadedFile[bytes] | None, directory: str) -> Path:
    """The uploaded table in a private temporary folder, keeping its suffix (the reader goes by it)."""
    if upload is None:
        raise ValidationFailed(_("Pilih berkas CSV atau XLSX."), field="berkas")
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        raise ValidationFailed(_("Berkas harus CSV atau XLSX."), field="berkas")
    path = Path(directory) / f"indikator{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def _year(value: str | None) -> int:
    if not value or not value.isdigit() or len(value) != 4:
        raise ValidationFailed(_("Tahun anggaran harus empat angka, misalnya 2027."), field="year")
    return int(value)


def _failure_lines(exc: ValidationFailed) -> list[str]:
    if isinstance(exc, ImportFailed):
        return [exc.message, *exc.report()]
    return [exc.message]


@require_POST
@pemda_view
def scenario_simulate(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Simulate a scenario from a configuration (JSON, as the command reads it) and an uploaded table."""
    transfers_for_user(request.user, pemda.code)
    posted = {key: request.POST.get(key, "") for key in ("year", "kind", "name", "config")}
    try:
        try:
            config = json.loads(posted["config"])
        except json.JSONDecodeError as exc:
            raise ValidationFailed(
                _("Konfigurasi bukan JSON yang sah: %(error)s.") % {"error": exc.msg}, field="config"
            ) from exc
        with tempfile.TemporaryDirectory() as directory:
            scenario = transfer_scenario_simulate(
                actor=request.user,
                pemda=pemda,
                year=_year(posted["year"]),
                kind=posted["kind"],
                name=posted["name"],
                config=config,
                indicators=_saved_upload(request.FILES.get("berkas"), directory),
            )
    except ValidationFailed as exc:
        return _list_page(request, pemda, errors=_failure_lines(exc), posted=posted)
    messages.success(request, _("Skenario %(name)s disimulasikan.") % {"name": scenario.name})
    return redirect("villages:transfer-detail", pemda_code=pemda.code, pk=scenario.pk)


@require_POST
@pemda_view
def scenario_import_dana_desa(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Record the published Dana Desa table (kode_desa, pagu) as a DD scenario."""
    transfers_for_user(request.user, pemda.code)
    posted = {"dd_year": request.POST.get("dd_year", ""), "dd_name": request.POST.get("dd_name", "")}
    try:
        with tempfile.TemporaryDirectory() as directory:
            scenario = transfer_scenario_import_published(
                actor=request.user,
                pemda=pemda,
                year=_year(posted["dd_year"]),
                name=posted["dd_name"],
                path=_saved_upload(request.FILES.get("dd_berkas"), directory),
            )
    except ValidationFailed as exc:
        return _list_page(request, pemda, errors=_failure_lines(exc), posted=posted)
    messages.success(request, _("Rincian Dana Desa %(name)s diimpor.") % {"name": scenario.name})
    return redirect("villages:transfer-detail", pemda_code=pemda.code, pk=scenario.pk)


@require_GET
@pemda_view
def scenario_detail(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    scenario, can = scenario_for_user(request.user, pemda.code, pk)
    context = {
        "pemda": pemda,
        "scenario": scenario,
        "rows": list(scenario_rows(scenario)),
        "shortfalls": siltap_check(scenario),
        "can": can,
    }
    return render(request, "villages/transfer_detail.html", context)


@require_GET
@pemda_view
def scenario_compare(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    transfers_for_user(request.user, pemda.code)
    left_id, right_id = _scenario_id(request.GET.get("kiri")), _scenario_id(request.GET.get("kanan"))
    comparison = None
    if left_id is not None and right_id is not None:
        left, _can = scenario_for_user(request.user, pemda.code, left_id)
        right, _can = scenario_for_user(request.user, pemda.code, right_id)
        comparison = compare_scenarios(left, right)
    context = {
        "pemda": pemda,
        "scenarios": list(scenarios(pemda)),
        "comparison": comparison,
        "left_id": left_id,
        "right_id": right_id,
    }
    return render(request, "villages/transfer_compare.html", context)


@require_POST
@pemda_view
def scenario_adopt(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    scenario, _can = scenario_for_user(request.user, pemda.code, pk)
    try:
        # Adoption writes the amounts into the year's draft APBDes too (4.2.1-4.2.3), in one transaction.
        _adopted, sync = allocation_adopt(actor=request.user, scenario=scenario)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Skenario %(name)s ditetapkan sebagai %(kind)s tahun %(year)d.")
            % {"name": scenario.name, "kind": scenario.get_kind_display(), "year": scenario.year}
            + " "
            + revenue_summary(sync),
        )
    return redirect("villages:transfer-detail", pemda_code=pemda.code, pk=scenario.pk)
