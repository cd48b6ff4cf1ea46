"""A complaint's receipt at receipt-printer width: the public ticket and a QR code to its status page.

Handed over wherever a complaint is received in person (the kiosk prints it, the counter officer prints
it for the citizen). It shows what the public status page shows of the complaint, and nothing of who
complained: a receipt left on the counter or in the kiosk's tray names nobody.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spbe.core.errors import NotFound
from spbe.core.qr import qr_svg

from . import selectors
from .models import Complaint

RECEIPT_WIDTHS = ("58", "80")


def status_url(request: HttpRequest, ticket: str) -> str:
    return request.build_absolute_uri(reverse("complaints:status", args=[ticket]))


def status_qr(request: HttpRequest, ticket: str) -> SafeString:
    return qr_svg(status_url(request, ticket), _("Kode QR status pengaduan"))


@require_GET
def receipt(request: HttpRequest, ticket: str, width: str) -> HttpResponse:
    if width not in RECEIPT_WIDTHS:
        raise Http404
    try:
        found = selectors.public_complaint(ticket)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "complaints/receipt.html", receipt_context(request, found.complaint, width))


def receipt_context(request: HttpRequest, complaint: Complaint, width: str) -> dict[str, Any]:
    """What ``complaints/receipt.html`` shows; a kiosk adds ``kiosk_home`` so the page resets when idle."""
    return {
        "c": complaint,
        "width": width,
        "qr": status_qr(request, complaint.ticket),
        "status_url": status_url(request, complaint.ticket),
    }
