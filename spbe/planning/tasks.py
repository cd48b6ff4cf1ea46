"""Background tasks of e-planning: mail to the followers of a proposal that moved."""

from __future__ import annotations

from django.tasks import task

from .following import notify_followers


@task()
def notify_followers_task(decision_id: int) -> int:
    return notify_followers(decision_id)
