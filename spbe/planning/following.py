"""Citizens follow a proposal and are told by e-mail each time it moves.

Owns :class:`~spbe.planning.models.Follower` and the mail sent to followers; must not publish an address
anywhere (audit entries name the follower's row and the proposal, never the address). Links in e-mails are
signed tokens (``django.core.signing``, salted per purpose), so nothing secret is stored: a confirmation
link is valid for :data:`CONFIRM_MAX_AGE`, a stop link for as long as the row exists.

Mail is sent after the transaction that moved the proposal commits, by a background task
(:func:`spbe.planning.tasks.notify_followers_task`): a rolled-back decision never mails anyone, and an
officer's click never waits on a mail server.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.models import User
from spbe.core import audit
from spbe.core.actors import MaybeActor, is_person, require_actor
from spbe.core.errors import NotFound, ValidationFailed

from .models import UNPUBLISHED_STAGES, Decision, Follower, Proposal, Stage

CONFIRM_SALT = "spbe.planning.follow.confirm"
STOP_SALT = "spbe.planning.follow.stop"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def _link(name: str, token: str) -> str:
    return settings.SPBE_PUBLIC_URL + reverse(name, kwargs={"token": token})


def confirm_token(follower: Follower) -> str:
    return signing.dumps(follower.pk, salt=CONFIRM_SALT)


def stop_token(follower: Follower) -> str:
    return signing.dumps(follower.pk, salt=STOP_SALT)


def _follower_from(token: str, *, salt: str, max_age: int | None) -> Follower:
    try:
        pk = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ValidationFailed(_("Tautan ini sudah kedaluwarsa; ikuti usulan sekali lagi.")) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("Tautan tidak dikenal.")) from exc
    follower = Follower.objects.select_related("proposal").filter(pk=pk).first()
    if follower is None:
        raise NotFound(_("Tautan tidak dikenal."))
    return follower


def proposal_follow(*, actor: MaybeActor, proposal: Proposal, email: str = "") -> Follower:
    """Follow ``proposal``: a signed-in citizen at once, an e-mail address after its confirmation link.

    The same answer whether or not the address already follows, so the form tells nobody who follows
    what. Only published proposals (not drafts) can be followed.
    """
    vetted = require_actor(actor)
    if proposal.state in UNPUBLISHED_STAGES:
        raise NotFound(_("Usulan %(id)s tidak ditemukan.") % {"id": proposal.public_id})
    citizen = (
        vetted
        if is_person(vetted) and isinstance(vetted, User) and vetted.kind == User.Kind.CITIZEN
        else None
    )
    address = (citizen.email if citizen is not None and not email else email).strip().lower()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValidationFailed(_("Alamat e-mail tidak sah."), field="email") from exc
    now = timezone.now()
    with transaction.atomic():
        follower = Follower.objects.select_for_update().filter(proposal=proposal, email=address).first()
        active = follower is not None and follower.confirmed_at is not None and follower.stopped_at is None
        if active:
            assert follower is not None
            return follower
        if follower is None:
            follower = Follower(pemda_id=proposal.pemda_id, proposal=proposal, email=address)
        follower.stopped_at = None
        # A citizen signed in with this very address has proved it already.
        owned = citizen is not None and citizen.email.strip().lower() == address
        follower.user = citizen if owned else None
        follower.confirmed_at = now if owned else None
        follower.save()
        audit.record(
            actor=vetted,
            action="proposal.follow",
            obj=follower,
            pemda_code=proposal.pemda_id,
            after={"proposal": proposal.public_id, "confirmed": owned},
        )
        if not owned:
            pk = follower.pk
            transaction.on_commit(lambda: _send_confirmation(pk))
    return follower


def _send_confirmation(follower_pk: int) -> None:
    follower = Follower.objects.select_related("proposal").get(pk=follower_pk)
    proposal = follower.proposal
    body = _(
        "Seseorang (semoga Anda) ingin mengikuti usulan %(id)s \u201c%(title)s\u201d dengan alamat ini.\n\n"
        "Buka tautan ini untuk mulai menerima kabar setiap kali usulan berpindah tahap:\n%(link)s\n\n"
        "Abaikan e-mail ini bila Anda tidak memintanya; tautan berlaku tujuh hari."
    ) % {
        "id": proposal.public_id,
        "title": proposal.title,
        "link": _link("planning:follow-confirm", confirm_token(follower)),
    }
    EmailMessage(
        _("Konfirmasi: ikuti usulan %(id)s") % {"id": proposal.public_id}, body, to=[follower.email]
    ).send()


def follow_confirm(*, actor: MaybeActor, token: str) -> Follower:
    """Start the follow the token's e-mail asked for (idempotent)."""
    vetted = require_actor(actor)
    follower = _follower_from(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    with transaction.atomic():
        locked = Follower.objects.select_for_update().select_related("proposal").get(pk=follower.pk)
        if locked.confirmed_at is not None and locked.stopped_at is None:
            return locked
        locked.confirmed_at = timezone.now()
        locked.stopped_at = None
        locked.save(update_fields=["confirmed_at", "stopped_at", "updated_at"])
        audit.record(
            actor=vetted,
            action="proposal.follow_confirm",
            obj=locked,
            pemda_code=locked.pemda_id,
            after={"proposal": locked.proposal.public_id},
        )
    return locked


def follow_stop(*, actor: MaybeActor, token: str) -> Follower:
    """Stop the e-mails of one follow (idempotent): the link at the foot of every notice."""
    vetted = require_actor(actor)
    follower = _follower_from(token, salt=STOP_SALT, max_age=None)
    with transaction.atomic():
        locked = Follower.objects.select_for_update().select_related("proposal").get(pk=follower.pk)
        if locked.stopped_at is not None:
            return locked
        locked.stopped_at = timezone.now()
        locked.save(update_fields=["stopped_at", "updated_at"])
        audit.record(
            actor=vetted,
            action="proposal.follow_stop",
            obj=locked,
            pemda_code=locked.pemda_id,
            after={"proposal": locked.proposal.public_id},
        )
    return locked


def notify_followers(decision_id: int) -> int:
    """E-mail every confirmed, active follower of the decision's proposal; return how many were sent.

    One message per follower (each carries its own stop link and a ``List-Unsubscribe`` header), sent
    over one connection.
    """
    decision = Decision.objects.select_related("proposal").get(pk=decision_id)
    proposal = decision.proposal
    followers = list(
        Follower.objects.filter(
            proposal=proposal, confirmed_at__isnull=False, stopped_at__isnull=True
        ).order_by("pk")
    )
    if not followers:
        return 0
    page = settings.SPBE_PUBLIC_URL + reverse(
        "planning:public-proposal", kwargs={"public_id": proposal.public_id}
    )
    subject = _("Usulan %(id)s: %(outcome)s") % {
        "id": proposal.public_id,
        "outcome": Stage(decision.outcome).label,
    }
    lines = [
        _("Usulan \u201c%(title)s\u201d (%(id)s) berpindah tahap.")
        % {"title": proposal.title, "id": proposal.public_id},
        "",
        _("Dari: %(stage)s") % {"stage": Stage(decision.stage).label},
        _("Ke: %(outcome)s") % {"outcome": Stage(decision.outcome).label},
    ]
    if decision.note:
        lines.append(_("Catatan: %(note)s") % {"note": decision.note})
    lines += ["", _("Perjalanan lengkapnya: %(link)s") % {"link": page}]
    messages = []
    for follower in followers:
        stop = _link("planning:follow-stop", stop_token(follower))
        body = "\n".join([*lines, "", _("Berhenti mengikuti usulan ini: %(link)s") % {"link": stop}])
        messages.append(
            EmailMessage(
                subject,
                body,
                to=[follower.email],
                headers={"List-Unsubscribe": f"<{stop}>"},
            )
        )
    with mailers.default as connection:
        return connection.send_messages(messages) or 0
