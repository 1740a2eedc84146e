"""Meetings: the agenda (items with presenter and duration), attendees and apologies, the minutes typed during
the meeting (notes per item, a summary, decisions, action items that are tasks in their owner's to-do list), the
minutes' PDF e-mailed to the attendees, and the next meeting of a series, which carries the unfinished actions
to its agenda. A meeting is also an event of its organiser's calendar (with its attendees), its room booked."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.office.models import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    Presence,
    Task,
    TaskStatus,
)
from pilote.office.services import agenda, bookings, tasks


def can_edit(user, meeting: Meeting) -> bool:
    return user.can("office.meetings.edit")


def _check_times(starts_at, ends_at) -> None:
    if ends_at <= starts_at:
        raise DomainError("La réunion finit après son début.")


def _attend(meeting: Meeting, users=(), guests=()) -> None:
    present = set(meeting.attendees.values_list("user_id", flat=True))
    for user in users:
        if user.pk not in present:
            MeetingAttendee.objects.create(meeting=meeting, user=user, name=str(user), email=user.email or "")
    known = set(meeting.attendees.values_list("email", flat=True))
    for email in guests:
        if email and email not in known:
            MeetingAttendee.objects.create(meeting=meeting, name=email, email=email)


@transaction.atomic
def create_meeting(
    *, actor, title: str, starts_at: dt.datetime, ends_at: dt.datetime, series: str = "", place: str = "",
    room=None, attendees=(), guests=(), items=(), previous: Meeting | None = None,
) -> Meeting:  # fmt: skip
    title = (title or "").strip()
    if not title:
        raise DomainError("Donnez un intitulé à la réunion.")
    _check_times(starts_at, ends_at)
    meeting = Meeting.objects.create(title=title, series=(series or "").strip(), starts_at=starts_at, ends_at=ends_at,
                                     place=place or (room.name if room else ""), room=room, organiser=actor,
                                     previous=previous)  # fmt: skip
    _attend(meeting, list(attendees), guests)
    for position, (item_title, presenter, minutes) in enumerate(items, start=1):
        AgendaItem.objects.create(meeting=meeting, position=position, title=item_title, presenter=presenter,
                                  minutes=minutes or 15)  # fmt: skip
    event = agenda.create_event(actor=None, calendar=agenda.personal_calendar(actor), title=title,
                                starts_at=starts_at, ends_at=ends_at, place=meeting.place,
                                attendees=list(attendees), guests=guests)  # fmt: skip
    event.organiser = actor
    event.save(update_fields=["organiser"])
    meeting.event = event
    meeting.save(update_fields=["event"])
    if room is not None:
        bookings.book_resource(actor=actor, resource=room, starts_at=starts_at, ends_at=ends_at, title=title,
                               attendees=max(1, meeting.attendees.count()), event=event)  # fmt: skip
    audit.record(actor, "office.meeting.created", meeting, after=audit.snapshot(meeting))
    return meeting


def _locked(meeting: Meeting, actor) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not can_edit(actor, meeting):
        raise DomainError("Votre rôle ne permet pas de modifier cette réunion.")
    return meeting


@transaction.atomic
def add_item(*, actor, meeting: Meeting, title: str, presenter=None, minutes: int = 15) -> AgendaItem:
    meeting = _locked(meeting, actor)
    title = (title or "").strip()
    if not title:
        raise DomainError("Donnez un intitulé au point de l'ordre du jour.")
    position = (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, position=position, title=title, presenter=presenter,
                                     minutes=minutes or 15)  # fmt: skip
    audit.record(actor, "office.meeting.item_added", meeting, after={"point": title})
    return item


@transaction.atomic
def add_attendees(*, actor, meeting: Meeting, users=(), guests=()) -> None:
    meeting = _locked(meeting, actor)
    _attend(meeting, users, guests)
    audit.record(actor, "office.meeting.attendees", meeting)


@transaction.atomic
def record_minutes(*, actor, meeting: Meeting, summary: str, notes: dict, presence: dict,
                   expected_version=None) -> Meeting:  # fmt: skip
    """The minutes as typed: the summary, each item's notes ({item id: text}), who was there, excused or absent
    ({attendee id: presence}). The meeting is held from then on."""
    meeting = _locked(meeting, actor)
    check_version(meeting.version, expected_version, "La réunion")
    for item in meeting.items.all():
        if item.pk in notes and notes[item.pk] != item.notes:
            item.notes = notes[item.pk]
            item.save(update_fields=["notes"])
    for attendee in meeting.attendees.all():
        value = presence.get(attendee.pk)
        if value in Presence.values and value != attendee.presence:
            attendee.presence = value
            attendee.save(update_fields=["presence"])
    meeting.summary = summary or ""
    if meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
    meeting.version += 1
    meeting.save()
    audit.record(actor, "office.meeting.minutes", meeting)
    return meeting


@transaction.atomic
def add_decision(*, actor, meeting: Meeting, text: str, item: AgendaItem | None = None) -> Decision:
    meeting = _locked(meeting, actor)
    text = (text or "").strip()
    if not text:
        raise DomainError("Écrivez la décision.")
    if item is not None and item.meeting_id != meeting.pk:
        raise DomainError("Ce point n'est pas à l'ordre du jour de cette réunion.")
    decision = Decision.objects.create(meeting=meeting, item=item, text=text)
    audit.record(actor, "office.meeting.decision", meeting, after={"décision": text[:200]})
    return decision


@transaction.atomic
def add_action(*, actor, meeting: Meeting, title: str, owner, due_on=None, important=True, urgent=False) -> Task:
    """An action item of the minutes: who, what, by when — a task in its owner's to-do list."""
    meeting = _locked(meeting, actor)
    description = f"Action décidée en réunion : {meeting}."
    return tasks.create_task(actor=actor, title=title, owner=owner, due_on=due_on, important=important,
                             urgent=urgent, meeting=meeting, description=description)  # fmt: skip


def recipients(meeting: Meeting) -> list[str]:
    emails = []
    for attendee in meeting.attendees.select_related("user"):
        email = attendee.email or (attendee.user.email if attendee.user_id else "")
        if email and email not in emails:
            emails.append(email)
    return emails


@transaction.atomic
def send_minutes(*, actor, meeting: Meeting, request=None) -> int:
    """The minutes' PDF e-mailed to every attendee with an address (present, excused or absent)."""
    from pilote.office import documents

    meeting = _locked(meeting, actor)
    if meeting.status == MeetingStatus.PLANNED:
        raise DomainError("Rédigez le compte rendu avant de l'envoyer.")
    to = recipients(meeting)
    if not to:
        raise DomainError("Aucun participant n'a d'adresse électronique : le compte rendu n'est pas envoyé.")
    pdf = documents.minutes_pdf(meeting, request=request)
    start = timezone.localtime(meeting.starts_at)
    body = (f"Bonjour,\n\nVous trouverez ci-joint le compte rendu de la réunion « {meeting.title} » du "
            f"{start:%d/%m/%Y}.\n\n{actor}\n")  # fmt: skip
    message = EmailMessage(f"Compte rendu : {meeting.title} du {start:%d/%m/%Y}", body, to=to)
    message.attach(documents.filename(meeting), pdf, "application/pdf")
    message.send()
    meeting.status, meeting.minutes_sent_at = MeetingStatus.SENT, timezone.now()
    meeting.save(update_fields=["status", "minutes_sent_at"])
    audit.record(actor, "office.meeting.sent", meeting, after={"destinataires": len(to)})
    return len(to)


def open_actions(meeting: Meeting):
    """The unfinished actions of this meeting and of the earlier ones of its chain."""
    ids, current = [], meeting
    while current is not None and len(ids) < 50:
        ids.append(current.pk)
        current = current.previous
    return Task.objects.filter(meeting_id__in=ids, status=TaskStatus.OPEN).select_related("owner").order_by("due_on")


@transaction.atomic
def schedule_next(*, actor, meeting: Meeting, starts_at: dt.datetime) -> Meeting:
    """The next meeting of the series: same title, place, room, attendees and standing items; its first item
    carries the actions still open, with their owner and due date."""
    if Meeting.objects.filter(previous=meeting).exists():
        raise DomainError("La réunion suivante de cette série est déjà prévue.")
    if starts_at <= meeting.starts_at:
        raise DomainError("La réunion suivante a lieu après celle-ci.")
    carried = list(open_actions(meeting))
    users = [a.user for a in meeting.attendees.select_related("user") if a.user_id]
    guests = [a.email for a in meeting.attendees.all() if not a.user_id and a.email]
    items = [(i.title, i.presenter, i.minutes) for i in meeting.items.filter(carried=False)]
    following = create_meeting(
        actor=actor, title=meeting.title, series=meeting.series or meeting.title, starts_at=starts_at,
        ends_at=starts_at + (meeting.ends_at - meeting.starts_at), place=meeting.place, room=meeting.room,
        attendees=users, guests=guests, items=items, previous=meeting,
    )  # fmt: skip
    if carried:
        following.items.update(position=F("position") + 1)
        lines = [f"- {t.title} ({t.owner}{f', pour le {t.due_on:%d/%m/%Y}' if t.due_on else ''})" for t in carried]
        AgendaItem.objects.create(meeting=following, position=1, title="Suivi des actions en cours", minutes=10,
                                  carried=True, notes="\n".join(lines))  # fmt: skip
    return following


@transaction.atomic
def attach_document(*, actor, meeting: Meeting, document=None, uploaded=None, title: str = "", folder=None):
    """Attach a document of the store to the meeting, or file an uploaded one in the store (folder chosen, public
    in the structure, dated the meeting's day) and attach it. The document's confidentiality still decides who
    sees it: the meeting's page lists only what each person may open."""
    from pilote.office.queries.documents import visible_documents
    from pilote.office.services import documents

    if uploaded is not None:
        if folder is None:
            raise DomainError("Choisissez le dossier du plan de classement où ranger le fichier.")
        name = (title or "").strip() or uploaded.name.rsplit(".", 1)[0][:200]
        document = documents.file_document(actor=actor, uploaded=uploaded, title=name, folder=folder,
                                           document_date=timezone.localdate(meeting.starts_at))  # fmt: skip
    elif document is None:
        raise DomainError("Choisissez un document du classement ou joignez un fichier.")
    elif not visible_documents(actor).filter(pk=document.pk).exists():
        raise DomainError("Ce document ne vous est pas accessible.")
    if meeting.documents.filter(pk=document.pk).exists():
        raise DomainError(f"« {document.title} » est déjà joint à la réunion.")
    meeting.documents.add(document)
    audit.record(actor, "office.meeting.document", meeting, after={"document": document.title})
    return document
