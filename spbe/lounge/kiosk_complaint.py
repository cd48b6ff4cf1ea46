"""Filing a complaint on the kiosk (issue 10, point 5: "from the web, the kiosk or the counter").

The kiosk is anonymous and so is its complaint form: the citizen's name, NIK and phone are optional
(:func:`spbe.complaints.services.complaint_submit` allows an unnamed complaint only on this channel), and
whatever is given is stored as personal data and shown masked everywhere public. The complaint is
received in the name of the device (``kios:<id>``, as its enrolment is audited), so staff see which
kiosk it came from.

After sending, the kiosk shows the public ticket number, a QR code to the ticket's status page and a
receipt to print. That page is reached through a signed link that only the same device can open, and
only for a few minutes: the next person at the kiosk cannot page back to someone else's complaint. Both
pages are ``no-store`` (a browser never keeps them to show again), and idle reset returns to the home
screen like every kiosk page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from spbe.complaints import receipt as complaint_receipt
from spbe.complaints import selectors as complaint_selectors
from spbe.complaints import services as complaint_services
from spbe.complaints.models import Channel, Complaint
from spbe.core.actors import SystemActor, system
from spbe.core.errors import NotFound, SpbeError

from .kiosk import _page, _require_device
from .models import KioskDevice

SALT = "spbe.lounge.kiosk-complaint"
# Long enough to read, scan and print the ticket; short enough that it is gone for the next person.
DONE_MAX_AGE = 10 * 60


class KioskComplaintForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Pokok pengaduan"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Uraian"), max_length=complaint_services.MAX_DESCRIPTION)
    location = forms.CharField(label=gettext_lazy("Lokasi kejadian"), max_length=255, required=False)
    name = forms.CharField(label=gettext_lazy("Nama (boleh dikosongkan)"), max_length=150, required=False)
    nik = forms.CharField(label=gettext_lazy("NIK (boleh dikosongkan)"), max_length=16, required=False)
    phone = forms.CharField(label=gettext_lazy("Telepon (boleh dikosongkan)"), max_length=30, required=False)


def device_actor(device: KioskDevice) -> SystemActor:
    """Who receives a kiosk complaint: the device, named in the journey and the audit trail."""
    return system(f"kios:{device.pk}")


def done_token(device: KioskDevice, ticket: str) -> str:
    return signing.dumps({"t": ticket, "d": device.pk}, salt=SALT, compress=True)


def _ticket_from(token: str, device: KioskDevice) -> str | None:
    try:
        data: Any = signing.loads(token, salt=SALT, max_age=DONE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("d") != device.pk or not isinstance(data.get("t"), str):
        return None
    return str(data["t"])


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    form = KioskComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = complaint_services.complaint_submit(
                actor=device_actor(device),
                pemda=device.lounge.pemda,
                channel=Channel.KIOSK,
                subject=data["subject"],
                description=data["description"],
                location=data["location"],
                complainant=complaint_services.ComplainantData(
                    name=data["name"], nik=data["nik"], phone=data["phone"]
                ),
            )
        except SpbeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("lounge:kiosk-complaint-done", done_token(device, complaint.ticket))
    status = 422 if form.errors else 200
    return _page(request, device, "lounge/kiosk/complaint.html", {"form": form}, status=status)


def _complaint_on_device(request: HttpRequest, token: str) -> tuple[KioskDevice, Complaint] | HttpResponse:
    """The complaint a done link names, for the device that filed it, while the link is fresh; otherwise
    the answer to give instead (sign-in refusal, or the kiosk's own "not found" page)."""
    device = _require_device(request)
    if isinstance(device, HttpResponse):
        return device
    ticket = _ticket_from(token, device)
    try:
        if ticket is None:
            raise NotFound("")
        found = complaint_selectors.public_complaint(ticket)
    except NotFound:
        return render(request, "lounge/kiosk/unknown.html", status=404)
    return device, found.complaint


@never_cache
@require_GET
def complaint_done(request: HttpRequest, token: str) -> HttpResponse:
    found = _complaint_on_device(request, token)
    if isinstance(found, HttpResponse):
        return found
    device, complaint = found
    return _page(
        request,
        device,
        "lounge/kiosk/complaint_done.html",
        {
            "c": complaint,
            "qr": complaint_receipt.status_qr(request, complaint.ticket),
            "status_url": complaint_receipt.status_url(request, complaint.ticket),
            "print_url": reverse("lounge:kiosk-complaint-print", args=[token]),
        },
    )


@never_cache
@require_GET
def complaint_print(request: HttpRequest, token: str) -> HttpResponse:
    """The receipt at 80 mm, on the kiosk: same link rules as the ticket page, and it too resets when idle."""
    found = _complaint_on_device(request, token)
    if isinstance(found, HttpResponse):
        return found
    context = complaint_receipt.receipt_context(request, found[1], "80")
    return render(request, "complaints/receipt.html", {**context, "kiosk_home": reverse("lounge:kiosk-home")})


urlpatterns = [
    path("kios/pengaduan/", complaint_form, name="kiosk-complaint"),
    path("kios/pengaduan/selesai/<str:token>/", complaint_done, name="kiosk-complaint-done"),
    path("kios/pengaduan/cetak/<str:token>/", complaint_print, name="kiosk-complaint-print"),
]
