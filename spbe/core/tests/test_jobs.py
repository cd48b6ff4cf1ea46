from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django.utils import timezone

from conftest import MINI_REGIONS
from spbe.accounts.models import User
from spbe.core.jobs import job_progress, jobs_mark_stale
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


@pytest.fixture
def queued_region_job(operator, settings, monkeypatch):
    """A region load queued for the database backend, as the operations page queues it."""
    from spbe.regions import loader

    monkeypatch.setattr(loader, "DATA_DIR", loader.DATA_DIR.parent / "tests" / "data")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()
    client.force_login(operator)
    client.post("/operasi/wilayah/muat/")
    # The worker recycles connections between tasks; here it must keep the test's transaction open.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    return Job.objects.get()


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_worker_reconnects_after_losing_the_database(queued_region_job, monkeypatch, error):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResultQuerySet

    from spbe.core.management.commands import db_worker

    original = DBTaskResultQuerySet.get_locked
    calls = []

    def lost_once(self):
        calls.append("claim")
        if len(calls) == 1:
            raise error("server closed the connection unexpectedly")
        return original(self)

    resets = []
    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", lost_once)
    # Closing the connection for real would end the test's transaction; record that it was asked for.
    monkeypatch.setattr(db_worker, "reset_connections", lambda: resets.append("reset"))
    monkeypatch.setattr(db_worker.time, "sleep", lambda seconds: None)

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    queued_region_job.refresh_from_db()
    assert queued_region_job.status == Job.Status.DONE
    assert Region.objects.count() == 55
    assert resets == ["reset"]
    assert calls[:2] == ["claim", "claim"]


def test_the_worker_gives_up_in_batch_mode_when_the_database_stays_away(queued_region_job, monkeypatch):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResultQuerySet

    from spbe.core.management.commands import db_worker

    def always_lost(self):
        raise OperationalError("connection refused")

    waits = []
    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", always_lost)
    monkeypatch.setattr(db_worker, "reset_connections", lambda: None)
    monkeypatch.setattr(db_worker.time, "sleep", waits.append)

    with pytest.raises(OperationalError):
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    assert waits == [1.0, 2.0, 4.0, 8.0]  # backoff doubles between attempts
    assert Job.objects.get().status == Job.Status.QUEUED


def make_running_job(operator, *, heartbeat_age: timedelta | None, done=21, total=100):
    job = Job.objects.create(kind="regions.load", title="Memuat", created_by=operator)
    heartbeat = timezone.now() - heartbeat_age if heartbeat_age is not None else None
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        done=done,
        total=total,
        heartbeat_at=heartbeat,
        created_at=timezone.now() - timedelta(hours=1),
    )
    return job


def test_a_running_job_without_a_heartbeat_is_shown_as_stopped(operator, settings):
    settings.SPBE_JOB_STALE_SECONDS = 600
    dead = make_running_job(operator, heartbeat_age=timedelta(seconds=601))
    never_reported = make_running_job(operator, heartbeat_age=None)
    alive = make_running_job(operator, heartbeat_age=timedelta(seconds=30))
    client = Client()
    client.force_login(operator)

    status = client.get(f"/operasi/pekerjaan/{dead.pk}/status/").json()

    assert status["status"] == "failed"
    assert status["message"].startswith("Terhenti: pekerja latar belakang tidak melaporkan kemajuan")
    never_reported.refresh_from_db()
    alive.refresh_from_db()
    assert never_reported.status == Job.Status.FAILED
    assert never_reported.finished_at is not None
    assert (alive.status, alive.finished_at) == (Job.Status.RUNNING, None)
    # A late report from the dead job's worker does not bring it back to "running".
    job_progress(str(dead.pk), 50, 100, "50 dari 100")
    dead.refresh_from_db()
    assert (dead.status, dead.done) == (Job.Status.FAILED, 21)


def test_progress_refreshes_the_heartbeat(operator, settings):
    settings.SPBE_JOB_STALE_SECONDS = 600
    job = make_running_job(operator, heartbeat_age=timedelta(hours=2))

    job_progress(str(job.pk), 30, 100, "30 dari 100")

    assert jobs_mark_stale() == 0
    job.refresh_from_db()
    assert (job.status, job.done) == (Job.Status.RUNNING, 30)
    assert job.heartbeat_at > timezone.now() - timedelta(hours=1)


def test_the_worker_marks_stale_jobs_when_it_starts(operator, settings, monkeypatch):
    from django.core.management import call_command

    settings.SPBE_JOB_STALE_SECONDS = 600
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    dead = make_running_job(operator, heartbeat_age=timedelta(minutes=30))

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    dead.refresh_from_db()
    assert dead.status == Job.Status.FAILED
    assert dead.message.startswith("Terhenti")
