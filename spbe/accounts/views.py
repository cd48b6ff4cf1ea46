"""Staff pages: sign-in, dashboards per role, and the organisation of a pemda. All scoped via ``access``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spbe.core.errors import NotFound, SpbeError
from spbe.core.models import AuditEntry

from . import access, services
from .models import Membership, Pemda, PerangkatDaerah, Role, User, VillageGovernment

View = Callable[..., HttpResponse]


class LoginForm(AuthenticationForm):
    """Sign-in that refuses a locked account and counts failures towards a lock."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": gettext_lazy(
            "Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal. Coba lagi nanti "
            "atau hubungi admin pemda."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and services.login_is_locked(username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                services.login_failed(username=username)
                if services.login_is_locked(username):
                    raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            raise
        user = self.get_user()
        if isinstance(user, User):
            services.login_succeeded(user=user)
        return cleaned


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def pemda_view(view: View) -> View:
    """Require sign-in and resolve the ``pemda_code`` URL part through the access helpers (404 outside)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pemda_code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        pemda = access.get_pemda_for_user(request.user, pemda_code)
        # Times on a pemda's pages are its own local time (WIB, WITA or WIT).
        with timezone.override(pemda.time_zone):
            return view(request, pemda, *args, **kwargs)

    return wrapper


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Send a user with one pemda straight to it; list the choices otherwise."""
    pemdas = list(access.pemdas_for_user(request.user))
    if len(pemdas) == 1 and not request.user.is_superuser:
        return redirect("accounts:pemda-dashboard", pemda_code=pemdas[0].code)
    return render(request, "accounts/choose_pemda.html", {"pemdas": pemdas})


# Which dashboard panels each role sees, in the order they appear.
ROLE_PANELS: dict[str, list[str]] = {
    Role.PEMDA_ADMIN: ["organisation", "users", "audit"],
    Role.BAPPEDA_PLANNER: ["planning", "reference"],
    Role.TAPD: ["budgeting", "reference"],
    Role.AGENCY_OPERATOR: ["my_unit", "budgeting"],
    Role.AGENCY_HEAD: ["my_unit", "budgeting"],
    Role.CAMAT: ["my_unit", "villages"],
    Role.DPRD_MEMBER: ["pokir"],
    Role.DPMD: ["villages", "village_finance"],
    Role.VILLAGE_OPERATOR: ["my_village", "village_finance"],
    Role.KEPALA_DESA: ["my_village", "village_finance"],
    Role.VILLAGE_TREASURER: ["my_village", "village_finance"],
    Role.AUDITOR: ["audit", "organisation"],
}


@pemda_view
def pemda_dashboard(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    user = cast(User, request.user)
    roles = access.roles_in(user, pemda)
    panels: list[str] = []
    for role in Role:
        if role in roles:
            panels += [p for p in ROLE_PANELS[role] if p not in panels]
    memberships = (
        Membership.objects.filter(user_id=user.pk, pemda=pemda, is_active=True)
        .select_related("unit", "village")
        .order_by("role")
    )
    units = access.units_for_user(user, pemda)
    villages = access.villages_for_user(user, pemda)
    context = {
        "pemda": pemda,
        "roles": [Role(r) for r in Role if r in roles],
        "memberships": memberships,
        "panels": panels,
        "unit_count": units.count(),
        "village_count": villages.count(),
        "my_units": units.filter(memberships__user_id=user.pk, memberships__is_active=True).distinct(),
        "my_villages": villages.filter(memberships__user_id=user.pk, memberships__is_active=True).distinct(),
        "camat_villages": villages.filter(
            kecamatan__memberships__user_id=user.pk,
            kecamatan__memberships__role=Role.CAMAT,
            kecamatan__memberships__is_active=True,
        )[:50]
        if Role.CAMAT in roles
        else [],
        "staff_count": User.objects.filter(memberships__pemda=pemda).distinct().count()
        if "users" in panels
        else None,
        "recent_audit": AuditEntry.objects.filter(pemda_code=pemda.code).order_by("-seq")[:8]
        if "audit" in panels
        else [],
    }
    return render(request, "accounts/pemda_dashboard.html", context)


class UnitForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode organisasi"), max_length=40, help_text="1.03.0.00.0.00.01.0000"
    )
    name = forms.CharField(label=gettext_lazy("Nama"), max_length=200)
    short_name = forms.CharField(label=gettext_lazy("Singkatan"), max_length=40, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Jenis"),
        choices=[c for c in PerangkatDaerah.Kind.choices if c[0] != PerangkatDaerah.Kind.KECAMATAN],
    )


@pemda_view
def unit_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    form = UnitForm()
    if request.method == "POST":
        access.require_role(request.user, pemda, {Role.PEMDA_ADMIN})
        form = UnitForm(request.POST)
        if form.is_valid():
            try:
                unit = services.unit_create(actor=request.user, pemda=pemda, **form.cleaned_data)
            except SpbeError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("%(name)s ditambahkan.") % {"name": unit.name})
                return redirect("accounts:unit-list", pemda_code=pemda.code)
    units = access.units_for_user(request.user, pemda).select_related("district")
    is_admin = Role.PEMDA_ADMIN in access.roles_in(request.user, pemda)
    return render(
        request,
        "accounts/unit_list.html",
        {"pemda": pemda, "units": units, "form": form, "is_admin": is_admin},
    )


@pemda_view
def unit_detail(request: HttpRequest, pemda: Pemda, unit_id: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pemda, unit_id)
    villages = access.villages_for_user(request.user, pemda).filter(kecamatan=unit).select_related("region")
    members = unit.memberships.filter(is_active=True).select_related("user")
    return render(
        request,
        "accounts/unit_detail.html",
        {"pemda": pemda, "unit": unit, "villages": villages, "members": members},
    )


@pemda_view
def village_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    villages = access.villages_for_user(request.user, pemda).select_related("region", "kecamatan")
    query = request.GET.get("q", "").strip()
    if query:
        villages = villages.filter(name__icontains=query)
    page = Paginator(villages, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/village_list.html", {"pemda": pemda, "page": page, "q": query})


@pemda_view
def village_detail(request: HttpRequest, pemda: Pemda, village_code: str) -> HttpResponse:
    village = access.get_village_for_user(request.user, pemda, village_code)
    members = village.memberships.filter(is_active=True).select_related("user")
    return render(
        request, "accounts/village_detail.html", {"pemda": pemda, "village": village, "members": members}
    )


@pemda_view
def audit_log(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    from . import audit_display

    access.require_role(request.user, pemda, {Role.PEMDA_ADMIN, Role.AUDITOR})
    form = audit_display.AuditFilterForm(request.GET or None, actors=audit_display.actor_names(pemda))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_display.filtered_entries(pemda, filters)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    context = {
        "pemda": pemda,
        "page": page,
        "rows": audit_display.entry_views(page),
        "form": form,
        "filtered": bool(filters and any(filters.values())),
    }
    return render(request, "accounts/audit_log.html", context)


class MemberForm(forms.Form):
    """Add a staff member (a new account, or a new role for someone already in the pemda)."""

    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("Nama lengkap"), max_length=150, required=False)
    password = forms.CharField(
        label=gettext_lazy("Kata sandi awal (akun baru)"), required=False, widget=forms.PasswordInput
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Peran"), choices=[("", gettext_lazy("— pilih peran —")), *Role.choices]
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Perangkat daerah"),
        queryset=PerangkatDaerah.objects.none(),
        required=False,
        empty_label=gettext_lazy("— tidak ada —"),
    )
    village = forms.ModelChoiceField(
        label=gettext_lazy("Desa"),
        queryset=VillageGovernment.objects.none(),
        required=False,
        empty_label=gettext_lazy("— tidak ada —"),
    )

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = PerangkatDaerah.objects.filter(pemda=pemda)  # type: ignore[attr-defined]
        self.fields["village"].queryset = VillageGovernment.objects.filter(pemda=pemda)  # type: ignore[attr-defined]


@pemda_view
def user_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    users = access.users_for_user(request.user, pemda).order_by("username")
    form = MemberForm(pemda=pemda)
    if request.method == "POST":
        access.require_role(request.user, pemda, {Role.PEMDA_ADMIN})
        form = MemberForm(request.POST, pemda=pemda)
        if form.is_valid():
            data = form.cleaned_data
            try:
                # The account and its first role are one change: a refused role leaves no bare account.
                with transaction.atomic():
                    user = users.filter(username__iexact=data["username"].strip()).first()
                    if user is None:
                        user = services.user_create(
                            actor=request.user,
                            username=data["username"],
                            password=data["password"],
                            full_name=data["full_name"],
                            pemda=pemda,
                        )
                    services.membership_grant(
                        actor=request.user,
                        user=user,
                        pemda=pemda,
                        role=data["role"],
                        unit=data["unit"],
                        village=data["village"],
                    )
            except SpbeError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Peran %(role)s diberikan kepada %(user)s.") % {
                    "role": Role(data["role"]).label, "user": user.username,
                })  # fmt: skip
                return redirect("accounts:user-list", pemda_code=pemda.code)
    memberships = (
        Membership.objects.filter(pemda=pemda, user__in=users)
        .select_related("user", "unit", "village")
        .order_by("user__username", "role")
    )
    is_admin = Role.PEMDA_ADMIN in access.roles_in(request.user, pemda)
    return render(
        request,
        "accounts/user_list.html",
        {"pemda": pemda, "memberships": memberships, "form": form, "is_admin": is_admin},
    )


@require_POST
@pemda_view
def membership_revoke(request: HttpRequest, pemda: Pemda, membership_id: int) -> HttpResponse:
    access.require_role(request.user, pemda, {Role.PEMDA_ADMIN})
    membership = Membership.objects.filter(pk=membership_id, pemda=pemda).select_related("user").first()
    if membership is None:
        raise NotFound(_("Keanggotaan tidak ditemukan."))
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, _("Peran %(role)s dicabut dari %(user)s.") % {
        "role": membership.get_role_display(), "user": membership.user.username,
    })  # fmt: skip
    return redirect("accounts:user-list", pemda_code=pemda.code)
