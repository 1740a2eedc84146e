"""Critical path method (CPM), pure: a project's tasks and dependencies in, each task's earliest and latest
start and finish, total and free float, and the critical tasks out — in working days from the project's start,
then as calendar dates skipping weekends and French public holidays.

Dependencies are finish-to-start (« FS »: the successor starts `lag` working days after the predecessor ends) or
start-to-start (« SS »: it starts `lag` days after the predecessor starts); a negative lag is a lead. A task may
carry a « start no earlier than » offset (a delivery, an authorisation). Durations are whole working days; a
duration of 0 is a milestone.

Forward pass: ES = max(constraint, FS: EF(p) + lag, SS: ES(p) + lag), EF = ES + duration; the project ends at the
latest EF. Backward pass: LF = min(project end, FS: LS(s) − lag, SS: LS(s) − lag + duration), LS = LF − duration.
Total float = LS − ES (0 on the critical path); free float = how far a task can slip without moving any
successor's earliest start. A cycle is refused with the tasks it goes through.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

FS, SS = "FS", "SS"


class CycleError(ValueError):
    def __init__(self, tasks: list):
        self.tasks = tasks
        super().__init__(f"Les dépendances forment une boucle entre : {', '.join(map(str, tasks))}.")


@dataclass(frozen=True)
class Task:
    key: Hashable
    duration: int  # working days, 0 for a milestone
    not_before: int = 0  # earliest start allowed, in working days from the project's start


@dataclass(frozen=True)
class Link:
    predecessor: Hashable
    successor: Hashable
    kind: str = FS
    lag: int = 0


@dataclass(frozen=True)
class Timing:
    early_start: int
    early_finish: int
    late_start: int
    late_finish: int
    total_float: int
    free_float: int

    @property
    def critical(self) -> bool:
        return self.total_float == 0


@dataclass(frozen=True)
class Schedule:
    timings: dict  # key → Timing
    duration: int  # working days from the start to the latest finish

    def critical_path(self) -> list:
        """The critical tasks in the order they run."""
        return [
            k
            for k, t in sorted(self.timings.items(), key=lambda i: (i[1].early_start, i[1].early_finish))
            if t.critical
        ]


def _order(tasks: dict, links: list[Link]) -> list:
    """Tasks in an order where every predecessor comes first (Kahn); a cycle raises CycleError."""
    incoming = {key: 0 for key in tasks}
    following = defaultdict(list)
    for link in links:
        incoming[link.successor] += 1
        following[link.predecessor].append(link.successor)
    ready = [key for key in tasks if incoming[key] == 0]
    order = []
    while ready:
        key = ready.pop(0)
        order.append(key)
        for successor in following[key]:
            incoming[successor] -= 1
            if incoming[successor] == 0:
                ready.append(successor)
    if len(order) < len(tasks):
        raise CycleError([key for key in tasks if incoming[key] > 0])
    return order


def schedule(tasks: Iterable[Task], links: Iterable[Link]) -> Schedule:
    tasks = {task.key: task for task in tasks}
    links = list(links)
    for link in links:
        if link.predecessor not in tasks or link.successor not in tasks:
            raise ValueError(f"dependency on an unknown task: {link}")
        if link.kind not in (FS, SS):
            raise ValueError(f"unknown dependency kind {link.kind!r}")
        if link.predecessor == link.successor:
            raise CycleError([link.predecessor])
    order = _order(tasks, links)
    before, after = defaultdict(list), defaultdict(list)
    for link in links:
        before[link.successor].append(link)
        after[link.predecessor].append(link)

    es, ef = {}, {}
    for key in order:
        start = tasks[key].not_before
        for link in before[key]:
            p = link.predecessor
            start = max(start, (ef[p] if link.kind == FS else es[p]) + link.lag)
        es[key], ef[key] = start, start + tasks[key].duration
    end = max(ef.values(), default=0)

    ls, lf = {}, {}
    for key in reversed(order):
        finish = end
        duration = tasks[key].duration
        for link in after[key]:
            s = link.successor
            finish = min(finish, ls[s] - link.lag if link.kind == FS else ls[s] - link.lag + duration)
        lf[key], ls[key] = finish, finish - duration

    timings = {}
    for key in order:
        free = end - ef[key]
        for link in after[key]:
            s = link.successor
            allowed = es[s] - link.lag - (ef[key] if link.kind == FS else es[key])
            free = min(free, allowed)
        timings[key] = Timing(es[key], ef[key], ls[key], lf[key], ls[key] - es[key], free)
    return Schedule(timings=timings, duration=end)


# --- Working days -------------------------------------------------------------------------------------------


def is_working_day(day: dt.date, alsace_moselle: bool = False) -> bool:
    from pilote.lib.public_holidays import french_holidays

    return day.weekday() < 5 and day not in french_holidays(day.year, alsace_moselle)


def working_day(start: dt.date, offset: int, alsace_moselle: bool = False) -> dt.date:
    """The date of working day number `offset` counted from `start` (0 = the first working day on or after it)."""
    day = start
    while not is_working_day(day, alsace_moselle):
        day += dt.timedelta(days=1)
    for _ in range(offset):
        day += dt.timedelta(days=1)
        while not is_working_day(day, alsace_moselle):
            day += dt.timedelta(days=1)
    return day


def span(start: dt.date, begin: int, finish: int, alsace_moselle: bool = False) -> tuple[dt.date, dt.date]:
    """First and last working day of the offsets [begin, finish) counted from `start` (a milestone, begin ==
    finish: its day, twice)."""
    return working_day(start, begin, alsace_moselle), working_day(start, max(finish - 1, begin), alsace_moselle)


def dates(start: dt.date, timing: Timing, alsace_moselle: bool = False) -> tuple[dt.date, dt.date]:
    """A task's earliest first and last working days."""
    return span(start, timing.early_start, timing.early_finish, alsace_moselle)


def offset_of(start: dt.date, day: dt.date | None, alsace_moselle: bool = False) -> int:
    """How many working days from `start` to `day`, or to the working day after it when it is a weekend or a
    public holiday (0 when absent, or on or before the first working day)."""
    if day is None:
        return 0
    count, current = 0, working_day(start, 0, alsace_moselle)
    day = working_day(day, 0, alsace_moselle)  # a weekend or holiday: the next working day
    while current < day:
        current += dt.timedelta(days=1)
        if is_working_day(current, alsace_moselle):
            count += 1
    return count
