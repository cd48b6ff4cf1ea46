"""Entering a proposal with its photos (a desa operator on a phone), and the photos of a proposal for staff.

``/app/<pemda>/usulan/baru/`` is the desa's Musrenbang form: the photos are checked before the proposal
is created, so a bad photo refuses the whole form with nothing written; a photo's EXIF position fills the
map point when none was typed, and the page says so. Photos of an existing proposal are added or removed
on its staff page by whoever holds it at its stage (:mod:`spbe.planning.photos`). Staff read the clean
public copies only; nobody is served an original or its EXIF.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from spbe.accounts import access as accounts_access
from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed
from spbe.core.forms import MoneyFormField

from . import calendar, photos
from .access import PROPOSAL, proposal_for_user
from .kelurahan import proposing_kelurahan
from .models import Proposal, Source
from .models_photos import ProposalPhoto
from .services import ProposerData, proposal_create, proposal_submit

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
FormError = (ValidationFailed, Conflict, PermissionDenied)


def proposing_villages(user: Any, pemda: Pemda) -> list[VillageGovernment]:
    """The desa where ``user`` may enter a Musrenbang proposal (a village operator or kades: their own)."""
    # Only a desa role proposes for a desa: anyone else (a planner who sees all 189) is answered at once,
    # without loading and checking every desa on each list page.
    proposers = PROPOSAL.capabilities["propose_musrenbang"]
    if not any(g.role in proposers for g in accounts_access.scope_in(user, pemda).grants):
        return []
    villages = accounts_access.villages_for_user(user, pemda).select_related("region", "kecamatan")
    return [
        v
        for v in villages.order_by("region__name")
        if "propose_musrenbang"
        in PROPOSAL.can(user, Place(pemda.code, village_id=v.pk, kecamatan_id=v.kecamatan_id))
    ]


class ProposalForm(forms.Form):
    """The fields a Musrenbang desa form asks for (issue 6 point 2); the proposer's identity stays private."""

    # A desa's or a kelurahan's region code: the place the form's user may propose for.
    village = forms.ChoiceField(label=gettext_lazy("Desa/kelurahan"))
    year = forms.IntegerField(label=gettext_lazy("Tahun rencana"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Judul usulan"), max_length=200)
    problem = forms.CharField(
        label=gettext_lazy("Masalah yang diselesaikan"), widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=gettext_lazy("Alamat lokasi"), max_length=255, required=False)
    latitude = forms.DecimalField(
        label=gettext_lazy("Lintang"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=gettext_lazy("Kosongkan untuk memakai lokasi GPS dari foto."),
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Bujur"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    bidang = forms.CharField(label=gettext_lazy("Bidang"), max_length=20, required=False)
    suggested_unit = forms.ModelChoiceField(
        label=gettext_lazy("Perangkat daerah yang diusulkan"),
        queryset=PerangkatDaerah.objects.none(),
        required=False,
    )
    volume = forms.DecimalField(
        label=gettext_lazy("Volume"),
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit_of_measure = forms.CharField(label=gettext_lazy("Satuan"), max_length=40)
    estimated_cost = MoneyFormField(label=gettext_lazy("Perkiraan biaya (Rp)"))
    beneficiaries = forms.IntegerField(label=gettext_lazy("Penerima manfaat (orang)"), min_value=0, initial=0)
    community_contribution = MoneyFormField(label=gettext_lazy("Swadaya masyarakat (Rp)"), required=False)
    proposer_name = forms.CharField(label=gettext_lazy("Nama pengusul"), max_length=150, required=False)
    proposer_nik = forms.CharField(label=gettext_lazy("NIK pengusul"), max_length=16, required=False)
    proposer_phone = forms.CharField(label=gettext_lazy("Telepon pengusul"), max_length=30, required=False)

    PROPOSER_FIELDS = ("proposer_name", "proposer_nik", "proposer_phone")

    def __init__(
        self,
        *args: Any,
        pemda: Pemda,
        villages: list[VillageGovernment],
        kelurahan: list[PerangkatDaerah] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.villages = {v.region_id: v for v in villages}
        self.kelurahan = {o.kelurahan_id: o for o in kelurahan or [] if o.kelurahan_id}
        choices = [(v.region_id, v.region.name) for v in villages]
        choices += [(code, office.name) for code, office in self.kelurahan.items()]
        self.fields["village"].choices = choices  # type: ignore[attr-defined]
        self.fields["suggested_unit"].queryset = photos.suggestable_units(pemda)  # type: ignore[attr-defined]
        if len(choices) == 1:
            self.fields["village"].initial = choices[0][0]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.PROPOSER_FIELDS]

    def proposer_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PROPOSER_FIELDS]


# --- shared by the three entry forms (desa/kelurahan, pokir, citizen) -----------------------------------


def checked_uploads(request: HttpRequest) -> tuple[photos.CheckedPhotos | None, str]:
    """The form's photos, checked before the proposal exists: ``(checked or None, "")`` or ``(None, why)``.

    A bad photo refuses the whole form with nothing written.
    """
    uploads = request.FILES.getlist("photos")
    if not uploads:
        return None, ""
    try:
        return photos.check_uploads(uploads), ""
    except ValidationFailed as error:
        return None, error.message


def add_checked_photos(
    request: HttpRequest, proposal: Proposal, checked: photos.CheckedPhotos | None
) -> list[ProposalPhoto]:
    """Add the checked photos to the proposal just created; a failure is said as a message, since the
    proposal exists from here on and the photos can be added again on its page."""
    if checked is None:
        return []
    try:
        return photos.proposal_photos_add(actor=request.user, proposal=proposal, files=checked)
    except FormError as error:
        messages.error(request, _("Foto belum tersimpan: %(reason)s") % {"reason": error.message})
        return []


def entry_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, photo_error: str = ""
) -> HttpResponse:
    """An entry form's page with the photo field's limits; 400 when a sent form comes back."""
    context = {
        **context,
        "photo_error": photo_error,
        "accept": PHOTO_ACCEPT,
        "most": photos.per_proposal(),
        "max_mb": photos.limits().max_bytes // (1024 * 1024),
    }
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def _add_error(form: forms.Form, error: ValidationFailed | Conflict | PermissionDenied) -> None:
    names = {"name": "proposer_name", "nik": "proposer_nik", "phone": "proposer_phone"}
    field = names.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


@pemda_view
def proposal_new(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """A desa's new Musrenbang proposal with photos; kept as a draft or sent to the desa forum at once."""
    villages = proposing_villages(request.user, pemda)
    kelurahan = proposing_kelurahan(request.user, pemda)
    if not villages and not kelurahan:
        raise PermissionDenied(
            _(
                "Hanya operator desa/kelurahan, kepala desa atau lurah yang dapat memasukkan usulan "
                "Musrenbang."
            )
        )
    year = calendar.today_in(pemda).year + 1
    form = ProposalForm(pemda=pemda, villages=villages, kelurahan=kelurahan, initial={"year": year})
    photo_error = ""
    if request.method == "POST":
        form = ProposalForm(request.POST, pemda=pemda, villages=villages, kelurahan=kelurahan)
        if form.is_valid():
            checked, photo_error = checked_uploads(request)
            proposal = None if photo_error else _create(request, form, checked)
            if proposal is not None:
                return redirect(
                    "planning:proposal-detail", pemda_code=pemda.code, public_id=proposal.public_id
                )
    context = {"pemda": pemda, "form": form}
    return entry_page(request, "planning/photos/proposal_new.html", context, photo_error=photo_error)


def _create(
    request: HttpRequest, form: ProposalForm, checked: photos.CheckedPhotos | None
) -> Proposal | None:
    data = form.cleaned_data
    try:
        proposal = proposal_create(
            actor=request.user,
            village=form.villages.get(data["village"]),
            kelurahan=form.kelurahan.get(data["village"]),
            year=data["year"],
            source=Source.MUSRENBANG,
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
            proposer=ProposerData(
                name=data["proposer_name"], nik=data["proposer_nik"].strip(), phone=data["proposer_phone"]
            ),
        )
    except FormError as error:
        _add_error(form, error)
        return None
    messages.success(request, _("Usulan %(id)s tersimpan.") % {"id": proposal.public_id})
    # The proposal exists from here on: what fails later is said on its page, where it can be done again.
    rows = add_checked_photos(request, proposal, checked)
    if rows:
        _photos_saved(request, rows)
    if request.POST.get("then") == "submit":
        try:
            proposal_submit(actor=request.user, proposal=proposal)
        except FormError as error:
            messages.error(request, _("Usulan belum dikirim: %(reason)s") % {"reason": error.message})
        else:
            messages.success(request, _("Usulan dikirim ke Musrenbang desa."))
    return proposal


def _photos_saved(request: HttpRequest, rows: list[ProposalPhoto]) -> None:
    count = len(rows)
    messages.success(request, _("%(n)d foto tersimpan.") % {"n": count})
    if any(p.placed_proposal for p in rows):
        messages.info(request, _("Titik peta usulan diisi dari lokasi GPS foto."))


@require_POST
@pemda_view
def photo_add(request: HttpRequest, pemda: Pemda, public_id: str) -> HttpResponse:
    """Add photos on the staff page of a proposal (who holds it at its stage)."""
    proposal, _can = proposal_for_user(request.user, pemda.code, public_id)
    seen = request.POST.get("stage", "")
    try:
        if seen != proposal.state:
            # The page was of another stage: whoever held the proposal then may not hold it now.
            raise Conflict(
                _("Usulan ini sudah berpindah tahap (sekarang: %(stage)s). Muat ulang halaman.")
                % {"stage": proposal.get_state_display()}
            )
        rows = photos.proposal_photos_add(
            actor=request.user, proposal=proposal, files=request.FILES.getlist("photos")
        )
    except FormError as error:
        messages.error(request, error.message)
    else:
        _photos_saved(request, rows)
    return redirect("planning:proposal-detail", pemda_code=pemda.code, public_id=public_id)


def _photo_of(request: HttpRequest, pemda: Pemda, public_id: str, pk: int) -> ProposalPhoto:
    proposal, _can = proposal_for_user(request.user, pemda.code, public_id)
    return photos.shown_photo(proposal, pk)


@require_POST
@pemda_view
def photo_remove(request: HttpRequest, pemda: Pemda, public_id: str, pk: int) -> HttpResponse:
    photo = _photo_of(request, pemda, public_id, pk)
    try:
        photos.proposal_photo_remove(actor=request.user, photo=photo)
    except FormError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Foto dihapus dari usulan."))
    return redirect("planning:proposal-detail", pemda_code=pemda.code, public_id=public_id)


@require_GET
@pemda_view
def photo_file(request: HttpRequest, pemda: Pemda, public_id: str, pk: int) -> HttpResponse:
    """The clean copy (or ``?ukuran=kecil`` its thumbnail) of a proposal's photo, for staff, drafts too."""
    photo = _photo_of(request, pemda, public_id, pk)
    stored = photo.thumbnail if request.GET.get("ukuran") == "kecil" else photo.public
    with stored.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="image/jpeg")
    # A draft's photo is not public yet: kept by this browser alone, never by a shared cache.
    response["Cache-Control"] = "private, max-age=3600"
    return response
