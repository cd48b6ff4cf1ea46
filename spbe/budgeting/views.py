"""E-budgeting staff pages: versions, ceilings, each agency's RKA, line-by-line TAPD review, checks and
version comparison (page, XLSX and PDF).

Every page reads through :mod:`spbe.budgeting.access` (404 outside the user's scope: another pemda,
another agency's RKA for an agency role) and writes through :mod:`spbe.budgeting.services`, which ask the
policy again, lock what they change and write the audit entry. Forms carry what the user saw (the RKA's
state, a line's amount, a detail row's fingerprint, a ceiling's amount) so an edit made by someone else in
between is refused with a clear message, never silently overwritten.

Pages stay fast for the agency with the most rows: an RKA page lists sub-kegiatan (summed in SQL, 50 a
page), a sub-kegiatan page lists its lines 25 a page with their detail rows in one query.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spbe.accounts.access import Can, Place, scope_in, units_for_user
from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.views import pemda_view
from spbe.core.documents import render_pdf_response
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.exports import Column, xlsx_response
from spbe.core.forms import MoneyFormField

from . import selectors, selectors_pages, services
from .access import BUDGET, line_for_user, version_for_user
from .models import (
    EDITABLE_RKA_STATES,
    FACTORS,
    Review,
    Rka,
    RkaDetail,
    RkaLine,
    RkaState,
    VersionKind,
)

GROUPS_PER_PAGE = 50
LINES_PER_PAGE = 25
COMPARE_PER_PAGE = 100
FormError = (ValidationFailed, Conflict, PermissionDenied)

CHECK_LABELS = {
    "silpa": gettext_lazy("Keseimbangan: SiLPA tahun berjalan nol"),
    "defisit_tertutup": gettext_lazy("Defisit tertutup pembiayaan netto"),
    "belanja_pegawai": gettext_lazy("Belanja pegawai paling banyak"),
    "belanja_infrastruktur": gettext_lazy("Belanja infrastruktur pelayanan publik paling sedikit"),
    "fungsi_pendidikan": gettext_lazy("Fungsi pendidikan paling sedikit"),
}


def _pemda_wide(request: HttpRequest, pemda: Pemda) -> Can:
    return BUDGET.can(request.user, Place.of_pemda(pemda))


def _rka(request: HttpRequest, pemda: Pemda, version_id: int, unit_code: str) -> tuple[Rka, Can]:
    return selectors_pages.rka_in_scope(request.user, pemda.code, version_id, unit_code)


def _rka_url(rka: Rka) -> str:
    return reverse("budgeting:rka-detail", args=[rka.pemda_id, rka.version_id, rka.unit.code])


def _group_url(line: RkaLine, unit_code: str) -> str:
    slug = line.sub_kegiatan or selectors_pages.NO_SUB
    url = reverse("budgeting:rka-group", args=[line.pemda_id, line.version_id, unit_code, slug])
    return f"{url}#baris-{line.pk}"


def _form_error(form: forms.Form, exc: ValidationFailed | Conflict | PermissionDenied) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.message)


# --- versions -----------------------------------------------------------------------------------------------


class VersionCreateForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Tahun anggaran"), min_value=2000, max_value=2100)


def _own_units(request: HttpRequest, pemda: Pemda) -> set[int]:
    """The agencies whose RKA the user reads through an agency role."""
    units = scope_in(request.user, pemda).unit_ids
    return {u for u in units if BUDGET.can(request.user, Place(pemda.code, unit_id=u)).view}


@pemda_view
def version_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """The versions of a year (``?tahun=``, the newest year by default): state, totals, content hash.

    Pemda-wide readers see each version's totals; an agency role sees its own agency's RKA in each."""
    wide = _pemda_wide(request, pemda)
    own_units = None if wide.view else _own_units(request, pemda)
    if own_units is not None and not own_units:
        raise NotFound(_("Data tidak ditemukan."))
    years = selectors_pages.version_years(pemda)
    raw = request.GET.get("tahun", "")
    year = int(raw) if raw.isdigit() else (years[0] if years else 0)
    form = VersionCreateForm(initial={"year": year or None})
    if request.method == "POST":
        wide.require("manage")
        form = VersionCreateForm(request.POST)
        if form.is_valid():
            try:
                created = services.version_create(
                    actor=request.user, pemda=pemda, year=form.cleaned_data["year"]
                )
            except FormError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("APBD murni %(year)d dibuka.") % {"year": created.year})
                return redirect("budgeting:version-detail", pemda_code=pemda.code, version_id=created.pk)
    rows: list[dict[str, Any]] = []
    for version in selectors_pages.versions_of(pemda, year):
        row: dict[str, Any] = {"version": version}
        if own_units is None:
            row["figures"] = selectors_pages.version_figures(version)
        else:
            # An agency role reads its own agencies' RKA in each version, never the pemda's totals.
            row["agencies"] = selectors_pages.version_agencies(version, unit_ids=own_units)
        rows.append(row)
    context = {
        "pemda": pemda,
        "years": years,
        "year": year,
        "rows": rows,
        "wide": wide.view,
        "form": form if wide.manage else None,
    }
    return render(request, "budgeting/version_list.html", context, status=400 if form.errors else 200)


class VersionActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("adopt", "adopt"), ("revise", "revise")])
    state = forms.CharField(required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Jenis versi baru"),
        required=False,
        choices=[
            (VersionKind.PERGESERAN, VersionKind.PERGESERAN.label),
            (VersionKind.PERUBAHAN, VersionKind.PERUBAHAN.label),
        ],
    )


@pemda_view
def version_detail(request: HttpRequest, pemda: Pemda, version_id: int) -> HttpResponse:
    """One version for pemda-wide readers: totals, each agency's RKA, the TAPD's adopt and revise."""
    version = version_for_user(request.user, pemda.code, version_id)
    can = BUDGET.can(request.user, version.place())
    error = ""
    if request.method == "POST":
        form = VersionActionForm(request.POST)
        if not form.is_valid():
            error = _("Tindakan tidak dikenal.")
        elif form.cleaned_data["state"] != version.version_state:
            error = _(
                "Versi ini sudah berubah status sejak halaman dimuat. Periksa lagi sebelum melanjutkan."
            )
        else:
            try:
                if form.cleaned_data["action"] == "adopt":
                    services.version_adopt(actor=request.user, version=version)
                    messages.success(request, _("APBD ditetapkan dan dibekukan."))
                    return redirect("budgeting:version-detail", pemda_code=pemda.code, version_id=version.pk)
                draft = services.version_revise(
                    actor=request.user,
                    version=version,
                    kind=form.cleaned_data["kind"] or VersionKind.PERUBAHAN,
                )
                messages.success(request, _("Versi baru dibuat sebagai salinan."))
                return redirect("budgeting:version-detail", pemda_code=pemda.code, version_id=draft.pk)
            except FormError as exc:
                error = exc.message
    others = selectors_pages.versions_of(pemda).exclude(pk=version.pk)
    context = {
        "pemda": pemda,
        "version": version,
        "can": can,
        "figures": selectors_pages.version_figures(version),
        "agencies": selectors_pages.version_agencies(version),
        "others": others,
        "kinds": [
            (VersionKind.PERUBAHAN, VersionKind.PERUBAHAN.label),
            (VersionKind.PERGESERAN, VersionKind.PERGESERAN.label),
        ],
        "error": error,
    }
    return render(request, "budgeting/version_detail.html", context, status=409 if error else 200)


# --- ceilings -----------------------------------------------------------------------------------------------


class CeilingForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Perangkat daerah"), queryset=PerangkatDaerah.objects.none()
    )
    code = forms.CharField(
        label=gettext_lazy("Kode program/kegiatan/sub kegiatan"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Kosongkan untuk pagu seluruh perangkat daerah."),
    )
    amount = MoneyFormField(label=gettext_lazy("Pagu (Rp)"))
    seen = MoneyFormField(label=gettext_lazy("Pagu yang terlihat"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: QuerySet[PerangkatDaerah], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("code")  # type: ignore[attr-defined]


@pemda_view
def ceilings(request: HttpRequest, pemda: Pemda, version_id: int) -> HttpResponse:
    """KUA-PPAS ceilings of a version with what is used under each; the TAPD sets and changes them."""
    version = version_for_user(request.user, pemda.code, version_id)
    can = BUDGET.can(request.user, version.place())
    units = units_for_user(request.user, pemda)
    form = CeilingForm(units=units)
    if request.method == "POST":
        form = CeilingForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            seen: Decimal | None = data["seen"]
            try:
                ceiling = services.ceiling_set(
                    actor=request.user,
                    version=version,
                    unit=data["unit"],
                    code=data["code"],
                    amount=data["amount"],
                    seen=seen,
                    create_only=seen is None,
                )
            except FormError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Pagu %(scope)s %(unit)s disimpan.")
                    % {"scope": ceiling.code or _("perangkat daerah"), "unit": data["unit"].name},
                )
                return redirect("budgeting:ceilings", pemda_code=pemda.code, version_id=version.pk)
    context = {
        "pemda": pemda,
        "version": version,
        "can_set": can.set_ceiling and not version.is_frozen,
        "uses": selectors_pages.ceiling_uses(version),
        "form": form,
    }
    status = 409 if form.errors and request.method == "POST" else 200
    return render(request, "budgeting/ceilings.html", context, status=status)


# --- one agency's RKA ---------------------------------------------------------------------------------------


class LineForm(forms.Form):
    sub_kegiatan = forms.CharField(
        label=gettext_lazy("Kode sub kegiatan"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Kosongkan untuk pendapatan (4) dan pembiayaan (6)."),
    )
    account = forms.CharField(label=gettext_lazy("Kode rekening"), max_length=20)
    funding = forms.CharField(label=gettext_lazy("Sumber dana"), required=False, max_length=20)
    location = forms.CharField(label=gettext_lazy("Lokasi"), required=False, max_length=200)


class RkaActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("submit", "submit"),
            ("accept_pending", "accept_pending"),
            ("verify", "verify"),
            ("return", "return"),
            ("line", "line"),
        ]
    )
    state = forms.CharField()
    note = forms.CharField(
        label=gettext_lazy("Catatan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _rka_action(request: HttpRequest, rka: Rka, form: RkaActionForm) -> str:
    """Run one RKA move; the message to show on success, or raise the service's error."""
    data = form.cleaned_data
    if data["state"] != rka.state:
        raise Conflict(
            _("RKA ini sudah berstatus '%(state)s' sejak halaman dimuat. Periksa lagi sebelum melanjutkan.")
            % {"state": RkaState(rka.state).label}
        )
    action = data["action"]
    if action == "submit":
        services.rka_submit(actor=request.user, rka=rka, note=data["note"])
        return _("RKA diajukan ke TAPD.")
    if action == "accept_pending":
        count = services.rka_accept_pending(actor=request.user, rka=rka)
        return _("%(count)d baris diterima.") % {"count": count}
    if action == "verify":
        services.rka_verify(actor=request.user, rka=rka)
        return _("RKA terverifikasi.")
    services.rka_return(actor=request.user, rka=rka, note=data["note"])
    return _("RKA dikembalikan ke perangkat daerah.")


@pemda_view
def rka_detail(request: HttpRequest, pemda: Pemda, version_id: int, unit_code: str) -> HttpResponse:
    """An agency's RKA: its state and moves, its ceilings against what is used, its sub-kegiatan."""
    rka, can = _rka(request, pemda, version_id, unit_code)
    action_error = ""
    line_form = LineForm()
    if request.method == "POST":
        if request.POST.get("action") == "line":
            line_form = LineForm(request.POST)
            if line_form.is_valid():
                try:
                    line = services.line_create(actor=request.user, rka=rka, **line_form.cleaned_data)
                except FormError as exc:
                    _form_error(line_form, exc)
                else:
                    messages.success(request, _("Baris ditambahkan; isi rinciannya."))
                    return redirect(_group_url(line, rka.unit.code))
        else:
            action = RkaActionForm(request.POST)
            if action.is_valid():
                try:
                    messages.success(request, _rka_action(request, rka, action))
                except FormError as exc:
                    action_error = exc.message
                else:
                    return redirect(_rka_url(rka))
            else:
                action_error = _("Tindakan tidak dikenal.")
    groups = selectors_pages.rka_groups(rka)
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    editable = rka.state in EDITABLE_RKA_STATES and not rka.version.is_frozen
    context = {
        "pemda": pemda,
        "rka": rka,
        "version": rka.version,
        "can": can,
        "editable": editable and can.edit,
        "may_submit": editable and can.submit,
        "may_review": rka.state == RkaState.SUBMITTED
        and can.verify
        and rka.submitted_by_id != request.user.pk,
        "totals": selectors_pages.rka_totals(rka),
        "uses": selectors_pages.ceiling_uses(rka.version, unit_id=rka.unit_id),
        "page": page,
        "line_form": line_form,
        "action_error": action_error,
        "wide": _pemda_wide(request, pemda).view,
    }
    status = 409 if action_error else 400 if line_form.errors else 200
    return render(request, "budgeting/rka_detail.html", context, status=status)


class ReviewForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    seen_amount = MoneyFormField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(choices=[("accept", "accept"), ("return", "return")])
    note = forms.CharField(required=False, max_length=4000)


@pemda_view
def rka_group(request: HttpRequest, pemda: Pemda, version_id: int, unit_code: str, sub: str) -> HttpResponse:
    """One sub-kegiatan of an RKA (or its revenue and financing, ``-``): lines, their detail rows and the
    ceilings above it, with the operator's edit links and the TAPD's review of each line."""
    rka, can = _rka(request, pemda, version_id, unit_code)
    code = "" if sub == selectors_pages.NO_SUB else sub
    lines = selectors_pages.group_lines(rka, code)
    if not lines:
        raise NotFound(_("Data tidak ditemukan."))
    may_review = rka.state == RkaState.SUBMITTED and can.verify and rka.submitted_by_id != request.user.pk
    review_errors: dict[int, str] = {}
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Isian pemeriksaan tidak lengkap."))
        else:
            data = form.cleaned_data
            line = next((x for x in lines if x.pk == data["line"]), None)
            if line is None:
                raise NotFound(_("Data tidak ditemukan."))
            try:
                services.line_review(
                    actor=request.user,
                    line=line,
                    accept=data["verdict"] == "accept",
                    note=data["note"],
                    seen_amount=data["seen_amount"],
                )
            except FormError as exc:
                review_errors[line.pk] = exc.message
            else:
                messages.success(request, _("Hasil pemeriksaan baris disimpan."))
                return redirect(_group_url(line, rka.unit.code))
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    shown: list[RkaLine] = list(page.object_list)
    details = selectors_pages.details_of(shown)
    names = selectors_pages.account_names(rka.version.year, [x.account for x in shown])
    sub_names = selectors_pages.nomenclature_names(rka.version.year, [code]) if code else {}
    context = {
        "pemda": pemda,
        "rka": rka,
        "version": rka.version,
        "code": code,
        "sub_name": sub_names.get(code, ""),
        "page": page,
        "rows": [
            {
                "line": line,
                "account_name": names.get(line.account, ""),
                "details": [(d, services.detail_fingerprint(d)) for d in details[line.pk]],
                "error": review_errors.get(line.pk, ""),
            }
            for line in shown
        ],
        "total": sum((x.amount for x in lines), Decimal("0.00")),
        "uses": selectors_pages.ceiling_uses(rka.version, unit_id=rka.unit_id, under=code) if code else [],
        "editable": rka.state in EDITABLE_RKA_STATES and not rka.version.is_frozen and can.edit,
        "may_review": may_review,
        "returned": Review.RETURNED,
    }
    return render(request, "budgeting/rka_group.html", context, status=409 if review_errors else 200)


# --- detail rows --------------------------------------------------------------------------------------------


class DetailForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("Uraian"), max_length=500)
    volume1 = forms.CharField(
        label=gettext_lazy("Volume 1"), max_length=24, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    unit1 = forms.CharField(label=gettext_lazy("Satuan 1"), max_length=40)
    volume2 = forms.CharField(
        label=gettext_lazy("Volume 2"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit2 = forms.CharField(label=gettext_lazy("Satuan 2"), max_length=40, required=False)
    volume3 = forms.CharField(
        label=gettext_lazy("Volume 3"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit3 = forms.CharField(label=gettext_lazy("Satuan 3"), max_length=40, required=False)
    volume4 = forms.CharField(
        label=gettext_lazy("Volume 4"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit4 = forms.CharField(label=gettext_lazy("Satuan 4"), max_length=40, required=False)
    unit_price = MoneyFormField(label=gettext_lazy("Harga satuan (Rp)"))
    tax_percent = forms.CharField(
        label=gettext_lazy("Pajak (%)"),
        max_length=8,
        initial="0",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    standard_kind = forms.ChoiceField(
        label=gettext_lazy("Harga standar"),
        required=False,
        choices=[("", "—"), ("ssh", "SSH"), ("sbu", "SBU"), ("hspk", "HSPK"), ("asb", "ASB")],
    )
    standard_code = forms.CharField(label=gettext_lazy("Kode harga standar"), max_length=40, required=False)
    seen = forms.CharField(
        label=gettext_lazy("Versi rincian yang terlihat"), required=False, widget=forms.HiddenInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(2, FACTORS + 1):
            volume, unit = data.get(f"volume{index}"), data.get(f"unit{index}")
            if bool(volume) != bool(unit):
                self.add_error(
                    f"volume{index}", _("Isi volume dan satuannya bersama-sama, atau kosongkan keduanya.")
                )
        return data

    def to_input(self) -> services.DetailInput:
        data = self.cleaned_data
        factors = [(data["volume1"], data["unit1"])] + [
            (data[f"volume{i}"], data[f"unit{i}"]) for i in range(2, FACTORS + 1) if data.get(f"volume{i}")
        ]
        kind, code = data.get("standard_kind") or "", data.get("standard_code") or ""
        return services.DetailInput(
            data["description"],
            factors,
            data["unit_price"],
            data["tax_percent"] or "0",
            (kind, code) if kind or code else None,
        )

    @staticmethod
    def initial_for(detail: RkaDetail) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "description": detail.description,
            "unit_price": detail.unit_price,
            "tax_percent": _plain(detail.tax_percent),
            "standard_kind": detail.standard_kind,
            "standard_code": detail.standard_code,
            "seen": services.detail_fingerprint(detail),
        }
        for index in range(1, FACTORS + 1):
            volume = getattr(detail, f"volume{index}")
            initial[f"volume{index}"] = "" if volume is None else _plain(volume)
            initial[f"unit{index}"] = getattr(detail, f"unit{index}")
        return initial


def _plain(value: Decimal) -> str:
    """``2.5000`` as ``2,5``: what a user would type back."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


@pemda_view
def detail_add(request: HttpRequest, pemda: Pemda, line_id: int) -> HttpResponse:
    """Add a detail row to a line: the ceilings above it are checked (and locked) by the service."""
    line = line_for_user(request.user, pemda.code, line_id)
    BUDGET.can(request.user, line.place()).require("edit")
    form = DetailForm()
    status = 200
    if request.method == "POST":
        form = DetailForm(request.POST)
        if form.is_valid():
            try:
                services.detail_add(actor=request.user, line=line, detail=form.to_input())
            except FormError as exc:
                _form_error(form, exc)
                status = 409 if isinstance(exc, Conflict) else 400
            else:
                messages.success(request, _("Rincian ditambahkan."))
                return redirect(_group_url(line, line.unit.code))
        else:
            status = 400
    return _detail_page(request, pemda, line, form, None, status)


@pemda_view
def detail_edit(request: HttpRequest, pemda: Pemda, detail_id: int) -> HttpResponse:
    """Change or remove a detail row as it was when the form was loaded (``seen``, its fingerprint): a
    row someone else changed since is refused, the user's input kept and the row's current content shown."""
    found = selectors_pages.detail_line_id(detail_id)
    if found is None:
        raise NotFound(_("Data tidak ditemukan."))
    line = line_for_user(request.user, pemda.code, found)
    BUDGET.can(request.user, line.place()).require("edit")
    detail = selectors_pages.detail_now(detail_id)
    if detail is None:
        raise NotFound(_("Data tidak ditemukan."))
    detail.line = line
    form = DetailForm(initial=DetailForm.initial_for(detail))
    status, error, conflict = 200, "", False
    if request.method == "POST":
        seen = request.POST.get("seen") or None
        if request.POST.get("remove"):
            try:
                services.detail_remove(actor=request.user, detail=detail, seen=seen)
            except FormError as exc:
                error, conflict = exc.message, isinstance(exc, Conflict)
                status = 409 if conflict else 400
            else:
                messages.success(request, _("Rincian dihapus."))
                return redirect(_group_url(line, line.unit.code))
        else:
            form = DetailForm(request.POST)
            status = 400
            if form.is_valid():
                try:
                    services.detail_change(
                        actor=request.user, detail=detail, change=form.to_input(), seen=seen
                    )
                except FormError as exc:
                    _form_error(form, exc)
                    conflict = isinstance(exc, Conflict)
                    status = 409 if conflict else 400
                else:
                    messages.success(request, _("Rincian disimpan."))
                    return redirect(_group_url(line, line.unit.code))
    current = selectors_pages.detail_now(detail_id) if conflict else detail
    return _detail_page(request, pemda, line, form, current, status, error=error, conflict=conflict)


def _detail_page(
    request: HttpRequest,
    pemda: Pemda,
    line: RkaLine,
    form: DetailForm,
    detail: RkaDetail | None,
    status: int,
    *,
    error: str = "",
    conflict: bool = False,
) -> HttpResponse:
    context = {
        "error": error,
        "conflict": conflict,
        "pemda": pemda,
        "line": line,
        "rka": line.rka,
        "version": line.version,
        "detail": detail,
        "form": form,
        "back": _group_url(line, line.unit.code),
        "uses": selectors_pages.ceiling_uses(line.version, unit_id=line.unit_id, under=line.sub_kegiatan)
        if line.sub_kegiatan
        else [],
    }
    return render(request, "budgeting/detail_form.html", context, status=status)


# --- checks and comparison ----------------------------------------------------------------------------------


@pemda_view
def checks(request: HttpRequest, pemda: Pemda, version_id: int) -> HttpResponse:
    """Balance and mandatory-spending shares of a version, each with the lines that make it up."""
    version = version_for_user(request.user, pemda.code, version_id)
    found = selectors.checks(version)
    names = selectors_pages.nomenclature_names(version.year, [x.sub_kegiatan for c in found for x in c.lines])
    rows = [{"check": c, "label": CHECK_LABELS.get(c.name, c.name)} for c in found]
    return render(
        request,
        "budgeting/checks.html",
        {"pemda": pemda, "version": version, "rows": rows, "names": names},
    )


def _compare_columns() -> list[Column]:
    kinds = {"added": _("baru"), "removed": _("dihapus"), "changed": _("berubah")}
    return [
        Column(gettext_lazy("Perubahan"), lambda r: kinds.get(r.kind, ""), width=10),
        Column(gettext_lazy("Kode SKPD"), lambda r: r.unit, width=24),
        Column(gettext_lazy("Sub kegiatan"), lambda r: r.sub_kegiatan, width=20),
        Column(gettext_lazy("Kode rekening"), lambda r: r.account, width=20),
        Column(gettext_lazy("Sumber dana"), lambda r: r.funding, width=10),
        Column(gettext_lazy("Lokasi"), lambda r: r.location, width=20),
        Column(gettext_lazy("Semula"), lambda r: r.before, kind="money", width=20),
        Column(gettext_lazy("Menjadi"), lambda r: r.after, kind="money", width=20),
        Column(gettext_lazy("Selisih"), lambda r: r.change, kind="money", width=20),
    ]


@pemda_view
def compare(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Two versions line by line (``?dari=&ke=``): added, removed and changed lines with amounts and both
    totals, as a page, ``&format=xlsx`` or ``&format=pdf``."""
    visible = selectors_pages.versions_of(pemda)
    if not _pemda_wide(request, pemda).view:
        raise NotFound(_("Data tidak ditemukan."))
    context: dict[str, Any] = {"pemda": pemda, "versions": visible, "comparison": None}
    raw_before, raw_after = request.GET.get("dari", ""), request.GET.get("ke", "")
    if raw_before.isdigit() and raw_after.isdigit():
        before = version_for_user(request.user, pemda.code, int(raw_before))
        after = version_for_user(request.user, pemda.code, int(raw_after))
        comparison = selectors_pages.compare(before, after)
        fmt = request.GET.get("format", "")
        filename = f"banding-apbd-{pemda.code}-{before.year}-v{before.number}-v{after.number}"
        if fmt == "xlsx":
            total = selectors_pages.CompareRow(
                "", _("JUMLAH"), "", "", "", "", comparison.total_before, comparison.total_after
            )
            download = xlsx_response(
                [*comparison.rows, total],
                _compare_columns(),
                filename=filename,
                sheet_title=_("Perbandingan"),
            )
            return download  # type: ignore[return-value]
        if fmt == "pdf":
            document = {
                "pemda_name": pemda.name,
                "document_title": _("Perbandingan Versi APBD"),
                "document_subtitle": f"{before} → {after}",
                "issuer": pemda.name,
                "comparison": comparison,
            }
            return render_pdf_response(
                "budgeting/documents/compare.html", document, filename + ".pdf", request=request
            )
        if fmt:
            raise ValidationFailed(_("Format unduhan harus xlsx atau pdf."), field="format")
        context["comparison"] = comparison
        context["page"] = Paginator(comparison.rows, COMPARE_PER_PAGE).get_page(request.GET.get("page"))
        context["before_id"], context["after_id"] = before.pk, after.pk
    return render(request, "budgeting/compare.html", context)
