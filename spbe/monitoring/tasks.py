"""Background tasks of e-monitoring: the e-mail of an escalation, sent after its transaction commits."""

from __future__ import annotations

from django.tasks import task

from .escalation import send_mail


@task()
def escalation_mail_task(escalation_id: int) -> int:
    return send_mail(escalation_id)
