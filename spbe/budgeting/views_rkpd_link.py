"""``POST /app/<pemda>/anggaran/versi/<id>/rka/<kode_skpd>/mulai-rkpd/``: the agency's operator (or TAPD)
starts the RKA from the adopted Renja/RKPD (:func:`rkpd_link.rka_start_from_plan`); the list shows on the
RKA page. Scope as the RKA page (404 outside it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, PermissionDenied, ValidationFailed

from . import selectors_pages
from .rkpd_link import rka_start_from_plan


@require_POST
@pemda_view
def start(request: HttpRequest, pemda: Pemda, version_id: int, unit_code: str) -> HttpResponse:
    rka, _can = selectors_pages.rka_in_scope(request.user, pemda.code, version_id, unit_code)
    try:
        result = rka_start_from_plan(actor=request.user, version=rka.version, unit=rka.unit)
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, exc.message)
    except PermissionDenied:
        raise
    else:
        source = _("Renja") if result.source == "renja" else _("RKPD")
        if result.created:
            messages.success(
                request,
                _("%(n)d sub kegiatan dari %(source)s ditambahkan ke RKA.")
                % {"n": result.created, "source": source},
            )
        else:
            messages.info(request, _("Semua sub kegiatan %(source)s sudah ada di RKA.") % {"source": source})
    return redirect("budgeting:rka-detail", pemda_code=pemda.code, version_id=version_id, unit_code=unit_code)
