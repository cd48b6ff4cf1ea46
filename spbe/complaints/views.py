"""Pages of complaints: the public form and status page, and the staff's list and handling page.

Public pages read a :class:`~spbe.complaints.selectors.PublicComplaint` (identity already masked); staff
pages go through :mod:`spbe.complaints.access` (404 outside the user's scope) and every step through a
service, whose refusal is shown as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from spbe.accounts import access as accounts_access
from spbe.accounts.access import Can
from spbe.accounts.models import Pemda
from spbe.accounts.signin import client_key
from spbe.accounts.views import pemda_view
from spbe.core.actors import is_person, system
from spbe.core.errors import Conflict, NotFound, SpbeError, ValidationFailed

from . import selectors, services
from .access import COMPLAINT, can_in_pemda, can_intake_at, complaint_for_user
from .forms import ComplaintForm, DeadlinesForm, IntakeForm, TextForm
from .models import Channel, Complaint, State
from .workflow import COMPLAINT_FLOW

WEB_ACTOR = system("pengaduan-web")
MAX_TICKET = 40


def _complainant(data: dict[str, Any]) -> services.ComplainantData:
    return services.ComplainantData(
        name=data["name"], nik=data["nik"], phone=data["phone"], email=data["email"]
    )


def _add_error(form: Any, exc: SpbeError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest, pemda_code: str) -> HttpResponse:
    try:
        pemda = selectors.public_pemda(pemda_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = ComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_submit(
                actor=request.user if is_person(request.user) else WEB_ACTOR,
                pemda=pemda,
                channel=Channel.WEB,
                subject=data["subject"],
                description=data["description"],
                location=data["location"],
                complainant=_complainant(data),
                client=client_key(request),
            )
        except services.TooManyComplaints as exc:
            form.add_error(None, exc.message)
            status = 429
        except ValidationFailed as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Pengaduan Anda diterima dengan nomor tiket %(ticket)s. "
                    "Simpan nomor ini untuk melihat statusnya."
                )
                % {"ticket": complaint.ticket},
            )
            return redirect("complaints:status", ticket=complaint.ticket)
    return render(request, "complaints/form.html", {"pemda": pemda, "form": form}, status=status)


@require_GET
def complaint_lookup(request: HttpRequest) -> HttpResponse:
    ticket = request.GET.get("tiket", "").strip().upper()[:MAX_TICKET]
    if ticket:
        return redirect("complaints:status", ticket=ticket)
    return render(request, "complaints/lookup.html")


@never_cache
@require_GET
def complaint_status(request: HttpRequest, ticket: str) -> HttpResponse:
    try:
        found = selectors.public_complaint(ticket)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "complaints/status.html", {"found": found, "c": found.complaint})


# --- staff ------------------------------------------------------------------------------------------


@pemda_view
def staff_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    can = can_in_pemda(request.user, pemda)
    units = accounts_access.units_for_user(request.user, pemda)
    # From a counter's console (?loket=<unit>): the officer's own counter is already chosen.
    chosen_unit = request.GET.get("loket", "")
    counter_unit = units.filter(pk=int(chosen_unit)).first() if chosen_unit.isdigit() else None
    intake = IntakeForm(units=units, initial={"counter_unit": counter_unit})
    deadlines_form = DeadlinesForm(initial=selectors.deadline_days(pemda))
    if request.method == "POST" and request.POST.get("form") == "intake":
        intake = IntakeForm(request.POST, units=units)
        if intake.is_valid():
            data = intake.cleaned_data
            try:
                complaint = services.complaint_submit(
                    actor=request.user,
                    pemda=pemda,
                    channel=Channel.COUNTER,
                    subject=data["subject"],
                    description=data["description"],
                    location=data["location"],
                    complainant=_complainant(data),
                    counter_unit=data["counter_unit"],
                )
            except ValidationFailed as exc:
                _add_error(intake, exc)
            else:
                messages.success(request, _("Pengaduan dicatat: %(ticket)s.") % {"ticket": complaint.ticket})
                if COMPLAINT.can(request.user, complaint.place()).view:
                    return redirect("complaints:staff-detail", pemda_code=pemda.code, ticket=complaint.ticket)
                # A counter officer records complaints but does not handle them: the public page shows the
                # ticket to hand to the citizen.
                return redirect("complaints:status", ticket=complaint.ticket)
    elif request.method == "POST" and request.POST.get("form") == "deadlines":
        deadlines_form = DeadlinesForm(request.POST)
        if deadlines_form.is_valid():
            try:
                services.complaint_deadlines_set(
                    actor=request.user, pemda=pemda, **deadlines_form.cleaned_data
                )
            except ValidationFailed as exc:
                _add_error(deadlines_form, exc)
            else:
                messages.success(request, _("Tenggat pengaduan disimpan."))
                return redirect("complaints:staff-list", pemda_code=pemda.code)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    chosen = selectors.StaffFilter(
        state=request.GET.get("status", ""), late=request.GET.get("terlambat") == "1"
    )
    try:
        complaints = list(selectors.staff_complaints(request.user, pemda, chosen)[:200])
    except ValidationFailed:
        complaints = list(selectors.staff_complaints(request.user, pemda, selectors.StaffFilter())[:200])
    return render(
        request,
        "complaints/staff_list.html",
        {
            "pemda": pemda,
            "complaints": complaints,
            "can": can,
            "can_intake": can_intake_at(request.user, pemda, units),
            "intake": intake,
            "deadlines_form": deadlines_form,
            "states": State.choices,
            "chosen": chosen,
            "today": selectors.today_in(pemda),
        },
    )


@pemda_view
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, pemda: Pemda, ticket: str) -> HttpResponse:
    """The handling page; a POST with ``step`` (verify, route, answer...) takes that step."""
    complaint, can = complaint_for_user(request.user, pemda.code, ticket)
    if request.method == "POST":
        return _step(request, pemda, complaint, can, request.POST.get("step", ""))
    return _detail(request, pemda, complaint, can)


def _detail(
    request: HttpRequest, pemda: Pemda, complaint: Complaint, can: Can, status: int = 200
) -> HttpResponse:
    actions = [t.name for t in COMPLAINT_FLOW.available(complaint, can)]
    can_reply = can.reply and complaint.state in (State.ANSWERED, State.CLOSED)
    return render(
        request,
        "complaints/staff_detail.html",
        {
            "pemda": pemda,
            "c": complaint,
            "can": can,
            "actions": actions,
            "can_reply": can_reply,
            "journey": selectors.staff_journey(complaint),
            "units": selectors.routable_units(pemda) if "route" in actions else [],
            "today": selectors.today_in(pemda),
        },
        status=status,
    )


STEPS = {"verify", "reject", "route", "return", "answer", "close", "reply"}


def _step(request: HttpRequest, pemda: Pemda, complaint: Complaint, can: Can, step: str) -> HttpResponse:
    if step not in STEPS:
        raise ValidationFailed(_("Tindakan tidak dikenal."), field="step")
    form = TextForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    # The state the officer saw: if the complaint moved since, the workflow answers with a conflict.
    seen = request.POST.get("state", "")
    if seen and seen != complaint.state:
        messages.error(request, _("Pengaduan ini sudah berpindah status; periksa sebelum melanjutkan."))
        return _detail(request, pemda, complaint, can, status=409)
    user = request.user
    try:
        if step == "verify":
            services.complaint_verify(actor=user, complaint=complaint, note=text)
        elif step == "reject":
            services.complaint_reject(actor=user, complaint=complaint, reason=text)
        elif step == "route":
            unit = selectors.routable_units(pemda).filter(pk=request.POST.get("unit") or 0).first()
            if unit is None:
                raise ValidationFailed(_("Pilih perangkat daerah tujuan."), field="unit")
            services.complaint_route(actor=user, complaint=complaint, unit=unit, note=text)
        elif step == "return":
            services.complaint_return(actor=user, complaint=complaint, reason=text)
        elif step == "answer":
            services.complaint_answer(actor=user, complaint=complaint, text=text)
        elif step == "close":
            services.complaint_close(actor=user, complaint=complaint, note=text)
        else:
            services.complaint_reply(actor=user, complaint=complaint, text=text)
    except (Conflict, ValidationFailed) as exc:
        # Shown on the page as it is now, with the status that says what happened (409: state moved).
        messages.error(request, exc.message)
        complaint, can = complaint_for_user(request.user, pemda.code, complaint.ticket)
        return _detail(request, pemda, complaint, can, status=exc.status)
    messages.success(request, _("Tersimpan."))
    return redirect("complaints:staff-detail", pemda_code=pemda.code, ticket=complaint.ticket)
