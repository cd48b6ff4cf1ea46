"""The service-mall manager's set-up pages: lounges, the letters their services carry, and counters.

Every page asks ``queue_access.lounge_can`` first (another pemda's people get 404, people of this pemda
without the manager's or admin's role get 403) and every change goes through a service in ``queues``, which
asks the policy again and writes the audit entry. Kiosk devices are registered on their own page
(``views_queue.kiosk_list``), linked from here.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from spbe.accounts.models import Pemda, PerangkatDaerah
from spbe.accounts.views import pemda_view
from spbe.core.errors import NotFound, SpbeError, ValidationFailed

from . import queue_access, queue_selectors, queues
from .models import Counter, Lounge, LoungeService, Service

LIMIT_HELP = gettext_lazy("0 berarti tanpa batas.")


class LoungeForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("Kode"),
        max_length=40,
        help_text=gettext_lazy(
            "Huruf kecil, angka dan tanda -, misalnya mpp. Dipakai di alamat papan dan kios."
        ),
    )
    name = forms.CharField(label=gettext_lazy("Nama ruang layanan"), max_length=200)


class LoungeEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama ruang layanan"), max_length=200)
    max_per_visitor = forms.IntegerField(
        label=gettext_lazy("Nomor per ponsel per layanan per hari"),
        min_value=0,
        max_value=queues.MAX_LIMIT,
        help_text=LIMIT_HELP,
    )
    max_per_network = forms.IntegerField(
        label=gettext_lazy("Nomor per jaringan (alamat IP) per layanan per hari"),
        min_value=0,
        max_value=queues.MAX_LIMIT,
        help_text=gettext_lazy(
            "Banyak warga bisa berbagi satu jaringan (Wi-Fi mal, operator seluler). 0 berarti tanpa batas."
        ),
    )
    max_per_kiosk = forms.IntegerField(
        label=gettext_lazy("Nomor per kios per layanan per hari"),
        min_value=0,
        max_value=queues.MAX_LIMIT,
        help_text=LIMIT_HELP,
    )


class OfferForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Layanan"), required=False)
    unit = forms.ChoiceField(label=gettext_lazy("atau semua layanan perangkat daerah"), required=False)
    letter = forms.CharField(
        label=gettext_lazy("Huruf antrean"),
        max_length=3,
        help_text=gettext_lazy("1-3 huruf; layanan dengan huruf yang sama berbagi satu urutan nomor."),
    )

    def __init__(
        self, *args: Any, services: list[tuple[str, str]], units: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", "—"), *services]
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", "—"), *units]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("service")) == bool(data.get("unit")):
            raise forms.ValidationError(_("Pilih satu layanan, atau satu perangkat daerah."))
        return data


class CounterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama loket"), max_length=60)
    unit = forms.ChoiceField(label=gettext_lazy("Perangkat daerah"))
    services = forms.MultipleChoiceField(
        label=gettext_lazy("Layanan yang dipanggil di loket ini"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=gettext_lazy("Loket buka"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        units: list[tuple[str, str]] | None,
        services: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]  # a counter keeps its agency: its tickets and officers belong there
        else:
            cast(forms.ChoiceField, self.fields["unit"]).choices = [("", "—"), *units]
            del self.fields["is_active"]
        cast(forms.ChoiceField, self.fields["services"]).choices = services


# The services' field names where the form calls them otherwise.
FORM_FIELDS = {"prefix": "letter"}


def _put_errors(form: forms.Form, exc: SpbeError) -> None:
    field = getattr(exc, "field", None)
    field = FORM_FIELDS.get(field or "", field)
    form.add_error(field if field in form.fields else None, exc.message)


def _manage(request: HttpRequest, pemda: Pemda) -> None:
    _pemda, can = queue_access.lounge_can(request.user, pemda.code)
    can.require("manage")


def _lounge(pemda: Pemda, code: str) -> Lounge:
    try:
        return queue_selectors.lounge_of(pemda, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _units(pemda: Pemda) -> list[tuple[str, str]]:
    # Only agencies with services in the catalogue: a counter or an offer needs one.
    units = PerangkatDaerah.objects.filter(pk__in=Service.objects.filter(pemda=pemda).values("unit_id"))
    return [(str(u.pk), f"{u.code} {u.name}") for u in units.order_by("code")]


def _unit_of(pemda: Pemda, pk: str) -> PerangkatDaerah:
    unit = PerangkatDaerah.objects.filter(pemda=pemda, pk=int(pk) if pk.isdigit() else 0).first()
    if unit is None:
        raise ValidationFailed(_("Perangkat daerah tidak ditemukan."), field="unit")
    return unit


@require_http_methods(["GET", "POST"])
@pemda_view
def lounge_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """The pemda's lounges, and a form to open one."""
    _manage(request, pemda)
    form = LoungeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lounge = queues.lounge_create(
                actor=request.user,
                pemda=pemda,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
            )
        except SpbeError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("Ruang layanan %(name)s dibuat.") % {"name": lounge.name})
            return redirect("lounge:lounge-setup", pemda.code, lounge.code)
    lounges = queue_selectors.lounges_with_counts(pemda)
    return render(
        request,
        "lounge/setup/lounges.html",
        {"pemda": pemda, "lounges": lounges, "form": form},
        status=422 if form.errors else 200,
    )


def _detail(
    request: HttpRequest,
    pemda: Pemda,
    lounge: Lounge,
    *,
    edit: LoungeEditForm | None = None,
    offer: OfferForm | None = None,
) -> HttpResponse:
    offers = list(
        LoungeService.objects.filter(lounge=lounge)
        .select_related("service", "service__unit")
        .order_by("prefix", "service__kode_layanan")
    )
    offered = {o.service_id for o in offers}
    services = [
        (str(s.pk), f"{s.kode_layanan} {s.nama}")
        for s in Service.objects.filter(pemda=pemda).exclude(pk__in=offered).order_by("kode_layanan")
    ]
    counters = list(
        Counter.objects.filter(lounge=lounge)
        .select_related("unit")
        .prefetch_related("services")
        .order_by("name")
    )
    served = {s.pk for c in counters if c.is_active for s in c.services.all()}
    status = 422 if (edit and edit.errors) or (offer and offer.errors) else 200
    return render(
        request,
        "lounge/setup/lounge.html",
        {
            "pemda": pemda,
            "lounge": lounge,
            "edit_form": edit
            or LoungeEditForm(
                initial={
                    "name": lounge.name,
                    "max_per_visitor": lounge.max_per_visitor,
                    "max_per_network": lounge.max_per_network,
                    "max_per_kiosk": lounge.max_per_kiosk,
                }
            ),
            "offer_form": offer or OfferForm(services=services, units=_units(pemda)),
            "offers": [(o, o.service_id in served) for o in offers],
            "counters": counters,
            "kiosks": lounge.kiosks.filter(is_active=True).count(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@pemda_view
def lounge_setup(request: HttpRequest, pemda: Pemda, lounge_code: str) -> HttpResponse:
    """One lounge: its name and ticket limits, the services it offers under which letter, its counters."""
    _manage(request, pemda)
    lounge = _lounge(pemda, lounge_code)
    if request.method != "POST":
        return _detail(request, pemda, lounge)
    if request.POST.get("form") == "offer":
        return _offer(request, pemda, lounge)
    form = LoungeEditForm(request.POST)
    if form.is_valid():
        try:
            queues.lounge_update(actor=request.user, lounge=lounge, **form.cleaned_data)
        except SpbeError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("Ruang layanan disimpan."))
            return redirect("lounge:lounge-setup", pemda.code, lounge.code)
    return _detail(request, pemda, lounge, edit=form)


def _offer(request: HttpRequest, pemda: Pemda, lounge: Lounge) -> HttpResponse:
    """Offer one service, or all of an agency's, under a ticket letter (or move them to another letter)."""
    services = [(str(s.pk), f"{s.kode_layanan} {s.nama}") for s in Service.objects.filter(pemda=pemda)]
    form = OfferForm(request.POST, services=services, units=_units(pemda))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["service"]:
                service = Service.objects.get(pemda=pemda, pk=int(data["service"]))
                queues.lounge_offer(actor=request.user, lounge=lounge, service=service, prefix=data["letter"])
                done = 1
            else:
                unit = _unit_of(pemda, data["unit"])
                done = queues.lounge_offer_unit(
                    actor=request.user, lounge=lounge, unit=unit, prefix=data["letter"]
                )
        except SpbeError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("%(n)d layanan dibuka atau dipindah hurufnya.") % {"n": done})
            return redirect("lounge:lounge-setup", pemda.code, lounge.code)
    return _detail(request, pemda, lounge, offer=form)


@require_POST
@pemda_view
def lounge_withdraw(request: HttpRequest, pemda: Pemda, lounge_code: str, offer_id: int) -> HttpResponse:
    _manage(request, pemda)
    lounge = _lounge(pemda, lounge_code)
    offer = LoungeService.objects.filter(lounge=lounge, pk=offer_id).first()
    if offer is None:
        raise Http404
    try:
        queues.lounge_withdraw(actor=request.user, offer=offer)
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Layanan ditutup di ruang layanan ini."))
    return redirect("lounge:lounge-setup", pemda.code, lounge.code)


def _offered_choices(lounge: Lounge, unit_id: int | None = None) -> list[tuple[str, str]]:
    offers = LoungeService.objects.filter(lounge=lounge).select_related("service", "service__unit")
    if unit_id is not None:
        offers = offers.filter(service__unit_id=unit_id)
    return [
        (str(o.service_id), f"{o.prefix} · {o.service.kode_layanan} {o.service.nama} ({o.service.unit.name})")
        for o in offers.order_by("service__unit__code", "service__kode_layanan")
    ]


def _chosen(pemda: Pemda, ids: list[str]) -> list[Service]:
    return list(Service.objects.filter(pemda=pemda, pk__in=[int(i) for i in ids if i.isdigit()]))


@require_http_methods(["GET", "POST"])
@pemda_view
def counter_new(request: HttpRequest, pemda: Pemda, lounge_code: str) -> HttpResponse:
    _manage(request, pemda)
    lounge = _lounge(pemda, lounge_code)
    form = CounterForm(request.POST or None, units=_units(pemda), services=_offered_choices(lounge))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            counter = queues.counter_create(
                actor=request.user,
                lounge=lounge,
                unit=_unit_of(pemda, data["unit"]),
                name=data["name"],
                services=_chosen(pemda, data["services"]),
            )
        except SpbeError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("Loket %(name)s dibuka.") % {"name": counter.name})
            return redirect("lounge:lounge-setup", pemda.code, lounge.code)
    return render(
        request,
        "lounge/setup/counter.html",
        {"pemda": pemda, "lounge": lounge, "form": form, "counter": None},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@pemda_view
def counter_edit(request: HttpRequest, pemda: Pemda, lounge_code: str, counter_id: int) -> HttpResponse:
    _manage(request, pemda)
    lounge = _lounge(pemda, lounge_code)
    counter = Counter.objects.filter(lounge=lounge, pk=counter_id).select_related("lounge", "unit").first()
    if counter is None:
        raise Http404
    initial = {
        "name": counter.name,
        "is_active": counter.is_active,
        "services": [str(pk) for pk in counter.services.values_list("pk", flat=True)],
    }
    form = CounterForm(
        request.POST or None,
        initial=initial,
        units=None,
        services=_offered_choices(counter.lounge, counter.unit_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            queues.counter_update(
                actor=request.user,
                counter=counter,
                name=data["name"],
                services=_chosen(pemda, data["services"]),
                is_active=data["is_active"],
            )
        except SpbeError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("Loket disimpan."))
            return redirect("lounge:lounge-setup", pemda.code, counter.lounge.code)
    return render(
        request,
        "lounge/setup/counter.html",
        {"pemda": pemda, "lounge": counter.lounge, "form": form, "counter": counter},
        status=422 if form.errors else 200,
    )


urlpatterns = [
    path("app/<str:pemda_code>/antrean/ruang/", lounge_list, name="lounge-list"),
    path("app/<str:pemda_code>/antrean/ruang/<slug:lounge_code>/", lounge_setup, name="lounge-setup"),
    path(
        "app/<str:pemda_code>/antrean/ruang/<slug:lounge_code>/layanan/<int:offer_id>/tutup/",
        lounge_withdraw,
        name="lounge-withdraw",
    ),
    path(
        "app/<str:pemda_code>/antrean/ruang/<slug:lounge_code>/loket/baru/", counter_new, name="counter-new"
    ),
    path(
        "app/<str:pemda_code>/antrean/ruang/<slug:lounge_code>/loket/<int:counter_id>/",
        counter_edit,
        name="counter-edit",
    ),
]
