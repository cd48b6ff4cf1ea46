"""``spbe db_worker``: django_tasks_db's worker, made to survive losing the database.

The package's worker lets an OperationalError or InterfaceError out of its loop: after a database restart
or a network cut the process exits with a traceback, or, with ``--reload`` (the default under DEBUG),
its thread dies while the reloader keeps the process alive running nothing. This command runs the same
worker inside a loop that, on such an error, drops every connection (a dead one is never reused), waits
with exponential backoff and starts the worker again. At each start it also marks the jobs of workers
that died as stopped (:func:`spbe.core.jobs.jobs_mark_stale`).

Only this module may touch the worker's internals; it relies on ``Worker.run`` and ``Worker.batch``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import DatabaseError, connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker as upstream

from spbe.core.jobs import jobs_mark_stale

logger = logging.getLogger("django_tasks_db")

RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0
# A failure this long after the last restart starts the backoff again from the first wait.
RETRY_RESET_SECONDS = 300.0
# In --batch mode (cron, tests) give up instead of waiting forever for a database that is gone.
BATCH_ATTEMPTS = 5


def reset_connections() -> None:
    """Close every open connection so the next query connects afresh."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            # Closing a connection the server already dropped may fail; it is discarded either way.
            logger.debug("Closing a broken connection failed", exc_info=True)


class RecoveringWorker(upstream.Worker):
    def run(self) -> None:
        failures = 0
        while True:
            started = time.monotonic()
            try:
                stopped = jobs_mark_stale()
                if stopped:
                    logger.warning("Marked %d job(s) without a heartbeat as stopped.", stopped)
                super().run()
                return
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() - started > RETRY_RESET_SECONDS:
                    failures = 0
                failures += 1
                if not self.running or (self.batch and failures >= BATCH_ATTEMPTS):
                    raise
                wait = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** (failures - 1))
                logger.warning(
                    "Database unavailable for worker_id=%s (%s); reconnecting in %.0f s.",
                    self.worker_id,
                    exc,
                    wait,
                )
                reset_connections()
                time.sleep(wait)


class Command(upstream.Command):
    help = "Run the background worker; it reconnects after losing the database."

    def handle(self, *args: Any, **options: Any) -> None:
        # The package's handle() builds its Worker by name from its own module; swap in the subclass for
        # the duration of this call only.
        original = upstream.Worker
        upstream.Worker = RecoveringWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            upstream.Worker = original  # type: ignore[misc]
