"""Citizens sign up with an e-mail address and enter a Musrenbang proposal for their desa or kelurahan
(issue 6 point 2).

Sign-up: the citizen types an address and always reads the same answer; the address receives either a
signed link to finish the sign-up (valid :data:`SIGNUP_MAX_AGE`) or, when an account already uses it, a
note saying so: nobody learns from the page whether an address has an account. Requests are limited per
client and per address (:class:`~spbe.planning.models_citizen.CitizenSignup` keeps a keyed digest, never
the address). The link leads to a form for the name and password; the account is a ``citizen`` account
whose user name is the address.

Entry: a citizen's proposal is a Musrenbang draft at the chosen desa or kelurahan with a
:class:`~spbe.planning.models_citizen.CitizenProposal` row, the citizen as its proposer (private, like any
proposer) and as a confirmed follower, so every move of it is mailed to them. The first forum of that
place (the desa's: its operator or kades; the kelurahan's: its operator or lurah) takes it in (``submit``,
to that forum) or declines it with a reason (``decline_citizen``, public like any rejection); until then
the citizen may add photos, and nobody outside that place's officers sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from spbe.accounts import access as accounts_access
from spbe.accounts.access import Place
from spbe.accounts.kelurahan import kecamatan_of_kelurahan
from spbe.accounts.models import KELURAHAN_ROLES, Pemda, PerangkatDaerah, User, VillageGovernment
from spbe.accounts.services import validate_new_password
from spbe.core import audit
from spbe.core.actors import MaybeActor, require_actor
from spbe.core.errors import Conflict, NotFound, PermissionDenied, SpbeError, ValidationFailed
from spbe.core.text import InvalidText, clean_name

from . import calendar
from .access import PROPOSAL
from .citizen_access import is_citizen
from .kelurahan import Origin, origin_of
from .models import Decision, Follower, Proposal, Source, Stage, WindowStage
from .models_citizen import CitizenProposal, CitizenSignup
from .services import (
    ProposerData,
    _move,
    proposal_insert,
    proposal_submit,
    public_snapshot,
    require_valid,
)

SIGNUP_SALT = "spbe.planning.citizen.signup"
SIGNUP_MAX_AGE = 24 * 3600


class TooManyRequests(SpbeError):
    """Too many sign-ups from one client or for one address in the window (a flood, not a citizen)."""

    code = "too-many-requests"
    status = 429


def normal_address(email: str) -> str:
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationFailed(_("Alamat e-mail tidak sah."), field="email") from error
    if len(address) > 150:  # it becomes the user name
        raise ValidationFailed(_("Alamat e-mail terlalu panjang."), field="email")
    return address


def _digest(value: str) -> str:
    return salted_hmac(SIGNUP_SALT, value, algorithm="sha256").hexdigest()


def _link(name: str, **kwargs: str) -> str:
    return settings.SPBE_PUBLIC_URL + reverse(name, kwargs=kwargs)


def signup_request(*, actor: MaybeActor, email: str, client: str) -> None:
    """Send the sign-up link (or, for an address already in use, a note saying so) to ``email``.

    The caller shows the same answer either way. The request row (kept for the rate limit) is written
    with an entry on the platform trail that names the row and how many expired rows it pruned, never
    the address; the rate limit below refuses a flood before anything is written, so one client or one
    address adds at most its limit of entries per window.
    """
    vetted = require_actor(actor)
    address = normal_address(email)
    now = timezone.now()
    since = now - timedelta(seconds=settings.SPBE_CITIZEN_SIGNUP_WINDOW_SECONDS)
    client_key, address_key = _digest(client or "unknown"), _digest(address)
    recent = CitizenSignup.objects.filter(at__gt=since)
    # Parallel requests may overshoot the limit by their number once: it stops floods, not races.
    if (
        recent.filter(client=client_key).count() >= settings.SPBE_CITIZEN_SIGNUP_MAX_PER_CLIENT
        or recent.filter(address_digest=address_key).count() >= settings.SPBE_CITIZEN_SIGNUP_MAX_PER_ADDRESS
    ):
        raise TooManyRequests(_("Terlalu banyak permintaan pendaftaran. Coba lagi satu jam lagi."))
    with transaction.atomic():
        expired, _by_model = CitizenSignup.objects.filter(at__lte=since).delete()
        row = CitizenSignup.objects.create(client=client_key, address_digest=address_key, at=now)
        audit.record(actor=vetted, action="citizen.signup_request", obj=row, after={"expired": expired})
        transaction.on_commit(lambda: _send_signup(address))


def _account_of(address: str) -> User | None:
    return User.objects.filter(username__iexact=address).first() or (
        User.objects.filter(email__iexact=address, kind=User.Kind.CITIZEN).first()
    )


def _send_signup(address: str) -> None:
    if _account_of(address) is not None:
        subject = _("Akun warga Anda sudah ada")
        body = _(
            "Ada permintaan mendaftar dengan alamat ini, tetapi alamat ini sudah memiliki akun.\n\n"
            "Masuk dengan alamat e-mail ini sebagai nama pengguna:\n%(link)s\n\n"
            "Abaikan e-mail ini bila Anda tidak memintanya."
        ) % {"link": settings.SPBE_PUBLIC_URL + reverse("accounts:login")}
    else:
        token = signing.dumps(address, salt=SIGNUP_SALT)
        subject = _("Konfirmasi pendaftaran warga")
        body = _(
            "Buka tautan ini untuk menyelesaikan pendaftaran dan mulai memasukkan usulan Musrenbang:\n"
            "%(link)s\n\nTautan berlaku 24 jam. Abaikan e-mail ini bila Anda tidak memintanya."
        ) % {"link": _link("planning:citizen-confirm", token=token)}
    EmailMessage(subject, body, to=[address]).send()


def signup_address(token: str) -> str:
    """The address a sign-up link was sent to: NotFound for a forged link, ValidationFailed once expired."""
    try:
        address = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationFailed(_("Tautan ini sudah kedaluwarsa; daftar sekali lagi.")) from error
    except signing.BadSignature as error:
        raise NotFound(_("Tautan tidak dikenal.")) from error
    if not isinstance(address, str):
        raise NotFound(_("Tautan tidak dikenal."))
    return address


def signup_confirm(*, actor: MaybeActor, token: str, full_name: str, password: str) -> User:
    """Create the citizen account the link was sent for; its holder proved the address."""
    vetted = require_actor(actor)
    address = signup_address(token)
    try:
        name = clean_name(full_name, label=_("nama"), max_length=150, field="full_name")
    except InvalidText as error:
        raise ValidationFailed(error.message, field="full_name") from None
    taken = Conflict(_("Alamat ini sudah memiliki akun; silakan masuk."), field="email")
    if _account_of(address) is not None:
        raise taken
    user = User(username=address, email=address, full_name=name, kind=User.Kind.CITIZEN)
    validate_new_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            # The address is personal data: the trail names the account, not what it is called.
            audit.record(actor=vetted, action="citizen.signup", obj=user, after={"kind": User.Kind.CITIZEN})
    except IntegrityError:
        raise taken from None  # the same link opened twice at once
    return user


# --- proposals ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitizenEntry:
    """What the citizen's form asks: the usulan's fields; the citizen's phone and NIK are optional."""

    title: str
    problem: str
    volume: Decimal
    unit_of_measure: str
    estimated_cost: Decimal
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    beneficiaries: int = 0
    community_contribution: Decimal = Decimal("0.00")
    phone: str = ""
    nik: str = ""


# Where a citizen's proposal comes from: a desa (its village government) or a kelurahan (its office).
ForumPlace = VillageGovernment | PerangkatDaerah


@dataclass(frozen=True)
class EntryPlace:
    """One choice of the citizen's form: a desa or a kelurahan, by its region code, with its kecamatan."""

    code: str
    name: str
    kecamatan: str
    place: ForumPlace
    is_kelurahan: bool


def entry_places(pemda_code: str) -> list[EntryPlace]:
    """The desa and kelurahan a citizen may propose for in an active pemda, by kecamatan and name.

    Three queries: the desa with their names and kecamatan, the kelurahan offices with their regions, and
    those offices' kecamatan offices. A kelurahan whose kecamatan has no office yet cannot hold a forum
    and is left out (as :func:`spbe.planning.kelurahan.origin_of` would refuse it).
    """
    villages = VillageGovernment.objects.filter(pemda_id=pemda_code, pemda__is_active=True).select_related(
        "region", "kecamatan", "pemda"
    )
    places = [EntryPlace(v.region_id, v.region.name, v.kecamatan.name, v, False) for v in villages]
    offices = list(
        PerangkatDaerah.objects.filter(
            pemda_id=pemda_code,
            pemda__is_active=True,
            kind=PerangkatDaerah.Kind.KELURAHAN,
            kelurahan__isnull=False,
        ).select_related("kelurahan", "pemda")
    )
    kecamatan = kecamatan_of_kelurahan(offices)
    places += [
        EntryPlace(
            o.kelurahan_id or "", o.kelurahan.name if o.kelurahan else o.name, kecamatan[o.pk].name, o, True
        )
        for o in offices
        if o.pk in kecamatan and kecamatan[o.pk].pemda_id == o.pemda_id
    ]
    return sorted(places, key=lambda p: (p.kecamatan, p.name, p.code))


def place_origin(place: ForumPlace) -> Origin:
    """Where a citizen's proposal comes from: a desa, or a kelurahan office (refused if it is none)."""
    if isinstance(place, VillageGovernment):
        return origin_of(village=place)
    return origin_of(kelurahan=place)


def _forum(place: ForumPlace) -> Place:
    """The place whose first forum decides a citizen's proposal from ``place``."""
    origin = place_origin(place)
    return Place(
        origin.pemda_id,
        village_id=origin.village.pk if origin.village else None,
        kelurahan_id=origin.kelurahan.pk if origin.kelurahan else None,
        kecamatan_id=origin.kecamatan.pk,
    )


def citizen_proposal_create(
    *, actor: MaybeActor, place: ForumPlace, year: int, entry: CitizenEntry
) -> Proposal:
    """A citizen's proposal, a draft waiting at the forum of ``place`` (a desa or a kelurahan office),
    followed by the citizen from now on."""
    vetted = require_actor(actor)
    if not is_citizen(vetted):
        raise PermissionDenied(_("Masuk dengan akun warga untuk memasukkan usulan."))
    assert isinstance(vetted, User)
    pemda = place.pemda
    now = timezone.now()
    if (
        CitizenProposal.objects.filter(citizen=vetted, created_at__gt=now - timedelta(days=1)).count()
        >= settings.SPBE_CITIZEN_PROPOSALS_PER_DAY
    ):
        raise TooManyRequests(_("Batas usulan per hari sudah tercapai. Coba lagi besok."))
    # The first forum (desa or kelurahan: one window) must still be able to take it in.
    calendar.require_open(pemda, year, WindowStage.DESA, early=True)
    proposal = Proposal(
        year=year,
        source=Source.MUSRENBANG,
        title=entry.title,
        problem=entry.problem,
        address=entry.address.strip(),
        latitude=entry.latitude,
        longitude=entry.longitude,
        volume=entry.volume,
        unit_of_measure=entry.unit_of_measure,
        estimated_cost=entry.estimated_cost,
        beneficiaries=entry.beneficiaries,
        community_contribution=entry.community_contribution,
        state=Stage.DRAFT,
    )
    place_origin(place).apply(proposal)
    proposer = ProposerData(
        name=vetted.full_name, nik=entry.nik.strip(), phone=entry.phone, email=vetted.email
    )
    require_valid(proposal, proposer)
    with transaction.atomic():
        proposal_insert(proposal, pemda, proposer)
        CitizenProposal.objects.create(pemda_id=pemda.code, proposal=proposal, citizen=vetted)
        # Following from the start: the address was proved at sign-up, so no confirmation link.
        Follower.objects.create(
            pemda_id=pemda.code, proposal=proposal, email=vetted.email.lower(), user=vetted, confirmed_at=now
        )
        audit.record(
            actor=vetted,
            action="citizen.proposal",
            obj=proposal,
            pemda_code=pemda.code,
            after={**public_snapshot(proposal), "followed": True},
        )
    return proposal


def citizen_proposals(user: MaybeActor) -> QuerySet[Proposal]:
    """The citizen's own proposals, newest first (none for anyone else)."""
    if not is_citizen(user):
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(citizen_entry__citizen_id=user.pk)  # type: ignore[union-attr]
        .select_related("region", "kecamatan", "pemda")
        .order_by("-created_at", "-pk")
    )


def forum_places(user: MaybeActor, pemda: Pemda) -> list[ForumPlace]:
    """The desa and kelurahan of ``pemda`` at whose first forum ``user`` decides, desa first, by name."""
    scope = accounts_access.scope_in(user, pemda)
    # Only a desa or kelurahan role decides there: anyone else (a planner who sees all 189 desa) is
    # answered at once, without loading and checking every desa on each staff list page.
    deciders = PROPOSAL.capabilities["decide_desa"]
    if not any(g.role in deciders for g in scope.grants):
        return []
    villages = accounts_access.villages_for_user(user, pemda).select_related("region", "kecamatan")
    places: list[ForumPlace] = [
        v
        for v in villages.order_by("region__name")
        if "decide_desa" in PROPOSAL.can(user, Place.of_village(v))
    ]
    # Only a kelurahan role decides at a kelurahan forum: its own office, checked like the desa above.
    own = {g.unit_id for g in scope.grants if g.role in KELURAHAN_ROLES and g.unit_id is not None}
    if own:
        offices = PerangkatDaerah.objects.filter(
            pemda=pemda, pk__in=own, kind=PerangkatDaerah.Kind.KELURAHAN, kelurahan__isnull=False
        ).select_related("kelurahan")
        places += [
            o
            for o in offices.order_by("kelurahan__name")
            if "decide_desa" in PROPOSAL.can(user, Place(pemda.code, kelurahan_id=o.pk))
        ]
    return places


def at_places(places: list[ForumPlace]) -> Q:
    """Proposals from any of ``places`` (desa and kelurahan offices), as one filter."""
    villages = [p.pk for p in places if isinstance(p, VillageGovernment)]
    offices = [p.pk for p in places if isinstance(p, PerangkatDaerah)]
    return Q(village_id__in=villages) | Q(kelurahan_id__in=offices)


def waiting_at_forum(user: MaybeActor, place: ForumPlace) -> QuerySet[Proposal]:
    """Citizens' drafts waiting at the forum of ``place`` (a desa or a kelurahan office), for those who
    decide there (else PermissionDenied)."""
    PROPOSAL.require(user, _forum(place), "decide_desa")
    return (
        Proposal.objects.filter(at_places([place]), state=Stage.DRAFT, citizen_entry__isnull=False)
        .select_related("region")
        .order_by("created_at", "pk")
    )


def _require_citizen_draft(proposal: Proposal) -> None:
    if not CitizenProposal.objects.filter(proposal=proposal).exists():
        raise ValidationFailed(_("Usulan %(id)s bukan usulan warga.") % {"id": proposal.public_id})
    if proposal.state != Stage.DRAFT:
        raise Conflict(_("Usulan warga ini sudah diputuskan; muat ulang halaman."))


def citizen_proposal_accept(*, actor: MaybeActor, proposal: Proposal, note: str = "") -> Decision:
    """The desa or kelurahan forum takes a citizen's proposal in: it waits there like the place's own."""
    _require_citizen_draft(proposal)
    return proposal_submit(actor=actor, proposal=proposal, note=note)


def citizen_proposal_decline(*, actor: MaybeActor, proposal: Proposal, note: str) -> Decision:
    """The desa or kelurahan forum declines a citizen's proposal, with a reason the citizen and the public
    read."""
    vetted = require_actor(actor)
    _require_citizen_draft(proposal)
    PROPOSAL.require(vetted, proposal.place(), "decide_desa")
    calendar.require_open(proposal.pemda, proposal.year, WindowStage.DESA, early=True)
    return _move(vetted, proposal, "decline_citizen", note=note)
