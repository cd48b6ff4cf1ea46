"""Staff pages: sign-in, dashboards per role, and the organisation of a pemda. All scoped via ``access``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spbe.core.errors import Conflict, NotFound, ValidationFailed

from . import access, selectors, services, signin
from .models import Pemda, PerangkatDaerah, Role, User, VillageGovernment

# What a form shows next to its fields; PermissionDenied and NotFound stay 403 and 404 pages.
FormError = (ValidationFailed, Conflict)
View = Callable[..., HttpResponse]


class LoginForm(AuthenticationForm):
    """Sign-in throttled per client: too many failures from one client refuse it, not the account."""

    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's own message interpolates the field's name ("nama pengguna nama pengguna" in Indonesian).
        "invalid_login": gettext_lazy("Nama pengguna atau kata sandi salah."),
        "throttled": gettext_lazy(
            "Terlalu banyak percobaan masuk yang gagal dari perangkat ini. Tunggu %(minutes)s menit lalu "
            "coba lagi, atau minta admin pemda mengatur ulang kata sandi Anda."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if not username or self.request is None:
            return super().clean()
        client = signin.client_key(self.request)
        # Decided before any user lookup: a throttled answer is the same for known and unknown names.
        if signin.signin_throttled(client=client, username=username):
            minutes = max(1, settings.SPBE_SIGNIN_WINDOW_SECONDS // 60)
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": minutes}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            signin.signin_failure_record(client=client, username=username)
            raise
        # No password typed means no attempt: it must neither count nor clear the failures.
        if self.get_user() is not None:
            signin.signin_success_record(client=client, username=username)
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
    Role.PEMDA_ADMIN: ["organisation", "users", "audit", "lounge"],
    Role.BAPPEDA_PLANNER: ["planning", "plans", "monitoring", "reference"],
    Role.TAPD: ["budgeting", "planning", "plans", "reference"],
    Role.AGENCY_OPERATOR: ["my_unit", "budgeting", "planning", "plans", "monitoring", "complaints"],
    Role.AGENCY_HEAD: ["my_unit", "budgeting", "planning", "plans", "monitoring", "complaints"],
    Role.CAMAT: ["my_unit", "villages", "planning"],
    Role.DPRD_MEMBER: ["pokir", "plans"],
    Role.DPMD: ["villages", "village_finance"],
    Role.VILLAGE_OPERATOR: ["my_village", "planning", "village_finance"],
    Role.KEPALA_DESA: ["my_village", "planning", "village_finance"],
    Role.VILLAGE_TREASURER: ["my_village", "village_finance"],
    Role.VILLAGE_SECRETARY: ["my_village", "village_finance"],
    Role.VILLAGE_EXECUTOR: ["my_village", "village_finance"],
    Role.BPD_MEMBER: ["my_village", "village_finance"],
    Role.AUDITOR: ["audit", "organisation", "plans"],
    Role.DPRD_SECRETARIAT: ["pokir", "plans"],
    Role.FIELD_SUPERVISOR: ["my_unit", "monitoring"],
    Role.COUNTER_OFFICER: ["my_unit", "lounge", "complaints"],
    Role.SERVICE_MANAGER: ["lounge", "complaints"],
    Role.COMPLAINT_OFFICER: ["complaints"],
    Role.LURAH: ["my_unit", "planning"],
    Role.KELURAHAN_OPERATOR: ["my_unit", "planning"],
}


@pemda_view
def pemda_dashboard(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    user = cast(User, request.user)
    roles = access.roles_in(user, pemda)
    panels: list[str] = []
    for role in Role:
        if role in roles:
            panels += [p for p in ROLE_PANELS[role] if p not in panels]
    memberships = selectors.memberships_of(user, pemda)
    units = access.units_for_user(user, pemda)
    villages = access.villages_for_user(user, pemda)
    context = {
        "pemda": pemda,
        "roles": [Role(r) for r in Role if r in roles],
        "role_codes": {str(r) for r in roles},
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
        "staff_count": selectors.staff_count(pemda) if "users" in panels else None,
        "recent_audit": selectors.recent_audit(pemda) if "audit" in panels else [],
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
        # unit_create decides who may add a unit; its PermissionDenied becomes the 403 page.
        form = UnitForm(request.POST)
        if form.is_valid():
            try:
                unit = services.unit_create(actor=request.user, pemda=pemda, **form.cleaned_data)
            except FormError as exc:
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

    access.PEMDA.require(request.user, access.Place.of_pemda(pemda), "read_audit")
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


def village_choices(pemda: Pemda) -> list[tuple[str, list[tuple[int, str]]]]:
    """Desa of the pemda grouped by kecamatan, each labelled "Kec. X — Desa Y": many desa share a name."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for village in selectors.villages_by_kecamatan(pemda):
        kecamatan = village.kecamatan
        short = kecamatan.short_name or kecamatan.name
        groups.setdefault(kecamatan.name, []).append((village.pk, f"{short} — Desa {village.region.name}"))
    return list(groups.items())


class MemberForm(forms.Form):
    """Add a staff member (a new account, or a new role for someone already in the pemda)."""

    username = forms.CharField(
        label=gettext_lazy("Nama pengguna"),
        max_length=150,
        help_text=gettext_lazy("Huruf kecil a-z, angka, titik, garis bawah atau tanda hubung."),
    )
    full_name = forms.CharField(label=gettext_lazy("Nama lengkap"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    # strip=False: a password is taken exactly as typed, spaces included.
    password = forms.CharField(
        label=gettext_lazy("Kata sandi awal (akun baru)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Minimal 10 karakter, bukan hanya angka, tidak mirip nama pengguna."),
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
    village = forms.TypedChoiceField(label=gettext_lazy("Desa"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pemda = pemda
        self.fields["unit"].queryset = selectors.units_of(pemda)  # type: ignore[attr-defined]
        village_field = cast(forms.TypedChoiceField, self.fields["village"])
        village_field.choices = [("", gettext_lazy("— tidak ada —")), *village_choices(pemda)]

    def clean_village(self) -> VillageGovernment | None:
        village_id = self.cleaned_data.get("village")
        if village_id is None:
            return None
        return selectors.village_of(self.pemda, village_id)

    def full_clean(self) -> None:
        super().full_clean()
        self.note_password_not_kept()

    def note_password_not_kept(self) -> None:
        # A password is never sent back to the browser; say so rather than silently emptying the field.
        if self.is_bound and self.errors and self.data.get("password"):
            # The bound field copied the help text when cleaning created it.
            self["password"].help_text = _("Kata sandi tidak ditampilkan ulang: ketik lagi.")


def _staff_member(request: HttpRequest, pemda: Pemda, user_id: int) -> User:
    user = access.users_for_user(request.user, pemda).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("Pengguna tidak ditemukan."))
    return user


@pemda_view
def user_list(request: HttpRequest, pemda: Pemda) -> HttpResponse:
    users = access.users_for_user(request.user, pemda).order_by("username")
    form = MemberForm(pemda=pemda)
    if request.method == "POST":
        form = MemberForm(request.POST, pemda=pemda)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, _membership = services.staff_member_add(
                    actor=request.user,
                    pemda=pemda,
                    username=data["username"],
                    password=data["password"],
                    full_name=data["full_name"],
                    email=data["email"],
                    role=data["role"],
                    unit=data["unit"],
                    village=data["village"],
                )
            except FormError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                form.note_password_not_kept()
            else:
                messages.success(request, _("Peran %(role)s diberikan kepada %(user)s.") % {
                    "role": Role(data["role"]).label, "user": user.username,
                })  # fmt: skip
                return redirect("accounts:user-list", pemda_code=pemda.code)
    memberships = selectors.staff_memberships(pemda, users)
    is_admin = Role.PEMDA_ADMIN in access.roles_in(request.user, pemda)
    return render(
        request,
        "accounts/user_list.html",
        {"pemda": pemda, "memberships": memberships, "form": form, "is_admin": is_admin},
    )


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Nama lengkap"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)


@pemda_view
def user_detail(request: HttpRequest, pemda: Pemda, user_id: int) -> HttpResponse:
    """One staff member: their account, roles and (for the admin) edit, lock, deactivate, reset."""
    member = _staff_member(request, pemda, user_id)
    form = UserEditForm(initial={"full_name": member.full_name, "email": member.email})
    if request.method == "POST":
        form = UserEditForm(request.POST)
        if form.is_valid():
            try:
                services.user_update(actor=request.user, pemda=pemda, user=member, **form.cleaned_data)
            except FormError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Data %(user)s disimpan.") % {"user": member.username})
                return redirect("accounts:user-detail", pemda_code=pemda.code, user_id=member.pk)
    memberships = member.memberships.filter(pemda=pemda).select_related("unit", "village").order_by("role")
    is_admin = Role.PEMDA_ADMIN in access.roles_in(request.user, pemda)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "pemda": pemda,
            "member": member,
            "memberships": memberships,
            "form": form,
            "is_admin": is_admin,
            "is_self": member.pk == request.user.pk,
        },
    )


# Account actions with no input but the confirmation: service and the message it leaves.
_ACCOUNT_ACTIONS: dict[str, tuple[Callable[..., bool], Any]] = {
    "lock": (services.user_lock, gettext_lazy("Akun %(user)s dikunci.")),
    "unlock": (services.user_unlock, gettext_lazy("Kunci akun %(user)s dibuka.")),
    "deactivate": (services.user_deactivate, gettext_lazy("Akun %(user)s dinonaktifkan.")),
    "reactivate": (services.user_reactivate, gettext_lazy("Akun %(user)s diaktifkan kembali.")),
}


@require_POST
@pemda_view
def user_account_action(request: HttpRequest, pemda: Pemda, user_id: int, action: str) -> HttpResponse:
    if action not in _ACCOUNT_ACTIONS:
        raise NotFound(_("Halaman tidak ditemukan."))
    member = _staff_member(request, pemda, user_id)
    service, message = _ACCOUNT_ACTIONS[action]
    service(actor=request.user, pemda=pemda, user=member)
    messages.success(request, str(message) % {"user": member.username})
    return redirect("accounts:user-detail", pemda_code=pemda.code, user_id=member.pk)


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Kata sandi baru"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Kosongkan untuk membuat kata sandi acak yang ditampilkan sekali."),
    )


@pemda_view
def user_password_reset(request: HttpRequest, pemda: Pemda, user_id: int) -> HttpResponse:
    member = _staff_member(request, pemda, user_id)
    access.PEMDA.require(request.user, access.Place.of_pemda(pemda), "manage_staff")
    form = PasswordResetForm()
    if request.method == "POST":
        form = PasswordResetForm(request.POST)
        if form.is_valid():
            try:
                password = services.user_password_reset(
                    actor=request.user, pemda=pemda, user=member, password=form.cleaned_data["password"]
                )
            except FormError as exc:
                form.add_error("password", exc.message)
            else:
                # Shown in this response only: never in a message (cookie) or a page that can be reloaded.
                response = render(
                    request,
                    "accounts/user_password_done.html",
                    {"pemda": pemda, "member": member, "password": password},
                )
                response["Cache-Control"] = "no-store"
                return response
    return render(
        request, "accounts/user_password_reset.html", {"pemda": pemda, "member": member, "form": form}
    )


@pemda_view
def membership_revoke(request: HttpRequest, pemda: Pemda, membership_id: int) -> HttpResponse:
    """Ask to confirm (GET), then revoke (POST): a slip of the mouse must not cut someone off."""
    access.PEMDA.require(request.user, access.Place.of_pemda(pemda), "manage_staff")
    membership = selectors.membership_in(pemda, membership_id)
    if membership is None:
        raise NotFound(_("Keanggotaan tidak ditemukan."))
    if request.method != "POST":
        return render(request, "accounts/membership_revoke.html", {"pemda": pemda, "membership": membership})
    services.membership_revoke(actor=request.user, membership=membership)
    messages.success(request, _("Peran %(role)s dicabut dari %(user)s.") % {
        "role": membership.get_role_display(), "user": membership.user.username,
    })  # fmt: skip
    return redirect("accounts:user-list", pemda_code=pemda.code)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=gettext_lazy("Kata sandi lama"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=gettext_lazy("Kata sandi baru"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Minimal 10 karakter, bukan hanya angka, tidak mirip nama pengguna."),
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("Ulangi kata sandi baru"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("new_password1") is not None
            and cleaned.get("new_password2") is not None
            and cleaned["new_password1"] != cleaned["new_password2"]
        ):
            self.add_error("new_password2", _("Kedua kata sandi baru tidak sama."))
        return cleaned


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password; required first after an admin set it."""
    user = cast(User, request.user)
    form = PasswordChangeForm()
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.method == "POST":
        form = PasswordChangeForm(request.POST)
        if form.is_valid():
            try:
                services.password_change(
                    actor=user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except FormError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                # Keep this session; every other session of the account ends with the old hash.
                update_session_auth_hash(request, user)
                messages.success(request, _("Kata sandi diganti."))
                return redirect(next_url or "accounts:dashboard")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "next": next_url, "required": user.must_change_password},
    )
