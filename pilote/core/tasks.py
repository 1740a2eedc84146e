"""The tasks Pilote puts on the queue (Django's Tasks API, django-tasks backport, database backend)."""

from contextlib import suppress

from django.utils.module_loading import import_string
from django_tasks import task

from pilote.core import jobs


@task()
def run_job(job_id: int, work: str) -> None:
    """Run a `Job` with the work declared under that name (core.jobs); the row records the outcome."""
    if work not in jobs._works:
        with suppress(ImportError):
            import_string(work)  # a worker imports the module on first use: its @jobs.work declares it
    if work not in jobs._works:
        jobs._finish(job_id, "failed", jobs.UNEXPECTED, jobs.Progress(job_id))
        return
    jobs._run(job_id, work)
