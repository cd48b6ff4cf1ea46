"""Show-cause meetings (SCM I-III) recorded by the agency, and the notices they and the rule raise.

The order is the procurement practice: SCM I for a contract that is critical; SCM II only after SCM I's
agreed target date has passed with the target missed; SCM III likewise after SCM II. Outcomes are not
typed in: the first progress report after the meeting decides them (:mod:`spbe.monitoring.escalation`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.models import Pemda
from spbe.core import audit
from spbe.core.actors import MaybeActor, is_person, require_actor
from spbe.core.errors import Conflict, NotFound, ValidationFailed

from . import services
from .access import PROJECT
from .escalation import current_episode
from .models import Contract, Project
from .models_scm import Notice, ScmOutcome, ShowCauseMeeting
from .services import clean_text, parse_percent

ROMAN = {1: "I", 2: "II", 3: "III"}


def next_stage(project: Project) -> int | None:
    """The SCM stage the agency may hold now, or None (not critical, or a meeting still pending)."""
    episode = current_episode(project)
    held = list(ShowCauseMeeting.objects.filter(project=project, episode=episode).order_by("stage"))
    if not held:
        return 1 if project.is_critical else None
    last = held[-1]
    if last.outcome == ScmOutcome.MISSED and last.stage < 3:
        return last.stage + 1
    return None


def scm_record(
    *,
    actor: MaybeActor,
    project: Project,
    stage: int,
    held_on: date,
    attendees: str,
    agreed_percent: Decimal | str,
    target_on: date,
    notes: str = "",
    today: date | None = None,
) -> ShowCauseMeeting:
    """Record a show-cause meeting of a critical contract with its agreed target (% by a date).

    ``today`` (default: today in the pemda) is the day the record is judged on: a year recorded in advance
    (the demo) or a migration passes the day its data stands at, as the batch services' ``as_of``.
    """
    PROJECT.require(actor, project.place(), "manage")
    vetted = require_actor(actor)
    if stage not in ROMAN:
        raise ValidationFailed(_("Tahap SCM harus I, II atau III."), field="stage")
    who = clean_text(attendees, label=_("peserta"), field="attendees")
    if not who:
        raise ValidationFailed(_("Peserta rapat wajib diisi."), field="attendees")
    agreed = parse_percent(agreed_percent, field="agreed_percent")
    if target_on <= held_on:
        raise ValidationFailed(_("Tanggal target harus setelah tanggal rapat."), field="target_on")
    if held_on > (today or services.pemda_today(project.pemda)):
        raise ValidationFailed(_("Tanggal rapat tidak boleh setelah hari ini."), field="held_on")
    note = clean_text(notes, label=_("catatan rapat"), field="notes")
    try:
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=project.pk)
            contract = Contract.objects.filter(project=locked).first()
            if contract is None:
                raise Conflict(_("Pekerjaan ini belum memiliki kontrak."))
            if held_on < contract.starts_on:
                raise ValidationFailed(_("Tanggal rapat sebelum pekerjaan dimulai."), field="held_on")
            episode = current_episode(locked)
            allowed = next_stage(locked)
            if allowed != stage:
                raise Conflict(_refusal(locked, stage, episode))
            if stage > 1:
                previous = ShowCauseMeeting.objects.get(project=locked, episode=episode, stage=stage - 1)
                if held_on <= previous.target_on:
                    raise ValidationFailed(
                        _("SCM %(stage)s diadakan setelah tanggal target SCM %(prev)s (%(day)s).")
                        % {
                            "stage": ROMAN[stage],
                            "prev": ROMAN[stage - 1],
                            "day": previous.target_on.isoformat(),
                        },
                        field="held_on",
                    )
                if agreed < previous.agreed_percent:
                    raise ValidationFailed(
                        _("Target SCM %(stage)s tidak boleh di bawah target SCM sebelumnya (%(prev)s%%).")
                        % {"stage": ROMAN[stage], "prev": previous.agreed_percent},
                        field="agreed_percent",
                    )
            meeting = ShowCauseMeeting.objects.create(
                pemda_id=locked.pemda_id,
                project=locked,
                episode=episode,
                stage=stage,
                held_on=held_on,
                attendees=who,
                agreed_percent=agreed,
                target_on=target_on,
                notes=note,
                created_by_id=vetted.pk if is_person(vetted) else None,
            )
            audit.record(
                actor=vetted,
                action="scm.record",
                obj=meeting,
                pemda_code=meeting.pemda_id,
                after=audit.snapshot(
                    meeting,
                    [
                        "project",
                        "episode",
                        "stage",
                        "held_on",
                        "attendees",
                        "agreed_percent",
                        "target_on",
                        "notes",
                    ],
                ),
            )
    except IntegrityError:
        raise Conflict(_("SCM tahap ini baru saja dicatat pengguna lain.")) from None
    return meeting


def _refusal(project: Project, stage: int, episode: int) -> str:
    if stage == 1:
        if ShowCauseMeeting.objects.filter(project=project, episode=episode, stage=1).exists():
            return _("SCM I sudah dicatat untuk masa kritis ini.")
        return _("SCM I hanya untuk kontrak yang berstatus kritis.")
    return _("SCM %(stage)s hanya setelah target SCM %(prev)s tidak tercapai.") % {
        "stage": ROMAN[stage],
        "prev": ROMAN[stage - 1],
    }


def notices_for(user: MaybeActor, pemda: Pemda) -> QuerySet[Notice]:
    """The user's own notices in ``pemda``, newest first (nobody reads another's)."""
    if not is_person(user):
        return Notice.objects.none()
    return (
        Notice.objects.filter(recipient_id=user.pk, pemda=pemda)
        .select_related("escalation__project__unit")
        # Unread first on both databases (PostgreSQL would otherwise put NULLs last).
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def notice_read(*, actor: MaybeActor, pemda: Pemda, pk: int) -> Notice:
    """Mark one's own notice read (another's is NotFound)."""
    vetted = require_actor(actor)
    with transaction.atomic():
        notice = notices_for(vetted, pemda).select_for_update(of=("self",)).filter(pk=pk).first()
        if notice is None:
            raise NotFound(_("Pemberitahuan tidak ditemukan."))
        if notice.read_at is None:
            notice.read_at = timezone.now()
            Notice.objects.filter(pk=notice.pk).update(read_at=notice.read_at)
            audit.record(
                actor=vetted,
                action="notice.read",
                obj=notice,
                pemda_code=notice.pemda_id,
                after={"read": True},
            )
    return notice


def meetings_of(project: Project) -> list[ShowCauseMeeting]:
    """Every show-cause meeting of the project, by episode and stage, with the report that decided it."""
    return list(
        ShowCauseMeeting.objects.filter(project=project)
        .select_related("outcome_report")
        .order_by("episode", "stage")
    )


def unread_count(user: MaybeActor, pemda: Pemda) -> int:
    return notices_for(user, pemda).filter(read_at__isnull=True).count()
