"""DPMD pages for transfer scenarios: the list, one scenario with its siltap check, a comparison, adoption.

Thin: access through :mod:`~spbe.villages.transfers_access` (404 outside the transfer staff), reads through
:mod:`~spbe.villages.transfers_selectors`, the one write through :func:`transfer_scenario_adopt`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict

from .transfers import transfer_scenario_adopt
from .transfers_access import scenario_for_user, transfers_for_user
from .transfers_selectors import compare_scenarios, scenario_rows, scenarios, siltap_check


def _scenario_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@require_GET
@pemda_view
def scenario_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    _pemda, can = transfers_for_user(request.user, pemda.code)
    return render(
        request,
        "villages/transfer_list.html",
        {"pemda": pemda, "scenarios": list(scenarios(pemda)), "can": can},
    )


@require_GET
@pemda_view
def scenario_detail(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    scenario, can = scenario_for_user(request.user, pemda.code, pk)
    context = {
        "pemda": pemda,
        "scenario": scenario,
        "rows": list(scenario_rows(scenario)),
        "shortfalls": siltap_check(scenario),
        "can": can,
    }
    return render(request, "villages/transfer_detail.html", context)


@require_GET
@pemda_view
def scenario_compare(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    transfers_for_user(request.user, pemda.code)
    left_id, right_id = _scenario_id(request.GET.get("kiri")), _scenario_id(request.GET.get("kanan"))
    comparison = None
    if left_id is not None and right_id is not None:
        left, _can = scenario_for_user(request.user, pemda.code, left_id)
        right, _can = scenario_for_user(request.user, pemda.code, right_id)
        comparison = compare_scenarios(left, right)
    context = {
        "pemda": pemda,
        "scenarios": list(scenarios(pemda)),
        "comparison": comparison,
        "left_id": left_id,
        "right_id": right_id,
    }
    return render(request, "villages/transfer_compare.html", context)


@require_POST
@pemda_view
def scenario_adopt(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    scenario, _can = scenario_for_user(request.user, pemda.code, pk)
    try:
        transfer_scenario_adopt(actor=request.user, scenario=scenario)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Skenario %(name)s ditetapkan sebagai %(kind)s tahun %(year)d.")
            % {"name": scenario.name, "kind": scenario.get_kind_display(), "year": scenario.year},
        )
    return redirect("villages:transfer-detail", pemda_code=pemda.code, pk=scenario.pk)
