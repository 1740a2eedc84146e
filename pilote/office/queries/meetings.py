"""Reads on meetings and decisions: filtered lists (sorts, exports), the detail page, the decisions' search."""

from __future__ import annotations

from django.db.models import Count, Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.office.models import Decision, Meeting
from pilote.office.queries.bookings import day_bounds, local_text, person

SORTS = {"date": ["starts_at"], "intitule": [french("title")], "serie": [french("series"), "starts_at"]}
DEFAULT_SORT = "-date"


def filter_meetings(data: dict):
    meetings = Meeting.objects.all()
    if data.get("etat"):
        meetings = meetings.filter(status=data["etat"])
    if data.get("du"):
        meetings = meetings.filter(starts_at__gte=day_bounds(data["du"], data["du"])[0])
    if data.get("au"):
        meetings = meetings.filter(starts_at__lt=day_bounds(data["au"], data["au"])[1])
    if q := (data.get("q") or "").strip():
        meetings = meetings.filter(Q(title__icontains=q) | Q(series__icontains=q) | Q(place__icontains=q))
    return meetings


def with_relations(meetings):
    return meetings.select_related("organiser").annotate(
        attendee_count=Count("attendees", distinct=True), action_count=Count("actions", distinct=True)
    )


EXPORT_COLUMNS = [
    Column("Date", lambda m: local_text(m.starts_at)),
    Column("Intitulé", lambda m: m.title),
    Column("Série", lambda m: m.series),
    Column("Lieu", lambda m: m.place),
    Column("Organisateur", lambda m: person(m.organiser)),
    Column("État", lambda m: m.get_status_display()),
    Column("Participants", lambda m: m.attendee_count),
    Column("Actions", lambda m: m.action_count),
]


def export_rows(meetings):
    return with_relations(meetings).iterator(chunk_size=500)


DECISION_SORTS = {"date": ["meeting__starts_at", "id"], "reunion": [french("meeting__title"), "id"]}
DECISION_DEFAULT_SORT = "-date"


def filter_decisions(data: dict):
    decisions = Decision.objects.all()
    if data.get("du"):
        decisions = decisions.filter(meeting__starts_at__gte=day_bounds(data["du"], data["du"])[0])
    if data.get("au"):
        decisions = decisions.filter(meeting__starts_at__lt=day_bounds(data["au"], data["au"])[1])
    if q := (data.get("q") or "").strip():
        for word in q.split()[:8]:
            decisions = decisions.filter(Q(text__icontains=word) | Q(meeting__title__icontains=word))
    return decisions.select_related("meeting", "item")


DECISION_COLUMNS = [
    Column("Réunion", lambda d: d.meeting.title),
    Column("Date", lambda d: local_text(d.meeting.starts_at)),
    Column("Point", lambda d: d.item.title if d.item_id else ""),
    Column("Décision", lambda d: d.text),
]


def meeting_detail(pk: int) -> Meeting:
    return Meeting.objects.select_related("organiser", "room", "previous", "event").get(pk=pk)


def search_minutes(user, text: str, limit: int) -> list:
    """Meetings' minutes (their PDF) found by the words of their title, series or notes, for the document search
    (registered as a document source by the office itself, like any other app)."""
    from django.urls import reverse
    from django.utils import timezone

    from pilote.core.registry import SearchHit

    match = Q(title__icontains=text) | Q(series__icontains=text) | Q(items__notes__icontains=text)
    meetings = Meeting.objects.filter(match).distinct().order_by("-starts_at")[:limit]
    return [
        SearchHit(
            f"Compte rendu : {m.title}",
            f"{timezone.localtime(m.starts_at):%d/%m/%Y}",
            reverse("office:meeting-pdf", args=[m.pk]),
        )  # fmt: skip
        for m in meetings
    ]
