"""Platform operations pages (superusers only): start long jobs and watch their progress."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spbe.regions.models import Region

from . import problems
from .jobs import job_create, jobs_mark_stale
from .models import Job


def operator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Platform operators only: others are sent to sign in, or told the page does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.is_superuser and request.user.is_active):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@operator_required
def operations(request: HttpRequest) -> HttpResponse:
    jobs_mark_stale()
    context = {
        "region_count": Region.objects.count(),
        "jobs": Job.objects.all()[:20],
    }
    return render(request, "core/operations.html", context)


@require_POST
@operator_required
def start_load_regions(request: HttpRequest) -> HttpResponse:
    from spbe.regions.tasks import load_regions_task

    job = job_create(actor=request.user, kind="regions.load", title=_("Memuat data wilayah Indonesia"))
    load_regions_task.enqueue(str(job.pk))
    return redirect("job", job_id=job.pk)


def _job_for(request: HttpRequest, job_id: str) -> Job:
    # Reading a job is when a dead worker's job must stop showing as running.
    jobs_mark_stale()
    job = Job.objects.filter(pk=job_id, created_by_id=request.user.pk).first()
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


def server_error(request: HttpRequest) -> HttpResponse:
    """500 without templates or the database, which may be what failed."""
    if problems.is_api(request):
        return problems.server_error(request)
    page = (
        "<!DOCTYPE html><html lang=id><meta charset=utf-8><title>Kesalahan server</title>"
        "<h1>Kesalahan server</h1><p>Terjadi kesalahan di server. Coba lagi; bila berulang, hubungi admin."
        "<p lang=en>Server error. Try again; if it happens again, contact the administrator.</html>"
    )
    return HttpResponse(page, status=500)
