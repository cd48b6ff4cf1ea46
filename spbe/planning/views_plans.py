"""Plan pages (``/app/<pemda>/rencana/``): the plans a user may read, uploading a plan's table, one plan
(the RKPD or a Renja by agency and program with totals and the proposals each item funds; the RPJMD or a
Renstra with its five years), adopting it, and its CSV/XLSX and PDF.

Everything reads through :mod:`spbe.planning.access_plans` (404 outside the reader's scope) and writes
through :mod:`spbe.planning.plans`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from spbe.accounts import access as accounts_access
from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.documents import Signer, render_pdf_response, signing_place
from spbe.core.errors import Conflict, ImportFailed, NotFound, PermissionDenied, ValidationFailed
from spbe.core.exports import FORMATS

from . import selectors_plans
from .access_plans import plan_for_user, plans_for_user, regional_can, units_editable_by
from .documents import _name, _nip, _signed_on
from .exports_plans import plan_export
from .models_plans import AGENCY_KINDS, PERIOD_KINDS, PERIOD_YEARS, Plan, PlanKind
from .plans import plan_adopt, plan_import

UPLOAD_SUFFIXES = (".csv", ".xlsx")
MAX_UPLOAD = 20 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Jenis rencana"))
    year = forms.IntegerField(
        label=gettext_lazy("Tahun"),
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("Tahun anggaran (RKPD, Renja) atau tahun pertama periode (RPJMD, Renstra)."),
    )
    unit = forms.ChoiceField(label=gettext_lazy("Perangkat daerah (Renstra, Renja)"), required=False)
    file = forms.FileField(label=gettext_lazy("Berkas CSV atau XLSX"))

    def __init__(
        self, *args: Any, kinds: list[tuple[str, str]], units: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", "—"), *units]  # type: ignore[attr-defined]


def _upload_choices(
    request: HttpRequest, pemda: Pemda
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The kinds of plan the user may upload, and the agencies whose plans they may write."""
    kinds: list[tuple[str, str]] = []
    if regional_can(request.user, pemda).edit_regional:
        kinds += [(k, str(PlanKind(k).label)) for k in (PlanKind.RPJMD, PlanKind.RKPD)]
    unit_ids = units_editable_by(request.user, pemda, PlanKind.RENJA)
    units = accounts_access.units_for_user(request.user, pemda)
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    unit_choices = [(u.code, f"{u.code} {u.name}") for u in units] if unit_ids else []
    if unit_choices:
        kinds += [(k, str(PlanKind(k).label)) for k in (PlanKind.RENSTRA, PlanKind.RENJA)]
    return kinds, unit_choices


def _saved(upload: UploadedFile[bytes], folder: str) -> Path:
    name = Path(upload.name or "rencana.csv").name
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise ValidationFailed(_("Berkas harus CSV atau XLSX."), field="file")
    if (upload.size or 0) > MAX_UPLOAD:
        raise ValidationFailed(_("Berkas lebih dari 20 MB."), field="file")
    path = Path(folder) / name
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


@require_http_methods(["GET", "POST"])
@pemda_view
def plan_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    plans = plans_for_user(request.user, pemda).order_by("kind", "-year", "unit__code", "-number")
    kinds, units = _upload_choices(request, pemda)
    form = UploadForm(kinds=kinds, units=units) if kinds else None
    problems: list[str] = []
    if request.method == "POST":
        if not kinds:
            raise PermissionDenied(_("Anda tidak berwenang mengunggah rencana."))
        form = UploadForm(request.POST, request.FILES, kinds=kinds, units=units)
        if form.is_valid():
            data = form.cleaned_data
            unit_code = data["unit"] if data["kind"] in AGENCY_KINDS else ""
            try:
                with tempfile.TemporaryDirectory() as folder:
                    result = plan_import(
                        _saved(data["file"], folder),
                        actor=request.user,
                        pemda_code=pemda.code,
                        kind=data["kind"],
                        year=data["year"],
                        unit_code=unit_code,
                    )
            except ImportFailed as exc:
                problems = [e.contract_line() for e in exc.errors]
                form.add_error(None, exc.message)
            except (ValidationFailed, Conflict) as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(plan)s diimpor: %(rows)d baris.") % {"plan": str(result.plan), "rows": result.rows},
                )
                return redirect("planning-plans:detail", pemda_code=pemda.code, pk=result.plan.pk)
    context = {"pemda": pemda, "plans": plans, "form": form, "problems": problems}
    return render(request, "planning/plans/list.html", context, status=400 if form and form.errors else 200)


@require_http_methods(["GET", "POST"])
@pemda_view
def plan_detail(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    plan, can = plan_for_user(request.user, pemda.code, pk)
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in FORMATS:
            raise ValidationFailed(_("Format unduhan harus csv atau xlsx."), field="format")
        # pemda_view is typed for HttpResponse; Django serves a streamed or file response through it alike.
        return cast(HttpResponse, plan_export(plan, fmt))
    may_adopt = not plan.is_frozen and (can.adopt_agency if plan.kind in AGENCY_KINDS else can.adopt_regional)
    if request.method == "POST":
        try:
            plan_adopt(actor=request.user, plan=plan)
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(plan)s ditetapkan.") % {"plan": str(plan)})
        return redirect("planning-plans:detail", pemda_code=pemda.code, pk=plan.pk)
    context: dict[str, Any] = {"pemda": pemda, "plan": plan, "may_adopt": may_adopt}
    if plan.kind in PERIOD_KINDS:
        context["rows"] = selectors_plans.rows_of(plan)
        context["totals"] = list(zip(plan.years, selectors_plans.period_totals(plan), strict=True))
        context["year_numbers"] = range(1, PERIOD_YEARS + 1)
    else:
        context["table"] = selectors_plans.year_table(plan)
        if plan.kind == PlanKind.RKPD:
            context["renja"] = selectors_plans.renja_plans(plan)
            context["unfunded"] = selectors_plans.accepted_unfunded(pemda.code, plan.year)[:200]
    return render(request, "planning/plans/detail.html", context)


@require_GET
@pemda_view
def plan_pdf(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    """The RKPD or a Renja table as PDF; ``?nama=&nip=&tanggal=`` fill in the signature block."""
    plan, _can = plan_for_user(request.user, pemda.code, pk)
    if plan.kind in PERIOD_KINDS:
        raise NotFound(_("Data tidak ditemukan."))
    name = _name(request, "nama", _("nama penanda tangan"))
    nip = _nip(request, "nip")
    signed_on = _signed_on(request, pemda)
    table = selectors_plans.year_table(plan)
    place = signing_place(pemda.region.name)
    with translation.override("id"):
        if plan.kind == PlanKind.RKPD:
            title = _("Rencana Kerja Pemerintah Daerah Tahun %(year)d") % {"year": plan.year}
            issuer = _("Badan Perencanaan Pembangunan Daerah")
            signers = [
                Signer(role=_("Kepala Bappeda"), intro=_("Mengetahui,")),
                Signer(role=_("Bupati %(place)s") % {"place": place}, name=name, nip=nip),
            ]
        else:
            assert plan.unit is not None
            title = _("Rencana Kerja Perangkat Daerah Tahun %(year)d") % {"year": plan.year}
            issuer = plan.unit.name
            signers = [Signer(role=_("Kepala %(unit)s") % {"unit": plan.unit.name}, name=name, nip=nip)]
        context = {
            "plan": plan,
            "table": table,
            "signers": signers,
            "signed_on": signed_on,
            "place": place,
            "pemda_name": pemda.name,
            "issuer": issuer,
            "document_title": title,
            "document_subtitle": (_("Ditetapkan") if plan.is_frozen else _("Rancangan (belum ditetapkan)")),
        }
    unit = f" {plan.unit.code}" if plan.unit else ""
    filename = f"{PlanKind(plan.kind).label}{unit} {plan.year}"
    return render_pdf_response("planning/plans/document.html", context, filename, request=request)


__all__ = ["Plan", "plan_detail", "plan_list", "plan_pdf"]
