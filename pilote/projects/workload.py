"""Workload per person per week, pure: each working day of an unfinished task counts one day for its owner (the
task is their work that day), against the week's capacity — its working days, public holidays left out. A week
whose load exceeds the capacity is an overload: two tasks on the same days, or a task on a holiday week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pilote.projects.cpm import is_working_day

HOURS_PER_DAY = 7


@dataclass(frozen=True)
class Assignment:
    owner_id: int
    start: dt.date
    finish: dt.date  # inclusive, as the tasks store it
    label: str = ""


@dataclass
class Cell:
    load: int = 0  # working days
    capacity: int = 0
    tasks: list[str] = field(default_factory=list)

    @property
    def overloaded(self) -> bool:
        return self.load > self.capacity


def mondays(first: dt.date, weeks: int) -> list[dt.date]:
    monday = first - dt.timedelta(days=first.weekday())
    return [monday + dt.timedelta(weeks=i) for i in range(weeks)]


def grid(assignments: list[Assignment], weeks: list[dt.date]) -> dict[int, list[Cell]]:
    """{owner id: one Cell per week}: the load in working days and the week's capacity."""
    capacity = [sum(is_working_day(w + dt.timedelta(days=i)) for i in range(7)) for w in weeks]
    end = weeks[-1] + dt.timedelta(days=7)
    result: dict[int, list[Cell]] = {}
    for a in assignments:
        cells = result.setdefault(a.owner_id, [Cell(capacity=c) for c in capacity])
        day = max(a.start, weeks[0])
        while day <= a.finish and day < end:
            if is_working_day(day):
                cell = cells[(day - weeks[0]).days // 7]
                cell.load += 1
                if a.label and a.label not in cell.tasks:
                    cell.tasks.append(a.label)
            day += dt.timedelta(days=1)
    return result
