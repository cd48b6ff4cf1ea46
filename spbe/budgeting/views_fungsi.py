"""The APBD summary by function: ``/app/<pemda>/anggaran/versi/<id>/fungsi/`` (page), ``fungsi.pdf`` and
``fungsi.xlsx``. Pemda-wide budget readers only, like the summary by account and agency (an agency role
and outsiders get 404 through :func:`access.version_for_user`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.documents import Signer, render_pdf_response, safe_filename, signing_place
from spbe.core.exports import xlsx_response

from . import reports_fungsi
from .access import version_for_user


def _labels() -> list[str]:
    return [str(label) for label in reports_fungsi.GROUP_LABELS]


@require_GET
@pemda_view
def summary_page(request: HttpRequest, pemda: Pemda, version_id: int) -> HttpResponse:
    version = version_for_user(request.user, pemda.code, version_id)
    summary = reports_fungsi.apbd_by_fungsi(version)
    context = {"pemda": pemda, "version": version, "summary": summary, "labels": _labels()}
    return render(request, "budgeting/fungsi/summary.html", context)


@require_GET
@pemda_view
def summary_document(request: HttpRequest, pemda: Pemda, version_id: int, fmt: str) -> HttpResponse:
    version = version_for_user(request.user, pemda.code, version_id)
    summary = reports_fungsi.apbd_by_fungsi(version)
    with translation.override("id"):
        filename = f"Ringkasan APBD menurut fungsi {pemda.code} {version.year} v{version.number}"
        if fmt == "xlsx":
            response = xlsx_response(
                reports_fungsi.xlsx_rows(summary),
                reports_fungsi.xlsx_columns(),
                filename=safe_filename(filename, ".xlsx")[: -len(".xlsx")],
                sheet_title=_("Menurut fungsi"),
            )
            return response  # type: ignore[return-value]
        region = pemda.region.name
        head = _("Bupati") if region.startswith("Kabupaten") else _("Wali Kota")
        context = {
            "summary": summary,
            "labels": _labels(),
            "signers": [Signer(role=f"{head} {signing_place(region)}")],
            "place": signing_place(region),
            "signed_on": timezone.localdate(),
            "pemda_name": pemda.name,
            "issuer": pemda.name,
            "document_title": _("Ringkasan APBD menurut Fungsi"),
            "document_subtitle": _("Tahun Anggaran %(year)d — %(label)s")
            % {"year": version.year, "label": version.label},
        }
    return render_pdf_response("budgeting/fungsi/summary_pdf.html", context, filename, request=request)
