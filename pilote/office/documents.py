"""The minutes (compte rendu) of a meeting as an A4 PDF (WeasyPrint through core.pdf): date, place, attendees,
apologies and absents, each agenda item with its presenter and notes, the decisions, the actions (who, what, by
when)."""

from __future__ import annotations

from django.utils import timezone

from pilote.core.models import Structure
from pilote.core.pdf import render_pdf
from pilote.office.models import Meeting, Presence


def filename(meeting: Meeting) -> str:
    return f"compte-rendu-{timezone.localtime(meeting.starts_at):%Y-%m-%d}-{meeting.pk}.pdf"


def minutes_context(meeting: Meeting) -> dict:
    attendees = list(meeting.attendees.select_related("user"))
    return {
        "meeting": meeting,
        "structure": Structure.objects.first(),
        "present": [a for a in attendees if a.presence in (Presence.PRESENT, Presence.INVITED)],
        "apologies": [a for a in attendees if a.presence == Presence.APOLOGIES],
        "absent": [a for a in attendees if a.presence == Presence.ABSENT],
        "items": list(meeting.items.select_related("presenter").prefetch_related("decisions")),
        "decisions": list(meeting.decisions.all()),
        "actions": list(meeting.actions.select_related("owner").order_by("due_on", "pk")),
    }


def minutes_pdf(meeting: Meeting, request=None) -> bytes:
    return render_pdf("office/minutes_pdf.html", minutes_context(meeting), request=request)
