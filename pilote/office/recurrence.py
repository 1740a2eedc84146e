"""Recurrence of agenda events (RFC 5545 RRULE, expanded with python-dateutil).

Rules are expanded in local time (Europe/Paris): a meeting every Monday at 09:00 stays at 09:00 across the
change to summer time. Pure: no database access."""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrulestr
from django.utils import timezone

from pilote.core.exceptions import DomainError

MAX_OCCURRENCES = 1000  # an expansion never runs away (FREQ=MINUTELY without end)

FREQUENCIES = {
    "": "Jamais",
    "DAILY": "Tous les jours",
    "WEEKDAYS": "Du lundi au vendredi",
    "WEEKLY": "Toutes les semaines",
    "BIWEEKLY": "Toutes les deux semaines",
    "MONTHLY": "Tous les mois",
    "YEARLY": "Tous les ans",
}
_RULES = {
    "DAILY": "FREQ=DAILY",
    "WEEKDAYS": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "WEEKLY": "FREQ=WEEKLY",
    "BIWEEKLY": "FREQ=WEEKLY;INTERVAL=2",
    "MONTHLY": "FREQ=MONTHLY",
    "YEARLY": "FREQ=YEARLY",
}


def build_rule(frequency: str, until: dt.date | None = None, count: int | None = None) -> str:
    """The RRULE text of a choice of the form: UNTIL is the end of the local day, written in UTC (RFC 5545
    requires UTC when the start has a time zone)."""
    if not frequency:
        return ""
    rule = _RULES[frequency]
    if until is not None:
        end = timezone.make_aware(dt.datetime.combine(until, dt.time(23, 59, 59))).astimezone(dt.UTC)
        rule += f";UNTIL={end:%Y%m%dT%H%M%SZ}"
    elif count:
        rule += f";COUNT={count}"
    return rule


def describe(rule: str) -> str:
    """A French reading of the common rules (others are shown as written)."""
    if not rule:
        return ""
    parts = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    base = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("UNTIL", "COUNT"))
    label = next((FREQUENCIES[key] for key, value in _RULES.items() if value == base), f"Règle {rule}")
    if "UNTIL" in parts:
        until = dt.datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        label += f" jusqu'au {until:%d/%m/%Y}"
    elif "COUNT" in parts:
        label += f", {parts['COUNT']} fois"
    return label


def _rule(rule: str, start: dt.datetime):
    try:
        return rrulestr(f"RRULE:{rule}", dtstart=start, forceset=True)
    except (ValueError, TypeError, KeyError) as exc:
        raise DomainError(f"La règle de récurrence « {rule} » n'est pas lisible (RFC 5545).") from exc


def check_rule(rule: str, start: dt.datetime) -> str:
    rule = (rule or "").strip().removeprefix("RRULE:")
    if rule:
        _rule(rule, timezone.localtime(start))
    return rule


def occurrences(start: dt.datetime, end: dt.datetime, rule: str, first: dt.datetime, last: dt.datetime):
    """The (start, end) of each occurrence that meets [first, last[ — the event itself without a rule."""
    length = end - start
    if not rule:
        return [(start, end)] if start < last and end > first else []
    local_start = timezone.localtime(start)
    found = []
    for occurrence in _rule(rule, local_start).xafter(timezone.localtime(first - length), inc=True):
        if occurrence >= last or len(found) >= MAX_OCCURRENCES:
            break
        if occurrence + length > first:
            found.append((occurrence, occurrence + length))
    return found
