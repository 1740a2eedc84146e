"""Date helpers (pure)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's last day (31/01 + 1 month = 28 or 29/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def statement_start(today: dt.date) -> dt.date:
    """The default start of an account statement: the first day of the month twelve months back (on 15/01/2027,
    01/01/2026), so that a statement asked for in January still shows the year's activity, not a fortnight."""
    return add_months(today.replace(day=1), -12)


def fiscal_year_containing(today: dt.date, start_month: int, start_day: int) -> tuple[dt.date, dt.date]:
    """The 12-month fiscal year that starts on start_month/start_day and contains `today`."""
    start = dt.date(today.year, start_month, start_day)
    if start > today:
        start = dt.date(today.year - 1, start_month, start_day)
    return start, add_months(start, 12) - dt.timedelta(days=1)


def parse_month_day(text: str) -> tuple[int, int]:
    """Parse 'MM-DD' into (month, day), refusing impossible dates like 02-30."""
    try:
        month, day = (int(part) for part in text.split("-"))
        dt.date(2001, month, day)  # a non-leap year: 29 February cannot start every fiscal year
    except ValueError as exc:
        raise ValueError(f"Date de début d'exercice invalide : {text!r} (format MM-JJ, ex. 01-01).") from exc
    return month, day


def local_today() -> dt.date:
    """Today's business date: the local date (TIME_ZONE, Europe/Paris), never the UTC one — a year must
    not be closable at 23:30 UTC on 31 December while it is already 1 January in Paris, nor the reverse."""
    from django.utils import timezone

    return timezone.localdate()
