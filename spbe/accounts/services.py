"""Every write to users, tenants and organisation: permission, validation, write and audit entry together."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.core import audit
from spbe.core.actors import MaybeActor, is_system, require_actor, require_person, require_platform
from spbe.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from spbe.core.text import clean_name
from spbe.regions.models import Region

from .access import PEMDA, Place, forget_scopes, is_operator
from .codes import clean_org_code
from .kelurahan import kelurahan_offices_add
from .models import (
    KELURAHAN_ROLES,
    PEMDA_ROLES,
    UNIT_ROLES,
    VILLAGE_ROLES,
    ApiToken,
    Membership,
    Pemda,
    PerangkatDaerah,
    Role,
    User,
    VillageGovernment,
)

# Province code -> time zone (UU/Keppres on Indonesian time zones): Java, Sumatra and West/Central
# Kalimantan are WIB; Bali, Nusa Tenggara, South/East/North Kalimantan and Sulawesi WITA; Maluku, Papua WIT.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}


def time_zone_for(region_code: str) -> str:
    province = region_code.split(".")[0]
    if province in _WIT_PROVINCES:
        return Pemda.TimeZone.WIT
    if province in _WITA_PROVINCES:
        return Pemda.TimeZone.WITA
    return Pemda.TimeZone.WIB


def kecamatan_office_code(district_code: str) -> str:
    """Organisation code of a kecamatan office: urusan 7.01 and the district's own number."""
    return f"7.01.0.00.0.00.{district_code.rsplit('.', 1)[1]}.0000"


@dataclass(frozen=True)
class PemdaSetup:
    pemda: Pemda
    created: bool
    kecamatan_added: int
    villages_added: int


def pemda_create(*, actor: MaybeActor, region_code: str) -> PemdaSetup:
    """Create the regency/city as a tenant with its kecamatan offices and a government for each desa.

    Running it again for an existing pemda adds only what is missing (e.g. after a new region list).
    """
    require_platform(actor)
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(
            _("Wilayah %(code)s tidak ada. Muat data wilayah dulu dengan 'spbe load_regions'.")
            % {"code": region_code}
        )
    if region.level != Region.Level.REGENCY:
        raise ValidationFailed(
            _("%(code)s %(name)s bukan kabupaten/kota; pemda dibuat untuk kode seperti 35.10.")
            % {"code": region.code, "name": region.name}
        )
    # Names are official Indonesian names stored in the database, never translated.
    with transaction.atomic():
        pemda = Pemda.objects.select_for_update().filter(code=region.code).first()
        created = pemda is None
        if pemda is None:
            pemda = Pemda.objects.create(
                code=region.code,
                region=region,
                name=f"Pemerintah {region.name}",
                time_zone=time_zone_for(region.code),
            )
            audit.record(
                actor=actor,
                action="pemda.create",
                obj=pemda,
                pemda_code=pemda.code,
                after=audit.snapshot(pemda),
            )
        offices = {u.district_id: u for u in PerangkatDaerah.objects.filter(pemda=pemda, kind="kecamatan")}
        new_offices = PerangkatDaerah.objects.bulk_create(
            PerangkatDaerah(
                pemda=pemda,
                code=kecamatan_office_code(district.code),
                name=f"Kecamatan {district.name}",
                short_name=f"Kec. {district.name}",
                kind=PerangkatDaerah.Kind.KECAMATAN,
                district=district,
            )
            for district in Region.objects.filter(parent=region, level=Region.Level.DISTRICT).order_by("code")
            if district.code not in offices
        )
        offices.update({office.district_id: office for office in new_offices})
        # Kelurahan are offices of the regency under the camat, not village governments.
        kelurahan_offices_add(actor=actor, pemda=pemda)
        existing = set(VillageGovernment.objects.filter(pemda=pemda).values_list("region_id", flat=True))
        new_villages = VillageGovernment.objects.bulk_create(
            VillageGovernment(
                pemda=pemda,
                region=village,
                kecamatan=offices[village.parent_id],
                name=f"Pemerintah Desa {village.name}",
            )
            for village in Region.objects.filter(
                level=Region.Level.VILLAGE, kind=Region.Kind.DESA, parent__parent=region
            ).order_by("code")
            if village.code not in existing
        )
        audit.record_many(
            actor=actor,
            changes=[
                audit.Change("unit.create", obj, pemda_code=pemda.code, after=audit.snapshot(obj))
                for obj in new_offices
            ]
            + [
                audit.Change("village.create", obj, pemda_code=pemda.code, after=audit.snapshot(obj))
                for obj in new_villages
            ],
        )
    return PemdaSetup(pemda, created, len(new_offices), len(new_villages))


def unit_create(
    *, actor: MaybeActor, pemda: Pemda, code: str, name: str, kind: str, short_name: str = ""
) -> PerangkatDaerah:
    """Add a perangkat daerah (not a kecamatan or kelurahan office: those follow the region list)."""
    PEMDA.require(require_actor(actor), Place.of_pemda(pemda), "manage_units")
    code = clean_org_code(code)
    if kind not in PerangkatDaerah.Kind.values or kind in (
        PerangkatDaerah.Kind.KECAMATAN,
        PerangkatDaerah.Kind.KELURAHAN,
    ):
        raise ValidationFailed(
            _("Jenis perangkat daerah '%(kind)s' tidak dikenal.") % {"kind": kind}, field="kind"
        )
    name = clean_name(
        name,
        label=_("Nama perangkat daerah"),
        max_length=PerangkatDaerah._meta.get_field("name").max_length,
        field="name",
    )
    taken = Conflict(_("Kode organisasi %(code)s sudah dipakai.") % {"code": code}, field="code")
    if PerangkatDaerah.objects.filter(pemda=pemda, code=code).exists():
        raise taken
    try:
        with transaction.atomic():
            unit = PerangkatDaerah.objects.create(
                pemda=pemda, code=code, name=name, kind=kind, short_name=short_name
            )
            audit.record(
                actor=actor, action="unit.create", obj=unit, pemda_code=pemda.code, after=audit.snapshot(unit)
            )
    except IntegrityError:
        # Two admins adding the same code at once: the unique constraint decides, the loser is told.
        raise taken from None
    return unit


_USER_FIELDS = ["username", "full_name", "email", "is_active", "is_superuser"]


def _full_name(value: str) -> str:
    """A person's name as the audit trail and letters show it: may be empty, never hidden characters."""
    if not value.strip():
        return ""
    return clean_name(value, label=_("Nama lengkap"), max_length=150, field="full_name")


def user_create(
    *,
    actor: MaybeActor,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    pemda: Pemda | None = None,
) -> User:
    """Create a staff account. A pemda admin creates accounts for their own pemda; an operator any."""
    require_actor(actor)
    if pemda is None:
        require_platform(actor)
    elif not is_operator(actor):
        PEMDA.require(actor, Place.of_pemda(pemda), "manage_staff")
    username = validate_username(username.strip())
    taken = Conflict(_("Nama pengguna '%(u)s' sudah dipakai.") % {"u": username}, field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise taken
    user = User(username=username, full_name=_full_name(full_name), email=email.strip())
    # The password is taken exactly as typed: spaces are part of it.
    validate_new_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            audit.record(
                actor=actor,
                action="user.create",
                obj=user,
                pemda_code=pemda.code if pemda else "",
                after=audit.snapshot(user, _USER_FIELDS),
            )
    except IntegrityError:
        # Two admins creating the same account at once: the unique index decides.
        raise taken from None
    return user


def operator_create(*, actor: MaybeActor, username: str, password: str, full_name: str = "") -> User:
    """Create a platform operator: runs the deployment (loads regions, creates tenants), sees every pemda."""
    require_platform(actor)
    user = user_create(actor=actor, username=username, password=password, full_name=full_name)
    with transaction.atomic():
        before = audit.snapshot(user, _USER_FIELDS)
        user.is_superuser = True
        user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
        audit.record(
            actor=actor,
            action="user.make_operator",
            obj=user,
            before=before,
            after=audit.snapshot(user, _USER_FIELDS),
        )
    return user


def membership_grant(
    *,
    actor: MaybeActor,
    user: User,
    pemda: Pemda,
    role: str,
    unit: PerangkatDaerah | None = None,
    village: VillageGovernment | None = None,
) -> Membership:
    """Give ``user`` a role in ``pemda``; unit roles need a unit, village roles a desa of the same pemda.

    The pemda admin manages staff; a platform operator may only appoint a pemda's admin (to start a new
    tenant), never give anyone a role in its workflows.
    """
    can = PEMDA.can(require_actor(actor), Place.of_pemda(pemda))
    can.require("grant_admin" if role == Role.PEMDA_ADMIN else "manage_staff")
    if role not in Role.values:
        raise ValidationFailed(_("Peran '%(role)s' tidak dikenal.") % {"role": role}, field="role")
    if user.kind != User.Kind.STAFF or not user.is_active:
        raise ValidationFailed(_("Peran hanya dapat diberikan kepada akun staf yang aktif."), field="user")
    if role in VILLAGE_ROLES and (village is None or unit is not None):
        raise ValidationFailed(_("Peran desa memerlukan desa (dan bukan perangkat daerah)."), field="village")
    if role in UNIT_ROLES and (unit is None or village is not None):
        raise ValidationFailed(_("Peran ini memerlukan perangkat daerah."), field="unit")
    if role in PEMDA_ROLES and village is not None:
        raise ValidationFailed(_("Peran tingkat pemda tidak terikat pada desa."), field="village")
    if role == Role.CAMAT and unit is not None and unit.kind != PerangkatDaerah.Kind.KECAMATAN:
        raise ValidationFailed(_("Camat hanya dapat ditempatkan di kantor kecamatan."), field="unit")
    if role in KELURAHAN_ROLES and unit is not None and unit.kind != PerangkatDaerah.Kind.KELURAHAN:
        raise ValidationFailed(
            _("Lurah dan operator kelurahan hanya dapat ditempatkan di kantor kelurahan."), field="unit"
        )
    if (unit is not None and unit.pemda_id != pemda.code) or (
        village is not None and village.pemda_id != pemda.code
    ):
        raise ValidationFailed(_("Unit atau desa bukan bagian dari pemda ini."), field="unit")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, pemda=pemda, role=role, unit=unit, village=village, defaults={"is_active": True}
        )
        if not created and membership.is_active:
            return membership
        before = None if created else audit.snapshot(membership)
        if not created:
            membership.is_active = True
            membership.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            action="membership.grant",
            obj=membership,
            pemda_code=pemda.code,
            before=before,
            after=audit.snapshot(membership),
        )
    forget_scopes(user)
    return membership


def staff_member_add(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    username: str,
    role: str,
    password: str = "",
    full_name: str = "",
    email: str = "",
    unit: PerangkatDaerah | None = None,
    village: VillageGovernment | None = None,
) -> tuple[User, Membership]:
    """Give a role to a staff member of ``pemda``, creating the account first if it is new.

    The account and its first role are one change: a refused role leaves no bare account behind.
    """
    PEMDA.require(require_actor(actor), Place.of_pemda(pemda), "manage_staff")
    with transaction.atomic():
        user = (
            User.objects.filter(username__iexact=username.strip(), memberships__pemda=pemda)
            .distinct()
            .first()
        )
        if user is None:
            user = user_create(
                actor=actor,
                username=username,
                password=password,
                full_name=full_name,
                email=email,
                pemda=pemda,
            )
        membership = membership_grant(
            actor=actor, user=user, pemda=pemda, role=role, unit=unit, village=village
        )
    return user, membership


def membership_revoke(*, actor: MaybeActor, membership: Membership) -> None:
    can = PEMDA.can(require_actor(actor), Place.of_pemda(membership.pemda_id))
    can.require("grant_admin" if membership.role == Role.PEMDA_ADMIN else "manage_staff")
    if membership.user_id == actor.pk and membership.role == Role.PEMDA_ADMIN:  # type: ignore[union-attr]
        # Another admin must do it, so a pemda is never left without one by a slip of the mouse.
        raise PermissionDenied(_("Anda tidak dapat mencabut peran admin Anda sendiri."))
    with transaction.atomic():
        before = audit.snapshot(membership)
        changed = Membership.objects.filter(pk=membership.pk, is_active=True).update(
            is_active=False, updated_at=timezone.now()
        )
        if changed:
            membership.refresh_from_db()
            audit.record(
                actor=actor,
                action="membership.revoke",
                obj=membership,
                pemda_code=membership.pemda_id,
                before=before,
                after=audit.snapshot(membership),
            )


# --- sign-in ---------------------------------------------------------------------------------------------
# Throttling of failed sign-ins lives in ``signin.py``; an admin's lock is ``user_lock`` below.

# Lowercase ASCII only: no look-alike Unicode letters, no right-to-left overrides, nothing that needs
# escaping in a URL or a file name.
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,149}")


def validate_username(username: str) -> str:
    """Return the username if it is allowed; raise ValidationFailed saying what is allowed otherwise."""
    if not username:
        raise ValidationFailed(_("Nama pengguna wajib diisi."), field="username")
    if not USERNAME_RE.fullmatch(username):
        raise ValidationFailed(
            _(
                "Nama pengguna '%(u)s' tidak dapat dipakai: gunakan 3 sampai 150 karakter berupa huruf "
                "kecil a-z, angka, titik, garis bawah atau tanda hubung, diawali huruf atau angka "
                "(contoh: budi.santoso)."
            )
            % {"u": username.encode("ascii", "backslashreplace").decode("ascii")},
            field="username",
        )
    return username


def validate_new_password(password: str, user: User, *, field: str = "password") -> None:
    """Run the configured AUTH_PASSWORD_VALIDATORS; their messages come in the active language."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(" ".join(str(m) for m in exc.messages), field=field) from None


# --- API tokens ------------------------------------------------------------------------------------------

TOKEN_PREFIX = "spbe_"  # noqa: S105 (a public marker, not a secret)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_own_or_platform(actor: MaybeActor, user_id: int) -> None:
    require_actor(actor)
    if not (is_system(actor) or is_operator(actor) or actor.pk == user_id):  # type: ignore[union-attr]
        raise PermissionDenied(_("Token hanya dapat dikelola untuk akun sendiri."))


def api_token_create(*, actor: MaybeActor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with the secret, which is never stored and shown only once."""
    _require_own_or_platform(actor, user.pk)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip() or "token", prefix=secret[:12], key_hash=hash_token(secret)
        )
        # In the chain of each pemda the user works for, so its admins see who holds API access.
        _record_account_change(
            actor=actor,
            action="token.create",
            user=user,
            pemda=None,
            before=None,
            after={"token": token.pk, "name": token.name, "prefix": token.prefix},
        )
    return token, secret


def api_token_revoke(*, actor: MaybeActor, token: ApiToken) -> None:
    _require_own_or_platform(actor, token.user_id)
    with transaction.atomic():
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
            _record_account_change(
                actor=actor,
                action="token.revoke",
                user=token.user,
                pemda=None,
                before=None,
                after={"token": token.pk, "prefix": token.prefix},
            )


def user_for_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=hash_token(secret),
            revoked_at__isnull=True,
            user__is_active=True,
            user__locked_at__isnull=True,
        )
        .first()
    )
    if token is None:
        return None
    # Touch last use at most once a minute: a busy client must not turn every read into a write.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- staff accounts: edit, lock, deactivate, passwords ----------------------------------------------------
# A pemda admin manages the accounts of their own pemda's staff. A change to an account is recorded once
# for every pemda the user works in, so each of those pemda's admins sees it in their audit trail.

_ACCOUNT_FIELDS = [*_USER_FIELDS, "locked_at", "must_change_password"]
# No 0/o, 1/l/i: a generated password is often read out over the phone.
_GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _require_admin_of(actor: MaybeActor, pemda: Pemda, user: User) -> None:
    """Check that ``actor`` manages the staff of ``pemda`` and ``user`` is staff of it."""
    PEMDA.require(require_actor(actor), Place.of_pemda(pemda), "manage_staff")
    if not Membership.objects.filter(user=user, pemda=pemda).exists():
        raise NotFound(_("Pengguna tidak ditemukan."))
    if user.is_superuser:
        raise PermissionDenied(_("Akun operator platform dikelola oleh operator, bukan oleh admin pemda."))


def _refuse_self(actor: MaybeActor, user: User, message: str) -> None:
    # An admin who locks or deactivates themselves cannot undo it; another admin must do it.
    if not is_system(actor) and getattr(actor, "pk", None) == user.pk:
        raise PermissionDenied(message)


def _pemda_codes(user: User, pemda: Pemda | None) -> list[str]:
    codes = set(Membership.objects.filter(user=user, is_active=True).values_list("pemda_id", flat=True))
    if pemda is not None:
        codes.add(pemda.code)
    return sorted(codes) or [""]


def _record_account_change(
    *, actor: MaybeActor, action: str, user: User, pemda: Pemda | None, before: Any, after: Any
) -> None:
    audit.record_many(
        actor=actor,
        changes=[
            audit.Change(action, user, pemda_code=code, before=before, after=after)
            for code in _pemda_codes(user, pemda)
        ],
    )


def user_update(*, actor: MaybeActor, pemda: Pemda, user: User, full_name: str, email: str) -> User:
    """Change a staff member's full name and e-mail address."""
    _require_admin_of(actor, pemda, user)
    full_name, email = _full_name(full_name), email.strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed(
                _("Alamat e-mail '%(email)s' tidak valid (contoh: nama@banyuwangikab.go.id).")
                % {"email": email},
                field="email",
            ) from None
    with transaction.atomic():
        before = audit.snapshot(user, _ACCOUNT_FIELDS)
        user.full_name, user.email = full_name, email
        user.save(update_fields=["full_name", "email"])
        _record_account_change(
            actor=actor,
            action="user.update",
            user=user,
            pemda=pemda,
            before=before,
            after=audit.snapshot(user, _ACCOUNT_FIELDS),
        )
    return user


def _set_flag(
    *,
    actor: MaybeActor,
    pemda: Pemda,
    user: User,
    action: str,
    only_if: dict[str, Any],
    values: dict[str, Any],
) -> bool:
    """Move the account from ``only_if`` to ``values`` with one conditional UPDATE; False if already there."""
    with transaction.atomic():
        before = audit.snapshot(user, _ACCOUNT_FIELDS)
        if not User.objects.filter(pk=user.pk, **only_if).update(**values):
            user.refresh_from_db()
            return False
        user.refresh_from_db()
        _record_account_change(
            actor=actor,
            action=action,
            user=user,
            pemda=pemda,
            before=before,
            after=audit.snapshot(user, _ACCOUNT_FIELDS),
        )
    return True


def user_lock(*, actor: MaybeActor, pemda: Pemda, user: User) -> bool:
    """Lock the account: no sign-in, sessions end at their next request, API tokens refused."""
    _require_admin_of(actor, pemda, user)
    _refuse_self(actor, user, _("Anda tidak dapat mengunci akun Anda sendiri."))
    return _set_flag(
        actor=actor,
        pemda=pemda,
        user=user,
        action="user.lock",
        only_if={"locked_at__isnull": True},
        values={"locked_at": timezone.now()},
    )


def user_unlock(*, actor: MaybeActor, pemda: Pemda, user: User) -> bool:
    _require_admin_of(actor, pemda, user)
    return _set_flag(
        actor=actor,
        pemda=pemda,
        user=user,
        action="user.unlock",
        only_if={"locked_at__isnull": False},
        values={"locked_at": None},
    )


def user_deactivate(*, actor: MaybeActor, pemda: Pemda, user: User) -> bool:
    """Deactivate the account of someone who left: like a lock, but the list shows them as inactive."""
    _require_admin_of(actor, pemda, user)
    _refuse_self(actor, user, _("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    return _set_flag(
        actor=actor,
        pemda=pemda,
        user=user,
        action="user.deactivate",
        only_if={"is_active": True},
        values={"is_active": False},
    )


def user_reactivate(*, actor: MaybeActor, pemda: Pemda, user: User) -> bool:
    _require_admin_of(actor, pemda, user)
    return _set_flag(
        actor=actor,
        pemda=pemda,
        user=user,
        action="user.reactivate",
        only_if={"is_active": False},
        values={"is_active": True},
    )


def generate_password(user: User) -> str:
    """Return a random password that passes the validators, in groups that are easy to read out."""
    while True:
        chars = "".join(secrets.choice(_GENERATED_ALPHABET) for _i in range(12))
        password = "-".join(chars[i : i + 4] for i in range(0, 12, 4))
        try:
            password_validation.validate_password(password, user)
        except DjangoValidationError:
            continue
        return password


def user_password_reset(*, actor: MaybeActor, pemda: Pemda, user: User, password: str = "") -> str:
    """Set a new password for a staff member (the one given, or a generated one) and return it.

    The user must change it at their next sign-in, so only they know the password they work with.
    Their current sessions end, because the session is bound to the password hash.
    """
    _require_admin_of(actor, pemda, user)
    _refuse_self(actor, user, _("Ganti kata sandi Anda sendiri di halaman 'Ganti kata sandi'."))
    generated = not password
    if generated:
        password = generate_password(user)
    else:
        validate_new_password(password, user)
    with transaction.atomic():
        before = audit.snapshot(user, _ACCOUNT_FIELDS)
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        _record_account_change(
            actor=actor,
            action="user.password_reset",
            user=user,
            pemda=pemda,
            before=before,
            after={**audit.snapshot(user, _ACCOUNT_FIELDS), "generated": generated},
        )
    return password


def password_change(*, actor: MaybeActor, old_password: str, new_password: str) -> User:
    """Change the signed-in user's own password; the old one proves it is really them."""
    person = require_person(actor)
    if not isinstance(person, User):
        raise PermissionDenied(_("Masuk dulu untuk mengganti kata sandi."))
    actor = person
    if not actor.check_password(old_password):
        raise ValidationFailed(_("Kata sandi lama salah."), field="old_password")
    if new_password == old_password:
        raise ValidationFailed(_("Kata sandi baru harus berbeda dari yang lama."), field="new_password1")
    validate_new_password(new_password, actor, field="new_password1")
    with transaction.atomic():
        before = audit.snapshot(actor, _ACCOUNT_FIELDS)
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.save(update_fields=["password", "must_change_password"])
        _record_account_change(
            actor=actor,
            action="user.password_change",
            user=actor,
            pemda=None,
            before=before,
            after=audit.snapshot(actor, _ACCOUNT_FIELDS),
        )
    return actor
