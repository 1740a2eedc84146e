"""Background work started from a page: a `Job` row, a thread, a progress the page polls with htmx.

A thread in the web process, not a task queue: the project has no worker process yet (django-tasks is
not among its dependencies), and Pilote runs on one machine. When the work is done, or fails, the row
says so with a French message. A job whose process stopped (a restart) stays « en cours »: after
STALE_AFTER without progress the page says it was interrupted.

Progress is not written to the row while the work runs: the work usually holds one write transaction
(a FEC import is all or nothing), and on SQLite a second writer would wait for that transaction to end
(and the poll would read nothing before then on PostgreSQL). It goes to a small file beside the private
files, `jobs/<id>.json`, replaced atomically, which any process of the machine reads; the row is written
before and after the work only, outside its transaction.

Tests run the work at once, in the request (setting PILOTE_JOBS_SYNC), as Django's tasks do in tests.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pilote.core.exceptions import DomainError
from pilote.core.models import Job, JobStatus
from pilote.core.storage import private_root

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)
UNEXPECTED = (
    "Le traitement s'est arrêté sur une erreur inattendue ; l'incident est consigné dans le journal du serveur."
)


def _progress_path(job_id: int):
    return private_root() / "jobs" / f"{job_id}.json"


class Progress:
    """The callable given to the work: progress(done, total)."""

    def __init__(self, job_id: int):
        self.job_id, self.done, self.total = job_id, 0, 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        path = _progress_path(self.job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(".tmp")
        scratch.write_text(json.dumps({"done": done, "total": total}))
        os.replace(scratch, path)  # a reader sees the old figures or the new ones, never half a file


def start(job: Job, work: Callable[[Job, Progress], str]) -> None:
    """Run `work(job, progress)` in the background once the current transaction has committed; what it
    returns becomes the job's message; a DomainError it raises, the job's French error."""
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED, started_at=None, finished_at=None, done=0, total=0, message=""
    )
    if getattr(settings, "PILOTE_JOBS_SYNC", False):
        _run(job.pk, work, own_connection=False)
        return

    def launch() -> None:
        thread = threading.Thread(target=_run, args=(job.pk, work), name=f"pilote-job-{job.pk}", daemon=True)
        thread.start()

    transaction.on_commit(launch)


def _run(job_id: int, work, own_connection: bool = True) -> None:
    progress = Progress(job_id)
    try:
        Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
        job = Job.objects.get(pk=job_id)
        try:
            message = work(job, progress)
        except DomainError as exc:
            _finish(job_id, JobStatus.FAILED, exc.message, progress)
        except Exception:
            logger.exception("Job %s (%s) failed", job_id, job.kind)
            _finish(job_id, JobStatus.FAILED, UNEXPECTED, progress)
        else:
            _finish(job_id, JobStatus.DONE, message, progress)
    finally:
        _progress_path(job_id).unlink(missing_ok=True)
        if own_connection:
            connection.close()  # the thread's own connection


def _finish(job_id: int, status: str, message: str, progress: Progress) -> None:
    Job.objects.filter(pk=job_id).update(
        status=status, message=message, done=progress.done, total=progress.total, finished_at=timezone.now()
    )


def progress_of(job: Job) -> tuple[int, int]:
    """(done, total): read from the progress file while the job runs, from the row once it has ended."""
    if job.status != JobStatus.RUNNING:
        return job.done, job.total
    try:
        figures = json.loads(_progress_path(job.pk).read_text())
        return int(figures["done"]), int(figures["total"])
    except (OSError, ValueError, KeyError):
        return 0, 0


def is_stale(job: Job) -> bool:
    """A job still « en cours » whose progress has not moved for STALE_AFTER: its process has stopped."""
    if job.status not in (JobStatus.RUNNING, JobStatus.QUEUED):
        return False
    try:
        last = dt.datetime.fromtimestamp(_progress_path(job.pk).stat().st_mtime, tz=dt.UTC)
    except OSError:
        last = job.started_at or job.created_at
    return timezone.now() - last > STALE_AFTER
