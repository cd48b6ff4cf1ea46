from __future__ import annotations

import shutil

import pytest
from django.test import Client

from conftest import MINI_REGIONS
from spbe.accounts.models import User
from spbe.core.models import Job
from spbe.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("operator", password="x-long-password")


@pytest.fixture
def renamed_regions(regions, tmp_path, monkeypatch):
    """The job loads the test region list with one village renamed, so a finished job shows in the data.

    (The whole national list is loaded once per run, in spbe/regions/tests/test_loader.py.)
    """
    from spbe.regions import loader

    data = tmp_path / "regions"
    shutil.copytree(MINI_REGIONS, data)
    villages = data / "villages.csv"
    villages.write_text(
        villages.read_text(encoding="utf-8").replace(",Sukorejo\n", ",Sukorejo Lama\n"), encoding="utf-8"
    )
    monkeypatch.setattr(loader, "DATA_DIR", data)
    return data


def test_loading_regions_runs_as_a_job_with_progress(operator, renamed_regions, monkeypatch):
    from spbe.regions import loader, tasks

    monkeypatch.setattr(loader, "BATCH", 20)  # several batches, so progress is reported along the way
    seen = []
    monkeypatch.setattr(tasks, "job_progress", _spy_on_progress(tasks.job_progress, seen))
    client = Client()
    client.force_login(operator)
    response = client.post("/operasi/wilayah/muat/")
    job = Job.objects.get()
    assert response["Location"] == f"/operasi/pekerjaan/{job.pk}/"
    # The immediate backend ran the task inside the request; a real worker does the same, later.
    status = client.get(f"/operasi/pekerjaan/{job.pk}/status/").json()
    assert status["status"] == "done"
    assert status["percent"] == 100
    assert status["done"] == status["total"] == 55
    assert "43 desa/kelurahan" in status["message"]
    assert Region.objects.get(code="35.10.02.2001").name == "Sukorejo Lama"
    assert Region.objects.count() == 55
    assert len(set(seen)) >= 3  # progress was reported between batches, not only at the end
    page = client.get(f"/operasi/pekerjaan/{job.pk}/").content.decode()
    assert 'data-job-status="/operasi/pekerjaan/' in page


def test_jobs_are_for_operators_only(world):
    client = world.client_for(world.officer_a)
    assert client.post("/operasi/wilayah/muat/").status_code == 404
    assert client.get("/operasi/").status_code == 404
    assert not Job.objects.exists()
    assert Client().get("/operasi/")["Location"].startswith("/masuk/")


def test_the_database_backend_queues_the_job_for_the_worker(operator, renamed_regions, settings, monkeypatch):
    """With the production backend the request only queues; `spbe db_worker` runs it and records progress."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()
    client.force_login(operator)
    client.post("/operasi/wilayah/muat/")
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert Region.objects.get(code="35.10.02.2001").name == "Sukorejo"
    assert client.get(f"/operasi/pekerjaan/{job.pk}/status/").json()["percent"] == 0
    # The worker recycles connections between tasks; here it must keep the test's transaction open.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (Job.Status.DONE, 55, 55, 100)
    assert Region.objects.get(code="35.10.02.2001").name == "Sukorejo Lama"
    assert Region.objects.count() == 55  # 2 + 4 + 6 + 43 in the test list


def _spy_on_progress(job_progress, seen: list[int]):
    def spy(job_id, done, *args, **kwargs):
        seen.append(done)
        return job_progress(job_id, done, *args, **kwargs)

    return spy
