"""The agenda's reads: the entries of the chosen calendars over a day, a week or a month — events expanded by
their recurrence, the rooms' bookings, and the read-only layers other apps register (core.registry) — grouped
by local day. Bounded: one query for the events (with their calendars), one for the bookings, one per layer."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pilote.core.registry import calendar_layers_for
from pilote.lib.dates import add_months
from pilote.office import recurrence
from pilote.office.models import Booking, BookingStatus, CalendarKind, Event
from pilote.office.queries.bookings import day_bounds

VIEWS = {"jour": "Jour", "semaine": "Semaine", "mois": "Mois"}


@dataclass
class Entry:
    title: str
    start: dt.datetime | None  # local; None for a whole day
    end: dt.datetime | None
    url: str
    kind: str  # "event", "booking", "layer"
    source: str  # the calendar's or the layer's name

    @property
    def sort_key(self):
        return (self.start is not None, self.start.time() if self.start else dt.time.min, self.title)


def period(view: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if view == "jour":
        return day, day
    if view == "semaine":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    first = day.replace(day=1)
    return first, first.replace(day=month_calendar.monthrange(first.year, first.month)[1])


def neighbours(view: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if view == "jour":
        return day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    if view == "semaine":
        return day - dt.timedelta(days=7), day + dt.timedelta(days=7)
    first = day.replace(day=1)
    return add_months(first, -1), add_months(first, 1)


def _spread(entries: dict, entry: Entry, start: dt.datetime, end: dt.datetime, first: dt.date, last: dt.date):
    day = max(start.date(), first)
    last_day = min((end - dt.timedelta(microseconds=1)).date() if end > start else start.date(), last)
    while day <= last_day:
        entries.setdefault(day, []).append(entry)
        day += dt.timedelta(days=1)


def entries(user, calendars, first: dt.date, last: dt.date, layers: list[str]) -> dict[dt.date, list[Entry]]:
    start, end = day_bounds(first, last)
    found: dict[dt.date, list[Entry]] = {}
    calendars = list(calendars)
    ids = [c.pk for c in calendars if c.kind != CalendarKind.ROOM]
    events = Event.objects.filter(calendar_id__in=ids, starts_at__lt=end).filter(~Q(rrule="") | Q(ends_at__gt=start))
    for event in events.select_related("calendar").order_by("starts_at")[:2000]:
        url = reverse("office:event-detail", args=[event.pk])
        for occ_start, occ_end in recurrence.occurrences(event.starts_at, event.ends_at, event.rrule, start, end):
            local_start, local_end = timezone.localtime(occ_start), timezone.localtime(occ_end)
            entry = Entry(event.title, None if event.all_day else local_start, None if event.all_day else local_end,
                          url, "event", event.calendar.name)  # fmt: skip
            _spread(found, entry, local_start, max(local_end, local_start + dt.timedelta(seconds=1)), first, last)
    rooms = [c.resource_id for c in calendars if c.kind == CalendarKind.ROOM]
    if rooms:
        bookings = Booking.objects.filter(resource_id__in=rooms, status=BookingStatus.CONFIRMED, starts_at__lt=end,
                                          ends_at__gt=start).select_related("resource")  # fmt: skip
        for booking in bookings.order_by("starts_at")[:2000]:
            local_start, local_end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
            entry = Entry(f"{booking.resource.name} : {booking.title}", local_start, local_end,
                          reverse("office:resource-detail", args=[booking.resource_id]), "booking",
                          booking.resource.name)  # fmt: skip
            _spread(found, entry, local_start, local_end, first, last)
    for layer in calendar_layers_for(user):
        if layer.key not in layers:
            continue
        for item in layer.entries(user, first, last):
            moment = timezone.make_aware(dt.datetime.combine(item.day, item.time)) if item.time else None
            entry = Entry(item.title, moment, None, item.url, "layer", layer.label)
            found.setdefault(item.day, []).append(entry)
    for day_entries in found.values():
        day_entries.sort(key=lambda e: e.sort_key)
    return found


def days(first: dt.date, last: dt.date, found: dict) -> list[tuple[dt.date, list[Entry]]]:
    count = (last - first).days + 1
    return [(first + dt.timedelta(days=n), found.get(first + dt.timedelta(days=n), [])) for n in range(count)]


def month_weeks(first: dt.date, found: dict) -> list[list[tuple[dt.date, bool, list[Entry]]]]:
    """The month as weeks from Monday: (day, in the month, entries)."""
    weeks = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([(day, day.month == first.month, found.get(day, [])) for day in week])
    return weeks


def event_initial(event) -> dict:
    """The event form's values for an existing event (its page's edit form, the API's change)."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return {
        "calendar": event.calendar_id, "title": event.title, "day": start.date(), "start": start.time(),
        "end_day": end.date() if end.date() != start.date() else None, "end": end.time(), "all_day": event.all_day,
        "place": event.place, "description": event.description, "rrule": event.rrule,
        "reminder_minutes": event.reminder_minutes, "version": event.version,
        "attendees": list(event.attendees.filter(user__isnull=False).values_list("user_id", flat=True)),
        "guests": ", ".join(event.attendees.filter(user__isnull=True).values_list("email", flat=True)),
    }  # fmt: skip
