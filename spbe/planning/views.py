"""E-planning pages: the staff proposal list and detail (decide, judge duplicates), and the public tracker.

Staff pages live under ``/app/<pemda>/usulan/`` and read through :mod:`spbe.planning.access` (404 outside
the officer's scope); public pages read through the public selectors only, which never join the
proposer's identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spbe.accounts.models import Pemda
from spbe.accounts.views import pemda_view
from spbe.core.actors import system
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.exports import FORMATS, Column, export_response
from spbe.core.fast_select import FastSelect
from spbe.core.forms import MoneyFormField
from spbe.core.public_pages import published_page

from . import following, plans_funding, selectors, selectors_plans, staff
from .access import STAGE_CAPABILITY, proposal_for_user, proposals_for_user
from .kelurahan import staff_places
from .models import UNPUBLISHED_STAGES, Proposal, Source, Stage, Verdict
from .services import duplicate_mark, proposal_decide
from .templatetags.planning_citizen import citizen_entries

PAGE_SIZE = 50
FormError = (ValidationFailed, Conflict)
# Browsers and proxies may keep a tracker page this long; the published layer itself follows every change.
TRACKER_MAX_AGE = 60
# What a tracker row shows (planning/tracker.html): never anything of the proposer.
TRACKER_COLUMNS = ("public_id", "title", "region__name", "state", "estimated_cost")


@dataclass(frozen=True)
class TrackerRow:
    public_id: str
    title: str
    place: str
    state_label: str
    estimated_cost: Decimal


# --- staff: the list ------------------------------------------------------------------------------------


class FilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Tahun"), required=False, min_value=2000, max_value=2100)
    # FastSelect: the place filter lists every desa and kelurahan of a regency (about 220 options).
    kecamatan = forms.ChoiceField(label=gettext_lazy("Kecamatan"), required=False, widget=FastSelect)
    # A desa's or a kelurahan's region code: both are one place filter (Proposal.region).
    desa = forms.ChoiceField(label=gettext_lazy("Desa/kelurahan"), required=False, widget=FastSelect)
    bidang = forms.CharField(label=gettext_lazy("Bidang"), required=False, max_length=20)
    status = forms.ChoiceField(label=gettext_lazy("Tahap"), required=False, widget=FastSelect)
    source = forms.ChoiceField(label=gettext_lazy("Sumber"), required=False, widget=FastSelect)

    def __init__(self, data: Any, *, places: list[tuple[str, str, str, str]], public: bool = False) -> None:
        super().__init__(data)
        everything = [("", _("Semua"))]
        kecamatan = sorted({(k_code, k_name) for _code, _name, k_code, k_name in places if k_code})
        self.fields["kecamatan"].choices = everything + kecamatan  # type: ignore[attr-defined]
        self.fields["desa"].choices = everything + [(code, name) for code, name, _k, _n in places]  # type: ignore[attr-defined]
        stages = [(v, label) for v, label in Stage.choices if not (public and v in UNPUBLISHED_STAGES)]
        self.fields["status"].choices = everything + stages  # type: ignore[attr-defined]
        self.fields["source"].choices = everything + list(Source.choices)  # type: ignore[attr-defined]
        if public:
            del self.fields["source"]

    def chosen(self) -> selectors.StaffFilter:
        data = self.cleaned_data
        return selectors.StaffFilter(
            year=data.get("year"),
            kecamatan=data.get("kecamatan") or "",
            desa=data.get("desa") or "",
            bidang=(data.get("bidang") or "").strip(),
            status=data.get("status") or "",
            source=data.get("source") or "",
        )


EXPORT_COLUMNS = [
    Column(gettext_lazy("Nomor usulan"), lambda p: p.public_id, width=20),
    Column(gettext_lazy("Tahun"), lambda p: p.year, kind="integer", width=8),
    Column(gettext_lazy("Sumber"), lambda p: Source(p.source).label, width=14),
    Column(gettext_lazy("Judul"), lambda p: p.title, width=40),
    Column(gettext_lazy("Kode desa"), lambda p: p.region_id, width=16),
    Column(gettext_lazy("Desa/kelurahan"), lambda p: p.region.name),
    Column(gettext_lazy("Kecamatan"), lambda p: p.kecamatan.name),
    Column(gettext_lazy("Bidang"), lambda p: p.bidang, width=10),
    Column(gettext_lazy("Perangkat daerah"), lambda p: p.suggested_unit.name if p.suggested_unit else ""),
    Column(gettext_lazy("Volume"), lambda p: p.volume, kind="number", width=10),
    Column(gettext_lazy("Satuan"), lambda p: p.unit_of_measure, width=10),
    Column(gettext_lazy("Perkiraan biaya"), lambda p: p.estimated_cost, kind="money", width=20),
    Column(gettext_lazy("Penerima manfaat"), lambda p: p.beneficiaries, kind="integer", width=12),
    Column(gettext_lazy("Swadaya"), lambda p: p.community_contribution, kind="money", width=18),
    Column(gettext_lazy("Tahap"), lambda p: Stage(p.state).label, width=22),
    Column(gettext_lazy("Peringkat"), lambda p: p.rank, kind="integer", width=10),
]


def _places(request: HttpRequest, pemda: Pemda) -> list[tuple[str, str, str, str]]:
    return staff_places(request.user, pemda)


@pemda_view
def proposal_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    """The proposals in the officer's scope, filtered, 50 a page, with CSV and XLSX of the whole filter."""
    visible = proposals_for_user(request.user, pemda)
    form = FilterForm(request.GET, places=_places(request, pemda))
    proposals = visible.none()
    if form.is_valid():
        try:
            proposals = selectors.staff_proposals(visible, form.chosen())
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
    fmt = request.GET.get("format", "")
    if fmt and form.is_valid():
        if fmt not in FORMATS:
            raise ValidationFailed(_("Format unduhan harus csv atau xlsx."), field="format")
        download = export_response(
            fmt, proposals, EXPORT_COLUMNS, filename=f"usulan-{pemda.code}", sheet_title=_("Usulan")
        )
        # pemda_view is typed for HttpResponse; Django serves a streamed or file response through it alike.
        return cast(HttpResponse, download)
    page = _labelled(Paginator(staff.list_rows(proposals), PAGE_SIZE).get_page(request.GET.get("page")))
    context = {
        "pemda": pemda,
        "form": form,
        "page": page,
        "rows": staff.table_rows(page, citizen_entries(page)),
        "may_desa_forum": staff.decides_at_desa_forum(request.user, pemda),
    }
    return render(request, "planning/proposal_list.html", context)


def _labelled(page: Any) -> Any:
    """Give each row of ``page`` its stage and source labels, translated once per page.

    ``get_state_display`` re-translates every choice of the field to find one label (it hashes the lazy
    labels): fifty rows cost six hundred ``gettext`` calls, the largest single cost of the list pages.
    """
    stages = {value: str(label) for value, label in Stage.choices}
    sources = {value: str(label) for value, label in Source.choices}
    for proposal in page:
        proposal.state_label = stages.get(proposal.state, proposal.state)
        proposal.source_label = sources.get(proposal.source, proposal.source)
    return page


# --- staff: one proposal ------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    stage = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Keputusan"),
        choices=[
            ("forward", gettext_lazy("Teruskan / terima")),
            ("reject", gettext_lazy("Tolak")),
            ("defer", gettext_lazy("Tunda")),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan atau alasan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Wajib diisi bila usulan ditolak."),
    )
    recommended_volume = forms.DecimalField(
        label=gettext_lazy("Volume rekomendasi"), required=False, max_digits=14, decimal_places=2
    )
    recommended_cost = MoneyFormField(label=gettext_lazy("Biaya rekomendasi"), required=False)
    # Only at the Musrenbang kabupaten, once the year's RKPD exists (see _plan_fields).
    plan_item = forms.TypedChoiceField(
        label=gettext_lazy("Sub kegiatan RKPD yang mendanai"), required=False, coerce=int, empty_value=None
    )
    accepted_amount = MoneyFormField(label=gettext_lazy("Nilai yang diterima"), required=False)


class DuplicateForm(forms.Form):
    candidate = forms.CharField(max_length=24)
    verdict = forms.ChoiceField(choices=Verdict.choices)
    note = forms.CharField(required=False, max_length=2000)


@pemda_view
def proposal_detail(request: HttpRequest, pemda: Pemda, public_id: str) -> HttpResponse:
    """One proposal: its fields, its journey, the duplicate check and the decision of the officer's stage."""
    proposal, can = proposal_for_user(request.user, pemda.code, public_id)
    capability = STAGE_CAPABILITY.get(proposal.state)
    may_decide = capability is not None and capability in can
    form = _plan_fields(DecisionForm(initial={"stage": proposal.state}), proposal)
    if request.method == "POST":
        if request.POST.get("action") == "duplicate":
            return _judge_duplicate(request, pemda, proposal)
        form = _plan_fields(DecisionForm(request.POST), proposal)
        if form.is_valid():
            decided = _decide(request, proposal, form)
            if decided:
                return redirect("planning:proposal-detail", pemda_code=pemda.code, public_id=public_id)
    context = {
        "pemda": pemda,
        "proposal": proposal,
        "journey": selectors.public_journey(proposal),
        "candidates": selectors.duplicate_candidates(proposal),
        "may_decide": may_decide,
        "may_judge": may_decide,
        "form": form,
    }
    return render(request, "planning/proposal_detail.html", context, status=400 if form.errors else 200)


def _plan_fields(form: DecisionForm, proposal: Proposal) -> DecisionForm:
    """Offer the year's RKPD sub-kegiatan at the Musrenbang kabupaten; elsewhere the fields do not exist."""
    items = (
        selectors_plans.rkpd_items(proposal.pemda_id, proposal.year)
        if proposal.state == Stage.KABUPATEN
        else []
    )
    if not items:
        del form.fields["plan_item"], form.fields["accepted_amount"]
        return form
    choices = [("", "—")] + [
        (str(i.pk), f"{i.code} {i.name} · {i.unit.short_name or i.unit.name if i.unit else ''}")
        for i in items
    ]
    form.fields["plan_item"].choices = choices  # type: ignore[attr-defined]
    return form


def _decide(request: HttpRequest, proposal: Proposal, form: DecisionForm) -> bool:
    data = form.cleaned_data
    if data["stage"] != proposal.state:
        form.add_error(
            None,
            _("Usulan ini sudah berpindah tahap (sekarang: %(stage)s). Muat ulang sebelum memutuskan.")
            % {"stage": Stage(proposal.state).label},
        )
        return False
    try:
        proposal_decide(
            actor=request.user,
            proposal=proposal,
            outcome=data["outcome"],
            note=data["note"],
            recommended_volume=data["recommended_volume"],
            recommended_cost=data["recommended_cost"],
            plan_item=(
                plans_funding.rkpd_item_for(proposal, data["plan_item"]) if data.get("plan_item") else None
            ),
            accepted_amount=data.get("accepted_amount"),
        )
    except FormError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return False
    messages.success(request, _("Keputusan tercatat."))
    return True


def _judge_duplicate(request: HttpRequest, pemda: Pemda, proposal: Proposal) -> HttpResponse:
    form = DuplicateForm(request.POST)
    if form.is_valid():
        try:
            candidate = selectors.duplicate_candidate(proposal, form.cleaned_data["candidate"])
            duplicate_mark(
                actor=request.user,
                proposal=proposal,
                candidate=candidate,
                verdict=form.cleaned_data["verdict"],
                note=form.cleaned_data["note"],
            )
        except FormError as exc:
            messages.error(request, exc.message)
        except PermissionDenied as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Putusan atas calon duplikat tercatat."))
    else:
        messages.error(request, _("Pilih calon duplikat dan putusannya."))
    return redirect("planning:proposal-detail", pemda_code=pemda.code, public_id=proposal.public_id)


# --- public -------------------------------------------------------------------------------------------


@require_GET
def tracker(request: HttpRequest, pemda_code: str) -> HttpResponse:
    """Every published proposal of a pemda, filtered as ``/api/v1/pemda/{code}/proposals`` is."""
    try:
        pemda = selectors.public_pemda(pemda_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = FilterForm(request.GET, places=selectors.public_places(pemda), public=True)
    proposals: Any = selectors.published_proposals().none()
    if form.is_valid():
        chosen = form.chosen()
        proposals = selectors.public_proposals(
            pemda,
            selectors.ProposalFilter(
                year=chosen.year,
                kecamatan=chosen.kecamatan,
                desa=chosen.desa,
                bidang=chosen.bidang,
                status=chosen.status,
            ),
        )
    # Rows as dicts of the five shown columns: building fifty model instances with their desa was a
    # large part of a filtered page that the published layer has not kept yet.
    page = Paginator(proposals.values_list(*TRACKER_COLUMNS), PAGE_SIZE).get_page(request.GET.get("page"))
    stages = {value: str(label) for value, label in Stage.choices}
    page.object_list = [
        TrackerRow(public_id, title, place, stages.get(state, state), cost)
        for public_id, title, place, state, cost in page.object_list
    ]
    # Each row's link is this prefix and its public id: one reverse() a page instead of fifty.
    prefix = reverse("planning:public-proposal", args=["0"]).removesuffix("0/")
    context = {"pemda": pemda, "form": form, "page": page, "public_prefix": prefix}
    # One answer per filter for every anonymous visitor, replayed by spbe.core.published until a write
    # bumps the pemda's lists (see api.PUBLISHED_ROUTES).
    return published_page(request, "planning/tracker.html", context, max_age=TRACKER_MAX_AGE)


@require_GET
def public_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """One proposal's public page: what it asks for and its whole journey, never who proposed it."""
    try:
        proposal = selectors.public_proposal(public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {
        "pemda": proposal.pemda,
        "proposal": proposal,
        "journey": selectors.public_journey(proposal),
        "follow_form": FollowForm(),
    }
    return render(request, "planning/public_proposal.html", context)


# --- citizens following a proposal ---------------------------------------------------------------------

# Who acts for a visitor who is not signed in: the trail says the public form did it, never the address.
PUBLIC_FORM = system("formulir_ikuti_usulan")


class FollowForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Alamat e-mail Anda"), required=False, max_length=254)


def _visitor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else PUBLIC_FORM


@require_POST
def follow(request: HttpRequest, public_id: str) -> HttpResponse:
    """Follow a proposal: by e-mail (a confirmation link is sent) or, signed in as a citizen, at once."""
    try:
        proposal = selectors.public_proposal(public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = FollowForm(request.POST)
    context: dict[str, Any] = {"pemda": proposal.pemda, "proposal": proposal, "journey": []}
    if form.is_valid():
        try:
            follower = following.proposal_follow(
                actor=_visitor(request), proposal=proposal, email=form.cleaned_data["email"]
            )
        except ValidationFailed as exc:
            form.add_error("email", exc.message)
        else:
            context["done"] = "following" if follower.confirmed_at else "confirm"
            return render(request, "planning/follow.html", context)
    context["journey"] = selectors.public_journey(proposal)
    context["follow_form"] = form
    return render(request, "planning/public_proposal.html", context, status=400)


def _token_page(request: HttpRequest, token: str, action: str) -> HttpResponse:
    """GET shows a button, POST acts: a mail scanner opening the link changes nothing."""
    service = following.follow_confirm if action == "confirm" else following.follow_stop
    if request.method == "POST":
        try:
            follower = service(actor=_visitor(request), token=token)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ValidationFailed as exc:
            return render(request, "planning/follow.html", {"error": exc.message}, status=400)
        done = "confirmed" if action == "confirm" else "stopped"
        return render(request, "planning/follow.html", {"proposal": follower.proposal, "done": done})
    return render(request, "planning/follow.html", {"ask": action})


@require_http_methods(["GET", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, "confirm")


@require_http_methods(["GET", "POST"])
def follow_stop(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, "stop")
