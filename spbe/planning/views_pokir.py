"""Pokir pages: a DPRD member's own pokir and new-pokir form, and the DPRD secretariat's check and forward.

``/app/<pemda>/pokir/`` is the member's list (the secretariat is sent to its own list), ``pokir/baru/``
the form (with photos, as a phone-sized page), ``pokir/<id>/`` one pokir with the recess it came from, its
journey and the action of whoever holds it (member: send; secretariat: forward or return with a note), and
``pokir/sekretariat/`` the secretariat's list with what each pokir lacks and a batch forward. Everything
reads through :mod:`spbe.planning.pokir` and :mod:`spbe.planning.access`: others get 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spbe.accounts import access as accounts_access
from spbe.accounts.models import Pemda, Role, VillageGovernment
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from . import calendar, photos, pokir, selectors
from .access import proposal_for_user
from .models import Proposal, Source, Stage
from .views_photos import ProposalForm, add_checked_photos, checked_uploads, entry_page

FormError = (ValidationFailed, Conflict, PermissionDenied)
PAGE_SIZE = 50


def _roles(request: HttpRequest, pemda: Pemda) -> set[str]:
    return accounts_access.roles_in(request.user, pemda)


@pemda_view
def pokir_home(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """The member's own pokir; the secretariat goes to its list; anyone else, 404."""
    roles = _roles(request, pemda)
    if Role.DPRD_MEMBER not in roles:
        if Role.DPRD_SECRETARIAT in roles:
            return redirect("planning:pokir-secretariat", pemda_code=pemda.code)
        raise NotFound(_("Data tidak ditemukan."))
    page = Paginator(pokir.member_pokir(request.user, pemda), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"pemda": pemda, "page": page, "open": calendar.is_open(pemda, _season(pemda), "pokir")}
    return render(request, "planning/pokir/member_list.html", context)


def _season(pemda: Pemda) -> int:
    return calendar.today_in(pemda).year + 1


class PokirForm(ProposalForm):
    """The desa Musrenbang form's fields for the usulan, plus the recess a pokir comes from."""

    dapil = forms.CharField(label=gettext_lazy("Daerah pemilihan (dapil)"), max_length=60)
    recess_date = forms.DateField(
        label=gettext_lazy("Tanggal reses"), widget=forms.DateInput(attrs={"type": "date"})
    )
    recess_place = forms.CharField(label=gettext_lazy("Tempat reses"), max_length=200)
    attendees = forms.IntegerField(label=gettext_lazy("Konstituen yang hadir"), min_value=0, initial=0)

    RECESS_FIELDS = ("dapil", "recess_date", "recess_place", "attendees")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.PROPOSER_FIELDS:
            del self.fields[name]  # the member is the proposer
        self.fields["suggested_unit"].required = True
        self.fields["village"].label = gettext_lazy("Desa/kelurahan lokasi")

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.RECESS_FIELDS]

    def recess_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.RECESS_FIELDS]


@pemda_view
def pokir_new(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """A DPRD member's new pokir with photos: kept as a draft or sent to the secretariat at once."""
    if Role.DPRD_MEMBER not in _roles(request, pemda):
        raise NotFound(_("Data tidak ditemukan."))
    villages = list(
        VillageGovernment.objects.filter(pemda=pemda).select_related("region").order_by("region__name")
    )
    form = PokirForm(pemda=pemda, villages=villages, initial={"year": _season(pemda)})
    photo_error = ""
    if request.method == "POST":
        form = PokirForm(request.POST, pemda=pemda, villages=villages)
        if form.is_valid():
            checked, photo_error = checked_uploads(request)
            created = None if photo_error else _create(request, form, checked)
            if created is not None:
                return redirect("planning:pokir-detail", pemda_code=pemda.code, public_id=created.public_id)
    context = {"pemda": pemda, "form": form}
    return entry_page(request, "planning/pokir/pokir_new.html", context, photo_error=photo_error)


def _create(request: HttpRequest, form: PokirForm, checked: photos.CheckedPhotos | None) -> Proposal | None:
    data = form.cleaned_data
    try:
        created = pokir.pokir_create(
            actor=request.user,
            village=form.villages[data["village"]],
            year=data["year"],
            recess=pokir.Recess(
                data["dapil"], data["recess_date"], data["recess_place"], data["attendees"] or 0
            ),
            title=data["title"],
            problem=data["problem"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            bidang=data["bidang"],
            suggested_unit=data["suggested_unit"],
            volume=data["volume"],
            unit_of_measure=data["unit_of_measure"],
            estimated_cost=data["estimated_cost"],
            beneficiaries=data["beneficiaries"] or 0,
            community_contribution=data["community_contribution"] or Decimal("0.00"),
        )
    except FormError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    messages.success(request, _("Pokir %(id)s tersimpan.") % {"id": created.public_id})
    rows = add_checked_photos(request, created, checked)
    if rows:
        messages.success(request, _("%(n)d foto tersimpan.") % {"n": len(rows)})
    if request.POST.get("then") == "submit":
        try:
            pokir.pokir_submit(actor=request.user, proposal=created)
        except FormError as error:
            messages.error(request, _("Pokir belum dikirim: %(reason)s") % {"reason": error.message})
        else:
            messages.success(request, _("Pokir dikirim ke sekretariat DPRD."))
    return created


class ActionForm(forms.Form):
    stage = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("submit", "submit"), ("forward", "forward"), ("return", "return")])
    note = forms.CharField(
        label=gettext_lazy("Catatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@pemda_view
def pokir_detail(request: HttpRequest, pemda: Pemda, public_id: str) -> HttpResponse:
    """One pokir with its recess and journey, and the action of whoever holds it now."""
    proposal, _can = proposal_for_user(request.user, pemda.code, public_id)
    if proposal.source != Source.POKIR:
        return redirect("planning:proposal-detail", pemda_code=pemda.code, public_id=public_id)
    detail = getattr(proposal, "pokir", None)
    roles = _roles(request, pemda)
    is_member = detail is not None and detail.member_id == request.user.pk
    may_submit = is_member and proposal.state == Stage.DRAFT
    may_check = Role.DPRD_SECRETARIAT in roles and proposal.state == Stage.SECRETARIAT
    status = 200
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid() and _act(request, proposal, form.cleaned_data):
            return redirect("planning:pokir-detail", pemda_code=pemda.code, public_id=public_id)
        status = 409 if form.is_valid() else 400
    context = {
        "pemda": pemda,
        "proposal": proposal,
        "detail": detail,
        "journey": selectors.public_journey(proposal),
        "gaps": pokir.pokir_gaps(proposal) if may_check or may_submit else [],
        "may_submit": may_submit,
        "may_check": may_check,
    }
    return render(request, "planning/pokir/pokir_detail.html", context, status=status)


def _act(request: HttpRequest, proposal: Proposal, data: dict[str, Any]) -> bool:
    try:
        if data["stage"] != proposal.state:
            raise Conflict(
                _("Pokir ini sudah berpindah tahap (sekarang: %(stage)s). Muat ulang halaman.")
                % {"stage": proposal.get_state_display()}
            )
        action, note = data["action"], data["note"]
        if action == "submit":
            pokir.pokir_submit(actor=request.user, proposal=proposal, note=note)
            messages.success(request, _("Pokir dikirim ke sekretariat DPRD."))
        elif action == "forward":
            pokir.pokir_forward(actor=request.user, proposal=proposal, note=note)
            messages.success(request, _("Pokir diteruskan ke perangkat daerah melalui Bappeda."))
        else:
            pokir.pokir_return(actor=request.user, proposal=proposal, note=note)
            messages.success(request, _("Pokir dikembalikan ke anggota DPRD pengusulnya."))
    except FormError as error:
        messages.error(request, error.message)
        return False
    return True


@pemda_view
def secretariat_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Every pokir of the pemda for the DPRD secretariat; by default those waiting for its check."""
    state = request.GET.get("tahap", Stage.SECRETARIAT)
    if state and state not in Stage.values:
        state = Stage.SECRETARIAT
    rows = pokir.secretariat_pokir(request.user, pemda, state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [(p, pokir.pokir_gaps(p) if p.state == Stage.SECRETARIAT else []) for p in page]
    stages = [(v, label) for v, label in Stage.choices]
    context = {"pemda": pemda, "page": page, "items": items, "state": state, "stages": stages}
    return render(request, "planning/pokir/secretariat_list.html", context)


@require_POST
@pemda_view
def secretariat_forward(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Forward the ticked pokir at once (all or nothing)."""
    visible = pokir.secretariat_pokir(request.user, pemda)
    ids = request.POST.getlist("pokir")
    chosen = list(visible.filter(public_id__in=ids))
    try:
        if not chosen:
            raise ValidationFailed(_("Pilih paling sedikit satu pokir."))
        if len(chosen) != len(set(ids)):
            raise NotFound(_("Data tidak ditemukan."))
        moved = [p.public_id for p in chosen if p.state != Stage.SECRETARIAT]
        if moved:
            raise Conflict(
                _("Pokir ini tidak lagi menunggu verifikasi sekretariat: %(ids)s.")
                % {"ids": ", ".join(moved[:5])}
            )
        decisions = pokir.pokirs_forward_many(
            actor=request.user, proposals=chosen, note=request.POST.get("note", "")
        )
    except FormError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(n)d pokir diteruskan ke perangkat daerah.") % {"n": len(decisions)})
    return redirect("planning:pokir-secretariat", pemda_code=pemda.code)
