"""Pure rules of the intervention planning: overlaps (a technician is in one place at a time, travel time
between two visits included), skills, working hours, and the expansion of a recurrence (every weekday at 8:00…)
that skips the French public holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def overlaps(start: dt.datetime, end: dt.datetime, other_start: dt.datetime, other_end: dt.datetime,
             travel: dt.timedelta = dt.timedelta(0)) -> bool:  # fmt: skip
    """Two visits collide when one starts before the other ends plus the travel time between them."""
    return start < other_end + travel and other_start < end + travel


def occurrences(first: dt.date, last: dt.date, weekdays: Iterable[int], holidays: set[dt.date]) -> list[dt.date]:
    """The days from `first` to `last` whose weekday (0 = Monday) is in `weekdays`, public holidays left out."""
    wanted = set(weekdays)
    days, day = [], first
    while day <= last:
        if day.weekday() in wanted and day not in holidays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def week_of(day: dt.date) -> list[dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return [monday + dt.timedelta(days=i) for i in range(7)]
