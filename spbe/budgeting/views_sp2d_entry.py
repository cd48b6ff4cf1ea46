"""Finance staff enter realisation on a page: an SP2D against a DPA line found by search, an STS, or an
import file (``/app/<pemda>/realisasi/<year>/sp2d/baru/``, ``sts/baru/``, ``impor/``).

Only whoever may record realisation (BUD/BPKAD: the TAPD role of :data:`realisation.REALISATION`) gets the
forms; readers of the pemda's realisation get 403, everyone else 404 (:func:`realisation_scope`). Every
write goes through the realisation services, which lock and re-check; a breach of the DPA line is shown as
a form error in Indonesian. Each form carries an idempotency key made when the page was drawn, passed to
the service, so a double submit (two clicks, a resent POST after a timeout) records once and shows the
first record.

No JavaScript: the line search is a GET form, so the page works the same on a phone and under the CSP.
"""

from __future__ import annotations

import tempfile
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, ImportFailed, PermissionDenied, ValidationFailed
from spbe.core.forms import MoneyFormField
from spbe.core.money import format_rupiah
from spbe.core.uploads import save_table_upload

from . import sp2d_entry
from .access_realisation import realisation_scope
from .imports_realisation import realisation_import
from .models_realisation import Sp2dKind
from .realisation import Sp2dInput, StsInput, sp2d_record, sts_record

FormError = (ValidationFailed, Conflict, PermissionDenied)
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def _recorder(request: HttpRequest, pemda: Pemda) -> None:
    """404 outside the pemda's realisation (through the scope), 403 to a reader who may not record."""
    _pemda, _unit, can = realisation_scope(request.user, pemda.code)
    if not can.record:
        raise PermissionDenied(_("Hanya BUD/BPKAD yang mencatat SP2D dan STS."))


def _unit(pemda: Pemda, code: str) -> PerangkatDaerah | None:
    return PerangkatDaerah.objects.filter(pemda=pemda, code=code).first() if code else None


class Sp2dForm(forms.Form):
    baris = forms.IntegerField(widget=forms.HiddenInput)
    kunci = forms.UUIDField(widget=forms.HiddenInput)
    nomor = forms.CharField(label=gettext_lazy("Nomor SP2D"), max_length=60)
    tanggal = forms.DateField(label=gettext_lazy("Tanggal SP2D"), widget=DATE_INPUT)
    jenis = forms.ChoiceField(label=gettext_lazy("Jenis SP2D"), choices=Sp2dKind.choices, initial="LS")
    uraian = forms.CharField(
        label=gettext_lazy("Uraian"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    jumlah = MoneyFormField(label=gettext_lazy("Jumlah (Rp)"))


class StsForm(forms.Form):
    skpd = forms.CharField(widget=forms.HiddenInput)
    kunci = forms.UUIDField(widget=forms.HiddenInput)
    rekening = forms.ChoiceField(label=gettext_lazy("Rekening pendapatan"))
    nomor = forms.CharField(label=gettext_lazy("Nomor STS"), max_length=60)
    tanggal = forms.DateField(label=gettext_lazy("Tanggal setor"), widget=DATE_INPUT)
    uraian = forms.CharField(
        label=gettext_lazy("Uraian"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    jumlah = MoneyFormField(label=gettext_lazy("Jumlah (Rp)"))

    def __init__(self, *args: Any, accounts: list[tuple[str, str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rekening"].choices = [  # type: ignore[attr-defined]
            (code, f"{code} {name} (DPA {format_rupiah(amount)})") for code, name, amount in accounts
        ]


class UploadForm(forms.Form):
    berkas = forms.FileField(label=gettext_lazy("Berkas CSV atau XLSX"))


@require_http_methods(["GET", "POST"])
@pemda_view
def sp2d_new(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    """Choose an agency, find its DPA line (``?skpd=&q=``), pick it (``&baris=``), then enter the SP2D."""
    _recorder(request, pemda)
    version = sp2d_entry.adopted_version(pemda, year)
    units = sp2d_entry.chargeable_units(version)
    unit = _unit(pemda, request.GET.get("skpd", "").strip())
    query = request.GET.get("q", "").strip()[:100]
    chosen = None
    ref = request.POST.get("baris") if request.method == "POST" else request.GET.get("baris")
    if ref and ref.isdigit():
        chosen = sp2d_entry.line_choice(version, int(ref))
        unit = chosen.unit
    results = sp2d_entry.search_lines(version, unit, query) if unit is not None and chosen is None else []
    form = None
    if chosen is not None:
        if request.method == "POST":
            form = Sp2dForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                entry = Sp2dInput(
                    chosen.unit,
                    data["nomor"],
                    data["tanggal"],
                    data["jenis"],
                    chosen.sub_kegiatan,
                    chosen.account,
                    chosen.funding,
                    data["uraian"],
                    data["jumlah"],
                )
                try:
                    row, created = sp2d_record(
                        actor=request.user, pemda=pemda, year=year, entry=entry, idempotency_key=data["kunci"]
                    )
                except FormError as exc:
                    form.add_error(_field(exc, Sp2dForm), exc.message)
                    chosen = sp2d_entry.line_choice(version, chosen.ref)  # fresh figures beside the error
                else:
                    if created:
                        messages.success(
                            request,
                            _("SP2D %(number)s sebesar %(amount)s dicatat.")
                            % {"number": row.number, "amount": format_rupiah(row.amount)},
                        )
                    else:
                        messages.info(
                            request, _("SP2D %(number)s sudah tercatat sebelumnya.") % {"number": row.number}
                        )
                    url = reverse("sp2d-entry:sp2d-new", args=[pemda.code, year])
                    return redirect(f"{url}?baris={chosen.ref}")
        else:
            form = Sp2dForm(initial={"baris": chosen.ref, "kunci": uuid.uuid4(), "jenis": "LS"})
    context = {
        "pemda": pemda,
        "year": year,
        "version": version,
        "units": units,
        "unit": unit,
        "query": query,
        "results": results,
        "chosen": chosen,
        "form": form,
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "budgeting/sp2d_entry/sp2d.html", context, status=status)


def _field(exc: ValidationFailed | Conflict | PermissionDenied, form: type[forms.Form]) -> str | None:
    """The form field a service error belongs to (the service names its own fields), else the form."""
    names = {
        "number": "nomor",
        "date": "tanggal",
        "kind": "jenis",
        "amount": "jumlah",
        "description": "uraian",
    }
    name = names.get(exc.field or "", exc.field or "")
    return name if name in form.base_fields else None


@require_http_methods(["GET", "POST"])
@pemda_view
def sts_new(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    """Choose an agency (``?skpd=``), then enter an STS on one of its budgeted revenue accounts."""
    _recorder(request, pemda)
    version = sp2d_entry.adopted_version(pemda, year)
    code = (request.POST.get("skpd") if request.method == "POST" else request.GET.get("skpd")) or ""
    unit = _unit(pemda, code.strip())
    units = list(PerangkatDaerah.objects.filter(pemda=pemda).order_by("code"))
    form = None
    if unit is not None:
        accounts = sp2d_entry.revenue_accounts(version, unit)
        if request.method == "POST":
            form = StsForm(request.POST, accounts=accounts)
            if form.is_valid():
                data = form.cleaned_data
                entry = StsInput(
                    unit, data["nomor"], data["tanggal"], data["rekening"], data["uraian"], data["jumlah"]
                )
                try:
                    row, created = sts_record(
                        actor=request.user, pemda=pemda, year=year, entry=entry, idempotency_key=data["kunci"]
                    )
                except FormError as exc:
                    form.add_error(_field(exc, StsForm), exc.message)
                else:
                    if created:
                        messages.success(
                            request,
                            _("STS %(number)s sebesar %(amount)s dicatat.")
                            % {"number": row.number, "amount": format_rupiah(row.amount)},
                        )
                    else:
                        messages.info(
                            request, _("STS %(number)s sudah tercatat sebelumnya.") % {"number": row.number}
                        )
                    return redirect(
                        reverse("realisation:sts", args=[pemda.code, year]) + f"?skpd={unit.code}"
                    )
        else:
            form = StsForm(initial={"skpd": unit.code, "kunci": uuid.uuid4()}, accounts=accounts)
    context = {"pemda": pemda, "year": year, "version": version, "units": units, "unit": unit, "form": form}
    status = 422 if form is not None and form.errors else 200
    return render(request, "budgeting/sp2d_entry/sts.html", context, status=status)


@require_http_methods(["GET", "POST"])
@pemda_view
def upload(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    """The ``spbe import_realisation`` file through the browser: all or nothing, every bad cell listed as
    ``row N, column X: reason``."""
    _recorder(request, pemda)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        try:
            with tempfile.TemporaryDirectory(prefix="spbe-realisasi-") as folder:
                result = realisation_import(
                    actor=request.user,
                    pemda=pemda,
                    year=year,
                    path=save_table_upload(
                        form.cleaned_data["berkas"], folder, field="berkas", default_name="realisasi.csv"
                    ),
                )
        except ImportFailed as exc:
            problems = [e.contract_line() for e in exc.errors]
            total = exc.total
            form.add_error(None, exc.message)
        except FormError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Berkas diimpor: %(sp2d)d SP2D dan %(sts)d STS.")
                % {"sp2d": result.sp2d, "sts": result.sts},
            )
            return redirect("realisation:sp2d", pemda_code=pemda.code, year=year)
    context = {"pemda": pemda, "year": year, "form": form, "problems": problems, "total": total}
    return render(request, "budgeting/sp2d_entry/upload.html", context, status=422 if form.errors else 200)
