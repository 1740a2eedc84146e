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


def assembly_filename(assembly) -> str:
    return f"proces-verbal-{timezone.localtime(assembly.starts_at):%Y-%m-%d}-{assembly.pk}.pdf"


def assembly_minutes_pdf(assembly, request=None) -> bytes:
    """The minutes (procès-verbal) of a general assembly or a board, A4 portrait: the roll with proxies, the
    quorum, each resolution with its votes and outcome, the signatures of the chair and the secretary."""
    from pilote.office.models_assemblies import Presence
    from pilote.office.services.assemblies import quorum

    members = list(assembly.members.select_related("proxy_holder"))
    context = {
        "assembly": assembly, "structure": Structure.objects.first(), "quorum": quorum(assembly),
        "present": [m for m in members if m.presence == Presence.PRESENT],
        "represented": [m for m in members if m.presence == Presence.REPRESENTED],
        "others": [m for m in members if m.presence not in (Presence.PRESENT, Presence.REPRESENTED)],
        "resolutions": list(assembly.resolutions.all()),
    }  # fmt: skip
    return render_pdf("office/assembly_minutes_pdf.html", context, request=request)


def study_filename(study) -> str:
    return f"etude-besoins-territoire-{study.carried_out_on:%Y-%m-%d}-{study.pk}.pdf"


def study_pdf(study, request=None) -> bytes:
    """The territorial needs study, A4 portrait: context and method, the areas and the sources, each theme's
    indicators against the reference with their gaps, the gaps to remember, the findings and the conclusion."""
    from pilote.office.queries.territory import study_parts

    context = {"study": study, "structure": Structure.objects.first(), **study_parts(study)}
    return render_pdf("office/study_pdf.html", context, request=request)
