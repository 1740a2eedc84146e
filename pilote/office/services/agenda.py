"""Calendars and events: personal calendars (made on first use), shared team calendars, a calendar per room
(its bookings); events with attendees, place, RFC 5545 recurrence and a reminder; invitations by e-mail with
the .ics attached; the private feed token of each calendar (stored as a SHA-256 digest, shown once, revocable);
the import of an .ics file (events matched by UID: imported twice, updated not duplicated)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.office import ical, recurrence
from pilote.office.models import Attendee, Calendar, CalendarKind, Event, Resource

EVENT_FIELDS = ("title", "starts_at", "ends_at", "all_day", "place", "description", "rrule", "reminder_minutes")


def personal_calendar(user) -> Calendar:
    calendar = Calendar.objects.filter(kind=CalendarKind.PERSONAL, owner=user).order_by("pk").first()
    if calendar is None:
        calendar = Calendar.objects.create(kind=CalendarKind.PERSONAL, owner=user, name=f"Agenda de {user}")
    return calendar


def room_calendar(resource: Resource) -> Calendar:
    calendar, _ = Calendar.objects.get_or_create(
        resource=resource, defaults={"kind": CalendarKind.ROOM, "name": f"Planning — {resource.name}"}
    )
    return calendar


def visible_calendars(user):
    """The user's own calendar, the team calendars they belong to (all of them for the office), the rooms'."""
    calendars = Calendar.objects.filter(Q(owner=user) | Q(kind=CalendarKind.ROOM))
    if user.can("office.manage"):
        calendars = calendars | Calendar.objects.filter(kind=CalendarKind.TEAM)
    else:
        calendars = calendars | Calendar.objects.filter(kind=CalendarKind.TEAM, members=user)
    return calendars.distinct()


def can_write(user, calendar: Calendar) -> bool:
    if not user.can("office.book") or calendar.kind == CalendarKind.ROOM:
        return False
    if calendar.kind == CalendarKind.PERSONAL:
        return calendar.owner_id == user.pk
    return user.can("office.manage") or calendar.members.filter(pk=user.pk).exists()


def can_see(user, calendar: Calendar) -> bool:
    return visible_calendars(user).filter(pk=calendar.pk).exists()


def writable_calendars(user):
    """The calendars `user` may write in (the event form's choices)."""
    ids = [c.pk for c in visible_calendars(user) if can_write(user, c)]
    return Calendar.objects.filter(pk__in=ids).order_by("kind", "name")


def may_see_event(user, event: Event) -> bool:
    """An event is seen through its calendar, or by its attendees."""
    return can_see(user, event.calendar) or event.attendees.filter(user=user).exists()


@transaction.atomic
def create_team_calendar(*, actor, name: str, members=()) -> Calendar:
    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom à l'agenda partagé.")
    calendar = Calendar.objects.create(kind=CalendarKind.TEAM, name=name)
    calendar.members.set(members)
    audit.record(actor, "office.calendar.created", calendar)
    return calendar


@transaction.atomic
def update_team_calendar(
    *, actor, calendar: Calendar, name: str, members=(), expected_version: int | None = None
) -> Calendar:
    """A shared calendar renamed, its members (who write in it) changed; a personal calendar or a room's follows
    its owner or its resource and is not changed here."""
    calendar = Calendar.objects.select_for_update().get(pk=calendar.pk)
    check_version(calendar.version, expected_version, "Cet agenda partagé")
    if calendar.kind != CalendarKind.TEAM:
        raise DomainError("Seul un agenda partagé se modifie ici : un agenda personnel ou de salle suit son "
                          "propriétaire ou sa ressource.")  # fmt: skip
    name = (name or "").strip()
    if not name:
        raise DomainError("Donnez un nom à l'agenda partagé.")
    before = {"nom": calendar.name, "membres": sorted(str(user) for user in calendar.members.all())}
    calendar.name = name[:120]
    calendar.version += 1
    calendar.save(update_fields=["name", "version"])
    calendar.members.set(members)
    after = {"nom": calendar.name, "membres": sorted(str(user) for user in calendar.members.all())}
    audit.record(actor, "office.calendar.changed", calendar, before=before, after=after)
    return calendar


def _check_event(values: dict, calendar: Calendar) -> dict:
    values["title"] = (values.get("title") or "").strip()
    if not values["title"]:
        raise DomainError("Donnez un titre à l'événement.")
    if values["ends_at"] < values["starts_at"]:
        raise DomainError("Un événement ne finit pas avant son début.")
    values["rrule"] = recurrence.check_rule(values.get("rrule") or "", values["starts_at"])
    return values


def _set_attendees(event: Event, users=(), emails=()) -> None:
    wanted = {user.pk: user for user in users}
    event.attendees.filter(user__isnull=False).exclude(user__in=wanted).delete()
    present = set(event.attendees.filter(user__isnull=False).values_list("user_id", flat=True))
    for pk, user in wanted.items():
        if pk not in present:
            Attendee.objects.create(event=event, user=user, name=str(user), email=user.email or "")
    known = set(event.attendees.filter(user__isnull=True).values_list("email", flat=True))
    for email in emails:
        if email and email not in known:
            Attendee.objects.create(event=event, email=email, name=email)


@transaction.atomic
def create_event(*, actor, calendar: Calendar, attendees=(), guests=(), uid: str = "", **fields) -> Event:
    if actor is not None and not can_write(actor, calendar):
        raise DomainError("Vous n'écrivez pas dans cet agenda.")
    values = _check_event({key: fields.get(key) for key in EVENT_FIELDS if key in fields}, calendar)
    values["reminder_minutes"] = values.get("reminder_minutes") or None
    event = Event.objects.create(calendar=calendar, organiser=actor, uid=uid or f"{uuid.uuid4()}@pilote", **values)
    _set_attendees(event, attendees, guests)
    audit.record(actor, "office.event.created", event, after=audit.snapshot(event))
    return event


@transaction.atomic
def update_event(*, actor, event: Event, expected_version=None, attendees=None, guests=None, **fields) -> Event:
    event = Event.objects.select_for_update().select_related("calendar").get(pk=event.pk)
    if not can_write(actor, event.calendar):
        raise DomainError("Vous n'écrivez pas dans cet agenda.")
    check_version(event.version, expected_version, "L'événement")
    before = audit.snapshot(event)
    values = _check_event({key: fields.get(key, getattr(event, key)) for key in EVENT_FIELDS}, event.calendar)
    for key, value in values.items():
        setattr(event, key, value)
    event.reminder_minutes = event.reminder_minutes or None
    event.version += 1
    event.sequence += 1
    event.save()
    if attendees is not None:
        _set_attendees(event, attendees, guests or ())
    audit.record(actor, "office.event.updated", event, before=before, after=audit.snapshot(event))
    return event


@transaction.atomic
def delete_event(*, actor, event: Event) -> None:
    if not can_write(actor, event.calendar):
        raise DomainError("Vous n'écrivez pas dans cet agenda.")
    audit.record(actor, "office.event.deleted", event, before=audit.snapshot(event))
    event.delete()


@transaction.atomic
def save_event(*, actor, data: dict, event: Event | None = None) -> Event:
    """An event created or changed from the event form's cleaned data, its room booked when one is chosen (only for
    an event that does not repeat) — the agenda page and the API."""
    from pilote.office.services import bookings

    data = dict(data)
    room, version = data.pop("room", None), data.pop("version", None)
    fields = {key: data[key] for key in EVENT_FIELDS}
    if event is None:
        event = create_event(actor=actor, calendar=data["calendar"], attendees=data["attendees"],
                             guests=data["guests"], **fields)  # fmt: skip
    else:
        event = update_event(actor=actor, event=event, expected_version=version, attendees=data["attendees"],
                             guests=data["guests"], **fields)  # fmt: skip
    if room is not None:
        if event.rrule:
            raise DomainError("Une salle se réserve pour un événement sans répétition.")
        bookings.book_resource(actor=actor, resource=room, starts_at=event.starts_at, ends_at=event.ends_at,
                               title=event.title, event=event, attendees=max(1, len(data["attendees"])))  # fmt: skip
        if not event.place:
            event.place = room.name
            event.save(update_fields=["place"])
    return event


def send_invitations(*, actor, event: Event) -> int:
    """E-mail each attendee with an address the invitation and its .ics (METHOD:REQUEST), by someone who writes in
    its calendar; returns how many."""
    from django.utils import timezone

    if not can_write(actor, event.calendar):
        raise DomainError("Seuls ceux qui écrivent dans cet agenda envoient les invitations.")
    event.attendee_list = list(event.attendees.select_related("user"))
    data = ical.invitation_file(event)
    start = timezone.localtime(event.starts_at)
    sent = 0
    for attendee in event.attendee_list:
        email = attendee.email or (attendee.user.email if attendee.user_id else "")
        if not email:
            continue
        body = (f"Bonjour,\n\n{actor} vous invite : « {event.title} », le {start:%d/%m/%Y} à {start:%H:%M}"
                f"{f' ({event.place})' if event.place else ''}.\n\n"
                f"{recurrence.describe(event.rrule) + chr(10) * 2 if event.rrule else ''}"
                "L'invitation est jointe au format iCalendar (.ics) pour votre agenda.\n")  # fmt: skip
        message = EmailMessage(f"Invitation : {event.title} — {start:%d/%m/%Y %H:%M}", body, to=[email])
        message.attach("invitation.ics", data, "text/calendar; method=REQUEST; charset=utf-8")
        message.send()
        attendee.invited_at = timezone.now()
        attendee.save(update_fields=["invited_at"])
        sent += 1
    audit.record(actor, "office.event.invited", event, after={"envoyées": sent})
    return sent


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage_feed(user, calendar: Calendar) -> bool:
    if calendar.owner_id == user.pk or user.can("office.manage"):
        return True
    return calendar.kind == CalendarKind.TEAM and calendar.members.filter(pk=user.pk).exists()


@transaction.atomic
def new_feed_token(*, actor, calendar: Calendar) -> str:
    """A new private token for the calendar's feed (the previous one stops working); shown once."""
    if not (
        calendar.owner_id == actor.pk or actor.can("office.manage") or calendar.members.filter(pk=actor.pk).exists()
    ):
        raise DomainError("Seul le propriétaire de l'agenda, ses membres ou le secrétariat en créent le lien.")
    token = secrets.token_urlsafe(32)
    calendar.feed_digest = _digest(token)
    calendar.save(update_fields=["feed_digest"])
    audit.record(actor, "office.calendar.feed_created", calendar)
    return token


@transaction.atomic
def revoke_feed(*, actor, calendar: Calendar) -> None:
    if not (
        calendar.owner_id == actor.pk or actor.can("office.manage") or calendar.members.filter(pk=actor.pk).exists()
    ):
        raise DomainError("Seul le propriétaire de l'agenda, ses membres ou le secrétariat retirent le lien.")
    calendar.feed_digest = ""
    calendar.save(update_fields=["feed_digest"])
    audit.record(actor, "office.calendar.feed_revoked", calendar)


def calendar_for_token(token: str) -> Calendar | None:
    if not token or len(token) > 100:
        return None
    digest = _digest(token)
    calendar = Calendar.objects.filter(feed_digest=digest).first()
    if calendar is None or not hmac.compare_digest(calendar.feed_digest, digest):
        return None
    return calendar


@transaction.atomic
def import_ics(*, actor, calendar: Calendar, data: bytes) -> tuple[int, int]:
    """The events of an .ics file into `calendar`: new UIDs created, known ones of this calendar updated.
    All or nothing. Returns (created, updated)."""
    if not can_write(actor, calendar):
        raise DomainError("Vous n'écrivez pas dans cet agenda.")
    created = updated = 0
    for item in ical.read_events(data):
        fields = {"title": item.title, "starts_at": item.starts_at, "ends_at": item.ends_at, "all_day": item.all_day,
                  "place": item.place, "description": item.description, "rrule": item.rrule}  # fmt: skip
        existing = Event.objects.filter(uid=item.uid).first() if item.uid else None
        if existing is not None and existing.calendar_id == calendar.pk:
            update_event(actor=actor, event=existing, **fields)
            updated += 1
        else:
            uid = item.uid if item.uid and existing is None else ""
            create_event(actor=actor, calendar=calendar, uid=uid, **fields)
            created += 1
    audit.record(actor, "office.calendar.imported", calendar, after={"créés": created, "mis à jour": updated})
    return created, updated


def occurrences_between(event: Event, first: dt.datetime, last: dt.datetime):
    return recurrence.occurrences(event.starts_at, event.ends_at, event.rrule, first, last)
