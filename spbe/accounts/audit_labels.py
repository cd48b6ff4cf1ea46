"""What the accounts app's audit codes mean to people (read by ``spbe.core.audit_labels``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from spbe.core.audit_labels import Ref, register, register_object_type

from .models import ApiToken, Membership, Pemda, PerangkatDaerah, Role, User, VillageGovernment

register("pemda.create", _("Pemda didaftarkan"))
register("unit.create", _("Perangkat daerah ditambahkan"))
register("village.create", _("Pemerintah desa didaftarkan"))
register("user.create", _("Akun dibuat"))
register("user.make_operator", _("Akun dijadikan operator platform"))
register("user.lock", _("Akun dikunci setelah gagal masuk berulang"))
register("membership.grant", _("Peran diberikan"))
register("membership.revoke", _("Peran dicabut"))
register("token.create", _("Token API dibuat"))
register("token.revoke", _("Token API dicabut"))
register("holiday.set", _("Hari libur daerah ditetapkan"))
register("holiday.remove", _("Hari libur daerah dihapus"))

YES_NO = {True: _("ya"), False: _("tidak")}


def _ints(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def _users(ids: list[str]) -> Mapping[str, str]:
    rows = User.objects.filter(pk__in=_ints(ids)).only("username", "full_name")
    return {str(u.pk): f"{u.full_name} ({u.username})" if u.full_name else u.username for u in rows}


def _memberships(ids: list[str]) -> Mapping[str, str]:
    rows = Membership.objects.filter(pk__in=_ints(ids)).select_related("user", "unit", "village")
    described = {}
    for m in rows:
        where = m.unit or m.village
        text = f"{m.user.username} — {m.get_role_display()}"
        described[str(m.pk)] = f"{text} — {where}" if where else text
    return described


def _units(ids: list[str]) -> Mapping[str, str]:
    return {str(u.pk): u.name for u in PerangkatDaerah.objects.filter(pk__in=_ints(ids)).only("name")}


def _villages(ids: list[str]) -> Mapping[str, str]:
    return {str(v.pk): v.name for v in VillageGovernment.objects.filter(pk__in=_ints(ids)).only("name")}


def _pemdas(ids: list[str]) -> Mapping[str, str]:
    return {p.code: p.name for p in Pemda.objects.filter(code__in=ids).only("name")}


def _tokens(ids: list[str]) -> Mapping[str, str]:
    rows = ApiToken.objects.filter(pk__in=_ints(ids)).only("name", "prefix")
    return {str(t.pk): f"{t.name} ({t.prefix}…)" for t in rows}


register_object_type(
    "accounts.user",
    _("Akun"),
    describe=_users,
    fields={
        "username": _("Nama pengguna"),
        "full_name": _("Nama lengkap"),
        "email": _("Surel"),
        "is_active": _("Aktif"),
        "is_superuser": _("Operator platform"),
        "locked_until": _("Dikunci sampai"),
        "reason": _("Alasan"),
    },
    values={"is_active": YES_NO, "is_superuser": YES_NO, "reason": {"failed sign-ins": _("gagal masuk")}},
)
register_object_type(
    "accounts.membership",
    _("Keanggotaan"),
    describe=_memberships,
    fields={
        "user": _("Akun"),
        "pemda": _("Pemda"),
        "role": _("Peran"),
        "unit": _("Perangkat daerah"),
        "village": _("Desa"),
        "is_active": _("Aktif"),
        "created_at": _("Dibuat"),
        "updated_at": _("Diubah"),
    },
    values={
        "role": dict(Role.choices),
        "is_active": YES_NO,
        "user": Ref("accounts.user"),
        "pemda": Ref("accounts.pemda"),
        "unit": Ref("accounts.perangkatdaerah"),
        "village": Ref("accounts.villagegovernment"),
    },
)
register_object_type(
    "accounts.perangkatdaerah",
    _("Perangkat daerah"),
    describe=_units,
    fields={
        "pemda": _("Pemda"),
        "code": _("Kode organisasi"),
        "name": _("Nama"),
        "short_name": _("Singkatan"),
        "kind": _("Jenis"),
        "district": _("Kecamatan (wilayah)"),
        "created_at": _("Dibuat"),
        "updated_at": _("Diubah"),
    },
    values={"kind": dict(PerangkatDaerah.Kind.choices), "pemda": Ref("accounts.pemda")},
)
register_object_type(
    "accounts.villagegovernment",
    _("Pemerintah desa"),
    describe=_villages,
    fields={
        "pemda": _("Pemda"),
        "region": _("Kode desa"),
        "kecamatan": _("Kecamatan"),
        "name": _("Nama"),
        "created_at": _("Dibuat"),
        "updated_at": _("Diubah"),
    },
    values={"pemda": Ref("accounts.pemda"), "kecamatan": Ref("accounts.perangkatdaerah")},
)
register_object_type(
    "accounts.pemda",
    _("Pemda"),
    describe=_pemdas,
    fields={
        "code": _("Kode"),
        "region": _("Wilayah"),
        "name": _("Nama"),
        "time_zone": _("Zona waktu"),
        "is_active": _("Aktif"),
        "created_at": _("Dibuat"),
        "updated_at": _("Diubah"),
    },
    values={"time_zone": dict(Pemda.TimeZone.choices), "is_active": YES_NO},
)
register_object_type(
    "accounts.apitoken",
    _("Token API"),
    describe=_tokens,
    fields={"user": _("Akun"), "name": _("Nama"), "prefix": _("Awalan")},
    values={"user": Ref("accounts.user")},
)
