"""The office over the API: resources and bookings (an overlapping slot refused with the page's alternatives, the
waiting list), agenda events, meetings (agenda items, decisions, actions, minutes), to-do tasks — each write checked
by the page's form and made by `office.services`, the pages' visibility rules applied to every read."""

import datetime as dt
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Clock,
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    sorted_page,
    through_form,
)
from pilote.office.forms import (
    ActionForm,
    BookingForm,
    DecisionForm,
    EventForm,
    MeetingForm,
    NextMeetingForm,
    TaskForm,
    aware,
)
from pilote.office.forms import ItemForm as AgendaItemForm
from pilote.office.models import Booking, Event, Meeting, Presence, Task
from pilote.office.queries import agenda as agenda_queries
from pilote.office.queries import bookings as booking_queries
from pilote.office.queries import meetings as meeting_queries
from pilote.office.queries import tasks as task_queries
from pilote.office.services import agenda, bookings, meetings, tasks, waiting

router = Router(tags=["Bureau"])


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


# --- resources, bookings, waiting list ------------------------------------------------------------------------


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int | None
    location: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    max_hours: int | None
    is_active: bool


class ResourceFilters(Paging):
    q: Words = Field("", description="nom, emplacement ou immatriculation")
    type: Literal["", "room", "vehicle", "equipment"] = ""
    tri: str = Field(booking_queries.RESOURCE_DEFAULT_SORT, description="nom, type, capacite ; préfixe - décroissant")


@guarded(router, "GET", "/ressources", "office.view", response=Page[ResourceOut])
def list_resources(request, filters: Query[ResourceFilters]):
    data = filters.dict()
    return sorted_page(
        booking_queries.filter_resources(data),
        data,
        booking_queries.RESOURCE_SORTS,
        booking_queries.RESOURCE_DEFAULT_SORT,
    )


class BookingOut(Schema):
    id: int
    resource_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    attendees: int
    booked_by_id: int | None
    notes: str
    status: str
    event_id: int | None


class SlotIn(Schema):
    resource: RequiredId = Field(..., description="id de la ressource (salle, véhicule, matériel)")
    title: str
    day: Day
    start: Clock = Field(..., description="heure locale HH:MM")
    end: Clock = Field(..., description="heure locale HH:MM")
    attendees: int = Field(1, ge=1, le=999)
    notes: str = ""


class BookingFilters(Paging):
    q: Words = ""
    type: Literal["", "room", "vehicle", "equipment"] = ""
    ressource: OptionalId = None
    du: Day | None = None
    au: Day | None = None
    etat: Literal["", "toutes", "annulees"] = Field("", description="vide : confirmées ; toutes ; annulees")
    miennes: bool = False
    tri: str = Field(booking_queries.DEFAULT_SORT, description="debut, ressource, objet, par ; préfixe - décroissant")


def _slot(request, payload: SlotIn) -> dict:
    data = through_form(BookingForm, payload)
    return {"actor": request.auth, "resource": data["resource"], "starts_at": data["starts_at"],
            "ends_at": data["ends_at"], "title": data["title"], "attendees": data["attendees"],
            "notes": data["notes"]}  # fmt: skip


@guarded(router, "GET", "/reservations", "office.view", response=Page[BookingOut])
def list_bookings(request, filters: Query[BookingFilters]):
    data = filters.dict()
    return sorted_page(
        booking_queries.filter_bookings(data, request.auth), data, booking_queries.SORTS, booking_queries.DEFAULT_SORT
    )


@guarded(router, "GET", "/reservations/{booking_id}", "office.view", response=BookingOut)
def get_booking(request, booking_id: ObjectId):
    return fetch(Booking, booking_id)


@guarded(router, "POST", "/reservations", "office.book", response={201: BookingOut})
def book(request, payload: SlotIn):
    """A slot already taken is a 409 that proposes free times and other resources, as the page does; the caller
    may then join the waiting list (`POST /liste-attente`)."""
    waiting.expire_offers(base_url=_base_url(request))
    return Status(201, bookings.book_resource(**_slot(request, payload)))


@guarded(router, "POST", "/reservations/{booking_id}/annulation", "office.book", response=BookingOut)
def cancel_booking(request, booking_id: ObjectId):
    """Cancelled (by its author or the office); the freed slot is offered to the waiting list."""
    return bookings.cancel_booking(actor=request.auth, booking=fetch(Booking, booking_id),
                                   base_url=_base_url(request))  # fmt: skip


class WaitingOut(Schema):
    id: int
    resource_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    position: int | None
    offer_expires_at: dt.datetime | None
    booking_id: int | None

    @staticmethod
    def resolve_position(obj) -> int | None:
        return waiting.position(obj) if obj.status == "waiting" else None


class WaitingFilters(Paging):
    ressource: OptionalId = None
    etat: Literal["", "toutes"] = Field("", description="vide : en attente ou proposées ; toutes")
    toutes: bool = Field(False, description="les demandes de tout le monde (gestion du bureau)")
    tri: str = Field(booking_queries.WAITING_DEFAULT_SORT, description="debut, inscription, ressource")


@guarded(router, "GET", "/liste-attente", "office.view", response=Page[WaitingOut])
def list_waiting(request, filters: Query[WaitingFilters]):
    data = filters.dict()
    return sorted_page(
        booking_queries.filter_waiting(data, request.auth),
        data,
        booking_queries.WAITING_SORTS,
        booking_queries.WAITING_DEFAULT_SORT,
    )


@guarded(router, "POST", "/liste-attente", "office.book", response={201: WaitingOut})
def join_waiting_list(request, payload: SlotIn):
    """A place on the waiting list of a taken slot: offered by e-mail and in the to-do list when it frees."""
    waiting.expire_offers(base_url=_base_url(request))
    return Status(201, waiting.join_waiting_list(**_slot(request, payload)))


# --- agenda events --------------------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    calendar_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    place: str
    description: str
    rrule: str
    reminder_minutes: int | None
    organiser_id: int | None
    version: int


class EventPatch(Schema):
    calendar: OptionalId = Field(None, description="id d'un agenda où l'appelant écrit ; absent : le sien")
    title: str | None = None
    day: Day | None = None
    start: Clock | None = None
    end_day: Day | None = Field(None, description="jusqu'au (vide : le même jour)")
    end: Clock | None = None
    all_day: bool | None = None
    place: str | None = None
    room: OptionalId = Field(None, description="id d'une salle à réserver (événement sans répétition)")
    description: str | None = None
    repeat: Literal["", "DAILY", "WEEKDAYS", "WEEKLY", "BIWEEKLY", "MONTHLY", "YEARLY"] | None = None
    repeat_until: Day | None = None
    rrule: str | None = Field(None, description="règle RFC 5545, par exemple FREQ=MONTHLY;BYDAY=1MO")
    reminder_minutes: Literal[10, 30, 60, 1440] | None = None
    attendees: list[RequiredId] | None = Field(None, max_length=500, description="ids des participants")
    guests: str | None = Field(None, description="courriels des invités extérieurs, séparés par des virgules")


class EventIn(EventPatch):
    title: str
    day: Day


class EventUpdate(EventPatch):
    version: int | None = Field(None, description="Version lue ; si l'événement a changé depuis, réponse 409.")


class EventFilters(Paging):
    du: Day | None = None
    au: Day | None = None
    calendrier: OptionalId = Field(None, description="id de l'agenda")
    q: Words = ""


def _event(request, pk: int) -> Event:
    event = fetch(Event.objects.select_related("calendar"), pk)
    if not agenda.may_see_event(request.auth, event):
        raise Http404
    return event


@guarded(router, "GET", "/evenements", "office.view", response=Page[EventOut])
def list_events(request, filters: Query[EventFilters]):
    """The events of the calendars the caller sees (a repeating event once, at its first occurrence)."""
    data = filters.dict()
    events = Event.objects.filter(calendar__in=[c.pk for c in agenda.visible_calendars(request.auth)])
    if data["calendrier"]:
        events = events.filter(calendar_id=data["calendrier"])
    if data["du"]:
        events = events.filter(ends_at__gte=booking_queries.day_bounds(data["du"], data["du"])[0])
    if data["au"]:
        events = events.filter(starts_at__lt=booking_queries.day_bounds(data["au"], data["au"])[1])
    if data["q"]:
        events = events.filter(title__icontains=data["q"])
    return page_of(events.order_by("starts_at", "id"), data)


@guarded(router, "GET", "/evenements/{event_id}", "office.view", response=EventOut)
def get_event(request, event_id: ObjectId):
    return _event(request, event_id)


@guarded(router, "POST", "/evenements", "office.book", response={201: EventOut})
def create_event(request, payload: EventIn):
    own = agenda.personal_calendar(request.auth)  # made on first use, before the choices are read
    sent = {"calendar": own.pk, "start": dt.time(9), "end": dt.time(10), **payload.dict(exclude_unset=True)}
    data = through_form(EventForm, sent, calendars=agenda.writable_calendars(request.auth))
    return Status(201, agenda.save_event(actor=request.auth, data=data))


@guarded(router, "PATCH", "/evenements/{event_id}", "office.book", response=EventOut)
def update_event(request, event_id: ObjectId, payload: EventUpdate):
    event = _event(request, event_id)
    if not agenda.can_write(request.auth, event.calendar):
        raise Http404
    sent = {**agenda_queries.event_initial(event), **payload.dict(exclude_unset=True)}
    data = {**through_form(EventForm, sent, calendars=agenda.writable_calendars(request.auth)),
            "version": payload.version}  # fmt: skip
    return agenda.save_event(actor=request.auth, data=data, event=event)


@guarded(router, "DELETE", "/evenements/{event_id}", "office.book", response={204: None})
def delete_event(request, event_id: ObjectId):
    """The event taken out of its calendar by someone who writes in it (otherwise 409), as on its page (apiops:
    on this router, as Django resolves a path to its first router)."""
    agenda.delete_event(actor=request.auth, event=_event(request, event_id))
    return Status(204, None)


# --- meetings -------------------------------------------------------------------------------------------------


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    presenter_id: int | None
    minutes: int
    notes: str
    carried: bool


class AttendeeOut(Schema):
    id: int
    user_id: int | None
    name: str
    email: str
    presence: str


class DecisionOut(Schema):
    id: int
    item_id: int | None
    text: str


class TodoOut(Schema):
    id: int
    title: str
    description: str
    owner_id: int
    created_by_id: int | None
    delegated_by_id: int | None
    due_on: dt.date | None
    important: bool
    urgent: bool
    status: str
    done_on: dt.date | None
    meeting_id: int | None
    version: int


class MeetingOut(Schema):
    id: int
    title: str
    series: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    room_id: int | None
    organiser_id: int | None
    status: str
    version: int


class MeetingDetailOut(MeetingOut):
    summary: str
    items: list[AgendaItemOut]
    attendees: list[AttendeeOut]
    decisions: list[DecisionOut]
    actions: list[TodoOut]

    @staticmethod
    def resolve_items(obj: Meeting):
        return list(obj.items.order_by("position"))

    @staticmethod
    def resolve_attendees(obj: Meeting):
        return list(obj.attendees.order_by("id"))

    @staticmethod
    def resolve_decisions(obj: Meeting):
        return list(obj.decisions.order_by("id"))

    @staticmethod
    def resolve_actions(obj: Meeting):
        return list(Task.objects.filter(meeting=obj).order_by("id"))


class MeetingIn(Schema):
    title: str
    series: str = ""
    day: Day
    start: Clock
    end: Clock
    place: str = ""
    room: OptionalId = Field(None, description="id d'une salle à réserver")
    attendees: list[RequiredId] = Field(default_factory=list, max_length=500, description="ids des participants")
    guests: str = Field("", description="courriels des invités extérieurs, séparés par des virgules")
    items: str = Field("", description="ordre du jour : un point par ligne, « Budget ; 20 » pour sa durée")


class MeetingFilters(Paging):
    q: Words = ""
    etat: Literal["", "planned", "held", "sent"] = ""
    du: Day | None = None
    au: Day | None = None
    tri: str = Field(meeting_queries.DEFAULT_SORT, description="date, intitule, serie ; préfixe - décroissant")


class AgendaItemIn(Schema):
    title: str
    presenter: OptionalId = Field(None, description="id de la personne qui présente")
    minutes: int = Field(15, ge=1, le=999)


class MeetingDecisionIn(Schema):
    text: str
    item: OptionalId = Field(None, description="id du point de l'ordre du jour")


class MeetingActionIn(Schema):
    title: str
    owner: RequiredId = Field(..., description="id de la personne chargée de l'action")
    due_on: Day | None = None
    important: bool = True
    urgent: bool = False


class MinutesIn(Schema):
    summary: str = Field("", max_length=20000)
    notes: dict[RequiredId, str] = Field(default_factory=dict, max_length=500,
                                         description="notes de chaque point : {id du point : texte}")  # fmt: skip
    presence: dict[RequiredId, Presence] = Field(default_factory=dict, max_length=500,
                                                 description="{id du participant : présence}")  # fmt: skip
    version: int | None = Field(None, description="Version lue ; si la réunion a changé depuis, réponse 409.")


@guarded(router, "GET", "/reunions", "office.meetings.view", response=Page[MeetingOut])
def list_meetings(request, filters: Query[MeetingFilters]):
    data = filters.dict()
    return sorted_page(meeting_queries.filter_meetings(data), data, meeting_queries.SORTS, meeting_queries.DEFAULT_SORT)


@guarded(router, "GET", "/reunions/{meeting_id}", "office.meetings.view", response=MeetingDetailOut)
def get_meeting(request, meeting_id: ObjectId):
    return fetch(Meeting, meeting_id)


@guarded(router, "POST", "/reunions", "office.meetings.edit", response={201: MeetingDetailOut})
def create_meeting(request, payload: MeetingIn):
    """Planned, with its agenda; an event of the organiser's calendar; its room booked (an overlap is a 409)."""
    data = through_form(MeetingForm, payload)
    meeting = meetings.create_meeting(
        actor=request.auth, title=data["title"], series=data["series"], starts_at=data["starts_at"],
        ends_at=data["ends_at"], place=data["place"], room=data["room"], attendees=data["attendees"],
        guests=data["guests"], items=data["items"],
    )  # fmt: skip
    return Status(201, meeting)


@guarded(router, "POST", "/reunions/{meeting_id}/points", "office.meetings.edit", response={201: AgendaItemOut})
def add_agenda_item(request, meeting_id: ObjectId, payload: AgendaItemIn):
    meeting = fetch(Meeting, meeting_id)
    return Status(201, meetings.add_item(actor=request.auth, meeting=meeting, **through_form(AgendaItemForm, payload)))


@guarded(router, "POST", "/reunions/{meeting_id}/decisions", "office.meetings.edit", response={201: DecisionOut})
def add_decision(request, meeting_id: ObjectId, payload: MeetingDecisionIn):
    meeting = fetch(Meeting, meeting_id)
    data = through_form(DecisionForm, payload, meeting=meeting)
    return Status(201, meetings.add_decision(actor=request.auth, meeting=meeting, **data))


@guarded(router, "POST", "/reunions/{meeting_id}/actions", "office.meetings.edit", response={201: TodoOut})
def add_action(request, meeting_id: ObjectId, payload: MeetingActionIn):
    """An action item: a task in its owner's to-do list, carried to the next meeting of the series until done."""
    meeting = fetch(Meeting, meeting_id)
    return Status(201, meetings.add_action(actor=request.auth, meeting=meeting, **through_form(ActionForm, payload)))


@guarded(router, "PUT", "/reunions/{meeting_id}/compte-rendu", "office.meetings.edit", response=MeetingDetailOut)
def record_minutes(request, meeting_id: ObjectId, payload: MinutesIn):
    """The minutes as typed during the meeting: the summary, each item's notes, who was there; the meeting is held."""
    return meetings.record_minutes(actor=request.auth, meeting=fetch(Meeting, meeting_id), summary=payload.summary,
                                   notes=dict(payload.notes), presence={k: str(v) for k, v in payload.presence.items()},
                                   expected_version=payload.version)  # fmt: skip


class SentOut(Schema):
    destinataires: int = Field(..., description="participants à qui le compte rendu est parti")


class NextMeetingIn(Schema):
    day: Day
    start: Clock


@guarded(router, "POST", "/reunions/{meeting_id}/envoi", "office.meetings.edit", response=SentOut)
def send_minutes(request, meeting_id: ObjectId):
    """The minutes' PDF e-mailed to every attendee with an address (the minutes written first); the meeting sent."""
    sent = meetings.send_minutes(actor=request.auth, meeting=fetch(Meeting, meeting_id), request=request)
    return {"destinataires": sent}


@guarded(router, "POST", "/reunions/{meeting_id}/suivante", "office.meetings.edit", response={201: MeetingDetailOut})
def schedule_next_meeting(request, meeting_id: ObjectId, payload: NextMeetingIn):
    """The next meeting of the series (once, after this one): same attendees and standing items, the actions still
    open carried to its first item."""
    data = through_form(NextMeetingForm, payload)
    meeting = fetch(Meeting, meeting_id)
    following = meetings.schedule_next(actor=request.auth, meeting=meeting, starts_at=aware(data["day"], data["start"]))
    return Status(201, following)


# --- to-do tasks ----------------------------------------------------------------------------------------------


class TodoPatch(Schema):
    title: str | None = None
    due_on: Day | None = None
    important: bool | None = None
    urgent: bool | None = None
    description: str | None = None


class TodoIn(TodoPatch):
    title: str
    owner: OptionalId = Field(None, description="id du responsable ; absent : l'appelant")


class TodoUpdate(TodoPatch):
    version: int | None = Field(None, description="Version lue ; si la tâche a changé depuis, réponse 409.")


class TodoDone(Schema):
    fait: bool = Field(True, description="true : faite ; false : rouverte")


class TodoFilters(Paging):
    q: Words = ""
    etat: Literal["", "faites", "toutes"] = Field("", description="vide : à faire ; faites ; toutes")
    quadrant: Literal["", "do", "plan", "delegate", "drop"] = ""
    personne: OptionalId = Field(None, description="id du responsable (pour qui voit toutes les tâches)")
    tri: str = Field(task_queries.DEFAULT_SORT, description="echeance, tache, responsable ; préfixe - décroissant")


def _todo(request, pk: int) -> Task:
    return fetch(task_queries.visible_tasks(request.auth), pk)


@guarded(router, "GET", "/taches-a-faire", "office.view", response=Page[TodoOut])
def list_todos(request, filters: Query[TodoFilters]):
    """The caller's tasks (given, delegated or created), everyone's for the roles that see them all."""
    data = filters.dict()
    return sorted_page(
        task_queries.filter_tasks(data, request.auth), data, task_queries.SORTS, task_queries.DEFAULT_SORT
    )


@guarded(router, "GET", "/taches-a-faire/{todo_id}", "office.view", response=TodoOut)
def get_todo(request, todo_id: ObjectId):
    return _todo(request, todo_id)


@guarded(router, "POST", "/taches-a-faire", "office.tasks", response={201: TodoOut})
def create_todo(request, payload: TodoIn):
    data = through_form(TaskForm, {"owner": request.auth.pk, **payload.dict(exclude_unset=True)})
    return Status(201, tasks.create_task(actor=request.auth, **data))


@guarded(router, "PATCH", "/taches-a-faire/{todo_id}", "office.tasks", response=TodoOut)
def update_todo(request, todo_id: ObjectId, payload: TodoUpdate):
    task = _todo(request, todo_id)
    data = through_form(TaskForm, payload, instance=_todo(request, todo_id))
    return tasks.update_task(actor=request.auth, task=task, expected_version=payload.version, **data)


@guarded(router, "POST", "/taches-a-faire/{todo_id}/fait", "office.tasks", response=TodoOut)
def complete_todo(request, todo_id: ObjectId, payload: TodoDone):
    return tasks.complete_task(actor=request.auth, task=_todo(request, todo_id), done=payload.fait)
