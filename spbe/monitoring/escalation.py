"""Early warnings that escalate: a contract turning critical, then each show-cause target missed.

Called from inside the services' transactions (with the project row locked), never on their own:
:func:`became_critical` by the status refresh when the critical flag goes from false to true (a report
arrived, or ``spbe contracts_refresh`` ran), :func:`decide_outcomes` when a report arrives,
:func:`reopen_outcomes` when one is returned, :func:`overdue_outcomes` by the daily refresh. Each
escalation is one row, unique per project, kind, level and episode, so however often the same change is
seen it is written, noticed and mailed once. The e-mail goes out after the transaction commits, through a
background task (:func:`spbe.monitoring.tasks.escalation_mail_task`): a rolled-back report never mails
anyone, and the supervisor in the field never waits on a mail server.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from spbe.accounts.models import Membership, Pemda, Role, User
from spbe.core import audit
from spbe.core.actors import MaybeActor

from .models import ProgressReport, Project
from .models_scm import Escalation, EscalationKind, Notice, ScmOutcome, ShowCauseMeeting


def current_episode(project: Project) -> int:
    """The number of times the project has turned critical (0 before the first)."""
    found = Escalation.objects.filter(project=project, kind=EscalationKind.CRITICAL).aggregate(
        n=Max("episode")
    )["n"]
    return int(found or 0)


def recipients(project: Project) -> list[User]:
    """Who hears of a project's escalation: the head of its agency and Bappeda's evaluation team."""
    ids = (
        Membership.objects.filter(pemda_id=project.pemda_id, is_active=True, user__is_active=True)
        .filter(
            Q(role=Role.AGENCY_HEAD, unit_id=project.unit_id)
            | Q(role=Role.BAPPEDA_PLANNER, unit__isnull=True, village__isnull=True)
        )
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def _escalate(
    actor: MaybeActor,
    project: Project,
    *,
    kind: str,
    level: int,
    episode: int,
    on: date,
    meeting: ShowCauseMeeting | None = None,
) -> Escalation | None:
    """Write the escalation, its notices and its audit entry, and mail it after commit; None if it exists."""
    if Escalation.objects.filter(project=project, kind=kind, level=level, episode=episode).exists():
        return None
    escalation = Escalation.objects.create(
        pemda_id=project.pemda_id,
        project=project,
        kind=kind,
        level=level,
        episode=episode,
        meeting=meeting,
        on=on,
        planned_percent=project.planned_percent,
        actual_percent=project.actual_percent,
        deviation=project.deviation,
    )
    people = recipients(project)
    Notice.objects.bulk_create(
        Notice(pemda_id=project.pemda_id, escalation=escalation, recipient=person) for person in people
    )
    audit.record(
        actor=actor,
        action="project.escalation",
        obj=escalation,
        pemda_code=project.pemda_id,
        after={
            "project": project.pk,
            "kind": kind,
            "level": level,
            "episode": episode,
            "meeting": meeting.pk if meeting else None,
            "on": on,
            "recipients": [p.pk for p in people],
        },
    )
    pk = escalation.pk

    def enqueue() -> None:
        from .tasks import escalation_mail_task  # the task module imports this one

        escalation_mail_task.enqueue(pk)

    transaction.on_commit(enqueue)
    return escalation


def became_critical(actor: MaybeActor, project: Project, on: date) -> Escalation | None:
    """The critical flag just went from false to true: a new episode, and its warning."""
    return _escalate(
        actor,
        project,
        kind=EscalationKind.CRITICAL,
        level=0,
        episode=current_episode(project) + 1,
        on=on,
    )


def _decide(
    actor: MaybeActor,
    meeting: ShowCauseMeeting,
    outcome: str,
    report: ProgressReport | None,
    percent: Decimal | None,
    on: date,
) -> None:
    ShowCauseMeeting.objects.filter(pk=meeting.pk).update(
        outcome=outcome,
        outcome_report=report,
        outcome_percent=percent,
        outcome_on=on,
        updated_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="scm.outcome",
        obj=meeting,
        pemda_code=meeting.pemda_id,
        before={"outcome": meeting.outcome},
        after={
            "outcome": outcome,
            "report": report.pk if report else None,
            "percent": percent,
            "on": on,
        },
    )
    if outcome == ScmOutcome.MISSED:
        _escalate(
            actor,
            meeting.project,
            kind=EscalationKind.SCM_MISSED,
            level=meeting.stage,
            episode=meeting.episode,
            on=on,
            meeting=meeting,
        )


def decide_outcomes(actor: MaybeActor, report: ProgressReport) -> None:
    """The first report after a meeting decides it: the agreed % reached, or the target date passed."""
    pending = ShowCauseMeeting.objects.filter(
        project_id=report.project_id, outcome=ScmOutcome.PENDING, held_on__lte=report.reported_on
    ).select_related("project")
    for meeting in pending:
        if report.percent >= meeting.agreed_percent:
            _decide(actor, meeting, ScmOutcome.MET, report, report.percent, report.reported_on)
        elif report.reported_on >= meeting.target_on:
            _decide(actor, meeting, ScmOutcome.MISSED, report, report.percent, report.reported_on)


def reopen_outcomes(actor: MaybeActor, report: ProgressReport) -> None:
    """A returned report no longer counts: a meeting it decided waits for the next report again.

    An escalation already sent stays on the record (it was true when sent); a later missed target of
    the same meeting is not sent twice.
    """
    for meeting in ShowCauseMeeting.objects.filter(outcome_report=report):
        ShowCauseMeeting.objects.filter(pk=meeting.pk).update(
            outcome=ScmOutcome.PENDING,
            outcome_report=None,
            outcome_percent=None,
            outcome_on=None,
            updated_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="scm.outcome_reopened",
            obj=meeting,
            pemda_code=meeting.pemda_id,
            before={"outcome": meeting.outcome, "report": report.pk},
            after={"outcome": ScmOutcome.PENDING},
        )


def projects_with_overdue_meetings(pemda: Pemda, on: date) -> set[int]:
    """The projects of ``pemda`` with a meeting still undecided after its target date."""
    return set(
        ShowCauseMeeting.objects.filter(
            pemda=pemda, outcome=ScmOutcome.PENDING, target_on__lt=on
        ).values_list("project_id", flat=True)
    )


def overdue_outcomes(actor: MaybeActor, project: Project, on: date) -> None:
    """A target date passed with no report at all since the meeting: missed, decided by the calendar."""
    overdue = ShowCauseMeeting.objects.filter(
        project=project, outcome=ScmOutcome.PENDING, target_on__lt=on
    ).select_related("project")
    for meeting in overdue:
        _decide(actor, meeting, ScmOutcome.MISSED, None, project.actual_percent, on)


def _subject(escalation: Escalation) -> str:
    if escalation.kind == EscalationKind.CRITICAL:
        return _("Peringatan dini: kontrak kritis - %(name)s") % {"name": escalation.project.name}
    return _("Peringatan dini: target SCM %(stage)s tidak tercapai - %(name)s") % {
        "stage": "I" * escalation.level,
        "name": escalation.project.name,
    }


def describe(escalation: Escalation) -> str:
    """One line for the dashboard and the e-mail."""
    if escalation.kind == EscalationKind.CRITICAL:
        return _("Kontrak menjadi kritis per %(on)s: rencana %(plan)s%%, realisasi %(actual)s%%.") % {
            "on": escalation.on.isoformat(),
            "plan": escalation.planned_percent,
            "actual": escalation.actual_percent,
        }
    return _("Target SCM %(stage)s tidak tercapai per %(on)s: realisasi %(actual)s%%.") % {
        "stage": "I" * escalation.level,
        "on": escalation.on.isoformat(),
        "actual": escalation.actual_percent,
    }


def send_mail(escalation_id: int) -> int:
    """Mail the escalation to its recipients once (the row stays locked until the mail has gone)."""
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update(of=("self",))
            .select_related("project__unit")
            .filter(pk=escalation_id)
            .first()
        )
        if escalation is None or escalation.mailed_at is not None:
            return 0
        addresses = sorted(
            {
                n.recipient.email
                for n in Notice.objects.filter(escalation=escalation).select_related("recipient")
                if n.recipient.email
            }
        )
        sent = 0
        if addresses:
            project = escalation.project
            link = settings.SPBE_PUBLIC_URL + reverse(
                "monitoring:project-detail", kwargs={"pemda_code": project.pemda_id, "pk": project.pk}
            )
            body = "\n".join(
                [
                    project.name,
                    project.unit.name if project.unit else "",
                    "",
                    describe(escalation),
                    "",
                    _("Buka pekerjaan: %(link)s") % {"link": link},
                ]
            )
            messages = [EmailMessage(_subject(escalation), body, to=[address]) for address in addresses]
            with mailers.default as connection:
                sent = connection.send_messages(messages) or 0
        Escalation.objects.filter(pk=escalation.pk).update(mailed_at=timezone.now())
    return sent
