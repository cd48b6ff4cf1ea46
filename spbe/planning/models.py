"""E-planning: proposals (usulan) rising from the desa to the regency plan, and every decision on them.

A proposal comes from one place: a desa (its village government) or a kelurahan (the regency's kelurahan
office, a :class:`PerangkatDaerah` of kind ``kelurahan``: a kelurahan has no village government). Exactly
one of ``village`` and ``kelurahan`` is set (a database check); ``kecamatan`` (the kecamatan office) and
``region`` (the desa or kelurahan region) are copied from it at creation, so lists, filters and the camat's
scope read one indexed column whichever kind of place it is.
Nothing here is ever deleted: a proposal ends accepted, rejected or deferred, and each stage's decision is
a :class:`Decision` row kept next to the audit entry of the same transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from spbe.accounts.access import Place
from spbe.accounts.models import Pemda, PerangkatDaerah, VillageGovernment
from spbe.accounts.tenancy import TenantOwned
from spbe.core.errors import ValidationFailed
from spbe.core.fields import MoneyField
from spbe.regions.models import Region

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise


class Source(models.TextChoices):
    MUSRENBANG = "musrenbang", _("Musrenbang")
    POKIR = "pokir", _("Pokok pikiran DPRD")
    RENJA = "renja", _("Renja perangkat daerah")


class Stage(models.TextChoices):
    """Where a proposal is now: a forum that has to decide on it, or one of the three outcomes."""

    DRAFT = "draft", _("Draf")
    # A DPRD member's submitted pokir, checked for completeness by the DPRD secretariat (models_pokir).
    SECRETARIAT = "secretariat", _("Verifikasi sekretariat DPRD")
    DESA = "desa", _("Musrenbang desa")
    KECAMATAN = "kecamatan", _("Musrenbang kecamatan")
    AGENCY = "agency", _("Verifikasi perangkat daerah")
    BAPPEDA = "bappeda", _("Bappeda")
    KABUPATEN = "kabupaten", _("Musrenbang kabupaten")
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")
    DEFERRED = "deferred", _("Ditunda")


FINAL_STAGES = frozenset({Stage.ACCEPTED, Stage.REJECTED, Stage.DEFERRED})
# Not published: the proposer's unfinished draft, and a pokir the DPRD secretariat has not yet passed on.
UNPUBLISHED_STAGES = frozenset({Stage.DRAFT, Stage.SECRETARIAT})


class ProposalCounter(models.Model):
    """The last number handed out per pemda and year, so public ids never repeat and never race.

    Services lock this row (``select_for_update``) in the transaction that creates the proposals; a
    second writer waits for the first to commit and continues after its numbers.
    """

    pemda = models.ForeignKey(Pemda, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    last = models.PositiveIntegerField(_("nomor terakhir"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year"], name="proposal_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id}-{self.year}: {self.last}"


class Proposal(TenantOwned):
    """One usulan of a desa or kelurahan for a budget year, and where it is in its journey.

    ``public_id`` (``35.10-2028-000123``) is given once at creation and never changes: citizens quote it.
    The proposer's identity is personal data and lives in :class:`Proposer`, which no public output reads.
    """

    public_id = models.CharField(_("nomor usulan"), max_length=24, unique=True, editable=False)
    # Where it comes from: a desa government or a kelurahan office, exactly one (proposal_one_place).
    village = models.ForeignKey(
        VillageGovernment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("desa"),
    )
    village_id: int | None
    kelurahan = models.ForeignKey(
        PerangkatDaerah,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "kelurahan"},
        verbose_name=_("kelurahan"),
    )
    kelurahan_id: int | None
    # Copied from the place at creation (it never moves): the kecamatan office whose camat holds the forum,
    # and the desa/kelurahan region whose code and name every public answer shows.
    kecamatan = models.ForeignKey(
        PerangkatDaerah, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan")
    )
    kecamatan_id: int
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan (wilayah)")
    )
    region_id: str
    year = models.PositiveSmallIntegerField(_("tahun rencana"))
    number = models.PositiveIntegerField(_("nomor urut"), editable=False)
    source = models.CharField(_("sumber"), max_length=12, choices=Source.choices)
    title = models.CharField(_("judul"), max_length=200)
    problem = models.TextField(_("masalah yang diselesaikan"))
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    bidang = models.CharField(_("bidang"), max_length=20, blank=True)
    suggested_unit = models.ForeignKey(
        PerangkatDaerah,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("perangkat daerah yang diusulkan"),
    )
    suggested_unit_id: int | None
    volume = models.DecimalField(_("volume"), max_digits=14, decimal_places=2)
    unit_of_measure = models.CharField(_("satuan"), max_length=40)
    estimated_cost = MoneyField(_("perkiraan biaya"))
    beneficiaries = models.PositiveIntegerField(_("penerima manfaat"), default=0)
    community_contribution = MoneyField(_("swadaya masyarakat"), default=Decimal("0.00"))
    state = models.CharField(_("tahap"), max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    rank = models.PositiveIntegerField(_("peringkat"), null=True, blank=True)
    # Who decided at Bappeda: whoever did may not also record the Musrenbang kabupaten (maker-checker).
    bappeda_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bappeda_by_id: int | None

    class Meta:
        ordering = ["pemda", "year", "number"]
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "number"], name="proposal_number_unique"),
            models.CheckConstraint(
                condition=Q(village__isnull=False, kelurahan__isnull=True)
                | Q(village__isnull=True, kelurahan__isnull=False),
                name="proposal_one_place",
            ),
            models.CheckConstraint(condition=Q(state__in=Stage.values), name="proposal_state_valid"),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="proposal_source_valid"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="proposal_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="proposal_longitude_range",
            ),
            models.CheckConstraint(condition=Q(volume__gt=0), name="proposal_volume_positive"),
            models.CheckConstraint(condition=Q(estimated_cost__gte=0), name="proposal_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(community_contribution__gte=0), name="proposal_contribution_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["pemda", "year", "state"], name="proposal_pemda_year_state"),
            # The duplicate check's two pre-filters: the same place, or a bounding box around the map point;
            # the same index answers the lists' desa/kelurahan filter, in list order. The pemda is in it so
            # the staff list (scoped to the pemda, filtered by a desa and a year) matches three of its
            # columns: SQLite otherwise took (pemda, year) and walked the year's every proposal.
            models.Index(fields=["region", "year", "pemda", "number"], name="proposal_region_year_pemda"),
            models.Index(fields=["pemda", "latitude", "longitude"], name="proposal_pemda_lat_lon"),
            # The staff list's order (newest year first) without sorting the pemda's every proposal.
            models.Index(fields=["pemda", "-year", "number"], name="proposal_pemda_year_desc"),
            # The lists' kecamatan filter and the camat's scope, in list order.
            models.Index(fields=["kecamatan", "year", "number"], name="proposal_kecamatan_year"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.title}"

    def place(self) -> Place:
        """The desa or kelurahan, its kecamatan, the agency it is routed to: each stage's role counts here."""
        return Place(
            self.pemda_id,
            unit_id=self.suggested_unit_id,
            village_id=self.village_id,
            kecamatan_id=self.kecamatan_id,
            kelurahan_id=self.kelurahan_id,
        )

    @property
    def is_kelurahan(self) -> bool:
        return self.kelurahan_id is not None

    def check_tenant(self) -> None:
        super().check_tenant()
        for name in ("suggested_unit", "kelurahan", "kecamatan"):
            unit = getattr(self, name)
            if unit is not None and unit.pemda_id != self.pemda_id:
                raise ValidationFailed(
                    gettext("%(what)s bukan bagian dari pemda ini.") % {"what": str(unit)}, field=name
                )


class Proposer(models.Model):
    """Who proposed it: personal data (UU 27/2022), read only by staff and never by a public output."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, primary_key=True, related_name="proposer"
    )
    name = models.CharField(_("nama pengusul"), max_length=150, blank=True)
    nik = models.CharField(_("NIK pengusul"), max_length=16, blank=True)
    phone = models.CharField(_("telepon pengusul"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail pengusul"), blank=True)

    class Meta:
        verbose_name = _("pengusul")
        verbose_name_plural = _("pengusul")
        constraints = [
            models.CheckConstraint(
                condition=Q(nik="") | Q(Exact(Length("nik"), 16)), name="proposer_nik_sixteen_characters"
            )
        ]

    def __str__(self) -> str:
        # Personal data: never printed by accident (admin, logs, tracebacks).
        return f"pengusul {self.proposal_id}"


class Decision(TenantOwned):
    """One decision on a proposal at one stage: who, when, what, why, and what was recommended.

    Appended in the transaction that moves the proposal; never changed or deleted (PROTECT everywhere).
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices)
    action = models.CharField(_("tindakan"), max_length=30)
    outcome = models.CharField(_("hasil"), max_length=12, choices=Stage.choices)
    note = models.TextField(_("catatan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("pelaku"), max_length=150)
    decided_at = models.DateTimeField(_("waktu"))
    recommended_volume = models.DecimalField(
        _("volume rekomendasi"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    recommended_cost = MoneyField(_("biaya rekomendasi"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("peringkat"), null=True, blank=True)

    class Meta:
        ordering = ["proposal", "decided_at", "pk"]
        verbose_name = _("keputusan")
        verbose_name_plural = _("keputusan")
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="decision_stage_valid"),
            models.CheckConstraint(condition=Q(outcome__in=Stage.values), name="decision_outcome_valid"),
            models.CheckConstraint(
                condition=Q(recommended_cost__isnull=True) | Q(recommended_cost__gte=0),
                name="decision_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.stage} -> {self.outcome}"


class WindowStage(models.TextChoices):
    """The stages a calendar opens and closes: the five forums, and the entry of pokir by DPRD members."""

    DESA = "desa", _("Musrenbang desa")
    KECAMATAN = "kecamatan", _("Musrenbang kecamatan")
    AGENCY = "agency", _("Verifikasi perangkat daerah")
    BAPPEDA = "bappeda", _("Bappeda")
    KABUPATEN = "kabupaten", _("Musrenbang kabupaten")
    POKIR = "pokir", _("Pemasukan pokir DPRD")
    SECRETARIAT = "secretariat", _("Verifikasi pokir oleh sekretariat DPRD")


class StageWindow(TenantOwned):
    """When one stage of one pemda's planning year is open: from ``opens_on`` to ``closes_on``, both included.

    Dates are calendar days in the pemda's own time zone (``Pemda.time_zone``): a forum in Jayapura closes
    at midnight WIT, not WIB. At most one window per stage and year.
    """

    year = models.PositiveSmallIntegerField(_("tahun rencana"))
    stage = models.CharField(_("tahap"), max_length=12, choices=WindowStage.choices)
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))

    class Meta:
        ordering = ["pemda", "year", "opens_on", "stage"]
        verbose_name = _("jadwal tahap")
        verbose_name_plural = _("jadwal tahap")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year", "stage"], name="stage_window_unique"),
            models.CheckConstraint(
                condition=Q(stage__in=WindowStage.values), name="stage_window_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="stage_window_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.year} {self.stage}: {self.opens_on}..{self.closes_on}"


class Criterion(models.TextChoices):
    """What a forum scores each proposal on (domain.md 3.1, issue 6 point 4)."""

    URGENCY = "urgency", _("Urgensi")
    BENEFICIARIES = "beneficiaries", _("Penerima manfaat")
    ALIGNMENT = "alignment", _("Kesesuaian dengan prioritas tahun ini")
    READINESS = "readiness", _("Kesiapan")
    CONTRIBUTION = "contribution", _("Swadaya masyarakat")


MIN_SCORE, MAX_SCORE = 1, 5
WEIGHT_FIELDS = {
    Criterion.URGENCY: "weight_urgency",
    Criterion.BENEFICIARIES: "weight_beneficiaries",
    Criterion.ALIGNMENT: "weight_alignment",
    Criterion.READINESS: "weight_readiness",
    Criterion.CONTRIBUTION: "weight_contribution",
}


def _weight(label: StrOrPromise) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(label, max_digits=5, decimal_places=4, default=Decimal("0.2000"))


class PlanningYear(TenantOwned):
    """One pemda's settings for one planning year: the kecamatan quota and the ranking weights.

    Weights are exact decimals (up to 4 places) that the service checks sum to exactly 1; no row means the
    defaults (``SPBE_PLANNING_KECAMATAN_QUOTA``, equal weights of 0.2).
    """

    year = models.PositiveSmallIntegerField(_("tahun rencana"))
    kecamatan_quota = models.PositiveIntegerField(_("kuota usulan per kecamatan"), null=True, blank=True)
    weight_urgency = _weight(_("bobot urgensi"))
    weight_beneficiaries = _weight(_("bobot penerima manfaat"))
    weight_alignment = _weight(_("bobot kesesuaian prioritas"))
    weight_readiness = _weight(_("bobot kesiapan"))
    weight_contribution = _weight(_("bobot swadaya"))

    class Meta:
        verbose_name = _("pengaturan tahun perencanaan")
        verbose_name_plural = _("pengaturan tahun perencanaan")
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year"], name="planning_year_unique"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 1}), name=f"planning_year_{name}_range"
                )
                for name in WEIGHT_FIELDS.values()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pemda_id} {self.year}"


class KecamatanYear(TenantOwned):
    """A row per kecamatan office and year that the kecamatan forum locks while it forwards proposals.

    Holds no count: the count is taken from the forwarding decisions while this row is locked, so it can
    never drift from what was actually forwarded, and two camat forwarding at once are serialised.
    """

    kecamatan = models.ForeignKey(PerangkatDaerah, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun rencana"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "year"], name="kecamatan_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kecamatan_id} {self.year}"


class Score(TenantOwned):
    """A forum's score of one proposal on one criterion at one stage (1 to 5)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="scores")
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices)
    criterion = models.CharField(_("kriteria"), max_length=16, choices=Criterion.choices)
    score = models.PositiveSmallIntegerField(_("nilai"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "stage", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(criterion__in=Criterion.values), name="score_criterion_valid"),
            models.CheckConstraint(
                condition=Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE), name="score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.stage} {self.criterion}={self.score}"


class Verdict(models.TextChoices):
    """What the officer made of a candidate from the duplicate check."""

    LINKED = "linked", _("Duplikat dari")
    DISMISSED = "dismissed", _("Bukan duplikat")


class DuplicateMark(TenantOwned):
    """An officer's verdict on one candidate the duplicate check offered for a proposal.

    ``linked``: the proposal repeats ``candidate`` (duplikat dari); ``dismissed``: it does not. A later
    verdict on the same pair replaces the earlier one; the audit trail keeps both.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="duplicate_marks")
    candidate = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("putusan"), max_length=10, choices=Verdict.choices)
    note = models.TextField(_("catatan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("pelaku"), max_length=150)
    decided_at = models.DateTimeField(_("waktu"))

    class Meta:
        verbose_name = _("tanda duplikat")
        verbose_name_plural = _("tanda duplikat")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "candidate"], name="duplicate_mark_unique"),
            models.CheckConstraint(condition=Q(verdict__in=Verdict.values), name="duplicate_mark_verdict"),
            models.CheckConstraint(
                condition=~Q(proposal=models.F("candidate")), name="duplicate_mark_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.verdict} {self.candidate_id}"


class Follower(TenantOwned):
    """Someone told by e-mail each time a proposal moves: a citizen account or an e-mail address alone.

    The address is personal data: no public page, API answer or audit entry shows it. An address typed
    in follows only after its owner opens the confirmation link (``confirmed_at``); every notice carries
    a link that stops it (``stopped_at``). One row per proposal and address; following again after
    stopping reuses it.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="followers")
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("berhenti"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengikut usulan")
        verbose_name_plural = _("pengikut usulan")
        constraints = [models.UniqueConstraint(fields=["proposal", "email"], name="follower_unique")]
        indexes = [models.Index(fields=["proposal", "confirmed_at"], name="follower_proposal_confirmed")]

    def __str__(self) -> str:
        # Personal data: never printed by accident.
        return f"pengikut {self.pk} usulan {self.proposal_id}"


# Models of e-planning's features, each in its own module (imported here so Django registers them).
from .models_citizen import CitizenProposal, CitizenSignup  # noqa: E402, F401  (citizens entering proposals)
from .models_photos import ProposalPhoto  # noqa: E402, F401
from .models_plans import Plan, PlanFunding, PlanRow  # noqa: E402, F401  (plans: RPJMD, Renstra, RKPD, Renja)
from .models_pokir import PokirDetail  # noqa: E402, F401  (pokir: the DPRD member and their recess)
