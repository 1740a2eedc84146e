"""Periodic work that lives in the application: the nightly backup, the nightly ledger verification…

Each app declares its schedules (`register`) with a work declared with `@jobs.work`; `manage.py run_schedules
--loop` (started by `make run` beside the worker; one or several per installation) looks every 30 seconds for
what fell due and starts it as a background job on the queue. A `ScheduledRun` row per (schedule, due time),
unique in the database, makes each run happen once however many schedulers run. Times are Paris local times
(a backup « à 02:00 » is at 02:00 in winter and summer). A run missed by more than CATCH_UP (the servers
were stopped) is not made up later: the next one comes at its time. Direction sees the schedules, their
last run and the next one at « Administration › Traitements ».
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from pilote.core import jobs
from pilote.core.registry import lazy

logger = logging.getLogger(__name__)

CATCH_UP = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Schedule:
    name: str  # stable code, e.g. "core.backup"
    label: str  # what direction reads: « Sauvegarde de l'instance »
    work: Callable  # a function declared with @jobs.work, or a `core.registry.lazy` naming one (imported when due)
    hour: int
    minute: int = 0
    monthday: int | None = None  # None: every day; else that day of each month (1–28)

    def cadence(self) -> str:
        at = f"{self.hour:02d}:{self.minute:02d}"
        if self.monthday is None:
            return f"chaque jour à {at}"
        day = "1er" if self.monthday == 1 else str(self.monthday)
        return f"le {day} de chaque mois à {at}"

    def _at(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(self.hour, self.minute), tzinfo=timezone.get_default_timezone())

    def last_due(self, now: dt.datetime) -> dt.datetime:
        """The latest due time at or before `now`."""
        local = timezone.localtime(now)
        if self.monthday is None:
            due = self._at(local.date())
            return due if due <= local else self._at(local.date() - dt.timedelta(days=1))
        due = self._at(local.date().replace(day=self.monthday))
        if due <= local:
            return due
        previous = local.date().replace(day=1) - dt.timedelta(days=1)
        return self._at(previous.replace(day=self.monthday))

    def next_due(self, now: dt.datetime) -> dt.datetime:
        local = timezone.localtime(now)
        if self.monthday is None:
            due = self._at(local.date())
            return due if due > local else self._at(local.date() + dt.timedelta(days=1))
        due = self._at(local.date().replace(day=self.monthday))
        if due > local:
            return due
        following = (local.date().replace(day=28) + dt.timedelta(days=4)).replace(day=self.monthday)
        return self._at(following)


_schedules: dict[str, Schedule] = {}


def register(schedule: Schedule) -> Schedule:
    if not isinstance(schedule.work, lazy):  # a lazy one is checked when it falls due (jobs.start), without import
        jobs.work_name(schedule.work)  # only declared works run from the queue
    if schedule.monthday is not None and not 1 <= schedule.monthday <= 28:
        raise ValueError("a monthly schedule runs on a day every month has (1–28)")
    _schedules[schedule.name] = schedule
    return schedule


def registered() -> list[Schedule]:
    return sorted(_schedules.values(), key=lambda s: (s.hour, s.minute, s.name))


def tick(now: dt.datetime | None = None) -> list:
    """Start every schedule that fell due (at most CATCH_UP ago) and has not run for that due time."""
    from pilote.core.models import Job, ScheduledRun

    now = now or timezone.now()
    started = []
    for schedule in registered():
        due = schedule.last_due(now)
        if now - due > CATCH_UP or ScheduledRun.objects.filter(name=schedule.name, due_at=due).exists():
            continue
        try:
            with transaction.atomic():
                job = Job.objects.create(kind=f"schedule.{schedule.name}", payload={"due_at": due.isoformat()})
                ScheduledRun.objects.create(name=schedule.name, due_at=due, job=job)
                jobs.start(job, schedule.work)
        except IntegrityError:
            continue  # another scheduler took this run
        logger.info("Scheduled %s due %s started as job %s", schedule.name, due, job.pk)
        started.append(job)
    return started


def overview(now: dt.datetime | None = None) -> list[dict]:
    """For the page: each schedule, its cadence, its next due time and its last run's job."""
    from pilote.core.models import ScheduledRun

    now = now or timezone.now()
    runs = ScheduledRun.objects.select_related("job").order_by("-due_at")
    # One small query per schedule (a handful), each reading one row: the runs table grows every night.
    return [
        {"schedule": s, "next_due": s.next_due(now), "last": runs.filter(name=s.name).first()} for s in registered()
    ]
