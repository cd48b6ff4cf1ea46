"""Users, pemda tenants, perangkat daerah, village governments, memberships and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spbe.core.models import TimeStampedModel
from spbe.regions.models import Region


class User(AbstractUser):
    """A person with an account: staff of a pemda (roles through memberships), an operator, or a citizen.

    A citizen signs up to submit proposals, surveys or complaints and is recorded as themselves in the
    audit trail; a citizen never holds a membership (the services refuse it).
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("staf")
        CITIZEN = "citizen", _("warga")

    kind = models.CharField(_("jenis akun"), max_length=8, choices=Kind.choices, default=Kind.STAFF)
    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    # Set by a pemda admin ("kunci"): the account cannot sign in or use its API tokens until unlocked.
    locked_at = models.DateTimeField(_("dikunci sejak"), null=True, blank=True)
    # Set when someone else chose the password (admin reset): the user must pick their own first.
    must_change_password = models.BooleanField(_("wajib ganti kata sandi"), default=False)

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Role(models.TextChoices):
    PEMDA_ADMIN = "pemda_admin", _("Admin pemda")
    BAPPEDA_PLANNER = "bappeda_planner", _("Perencana Bappeda")
    TAPD = "tapd", _("BPKAD/TAPD")
    AGENCY_OPERATOR = "agency_operator", _("Operator perangkat daerah")
    AGENCY_HEAD = "agency_head", _("Kepala perangkat daerah")
    CAMAT = "camat", _("Camat")
    DPRD_MEMBER = "dprd_member", _("Anggota DPRD")
    DPMD = "dpmd", _("DPMD")
    VILLAGE_OPERATOR = "village_operator", _("Operator desa")
    KEPALA_DESA = "kepala_desa", _("Kepala desa")
    VILLAGE_TREASURER = "village_treasurer", _("Kaur keuangan desa")
    VILLAGE_SECRETARY = "village_secretary", _("Sekretaris desa")
    VILLAGE_EXECUTOR = "village_executor", _("Kasi/kaur pelaksana kegiatan desa")
    BPD_MEMBER = "bpd_member", _("Anggota BPD")
    AUDITOR = "auditor", _("Auditor")
    DPRD_SECRETARIAT = "dprd_secretariat", _("Sekretariat DPRD")
    FIELD_SUPERVISOR = "field_supervisor", _("Pengawas lapangan")
    COUNTER_OFFICER = "counter_officer", _("Petugas loket")
    SERVICE_MANAGER = "service_manager", _("Pengelola mal pelayanan publik")
    COMPLAINT_OFFICER = "complaint_officer", _("Petugas pengaduan")
    # A kelurahan is an office of the regency under the camat, not a village government: its staff hold
    # unit roles at the kelurahan's PerangkatDaerah (kind ``kelurahan``).
    LURAH = "lurah", _("Lurah")
    KELURAHAN_OPERATOR = "kelurahan_operator", _("Operator kelurahan")


# Roles held in one perangkat daerah, in one desa, or across the whole pemda.
UNIT_ROLES = frozenset(
    {
        Role.AGENCY_OPERATOR,
        Role.AGENCY_HEAD,
        Role.CAMAT,
        Role.FIELD_SUPERVISOR,
        Role.COUNTER_OFFICER,
        Role.LURAH,
        Role.KELURAHAN_OPERATOR,
    }
)
# Unit roles held at a kelurahan office: they count at the kelurahan's own places (Place.kelurahan_id).
KELURAHAN_ROLES = frozenset({Role.LURAH, Role.KELURAHAN_OPERATOR})
VILLAGE_ROLES = frozenset(
    {
        Role.VILLAGE_OPERATOR,
        Role.KEPALA_DESA,
        Role.VILLAGE_TREASURER,
        Role.VILLAGE_SECRETARY,
        Role.VILLAGE_EXECUTOR,
        Role.BPD_MEMBER,
    }
)
PEMDA_ROLES = frozenset(set(Role) - UNIT_ROLES - VILLAGE_ROLES)
# Pemda-wide roles that see every desa of the pemda.
VILLAGE_WIDE_ROLES = frozenset({Role.PEMDA_ADMIN, Role.DPMD, Role.AUDITOR, Role.TAPD, Role.BAPPEDA_PLANNER})


class Pemda(TimeStampedModel):
    """A regional government: the tenant. Keyed by its Kemendagri region code."""

    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", "WIB"
        WITA = "Asia/Makassar", "WITA"
        WIT = "Asia/Jayapura", "WIT"

    code = models.CharField(_("kode"), max_length=5, primary_key=True)
    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="pemda")
    name = models.CharField(_("nama"), max_length=150)
    time_zone = models.CharField(
        _("zona waktu"), max_length=20, choices=TimeZone.choices, default=TimeZone.WIB
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("pemda")
        verbose_name_plural = _("pemda")

    def __str__(self) -> str:
        return self.name


class PerangkatDaerah(TimeStampedModel):
    """An agency of the pemda (dinas, badan, kecamatan office, ...) with its organisation code."""

    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("sekretariat")
        INSPEKTORAT = "inspektorat", _("inspektorat")
        DINAS = "dinas", _("dinas")
        BADAN = "badan", _("badan")
        SATUAN = "satuan", _("satuan/kantor")
        RSUD = "rsud", _("rumah sakit daerah")
        KECAMATAN = "kecamatan", _("kecamatan")
        KELURAHAN = "kelurahan", _("kelurahan")

    pemda = models.ForeignKey(Pemda, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("kode organisasi"), max_length=40)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40, blank=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    district = models.OneToOneField(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="kecamatan_office"
    )
    # The kelurahan a kelurahan office serves (its region); its kecamatan is that region's parent district.
    kelurahan = models.OneToOneField(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kelurahan_office",
        verbose_name=_("kelurahan (wilayah)"),
    )
    kelurahan_id: str | None

    class Meta:
        ordering = ["pemda", "code"]
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "code"], name="unit_code_unique_in_pemda"),
            models.CheckConstraint(
                condition=Q(kind="kecamatan", district__isnull=False)
                | (~Q(kind="kecamatan") & Q(district__isnull=True)),
                name="unit_district_only_for_kecamatan",
            ),
            models.CheckConstraint(
                condition=Q(kind="kelurahan", kelurahan__isnull=False)
                | (~Q(kind="kelurahan") & Q(kelurahan__isnull=True)),
                name="unit_kelurahan_only_for_kelurahan",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VillageGovernment(TimeStampedModel):
    """The government of one desa: a legal entity with its own budget (kelurahan have none)."""

    pemda = models.ForeignKey(Pemda, on_delete=models.PROTECT, related_name="villages")
    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="village_government")
    kecamatan = models.ForeignKey(PerangkatDaerah, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("nama"), max_length=150)

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("pemerintah desa")
        verbose_name_plural = _("pemerintah desa")

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        return self.region_id


class Membership(TimeStampedModel):
    """A user's role in one pemda, optionally in one perangkat daerah or one desa."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    pemda = models.ForeignKey(Pemda, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        PerangkatDaerah, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    village = models.ForeignKey(
        VillageGovernment, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["pemda", "role"]
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(VILLAGE_ROLES), village__isnull=False, unit__isnull=True)
                    | Q(role__in=sorted(UNIT_ROLES), unit__isnull=False, village__isnull=True)
                    | Q(role__in=sorted(PEMDA_ROLES), village__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
            # One membership per user, role and place; partial indexes because NULLs never collide.
            models.UniqueConstraint(
                fields=["user", "pemda", "role"],
                condition=Q(unit__isnull=True, village__isnull=True),
                name="membership_unique_pemda_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="membership_unique_unit_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "village"],
                condition=Q(village__isnull=False),
                name="membership_unique_village_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.village or self.unit or self.pemda
        return f"{self.user} — {self.get_role_display()} — {where}"


class ApiToken(models.Model):
    """A bearer token for a staff client. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SignInFailure(models.Model):
    """One failed sign-in, kept for the throttle window: the attempt's source is throttled, not the account.

    ``client`` is the client's IP address (an IPv6 client's /64 network); ``username`` is what was typed,
    lowercased, whether or not such an account exists.
    """

    client = models.CharField(max_length=64)
    username = models.CharField(max_length=150)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["client", "at"], name="signin_failure_client"),
            models.Index(fields=["client", "username", "at"], name="signin_failure_client_user"),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.client}"
