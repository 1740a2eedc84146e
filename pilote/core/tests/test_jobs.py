"""Background jobs on the real queue (Django's Tasks API, database backend): a job started by a page is a
row a worker picks up after the commit, its outcome and French error land on the `Job` row, a failed or
interrupted job can be started again, and a worker runs only works declared with @jobs.work."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pilote.core import jobs
from pilote.core.exceptions import DomainError
from pilote.core.models import Job, JobStatus


@jobs.work
def _count_to_three(job, progress):
    if job.payload.get("fail_first") and not job.payload.get("failed_once"):
        Job.objects.filter(pk=job.pk).update(payload={**job.payload, "failed_once": True})
        raise DomainError("Le fichier n'est pas encore arrivé.")
    for done in range(1, 4):
        progress(done, 3)
    return f"Trois étapes faites (processus {os.getpid()})."


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


@pytest.fixture
def queued(settings, monkeypatch):
    """The real queue, worked by the real `db_worker` inside the test's transaction: its connection hygiene
    (closing connections between tasks, which would end the test's transaction on PostgreSQL) is left out."""
    from django_tasks_db.management.commands import db_worker

    settings.PILOTE_JOBS_SYNC = False
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.mark.django_db
def test_a_job_waits_on_the_queue_until_a_worker_runs_it(queued):
    job = Job.objects.create(kind="core.test")
    jobs.start(job, _count_to_three)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and DBTaskResult.objects.ready().count() == 1
    _worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.message.startswith("Trois étapes faites")
    assert (job.done, job.total) == (3, 3) and job.finished_at is not None
    assert DBTaskResult.objects.successful().count() == 1


@pytest.mark.django_db
def test_a_failed_job_shows_its_french_error_and_can_be_started_again(queued):
    job = Job.objects.create(kind="core.test", payload={"fail_first": True})
    jobs.start(job, _count_to_three)
    _worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == "Le fichier n'est pas encore arrivé."
    assert jobs.can_retry(job)
    jobs.retry(job)
    _worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and not jobs.can_retry(job)
    with pytest.raises(DomainError, match="ne peut pas être relancé"):
        jobs.retry(job)


@pytest.mark.django_db
def test_an_interrupted_job_is_shown_stale_and_can_be_started_again(queued):
    job = Job.objects.create(kind="core.test")
    jobs.start(job, _count_to_three)
    # The worker that took it was killed: the row stayed « en cours » and its heartbeat stopped long ago.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=20))
    DBTaskResult.objects.all().delete()
    job.refresh_from_db()
    assert jobs.is_stale(job) and jobs.can_retry(job)
    jobs.retry(job)
    _worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


@pytest.mark.django_db
def test_a_worker_runs_only_declared_works(queued):
    from pilote.core.tasks import run_job

    job = Job.objects.create(kind="core.test")
    run_job.enqueue(job.pk, "os.system")
    _worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == jobs.UNEXPECTED
    with pytest.raises(LookupError):
        jobs.start(job, lambda job, progress: "")


@jobs.work
def _quiet_for_a_while(job, progress):
    """A work that reports no progress of its own (a backup's long steps)."""
    path = jobs._progress_path(job.pk)
    time.sleep(0.3)
    first = path.stat().st_mtime_ns
    time.sleep(0.3)
    return f"fichier réécrit : {path.stat().st_mtime_ns > first}"


@pytest.mark.skipif(
    bool(os.environ.get("FAKETIME"))
    and not (os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") or os.environ.get("DONT_FAKE_MONOTONIC")),
    reason="faketime without --exclude-monotonic: threading.Event.wait(timeout) never times out, the beat never comes",
)
@pytest.mark.django_db
def test_a_running_job_beats_so_only_a_dead_one_looks_interrupted(monkeypatch, settings):
    """The process running a job rewrites its progress file on its own: a long step without progress is not
    taken for a dead worker, and once the process stops the file stops moving."""
    monkeypatch.setattr(jobs, "HEARTBEAT_S", 0.05)
    job = Job.objects.create(kind="core.test")
    jobs.start(job, _quiet_for_a_while)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.message == "fichier réécrit : True"
    assert not jobs._progress_path(job.pk).exists()
    settings.PILOTE_JOBS_STALE_AFTER_S = 120
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(seconds=90))
    job.refresh_from_db()
    assert not jobs.is_stale(job)  # 90 s without a beat: not yet
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(seconds=130))
    job.refresh_from_db()
    assert jobs.is_stale(job)


@pytest.mark.django_db
def test_a_failed_job_without_a_declared_work_is_not_offered_again():
    """The Traitements page asks each failed job whether it can be started again: a row without a work, a work of
    no module or of a module that declares none is « no », never an error."""
    works = ("nothing", "pilote.nowhere.work", "pilote.lib.formats.format_eur")
    for payload in ({}, *({"work": work} for work in works)):
        job = Job.objects.create(kind="core.test", status=JobStatus.FAILED, payload=payload)
        assert not jobs.can_retry(job)
    assert jobs.declared("pilote.core.backup.backup_job").__name__ == "backup_job"  # imported on first use
