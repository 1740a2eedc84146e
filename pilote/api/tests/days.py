"""Dates of the API's tests, relative to the local today, so that they pass on any day: the tests' structure keeps
its books for the current year (`conftest.structure`), the data set's documents are dated within that year and plans
in the next one; what may not be dated in the future (a gift, a signed mandate, a non-conformity found) is dated
today or a few days ago (`ago`), and what depends on the day of the week starts on a Monday (`monday`). A body of
the data set names a date « Y-03-02 » (this year), « Y+1-01-20 » (next year), « Y-1-01-06 » (last year) or « today »;
a test calls `iso(3, 2)`, `iso(1, 20, years=1)`, `ago(3)`."""

from __future__ import annotations

import datetime as dt
import re

from pilote.lib.dates import local_today

TOKEN = re.compile(r"^Y([+-]\d+)?-(\d\d)-(\d\d)$")


def year(offset: int = 0) -> int:
    """The current local year (or `offset` years from it)."""
    return local_today().year + offset


def day(month: int, number: int, *, years: int = 0) -> dt.date:
    """That day of the current year (or of `years` years from it)."""
    return dt.date(year(years), month, number)


def iso(month: int, number: int, *, years: int = 0) -> str:
    return day(month, number, years=years).isoformat()


def monday(month: int, number: int, *, years: int = 0) -> dt.date:
    """The first Monday on or after that day (a plan that counts working days or weekdays)."""
    start = day(month, number, years=years)
    return start + dt.timedelta(days=-start.weekday() % 7)


def ago(days: int) -> str:
    """The ISO date `days` days before the local today."""
    return (local_today() - dt.timedelta(days=days)).isoformat()


def resolve(text: str) -> str:
    """A data set's « Y-03-02 » / « Y+1-01-20 » as an ISO date; any other text unchanged."""
    match = TOKEN.match(text)
    if match is None:
        return text
    return iso(int(match[2]), int(match[3]), years=int(match[1] or 0))
