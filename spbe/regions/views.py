"""The platform operator's page for the national region list: how many are loaded, and a reload job."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spbe.core.jobs import job_create, recent_jobs
from spbe.core.views import operator_required

from . import selectors
from .tasks import load_regions_task


@operator_required
def operations(request: HttpRequest) -> HttpResponse:
    context = {"region_count": selectors.region_count(), "jobs": recent_jobs()}
    return render(request, "regions/operations.html", context)


@require_POST
@operator_required
def start_load_regions(request: HttpRequest) -> HttpResponse:
    job = job_create(actor=request.user, kind="regions.load", title=_("Memuat data wilayah Indonesia"))
    load_regions_task.enqueue(str(job.pk))
    return redirect("job", job_id=job.pk)
