"""Background work started from a page: a `Job` row, a task on the queue, a progress the page polls with htmx.

The queue is Django's Tasks API (the `django-tasks` backport on Django 5.2, the API of Django 6) with the
database backend of `django-tasks-db`: a task is a row in the same database, which every worker of every
machine shares (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite one worker of the machine, which
`make run` starts beside the server with `manage.py db_worker`). No broker to install, and the job is
enqueued in the transaction that creates it: it cannot run before that commits, nor be lost if it rolls back.

A `Job` row is what the user sees: the French message, the progress, who started it. The work itself is a
module-level function `work(job, progress) -> str` declared with `@jobs.work`; the one task `run_job` runs
the job of an id with the function of a name, both read from the row and the registry, never from a pickle.
When the work is done, or fails, the row says so with a French message. A worker killed mid-job leaves the
row « en cours »: the running process rewrites the job's progress file every HEARTBEAT_S seconds, so once
it has not been written for PILOTE_JOBS_STALE_AFTER_S (2 minutes) the page says the job was interrupted
and offers to start it again (`retry`); the works are all-or-nothing transactions, so an interrupted one
wrote nothing.

Progress is not written to the row while the work runs: the work usually holds one write transaction
(a FEC import is all or nothing), and on SQLite a second writer would wait for that transaction to end
(and the poll would read nothing before then on PostgreSQL). It goes to a small file beside the private
files, `jobs/<id>.json`, replaced atomically, which any process of the machine reads; the row is written
before and after the work only, outside its transaction. (Several machines share PILOTE_PRIVATE_ROOT.)

Tests run the work at once, in the request (setting PILOTE_JOBS_SYNC), as Django's tasks do in tests.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import os
import threading
from collections.abc import Callable
from contextlib import suppress

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pilote.core.exceptions import DomainError
from pilote.core.models import Job, JobStatus
from pilote.core.registry import lazy
from pilote.core.storage import private_root, stamp

logger = logging.getLogger(__name__)

HEARTBEAT_S = 10  # the running work's progress file is rewritten this often, whatever the work reports
UNEXPECTED = (
    "Le traitement s'est arrêté sur une erreur inattendue ; l'incident est consigné dans le journal du serveur."
)


def _progress_path(job_id: int):
    return private_root() / "jobs" / f"{job_id}.json"


class Progress:
    """The callable given to the work: progress(done, total). The process running the work also writes it
    every HEARTBEAT_S seconds (`beat`), so a file that stops changing means that process has stopped."""

    def __init__(self, job_id: int):
        self.job_id, self.done, self.total = job_id, 0, 0
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            self.done, self.total = done, total
            path = _progress_path(self.job_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = path.with_suffix(".tmp")
            scratch.write_text(json.dumps({"done": done, "total": total}))
            stamp(scratch)  # is_stale judges its age by this process's clock
            os.replace(scratch, path)  # a reader sees the old figures or the new ones, never half a file

    def beat(self) -> None:
        self(self.done, self.total)


_works: dict[str, Callable[[Job, Progress], str]] = {}
_kind_labels: dict[str, str] = {"core.backup": "Sauvegarde de l'instance"}


def register_kind(kind: str, label: str) -> None:
    """The French name of a kind of job (« Import d'un FEC »), for the Traitements page."""
    _kind_labels[kind] = label


def kind_label(kind: str) -> str:
    if kind.startswith("schedule."):
        from pilote.core import schedule

        planned = {s.name: s.label for s in schedule.registered()}.get(kind.removeprefix("schedule."))
        return f"{planned} (planifié)" if planned else "Traitement planifié"
    return _kind_labels.get(kind, "Traitement")


def work(function: Callable[[Job, Progress], str]) -> Callable[[Job, Progress], str]:
    """Declare a module-level function as a job's work (the only ones a queued task may run)."""
    _works[f"{function.__module__}.{function.__qualname__}"] = function
    return function


def declared(name: str) -> Callable[[Job, Progress], str] | None:
    """The work declared under that dotted name, its module imported on first use (its @jobs.work declares it):
    apps register their scheduled works by name (`core.registry.lazy`), so a command's start-up imports none of
    them; None when no such work is declared."""
    if name and name not in _works:
        with suppress(ImportError, ValueError):  # ValueError: no module part in the name
            importlib.import_module(name.rpartition(".")[0])
    return _works.get(name)


def work_name(function) -> str:
    """The name a work is queued under: a function declared with @jobs.work, or a `lazy` naming one."""
    if isinstance(function, lazy):
        function = function.resolve()
    name = f"{function.__module__}.{function.__qualname__}"
    if _works.get(name) is not function:
        raise LookupError(f"{name} is not declared with @jobs.work")
    return name


def start(job: Job, work: Callable[[Job, Progress], str]) -> None:
    """Queue `work(job, progress)` (a function declared with @jobs.work); what it returns becomes the job's
    message, a DomainError it raises the job's French error. The task is enqueued in the current
    transaction: a worker picks it up once that commits."""
    name = work_name(work)
    job.payload = {**job.payload, "work": name}
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED, started_at=None, finished_at=None, done=0, total=0, message="", payload=job.payload
    )
    if getattr(settings, "PILOTE_JOBS_SYNC", False):
        _run(job.pk, name)
        return
    from pilote.core.tasks import run_job

    with transaction.atomic():
        run_job.enqueue(job.pk, name)


def can_retry(job: Job) -> bool:
    return declared(job.payload.get("work", "")) is not None and (job.status == JobStatus.FAILED or is_stale(job))


def retry(job: Job) -> None:
    """Start a failed or interrupted job again with the same work and data."""
    if not can_retry(job):
        raise DomainError("Ce traitement ne peut pas être relancé : il est terminé ou toujours en cours.")
    start(job, _works[job.payload["work"]])


def _run(job_id: int, name: str) -> None:
    progress = Progress(job_id)
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_S):
            progress.beat()

    beating = threading.Thread(target=heartbeat, name=f"job-{job_id}-heartbeat", daemon=True)
    beating.start()
    try:
        Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
        job = Job.objects.get(pk=job_id)
        try:
            message = _works[name](job, progress)
        except DomainError as exc:
            _finish(job_id, JobStatus.FAILED, exc.message, progress)
        except Exception:
            logger.exception("Job %s (%s) failed", job_id, job.kind)
            _finish(job_id, JobStatus.FAILED, UNEXPECTED, progress)
        else:
            _finish(job_id, JobStatus.DONE, message, progress)
    finally:
        stop.set()
        beating.join()
        _progress_path(job_id).unlink(missing_ok=True)


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
    """A job still « en cours » whose progress file has not been written for PILOTE_JOBS_STALE_AFTER_S seconds
    (2 minutes): the process running it has stopped, since that process rewrites it every HEARTBEAT_S."""
    if job.status not in (JobStatus.RUNNING, JobStatus.QUEUED):
        return False
    try:
        last = dt.datetime.fromtimestamp(_progress_path(job.pk).stat().st_mtime, tz=dt.UTC)
    except OSError:
        last = job.started_at or job.created_at
    return timezone.now() - last > dt.timedelta(seconds=settings.PILOTE_JOBS_STALE_AFTER_S)
