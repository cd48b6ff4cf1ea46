"""Background task: load the official region list, reporting progress to a Job row."""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.jobs import job_finish, job_progress
from spbe.core.models import Job

from .loader import load_regions


@task()
def load_regions_task(job_id: str) -> str:
    job = Job.objects.select_related("created_by").get(pk=job_id)

    def progress(done: int, total: int, last_code: str) -> None:
        job_progress(
            job_id,
            done,
            total,
            _("%(done)s dari %(total)s wilayah (%(code)s)")
            % {
                "done": done,
                "total": total,
                "code": last_code,
            },
        )

    try:
        # The operator who started the job is the actor; a job queued by a command acts as the system.
        actor = job.created_by or system("job:regions.load")
        result = load_regions(actor=actor, progress=progress)
    except Exception as exc:
        job_finish(job_id, ok=False, message=str(exc))
        raise
    message = _("%(p)s provinsi, %(r)s kabupaten/kota, %(d)s kecamatan, %(v)s desa/kelurahan dimuat.") % {
        "p": result.provinces,
        "r": result.regencies,
        "d": result.districts,
        "v": result.villages,
    }
    job_finish(job_id, ok=True, message=message)
    return message
