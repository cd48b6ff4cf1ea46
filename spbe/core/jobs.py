"""Progress of background jobs, written by the worker and read by the page that polls it.

Job rows are operational state, not domain data: they are updated directly (no audit entry), each update
in its own short transaction so the page sees it at once.
"""

from __future__ import annotations

from django.utils import timezone

from .actors import MaybeActor, is_person
from .models import Job


def job_create(*, actor: MaybeActor, kind: str, title: str) -> Job:
    created_by_id = actor.pk if is_person(actor) else None
    return Job.objects.create(kind=kind, title=title, created_by_id=created_by_id)


def job_progress(job_id: str, done: int, total: int, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, done=done, total=total, message=message)


def job_finish(job_id: str, *, ok: bool, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE if ok else Job.Status.FAILED, message=message, finished_at=timezone.now()
    )
