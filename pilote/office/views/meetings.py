from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_int
from pilote.core.pdf import pdf_file_response
from pilote.lib.dates import local_today
from pilote.lib.french import plural
from pilote.office import documents
from pilote.office.forms import (
    ActionForm,
    DecisionFilterForm,
    DecisionForm,
    ItemForm,
    MeetingDocumentForm,
    MeetingFilterForm,
    MeetingForm,
    NextMeetingForm,
    aware,
)
from pilote.office.models import Meeting, Presence
from pilote.office.queries import meetings as queries
from pilote.office.queries.documents import visible_documents
from pilote.office.services import meetings as services
from pilote.office.views.bookings import message_of


def _meetings(request):
    form = MeetingFilterForm(request.GET or None)
    data = filter_data(form)
    meetings = sort_queryset(queries.filter_meetings(data), request.GET.get("tri", ""), queries.SORTS,
                             queries.DEFAULT_SORT)  # fmt: skip
    return form, meetings


@require_perm("office.meetings.view")
def meeting_list(request):
    form, meetings = _meetings(request)
    page = paginate(request, queries.with_relations(meetings))
    return render(request, "office/meeting_list.html", {"form": form, "page": page})


@require_perm("office.meetings.view")
def meeting_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, meetings = _meetings(request)
    return export_response(queries.export_rows(meetings), queries.EXPORT_COLUMNS, "reunions", fmt,
                           title="Réunions")  # fmt: skip


@require_perm("office.meetings.edit")
def meeting_create(request):
    form = MeetingForm(request.POST or None, initial={"day": local_today(), "start": "09:00", "end": "10:00"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.create_meeting(
                actor=request.user, title=data["title"], series=data["series"], starts_at=data["starts_at"],
                ends_at=data["ends_at"], place=data["place"], room=data["room"], attendees=data["attendees"],
                guests=data["guests"], items=data["items"],
            )  # fmt: skip
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"La réunion « {meeting.title} » est prévue.")
            return redirect("office:meeting-detail", pk=meeting.pk)
    return render(request, "office/meeting_form.html", {"form": form})


def _get(pk: int) -> Meeting:
    try:
        return queries.meeting_detail(pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request, meeting, status=200, **forms):
    attendees = list(meeting.attendees.select_related("user"))
    context = {
        "meeting": meeting, "attendees": attendees, "presences": Presence.choices,
        "items": list(meeting.items.select_related("presenter")),
        "decisions": list(meeting.decisions.select_related("item")),
        "actions": list(meeting.actions.select_related("owner").order_by("due_on", "pk")),
        "carried": list(services.open_actions(meeting.previous)) if meeting.previous_id else [],
        "following": Meeting.objects.filter(previous=meeting).first(),
        "editable": services.can_edit(request.user, meeting),
        "item_form": forms.get("item_form") or ItemForm(prefix="point"),
        "decision_form": forms.get("decision_form") or DecisionForm(meeting=meeting, prefix="decision"),
        "action_form": forms.get("action_form") or ActionForm(prefix="action"),
        "next_form": forms.get("next_form") or NextMeetingForm(prefix="suivante"),
        "document_form": forms.get("document_form") or MeetingDocumentForm(user=request.user, prefix="document"),
        "documents": list(visible_documents(request.user).filter(meetings=meeting).order_by("title", "pk")),
        "hidden_documents": meeting.documents.exclude(pk__in=visible_documents(request.user).values("pk")).count(),
        "error": forms.get("error", ""),
    }  # fmt: skip
    return render(request, "office/meeting_detail.html", context, status=status)


@require_perm("office.meetings.view")
def meeting_detail(request, pk: int):
    return _detail(request, _get(pk))


def _act(request, meeting, form, key, act, done):
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, done)
            return redirect("office:meeting-detail", pk=meeting.pk)
    return _detail(request, meeting, status=400, **{key: form})


@require_POST
@require_perm("office.meetings.edit")
def item_add(request, pk: int):
    meeting = _get(pk)
    return _act(request, meeting, ItemForm(request.POST, prefix="point"), "item_form",
                lambda d: services.add_item(actor=request.user, meeting=meeting, **d),
                "Point ajouté à l'ordre du jour.")  # fmt: skip


@require_POST
@require_perm("office.meetings.edit")
def decision_add(request, pk: int):
    meeting = _get(pk)
    return _act(request, meeting, DecisionForm(request.POST, meeting=meeting, prefix="decision"), "decision_form",
                lambda d: services.add_decision(actor=request.user, meeting=meeting, **d),
                "Décision notée.")  # fmt: skip


@require_POST
@require_perm("office.meetings.edit")
def action_add(request, pk: int):
    meeting = _get(pk)
    return _act(request, meeting, ActionForm(request.POST, prefix="action"), "action_form",
                lambda d: services.add_action(actor=request.user, meeting=meeting, **d),
                "Action notée : elle est dans la liste de tâches de son responsable.")  # fmt: skip


@require_POST
@require_perm("office.meetings.edit")
def document_attach(request, pk: int):
    meeting = _get(pk)
    form = MeetingDocumentForm(request.POST, request.FILES, user=request.user, prefix="document")
    return _act(request, meeting, form, "document_form",
                lambda d: services.attach_document(actor=request.user, meeting=meeting, **d),
                "Document joint à la réunion.")  # fmt: skip


@require_POST
@require_perm("office.meetings.edit")
def minutes_save(request, pk: int):
    meeting = _get(pk)
    notes = {item.pk: request.POST.get(f"notes-{item.pk}", "")[:20000] for item in meeting.items.all()}
    presence = {a.pk: request.POST.get(f"presence-{a.pk}") for a in meeting.attendees.all()}
    try:
        services.record_minutes(actor=request.user, meeting=meeting, summary=request.POST.get("summary", "")[:20000],
                                notes=notes, presence=presence,
                                expected_version=to_int(request.POST.get("version")))  # fmt: skip
    except DomainError as exc:
        return _detail(request, meeting, status=400, error=exc.message)
    messages.success(request, "Compte rendu enregistré.")
    return redirect("office:meeting-detail", pk=pk)


@require_POST
@require_perm("office.meetings.edit")
def minutes_send(request, pk: int):
    meeting = _get(pk)
    try:
        sent = services.send_minutes(actor=request.user, meeting=meeting, request=request)
    except DomainError as exc:
        return _detail(request, meeting, status=400, error=exc.message)
    messages.success(request, f"Compte rendu envoyé en PDF à {plural(sent, 'participant')}.")
    return redirect("office:meeting-detail", pk=pk)


@require_perm("office.meetings.view")
def minutes_pdf(request, pk: int):
    meeting = _get(pk)
    return pdf_file_response(documents.minutes_pdf(meeting, request=request), documents.filename(meeting))


@require_POST
@require_perm("office.meetings.edit")
def meeting_next(request, pk: int):
    meeting = _get(pk)

    def schedule(data):
        following = services.schedule_next(actor=request.user, meeting=meeting,
                                           starts_at=aware(data["day"], data["start"]))  # fmt: skip
        request.office_next = following

    response = _act(request, meeting, NextMeetingForm(request.POST, prefix="suivante"), "next_form", schedule,
                    "Réunion suivante prévue, avec les actions en cours à son ordre du jour.")  # fmt: skip
    if getattr(request, "office_next", None) is not None:
        return redirect("office:meeting-detail", pk=request.office_next.pk)
    return response


def _decisions(request):
    form = DecisionFilterForm(request.GET or None)
    data = filter_data(form)
    decisions = sort_queryset(queries.filter_decisions(data), request.GET.get("tri", ""), queries.DECISION_SORTS,
                              queries.DECISION_DEFAULT_SORT)  # fmt: skip
    return form, decisions


@require_perm("office.meetings.view")
def decision_list(request):
    form, decisions = _decisions(request)
    return render(request, "office/decision_list.html", {"form": form, "page": paginate(request, decisions)})


@require_perm("office.meetings.view")
def decision_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, decisions = _decisions(request)
    return export_response(decisions.iterator(chunk_size=500), queries.DECISION_COLUMNS, "decisions", fmt,
                           title="Relevé des décisions")  # fmt: skip
