"""iCalendar (RFC 5545) files of the agenda, through the maintained `icalendar` library: a calendar's feed (its
events with their recurrence, reminder and attendees; a room's bookings), the invitation attached to an e-mail,
and the reading of an imported .ics file. Times are written with the Europe/Paris time zone (its VTIMEZONE
included); an imported time without a zone is read as local time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from pilote.core.exceptions import DomainError

if TYPE_CHECKING:
    import icalendar

PRODID = "-//Pilote//Agenda//FR"
MAX_IMPORTED = 2000


def _zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(_zone())


def _calendar(name: str, method: str = "") -> icalendar.Calendar:
    import icalendar  # imported where used: the agenda's module loads at every start-up (demo registry)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if method:
        cal.add("method", method)
    return cal


def _vevent(event, stamp: dt.datetime) -> icalendar.Event:
    import icalendar

    item = icalendar.Event()
    item.add("uid", event.uid)
    item.add("dtstamp", stamp)
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    if event.all_day:
        start = _local(event.starts_at).date()
        item.add("dtstart", start)
        item.add("dtend", max(_local(event.ends_at).date(), start) + dt.timedelta(days=1))
    else:
        item.add("dtstart", _local(event.starts_at))
        item.add("dtend", _local(event.ends_at))
    if event.place:
        item.add("location", event.place)
    if event.description:
        item.add("description", event.description)
    if event.rrule:
        item.add("rrule", icalendar.vRecur.from_ical(event.rrule))
    if event.organiser_id and event.organiser.email:
        item.add("organizer", f"mailto:{event.organiser.email}", parameters={"CN": str(event.organiser)})
    for attendee in getattr(event, "attendee_list", ()):
        email = attendee.email or (attendee.user.email if attendee.user_id else "")
        if email:
            item.add("attendee", f"mailto:{email}", parameters={
                "CN": attendee.name or email, "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": attendee.response.upper().replace("_", "-"), "RSVP": "TRUE",
            })  # fmt: skip
    if event.reminder_minutes:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.title)
        alarm.add("trigger", dt.timedelta(minutes=-event.reminder_minutes))
        item.add_component(alarm)
    return item


def _booking_vevent(booking, stamp: dt.datetime) -> icalendar.Event:
    import icalendar

    item = icalendar.Event()
    item.add("uid", f"reservation-{booking.pk}@pilote")
    item.add("dtstamp", stamp)
    item.add("summary", f"{booking.resource} — {booking.title}")
    item.add("dtstart", _local(booking.starts_at))
    item.add("dtend", _local(booking.ends_at))
    item.add("location", booking.resource.location or str(booking.resource))
    return item


def calendar_file(name: str, events, bookings=()) -> bytes:
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    cal = _calendar(name)
    for event in events:
        cal.add_component(_vevent(event, stamp))
    for booking in bookings:
        cal.add_component(_booking_vevent(booking, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


def invitation_file(event) -> bytes:
    """METHOD:REQUEST, the form an e-mail client offers to accept."""
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    cal = _calendar(event.calendar.name, method="REQUEST")
    cal.add_component(_vevent(event, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


@dataclass
class ImportedEvent:
    uid: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    place: str
    description: str
    rrule: str


def _moment(value) -> tuple[dt.datetime, bool]:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=_zone())
        return value, False
    return dt.datetime.combine(value, dt.time.min, tzinfo=_zone()), True


def read_events(data: bytes) -> list[ImportedEvent]:
    """The events of an .ics file; a file that is not iCalendar is refused in French."""
    import icalendar

    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise DomainError("Ce fichier n'est pas un agenda au format iCalendar (.ics) lisible.") from exc
    found = []
    for cal in calendars:
        for item in cal.walk("VEVENT"):
            if len(found) >= MAX_IMPORTED:
                raise DomainError(f"Le fichier contient plus de {MAX_IMPORTED} événements : découpez-le.")
            if item.get("dtstart") is None:
                continue
            try:
                start, all_day = _moment(item.decoded("dtstart"))
                if item.get("dtend") is not None:
                    end, _ = _moment(item.decoded("dtend"))
                elif item.get("duration") is not None:
                    end = start + item.decoded("duration")
                else:
                    end = start + (dt.timedelta(days=1) if all_day else dt.timedelta(0))
            except (ValueError, TypeError, OverflowError) as exc:
                raise DomainError("Une date du fichier n'est pas lisible : rien n'a été importé.") from exc
            if all_day:
                end -= dt.timedelta(seconds=1)  # DTEND of a whole day is the next day, excluded
            rule = item.get("rrule")
            found.append(ImportedEvent(
                uid=str(item.get("uid") or "")[:255], title=str(item.get("summary") or "Sans titre")[:200],
                starts_at=start, ends_at=max(end, start), all_day=all_day,
                place=str(item.get("location") or "")[:200], description=str(item.get("description") or ""),
                rrule=rule.to_ical().decode()[:300] if rule is not None else "",
            ))  # fmt: skip
    return found
