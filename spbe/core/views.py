"""Pages of core: a background job's progress for the operator who started it, and the error pages.

The operations pages that start jobs belong to the apps whose work they start (``spbe.regions.views``);
core imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import problems
from .actors import is_platform_operator
from .jobs import job_for_user
from .models import Job


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Platform operators only: others are sent to sign in, or told the page does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_platform_operator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _job_for(request: HttpRequest, job_id: str) -> Job:
    job = job_for_user(request.user, job_id)
    if job is None:
        raise Http404
    return job


@operator_required
def job_page(request: HttpRequest, job_id: str) -> HttpResponse:
    return render(request, "core/job.html", {"job": _job_for(request, job_id)})


@operator_required
def job_status(request: HttpRequest, job_id: str) -> JsonResponse:
    job = _job_for(request, job_id)
    return JsonResponse(
        {
            "id": str(job.pk),
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "message": job.message,
        }
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for the whole site: problem+json under /api/, the product's page elsewhere."""
    if problems.is_api(request):
        return problems.not_found(request)
    return render(
        request,
        "spbe/error.html",
        {"error": {"status": 404, "message": _("Halaman tidak ditemukan.")}},
        status=404,
    )


def _error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if problems.is_api(request):
        code = "bad-request" if status == 400 else "forbidden"
        return problems.problem(request, status, code, message)
    return render(
        request, "spbe/error.html", {"error": {"status": status, "message": message}}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 (a malformed request, a host not served here) in the product's words, not Django's."""
    return _error_page(request, 400, _("Permintaan tidak dapat diproses karena bentuknya tidak sah."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403, _("Anda tidak berwenang membuka halaman ini."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token: usually a page left open too long, or cookies blocked."""
    return _error_page(
        request,
        403,
        _(
            "Formulir ini kedaluwarsa atau dikirim tanpa token keamanan. Muat ulang halaman, lalu kirim "
            "lagi; pastikan peramban menerima cookie dari situs ini."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """500 without templates or the database, which may be what failed."""
    if problems.is_api(request):
        return problems.server_error(request)
    # Hand-written: the template engine, the session or the database may be what failed. The stylesheet
    # and the search are plain links, so the page still looks like the product and offers a way on.
    css, home, app, regions, search = (
        escape(url)
        for url in (
            static("spbe/app.css"),
            reverse("portal:home"),
            reverse("accounts:dashboard"),
            reverse("portal:regions"),
            reverse("portal:region-search"),
        )
    )
    page = (
        "<!DOCTYPE html><html lang=id><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>Kesalahan server · OpenSPBE</title><link rel=stylesheet href='{css}'></head><body>"
        f"<header class=topbar><a class=brand href='{home}'>Open<strong>SPBE</strong></a></header>"
        "<main class=page><h1>Kesalahan server</h1>"
        "<p>Maaf, terjadi kesalahan di server dan permintaan Anda tidak selesai. Bila Anda sedang menyimpan, "
        "tidak ada yang tersimpan setengah jalan: periksa datanya lalu simpan ulang.</p>"
        "<p>Coba lagi sebentar lagi. Bila berulang, beri tahu admin pemda Anda waktu kejadiannya.</p>"
        f"<ul class='plain links'><li><a href='{home}'>Beranda OpenSPBE</a></li>"
        f"<li><a href='{app}'>Dasbor Anda</a></li><li><a href='{regions}'>Wilayah Indonesia</a></li></ul>"
        f"<form method=get action='{search}' class=search role=search><label for=q>Cari wilayah</label>"
        "<input type=search id=q name=q maxlength=80><button type=submit class=primary>Cari</button></form>"
        "<p lang=en class=muted>Server error. Try again in a moment; if it happens again, tell your "
        "administrator when it happened.</p></main></body></html>"
    )
    return HttpResponse(page, status=500)
