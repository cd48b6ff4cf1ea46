"""Staff pages for show-cause meetings (recorded by the agency) and the escalation notices on the
dashboards of agency heads and Bappeda."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.errors import Conflict, ValidationFailed

from . import scm
from .access import project_for_user
from .escalation import describe

NOTICE_LIMIT = 200


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=gettext_lazy("Tanggal rapat"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    attendees = forms.CharField(
        label=gettext_lazy("Peserta"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("PPK, konsultan pengawas, penyedia, ..."),
    )
    agreed_percent = forms.CharField(
        label=gettext_lazy("Target progres disepakati (%)"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    target_on = forms.DateField(
        label=gettext_lazy("Tanggal target"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=gettext_lazy("Catatan rapat"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@pemda_view
def meetings(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    """A project's show-cause meetings, and the form for the next one when the rules allow it."""
    project, can = project_for_user(request.user, pemda.code, pk)
    stage = scm.next_stage(project) if can.manage else None
    form = MeetingForm()
    if request.method == "POST":
        can.require("manage")
        form = MeetingForm(request.POST)
        if form.is_valid() and stage is None:
            form.add_error(
                None,
                _(
                    "Belum ada SCM yang dapat dicatat: SCM I untuk kontrak kritis, SCM II dan III setelah "
                    "target SCM sebelumnya tidak tercapai."
                ),
            )
        elif form.is_valid():
            try:
                meeting = scm.scm_record(
                    actor=request.user, project=project, stage=stage or 0, **form.cleaned_data
                )
            except (ValidationFailed, Conflict) as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("%(stage)s dicatat.") % {"stage": meeting.get_stage_display()})
                return redirect("monitoring:scm", pemda_code=pemda.code, pk=project.pk)
    return render(
        request,
        "monitoring/scm/meetings.html",
        {
            "pemda": pemda,
            "project": project,
            "can": can,
            "meetings": scm.meetings_of(project),
            "stage": stage,
            "stage_label": scm.ROMAN.get(stage or 0, ""),
            "form": form,
        },
    )


@pemda_view
def notices(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """The user's own early-warning notices, unread first."""
    rows = list(scm.notices_for(request.user, pemda)[:NOTICE_LIMIT])
    return render(
        request,
        "monitoring/scm/notices.html",
        {"pemda": pemda, "notices": [(n, describe(n.escalation)) for n in rows]},
    )


@require_POST
@pemda_view
def notice_read(request: HttpRequest, pemda: Pemda, pk: int) -> HttpResponse:
    scm.notice_read(actor=request.user, pemda=pemda, pk=pk)
    return redirect("monitoring:notices", pemda_code=pemda.code)
