"""Background task: load the official region list, reporting progress to a Job row."""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext as _

from spbe.core.actors import system
from spbe.core.jobs import job_finish, job_progress
from spbe.core.models import Job

from . import wording
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
                "done": wording.grouped(done),
                "total": wording.grouped(total),
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
    message = _("%(p)s, %(r)s, %(d)s dan %(v)s dimuat.") % {
        "p": wording.n_provinsi(result.provinces),
        "r": wording.n_kabupaten(result.regencies),
        "d": wording.n_kecamatan(result.districts),
        "v": wording.n_desa_kelurahan(result.villages),
    }
    job_finish(job_id, ok=True, message=message)
    return message
