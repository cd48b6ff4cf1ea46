"""Progress of background jobs, written by the worker and read by the page that polls it.

Job rows are operational state, not domain data: they are updated directly (no audit entry), each update
in its own short transaction so the page sees it at once.

A worker can die in the middle of a job (killed, out of memory, the machine restarted) and leave it
"running" forever. Every progress report refreshes the job's heartbeat; a running job whose heartbeat is
older than ``SPBE_JOB_STALE_SECONDS`` is marked failed by :func:`jobs_mark_stale`, which the job pages and
every worker at start call, so nobody watches a dead job's progress bar.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import MaybeActor, is_person
from .models import Job


def job_create(*, actor: MaybeActor, kind: str, title: str) -> Job:
    created_by_id = actor.pk if is_person(actor) else None
    return Job.objects.create(kind=kind, title=title, created_by_id=created_by_id)


def job_progress(job_id: str, done: int, total: int, message: str = "") -> None:
    # A job already declared stopped stays stopped: its page has told the operator to start it again.
    Job.objects.filter(pk=job_id, finished_at__isnull=True).update(
        status=Job.Status.RUNNING, done=done, total=total, message=message, heartbeat_at=timezone.now()
    )


def job_finish(job_id: str, *, ok: bool, message: str) -> None:
    # Like progress: a job already declared stopped keeps that verdict, which its page has shown.
    Job.objects.filter(pk=job_id, finished_at__isnull=True).update(
        status=Job.Status.DONE if ok else Job.Status.FAILED, message=message, finished_at=timezone.now()
    )


def stale_jobs(now: datetime | None = None) -> Q:
    """The condition of a running job whose worker has not reported within the limit."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.SPBE_JOB_STALE_SECONDS)
    return Q(status=Job.Status.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )


def jobs_mark_stale(now: datetime | None = None) -> int:
    """Mark every running job without a recent heartbeat as failed ("terhenti"); return how many."""
    now = now or timezone.now()
    # Pages poll this every second while a worker writes its progress: read first, and take SQLite's one
    # write lock only when there is something to mark, so a poll never queues behind the worker's batches.
    if not Job.objects.filter(stale_jobs(now)).exists():
        return 0
    minutes = max(1, settings.SPBE_JOB_STALE_SECONDS // 60)
    message = _(
        "Terhenti: pekerja latar belakang tidak melaporkan kemajuan selama lebih dari %(minutes)d menit "
        "(pekerja dimatikan atau terputus dari basis data). Jalankan ulang pekerjaan ini."
    ) % {"minutes": minutes}
    # One conditional UPDATE: a worker reporting progress at the same moment either lands first (and
    # the job is no longer stale) or finds the job finished and leaves it so.
    return Job.objects.filter(stale_jobs(now)).update(
        status=Job.Status.FAILED, message=message, finished_at=now
    )


def recent_jobs(limit: int = 20) -> list[Job]:
    """The newest jobs, after marking those whose worker is gone (reading is when that must show)."""
    jobs_mark_stale()
    return list(Job.objects.all()[:limit])


def job_for_user(user: MaybeActor, job_id: str) -> Job | None:
    """A job as its starter sees it, after marking stale jobs; None for anyone else's job."""
    jobs_mark_stale()
    if not is_person(user):
        return None
    return Job.objects.filter(pk=job_id, created_by_id=user.pk).first()
