"""Agenda calendars over the API (apix): the calendars the caller sees listed and read; a shared calendar created
and changed (name, members) through the calendars page's form and `office.services.agenda`; an iCalendar file
(.ics, read with the icalendar library) imported into a calendar the caller writes in, checked as the page's
upload and all or nothing."""

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import ObjectId, Page, Paging, RequiredId, fetch, guarded, page_of, through_form
from pilote.office.models import Calendar
from pilote.office.services import agenda

router = Router(tags=["Bureau"])

# The page's upload limit for a calendar file (5 Mo) in base64, and a little more: the form says the limit in French.
MAX_ICS_BASE64 = 7 * 1024 * 1024


class CalendarOut(Schema):
    id: int
    name: str
    kind: str = Field(description="personal (personnel), team (partagé) ou room (salle)")
    owner_id: int | None
    resource_id: int | None
    member_ids: list[int]
    writable: bool = Field(description="l'appelant y écrit (événements, import)")
    feed_active: bool = Field(description="un lien d'abonnement privé existe")
    version: int

    @staticmethod
    def resolve_member_ids(obj: Calendar) -> list[int]:
        return sorted(user.pk for user in obj.members.all())

    @staticmethod
    def resolve_writable(obj: Calendar, context) -> bool:
        return agenda.can_write(context["request"].auth, obj)

    @staticmethod
    def resolve_feed_active(obj: Calendar) -> bool:
        return bool(obj.feed_digest)


class CalendarFilters(Paging):
    type: str = Field("", max_length=12, description="personal, team ou room")
    q: str = Field("", max_length=100, description="mot du nom")


def _seen(request, pk: int) -> Calendar:
    calendar = fetch(Calendar, pk)
    if not agenda.can_see(request.auth, calendar):
        raise Http404
    return calendar


@guarded(router, "GET", "/agendas", "office.view", response=Page[CalendarOut])
def list_calendars(request, filters: Query[CalendarFilters]):
    """The calendars the caller sees, as the calendars page lists them (their own made on first use)."""
    data = filters.dict()
    agenda.personal_calendar(request.auth)
    calendars = agenda.visible_calendars(request.auth).prefetch_related("members")
    if data["type"]:
        calendars = calendars.filter(kind=data["type"])
    if data["q"].strip():
        calendars = calendars.filter(name__icontains=data["q"].strip())
    return page_of(calendars.order_by("kind", "name", "pk"), data)


@guarded(router, "GET", "/agendas/{calendar_id}", "office.view", response=CalendarOut)
def get_calendar(request, calendar_id: ObjectId):
    return _seen(request, calendar_id)


class TeamCalendarIn(Schema):
    name: str = Field(..., max_length=120)
    members: list[RequiredId] = Field([], max_length=500, description="ids des membres (ils écrivent dans l'agenda)")


class TeamCalendarChangeIn(Schema):
    name: str | None = Field(None, max_length=120)
    members: list[RequiredId] | None = Field(None, max_length=500, description="la liste complète des membres")
    version: int | None = Field(None, description="Version lue ; si l'agenda a changé depuis, réponse 409.")


@guarded(router, "POST", "/agendas", "office.manage", response={201: CalendarOut})
def create_calendar(request, payload: TeamCalendarIn):
    """A shared calendar, as the calendars page creates it."""
    from pilote.office.forms import TeamCalendarForm

    data = through_form(TeamCalendarForm, payload)
    return Status(201, agenda.create_team_calendar(actor=request.auth, **data))


@guarded(router, "PATCH", "/agendas/{calendar_id}", "office.manage", response=CalendarOut)
def change_calendar(request, calendar_id: ObjectId, payload: TeamCalendarChangeIn):
    """A shared calendar renamed or its members replaced (a personal or a room's calendar: 409)."""
    from pilote.office.forms import TeamCalendarForm

    calendar = _seen(request, calendar_id)
    current = {"name": calendar.name, "members": [user.pk for user in calendar.members.all()]}
    data = through_form(TeamCalendarForm, payload, current=current)
    return agenda.update_team_calendar(actor=request.auth, calendar=calendar, expected_version=payload.version, **data)


class IcsFileIn(Schema):
    file_name: str = Field("agenda.ics", max_length=200, description="nom du fichier (.ics)")
    content_base64: str = Field(..., max_length=MAX_ICS_BASE64, description="le fichier iCalendar en base64")


class IcsImportedOut(Schema):
    created: int = Field(description="événements ajoutés")
    updated: int = Field(description="événements déjà importés (même UID) mis à jour")


@guarded(router, "POST", "/agendas/{calendar_id}/import", "office.book", response=IcsImportedOut)
def import_calendar(request, calendar_id: ObjectId, payload: IcsFileIn):
    """The events of an .ics file into the calendar, as the page imports them (an event already imported, by its
    UID, updated): a file the page's upload refuses is a 422; a file that is not iCalendar, or a calendar the caller
    does not write in (a room's, another's), a 409; all or nothing."""
    from pilote.api.base import uploaded_base64
    from pilote.office.forms import IcsImportForm

    calendar = _seen(request, calendar_id)
    upload = through_form(IcsImportForm, {}, files={"file": uploaded_base64(payload.file_name,
                                                                           payload.content_base64)})  # fmt: skip
    created, updated = agenda.import_ics(actor=request.auth, calendar=calendar, data=upload["file"].read())
    return {"created": created, "updated": updated}
