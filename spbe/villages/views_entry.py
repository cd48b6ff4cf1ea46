"""Staff pages of a desa's APBDes, made for a phone: the draft as it is read, line entry, the workflow.

Thin: every read goes through :func:`access.apbdes_for_user` (404 outside the user's desa, kecamatan or
pemda), every write is one service call (``services`` for create, save, moves and adoption; ``entry`` for
change, remove and perubahan) whose answer on capability, stage and staleness is the one that counts. A
refused write comes back as a message or the form again with what was typed, never an error page.

Each line form carries an idempotency key made when the form was drawn: a POST retried after a dropped
connection (or a double tap) finds the line the first one made. Change and remove forms carry the line's
fingerprint as the form saw it, so a stale edit is refused instead of overwriting someone else's.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spbe.accounts.access import Can, Place, get_village_for_user, villages_for_user
from spbe.accounts.models import Pemda, VillageGovernment
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, NotFound, SpbeError, ValidationFailed
from spbe.reference.models import FundingSource, VillageAccount, VillageActivity

from . import entry, services
from .access import APBDES, apbdes_for_user
from .models import Apbdes, ApbdesLine
from .services import LineData
from .workflow import APBDES_FLOW

MOVES = {"agree", "submit", "return", "approve", "reopen"}


def _home(apbdes: Apbdes) -> str:
    return reverse("villages:entry-home", args=[apbdes.pemda_id, apbdes.village.region_id, apbdes.year])


def _apbdes(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> tuple[Apbdes, Can]:
    return apbdes_for_user(request.user, pemda.code, kode_desa, year)


def _version(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> tuple[Apbdes, Can]:
    """The version named by ``?versi=`` (the latest without it)."""
    number = request.GET.get("versi", "")
    chosen = int(number) if number.isdigit() and len(number) < 6 else None
    return apbdes_for_user(request.user, pemda.code, kode_desa, year, chosen)


def _village(request: HttpRequest, pemda: Pemda, kode_desa: str) -> tuple[VillageGovernment, Can]:
    village = get_village_for_user(request.user, pemda, kode_desa)
    can = APBDES.can(request.user, Place.of_village(village))
    if not can.view:
        raise NotFound(_("Data tidak ditemukan."))
    return village, can


@require_GET
@pemda_view
def entry_latest(request: HttpRequest, pemda: Pemda, kode_desa: str) -> HttpResponse:
    """The desa's APBDes of its latest year (the default budget year when it has none yet)."""
    village, _can = _village(request, pemda, kode_desa)
    latest = Apbdes.objects.filter(village=village).order_by("-year").values_list("year", flat=True).first()
    return redirect("villages:entry-home", pemda.code, kode_desa, latest or settings.SPBE_DEFAULT_BUDGET_YEAR)


@require_GET
@pemda_view
def entry_list_current(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    return redirect("villages:entry-list", pemda.code, settings.SPBE_DEFAULT_BUDGET_YEAR)


@require_GET
@pemda_view
def entry_list(request: HttpRequest, pemda: Pemda, year: int) -> HttpResponse:
    """The APBDes of a year of every desa the user sees (the camat's kecamatan, all for DPMD), latest
    version each, those awaiting the camat first; ``?tahap=`` filters by stage."""
    villages = list(villages_for_user(request.user, pemda).select_related("region").order_by("region_id"))
    visible = [v for v in villages if APBDES.can(request.user, Place.of_village(v)).view]
    if not visible:
        raise NotFound(_("Data tidak ditemukan."))
    latest: dict[int, Apbdes] = {}
    for apbdes in Apbdes.objects.filter(village__in=visible, year=year).order_by("village_id", "number"):
        latest[apbdes.village_id] = apbdes
    stage = request.GET.get("tahap", "")
    order = {s: i for i, s in enumerate(["evaluation", "agreed", "draft", "evaluated", "adopted"])}
    rows = [(v, latest.get(v.pk)) for v in visible]
    if stage:
        rows = [(v, a) for v, a in rows if (a.stage if a else "") == stage]
    rows.sort(key=lambda r: (order.get(r[1].stage, 9) if r[1] else 10, r[0].region_id))
    context = {
        "pemda": pemda,
        "year": year,
        "rows": rows,
        "stage": stage,
        "stages": Apbdes.Stage.choices,
    }
    return render(request, "villages/entry/list.html", context)


@require_GET
@pemda_view
def entry_home(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    """The APBDes of the desa and year: lines grouped as it is read, totals, checks, the workflow."""
    try:
        apbdes, can = _version(request, pemda, kode_desa, year)
    except NotFound:
        if request.GET.get("versi"):
            raise
        village, can = _village(request, pemda, kode_desa)  # 404 for outsiders, "start" for insiders
        return render(
            request,
            "villages/entry/empty.html",
            {"pemda": pemda, "village": village, "year": year, "can": can},
        )
    versions = list(
        Apbdes.objects.filter(village_id=apbdes.village_id, year=year)
        .order_by("number")
        .values_list("number", "kind", "stage")
    )
    latest = versions[-1][0] == apbdes.number
    editable = latest and apbdes.stage == Apbdes.Stage.DRAFT and can.edit and not apbdes.is_frozen
    actions = [t for t in APBDES_FLOW.available(apbdes, can) if t.name in MOVES] if latest else []
    context = {
        "pemda": pemda,
        "apbdes": apbdes,
        "can": can,
        "p": entry.page(apbdes),
        "versions": versions,
        "latest": latest,
        "editable": editable,
        "actions": actions,
        "may_adopt": latest and apbdes.stage == Apbdes.Stage.EVALUATED and can.adopt,
        "may_revise": latest and apbdes.stage == Apbdes.Stage.ADOPTED and can.edit,
    }
    return render(request, "villages/entry/home.html", context)


@require_POST
@pemda_view
def entry_start(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    village, _can = _village(request, pemda, kode_desa)
    try:
        services.apbdes_create(actor=request.user, village=village, year=year)
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Draf APBDes %(year)d dibuat.") % {"year": year})
    return redirect("villages:entry-home", pemda.code, kode_desa, year)


def _choices(year: int) -> dict[str, Any]:
    """The village chart, kegiatan and funding sources of the year, for the form's pickers."""
    return {
        "accounts": list(
            VillageAccount.objects.filter(year=year, level__in=["jenis", "objek"])
            .order_by("code")
            .values_list("code", "name")
        ),
        "activities": list(
            VillageActivity.objects.filter(year=year, level=VillageActivity.Level.KEGIATAN)
            .order_by("code")
            .values_list("code", "name")
        ),
        "sources": list(
            FundingSource.objects.filter(year=year, scope=FundingSource.Scope.DESA)
            .order_by("code")
            .values_list("code", "name")
        ),
    }


def _posted(request: HttpRequest) -> LineData:
    post = request.POST
    return LineData(
        account_code=post.get("account_code", ""),
        activity_code=post.get("activity_code", ""),
        source_code=post.get("source_code", ""),
        description=post.get("description", ""),
        amount=post.get("amount", "").strip(),
    )


def _form(
    request: HttpRequest,
    pemda: Pemda,
    apbdes: Apbdes,
    *,
    values: dict[str, Any],
    line: ApbdesLine | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "pemda": pemda,
        "apbdes": apbdes,
        "line": line,
        "values": values,
        "errors": errors or [],
        **_choices(apbdes.year),
    }
    return render(request, "villages/entry/line_form.html", context, status=status)


def _closed(request: HttpRequest, apbdes: Apbdes) -> HttpResponse | None:
    """Back to the page with a message when the version's lines are closed (not a draft)."""
    if apbdes.stage == Apbdes.Stage.DRAFT and not apbdes.is_frozen:
        return None
    messages.error(
        request,
        _("APBDes sedang dalam tahap '%(stage)s'; rincian hanya dapat diubah pada tahap draf.")
        % {"stage": apbdes.get_stage_display()},
    )
    return redirect(_home(apbdes))


def _key(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@pemda_view
def entry_line_new(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    apbdes, can = _apbdes(request, pemda, kode_desa, year)
    if not can.edit:
        raise NotFound(_("Data tidak ditemukan."))
    if request.method == "GET" and (closed := _closed(request, apbdes)):
        return closed
    if request.method == "GET":
        fresh = {
            "key": str(uuid.uuid4()),
            "source_code": "",
            "account_code": request.GET.get("rekening", ""),
        }
        return _form(request, pemda, apbdes, values=fresh)
    values: dict[str, Any] = {k: request.POST.get(k, "") for k in request.POST}
    key = _key(request.POST.get("key", ""))
    try:
        if key is None:
            raise ValidationFailed(_("Formulir tidak lengkap; muat ulang halaman lalu isi lagi."))
        line, created = services.apbdes_line_save(
            actor=request.user, apbdes=apbdes, idempotency_key=key, data=_posted(request)
        )
    except SpbeError as exc:
        return _form(request, pemda, apbdes, values=values, errors=[exc.message], status=422)
    if created:
        messages.success(request, _("Rincian %(code)s disimpan.") % {"code": line.account_code})
    else:
        messages.info(request, _("Rincian ini sudah tersimpan sebelumnya; tidak dibuat dua kali."))
    if request.POST.get("again"):
        return redirect(reverse("villages:entry-line-new", args=[pemda.code, kode_desa, year]))
    return redirect(f"{_home(apbdes)}#line-{line.pk}")


def _line_values(line: ApbdesLine) -> dict[str, Any]:
    return {
        "account_code": line.account_code,
        "activity_code": line.activity_code,
        "source_code": line.source_code,
        "description": line.description,
        "amount": format(line.amount, "f"),
        "seen": entry.line_fingerprint(line),
    }


@require_http_methods(["GET", "POST"])
@pemda_view
def entry_line_edit(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, pk: int) -> HttpResponse:
    apbdes, can = _apbdes(request, pemda, kode_desa, year)
    line = entry.version_for(apbdes, pk)
    if not can.edit:
        raise NotFound(_("Data tidak ditemukan."))
    if request.method == "GET" and (closed := _closed(request, apbdes)):
        return closed
    if request.method == "GET":
        return _form(request, pemda, apbdes, values=_line_values(line), line=line)
    values: dict[str, Any] = {k: request.POST.get(k, "") for k in request.POST}
    try:
        entry.apbdes_line_change(
            actor=request.user,
            apbdes=apbdes,
            line_id=line.pk,
            seen=request.POST.get("seen", ""),
            data=_posted(request),
        )
    except Conflict as exc:
        # Someone else changed (or removed) the line: show the line as it is now, with what was typed in
        # the message, so nothing is overwritten without the operator seeing the other change.
        current = ApbdesLine.objects.filter(pk=line.pk).first()
        if current is None:
            messages.error(request, exc.message)
            return redirect(_home(apbdes))
        typed = _("Isian Anda: %(account)s %(activity)s %(source)s %(amount)s.") % {
            "account": values.get("account_code", ""),
            "activity": values.get("activity_code", ""),
            "source": values.get("source_code", ""),
            "amount": values.get("amount", ""),
        }
        return _form(
            request, pemda, apbdes, values=_line_values(current), line=current,
            errors=[exc.message, typed], status=409,
        )  # fmt: skip
    except SpbeError as exc:
        return _form(request, pemda, apbdes, values=values, line=line, errors=[exc.message], status=422)
    messages.success(request, _("Rincian %(code)s diubah.") % {"code": line.account_code})
    return redirect(f"{_home(apbdes)}#line-{line.pk}")


@require_POST
@pemda_view
def entry_line_remove(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, pk: int) -> HttpResponse:
    apbdes, _can = _apbdes(request, pemda, kode_desa, year)
    line = entry.version_for(apbdes, pk)
    try:
        entry.apbdes_line_remove(
            actor=request.user, apbdes=apbdes, line_id=line.pk, seen=request.POST.get("seen", "")
        )
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rincian %(code)s dihapus.") % {"code": line.account_code})
    return redirect(_home(apbdes))


@require_POST
@pemda_view
def entry_action(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    """A workflow button: agree (BPD), submit (Kades), return or approve (camat), adopt (Kades)."""
    apbdes, _can = _apbdes(request, pemda, kode_desa, year)
    action = request.POST.get("action", "")
    try:
        if request.POST.get("stage", "") != apbdes.stage:
            raise ValidationFailed(
                _("Tahap APBDes sudah berubah menjadi '%(stage)s' sejak halaman dibuka; periksa lagi.")
                % {"stage": apbdes.get_stage_display()}
            )
        if action == "adopt":
            services.apbdes_adopt(actor=request.user, apbdes=apbdes)
        elif action in MOVES:
            services.apbdes_move(
                actor=request.user, apbdes=apbdes, action=action, note=request.POST.get("note", "")
            )
        else:
            raise ValidationFailed(_("Tindakan tidak dikenal."))
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("APBDes: %(stage)s.") % {"stage": apbdes.get_stage_display()})
    if action in {"return", "approve"}:
        return redirect("villages:entry-evaluation", pemda.code, kode_desa, year)
    return redirect(_home(apbdes))


@require_POST
@pemda_view
def entry_revise(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    apbdes, _can = _apbdes(request, pemda, kode_desa, year)
    try:
        draft = entry.apbdes_revise(actor=request.user, apbdes=apbdes)
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Draf %(label)s dibuat dari versi yang ditetapkan.") % {"label": draft.label}
        )
    return redirect(_home(apbdes))


@require_GET
@pemda_view
def entry_evaluation(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int) -> HttpResponse:
    """The camat's evaluation: every line with its notes, a note form per line while under evaluation."""
    apbdes, can = _version(request, pemda, kode_desa, year)
    p = entry.page(apbdes)
    context = {
        "pemda": pemda,
        "apbdes": apbdes,
        "can": can,
        "p": p,
        "may_note": can.evaluate and apbdes.stage == Apbdes.Stage.EVALUATION,
        "actions": [t for t in APBDES_FLOW.available(apbdes, can) if t.name in {"return", "approve"}],
    }
    return render(request, "villages/entry/evaluation.html", context)


@require_POST
@pemda_view
def entry_note(request: HttpRequest, pemda: Pemda, kode_desa: str, year: int, pk: int) -> HttpResponse:
    apbdes, _can = _apbdes(request, pemda, kode_desa, year)
    line = entry.version_for(apbdes, pk)
    try:
        services.apbdes_line_note(actor=request.user, line=line, text=request.POST.get("text", ""))
    except SpbeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Catatan untuk rincian %(code)s disimpan.") % {"code": line.account_code})
    url = reverse("villages:entry-evaluation", args=[pemda.code, kode_desa, year])
    return redirect(f"{url}#line-{line.pk}")
