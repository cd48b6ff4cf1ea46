"""Citizen pages: sign up with an e-mail address, enter a proposal for a desa or kelurahan, see one's own
proposals; and the first forum's list of citizens' proposals waiting to be taken in or declined.

Public: ``/warga/daftar/`` (the same answer whatever the address) and ``/warga/daftar/<token>/`` (name and
password; signs the citizen in). Citizen accounts: ``/warga/usulan/`` (own proposals), ``/warga/usulan/baru/``
(choose the pemda) and ``/warga/usulan/baru/<pemda>/`` (the phone-sized form with photos). Staff:
``/app/<pemda>/usulan/warga/`` for whoever decides at a desa or kelurahan forum (404 for anyone else).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.signin import client_key
from spbe.accounts.views import pemda_view
from spbe.core.actors import system
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.forms import MoneyFormField

from . import calendar, citizen, photos
from .citizen_access import is_citizen
from .models import Proposal
from .views_photos import add_checked_photos, checked_uploads, entry_page

FormError = (ValidationFailed, Conflict, PermissionDenied, citizen.TooManyRequests)
# Who acts for the visitor asking for or finishing a sign-up: the trail says the public form did it.
SIGNUP_FORM = system("formulir_daftar_warga")


class SignupForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Alamat e-mail Anda"), max_length=150)


def signup(request: HttpRequest) -> HttpResponse:
    """Ask for an address; always answer "check your inbox", whether or not it has an account."""
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            citizen.signup_request(
                actor=SIGNUP_FORM, email=form.cleaned_data["email"], client=client_key(request)
            )
        except citizen.TooManyRequests as error:
            form.add_error(None, error.message)
            status = 429
        except ValidationFailed as error:
            form.add_error("email", error.message)
            status = 400
        else:
            return render(request, "planning/citizen/signup_sent.html")
    elif request.method == "POST":
        status = 400
    return render(request, "planning/citizen/signup.html", {"form": form}, status=status)


class AccountForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Nama lengkap"), max_length=150)
    password = forms.CharField(label=gettext_lazy("Kata sandi"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=gettext_lazy("Ulangi kata sandi"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Kedua kata sandi tidak sama."))
        return data


def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: choose a name and password, then the citizen is signed in."""
    try:
        address = citizen.signup_address(token)
    except NotFound as error:
        raise Http404(error.message) from error
    except ValidationFailed as error:
        return render(request, "planning/citizen/signup_expired.html", {"message": error.message}, status=400)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = citizen.signup_confirm(
                actor=SIGNUP_FORM, token=token, full_name=data["full_name"], password=data["password"]
            )
        except FormError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            login(request, user, backend="spbe.accounts.signin.SpbeBackend")
            messages.success(request, _("Akun warga Anda siap. Silakan memasukkan usulan."))
            return redirect("planning:citizen-home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "planning/citizen/signup_confirm.html", {"form": form, "address": address}, status=status
    )


def _citizen(request: HttpRequest) -> None:
    if not is_citizen(request.user):
        raise PermissionDenied(_("Halaman ini untuk akun warga."))


@login_required
def citizen_home(request: HttpRequest) -> HttpResponse:
    """The citizen's own proposals, each with its stage and, once published, its public page."""
    _citizen(request)
    context = {"proposals": citizen.citizen_proposals(request.user)[:200]}
    return render(request, "planning/citizen/home.html", context)


@login_required
def choose_pemda(request: HttpRequest) -> HttpResponse:
    _citizen(request)
    pemdas = Pemda.objects.filter(is_active=True).select_related("region").order_by("region__name")
    return render(request, "planning/citizen/choose_pemda.html", {"pemdas": pemdas})


class CitizenProposalForm(forms.Form):
    place = forms.ChoiceField(label=gettext_lazy("Desa/kelurahan"))
    title = forms.CharField(label=gettext_lazy("Judul usulan"), max_length=200)
    problem = forms.CharField(
        label=gettext_lazy("Masalah yang diselesaikan"), widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(
        label=gettext_lazy("Alamat lokasi (dusun, RT/RW)"), max_length=255, required=False
    )
    volume = forms.DecimalField(
        label=gettext_lazy("Volume"),
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit_of_measure = forms.CharField(label=gettext_lazy("Satuan (meter, unit, paket...)"), max_length=40)
    estimated_cost = MoneyFormField(label=gettext_lazy("Perkiraan biaya (Rp)"))
    beneficiaries = forms.IntegerField(label=gettext_lazy("Penerima manfaat (orang)"), min_value=0, initial=0)
    community_contribution = MoneyFormField(label=gettext_lazy("Swadaya masyarakat (Rp)"), required=False)
    latitude = forms.DecimalField(
        label=gettext_lazy("Lintang"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=gettext_lazy("Boleh kosong: lokasi GPS foto dipakai bila ada."),
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Bujur"),
        required=False,
        max_digits=9,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Telepon (tidak dipublikasikan)"), max_length=30, required=False
    )

    def __init__(self, *args: Any, places: list[citizen.EntryPlace], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = {p.code: p for p in places}
        grouped: dict[str, list[tuple[str, str]]] = {}
        for p in places:
            label = _("Kelurahan %(name)s") % {"name": p.name} if p.is_kelurahan else p.name
            grouped.setdefault(p.kecamatan, []).append((p.code, label))
        self.fields["place"].choices = [("", "—"), *grouped.items()]  # type: ignore[attr-defined]


@login_required
def citizen_new(request: HttpRequest, pemda_code: str) -> HttpResponse:
    """The citizen's proposal for a desa or kelurahan of ``pemda_code``, with photos; it waits at that
    place's forum."""
    _citizen(request)
    places = citizen.entry_places(pemda_code)
    if not places:
        raise Http404(_("Pemda tidak ditemukan."))
    pemda = places[0].place.pemda
    form = CitizenProposalForm(request.POST or None, places=places)
    photo_error = ""
    if request.method == "POST" and form.is_valid():
        checked, photo_error = checked_uploads(request)
        created = None if photo_error else _create(request, form, pemda, checked)
        if created is not None:
            return redirect("planning:citizen-home")
    context = {"pemda": pemda, "form": form}
    return entry_page(request, "planning/citizen/proposal_new.html", context, photo_error=photo_error)


def _create(
    request: HttpRequest, form: CitizenProposalForm, pemda: Pemda, checked: photos.CheckedPhotos | None
) -> Proposal | None:
    data = form.cleaned_data
    entry = citizen.CitizenEntry(
        title=data["title"],
        problem=data["problem"],
        volume=data["volume"],
        unit_of_measure=data["unit_of_measure"],
        estimated_cost=data["estimated_cost"],
        address=data["address"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        beneficiaries=data["beneficiaries"] or 0,
        community_contribution=data["community_contribution"] or Decimal("0.00"),
        phone=data["phone"],
    )
    try:
        created = citizen.citizen_proposal_create(
            actor=request.user,
            place=form.places[data["place"]].place,
            year=calendar.today_in(pemda).year + 1,
            entry=entry,
        )
    except FormError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    messages.success(
        request,
        _(
            "Usulan %(id)s terkirim ke musrenbang %(forum)s. Kami mengabari Anda lewat e-mail setiap kali "
            "usulan ini berpindah tahap."
        )
        % {"id": created.public_id, "forum": _forum_kind(created)},
    )
    add_checked_photos(request, created, checked)
    return created


# --- the desa and kelurahan forums ---------------------------------------------------------------------


def _forum_kind(proposal: Proposal) -> str:
    """The first forum's kind as the messages name it: "desa" or "kelurahan"."""
    return _("kelurahan") if proposal.is_kelurahan else _("desa")


def _place_name(place: citizen.ForumPlace) -> str:
    if isinstance(place, PerangkatDaerah):
        return _("Kelurahan %(name)s") % {"name": place.kelurahan.name if place.kelurahan else place.name}
    return str(place.region.name)


@pemda_view
def forum_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """Citizens' proposals waiting at the forums of the desa and kelurahan the user decides at."""
    places = citizen.forum_places(request.user, pemda)
    if not places:
        raise NotFound(_("Data tidak ditemukan."))
    waiting = [
        (_place_name(p), isinstance(p, PerangkatDaerah), list(citizen.waiting_at_forum(request.user, p)))
        for p in places
    ]
    return render(request, "planning/citizen/forum_list.html", {"pemda": pemda, "waiting": waiting})


@require_POST
@pemda_view
def forum_decide(request: HttpRequest, pemda: Pemda, public_id: str) -> HttpResponse:
    """Take a citizen's proposal into the desa or kelurahan forum, or decline it with a reason."""
    places = citizen.forum_places(request.user, pemda)
    proposal = (
        Proposal.objects.filter(
            citizen.at_places(places), pemda=pemda, public_id=public_id, citizen_entry__isnull=False
        )
        .select_related("village", "kelurahan")
        .first()
    )
    if not places or proposal is None:
        raise NotFound(_("Data tidak ditemukan."))
    try:
        if request.POST.get("action") == "accept":
            citizen.citizen_proposal_accept(actor=request.user, proposal=proposal)
            messages.success(
                request,
                _("Usulan %(id)s diterima ke musrenbang %(forum)s.")
                % {"id": public_id, "forum": _forum_kind(proposal)},
            )
        else:
            citizen.citizen_proposal_decline(
                actor=request.user, proposal=proposal, note=request.POST.get("note", "")
            )
            messages.success(
                request, _("Usulan %(id)s ditolak; alasannya dikirim ke warga.") % {"id": public_id}
            )
    except FormError as error:
        messages.error(request, error.message)
    return redirect("planning:citizen-forum", pemda_code=pemda.code)
