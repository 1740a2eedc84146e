"""Answer deadlines (pure): a number of working days (Monday to Friday) after the day of receipt."""

from __future__ import annotations

import datetime as dt

# Working days allowed for the first answer, by severity (the structure's own service commitment).
ANSWER_DAYS = {"critical": 2, "major": 5, "minor": 10}


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day `days` working days (Mon–Fri) after `start`; the day of receipt itself does not count,
    so a complaint received on a Friday or a Saturday with 2 days is due on the following Tuesday."""
    if days < 0:
        raise ValueError("Le nombre de jours ouvrés ne peut pas être négatif.")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def answer_deadline(severity: str, received_on: dt.date) -> dt.date:
    return add_working_days(received_on, ANSWER_DAYS[severity])
