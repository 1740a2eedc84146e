"""The tasks Pilote puts on the queue (Django's Tasks API, django-tasks backport, database backend)."""

from django_tasks import task

from pilote.core import jobs


@task()
def run_job(job_id: int, work: str) -> None:
    """Run a `Job` with the work declared under that name (core.jobs); the row records the outcome."""
    if jobs.declared(work) is None:  # a worker imports the module on first use: its @jobs.work declares it
        jobs._finish(job_id, "failed", jobs.UNEXPECTED, jobs.Progress(job_id))
        return
    jobs._run(job_id, work)
