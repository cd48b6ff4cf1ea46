from __future__ import annotations

import pytest
from django.test import Client

from spbe.accounts.models import User
from spbe.core.models import Job
from spbe.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("operator", password="x-long-password")


def test_loading_regions_runs_as_a_job_with_progress(operator, settings, monkeypatch):
    from spbe.regions import loader

    monkeypatch.setattr(loader, "BATCH", 20_000)
    client = Client()
    client.force_login(operator)
    response = client.post("/operasi/wilayah/muat/")
    job = Job.objects.get()
    assert response["Location"] == f"/operasi/pekerjaan/{job.pk}/"
    # The immediate backend ran the task inside the request; a real worker does the same, later.
    status = client.get(f"/operasi/pekerjaan/{job.pk}/status/").json()
    assert status["status"] == "done"
    assert status["percent"] == 100
    assert status["done"] == status["total"] == 91_599
    assert "7.285 kecamatan, 83.762 desa/kelurahan" in status["message"]
    assert Region.objects.count() == 91_599
    page = client.get(f"/operasi/pekerjaan/{job.pk}/").content.decode()
    assert 'data-job-status="/operasi/pekerjaan/' in page


def test_jobs_are_for_operators_only(world):
    client = world.client_for(world.officer_a)
    assert client.post("/operasi/wilayah/muat/").status_code == 404
    assert client.get("/operasi/").status_code == 404
    assert not Job.objects.exists()
    assert Client().get("/operasi/")["Location"].startswith("/masuk/")


def test_the_database_backend_queues_the_job_for_the_worker(operator, settings, monkeypatch):
    """With the production backend the request only queues; `spbe db_worker` runs it and records progress."""
    from django.core.management import call_command

    from spbe.regions import loader

    monkeypatch.setattr(loader, "DATA_DIR", loader.DATA_DIR.parent / "tests" / "data")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()
    client.force_login(operator)
    client.post("/operasi/wilayah/muat/")
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    assert client.get(f"/operasi/pekerjaan/{job.pk}/status/").json()["percent"] == 0
    # The worker recycles connections between tasks; here it must keep the test's transaction open.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (Job.Status.DONE, 55, 55, 100)
    assert Region.objects.count() == 55  # 2 + 4 + 6 + 43 in the test list
