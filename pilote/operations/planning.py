"""Pure rules of the intervention planning: overlaps (a technician is in one place at a time, travel time
between two visits included), skills, working hours, and the expansion of a recurrence (every weekday at 8:00…)
that skips the French public holidays."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
DEFAULT_TRAVEL = 15  # minutes, when an address is in no sector


def postcode(address: str) -> str | None:
    """The French postcode of an address typed on one line or several (the last five-digit group: a street
    number comes first)."""
    found = POSTCODE.findall(address or "")
    return found[-1] if found else None


def sector_of(address: str, sectors: Iterable[tuple[str, list[str]]]) -> str | None:
    """The sector whose postcode start matches the address's postcode the longest (« 69003 » beats « 69 »)."""
    code = postcode(address)
    if code is None:
        return None
    best, length = None, 0
    for sector, prefixes in sectors:
        for prefix in prefixes:
            if code.startswith(prefix) and len(prefix) > length:
                best, length = sector, len(prefix)
    return best


def travel_minutes(a: str | None, b: str | None, within: dict[str, int], between: dict[frozenset, int]) -> int:
    """The travel time between two visits' sectors: inside one sector its own time, between two the matrix's,
    else (an address in no sector, a pair not filled in) the default quarter of an hour."""
    if a is None or b is None:
        return DEFAULT_TRAVEL
    if a == b:
        return within.get(a, DEFAULT_TRAVEL)
    return between.get(frozenset((a, b)), DEFAULT_TRAVEL)


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
