from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.lib.dates import local_today
from pilote.quality.forms import (
    AdverseEventForm,
    EventAnalysisForm,
    EventFilterForm,
    EventReportForm,
)
from pilote.quality.models import AdverseEvent
from pilote.quality.queries import events as queries
from pilote.quality.services import events as services


def for_social(view):
    """Adverse events concern the people a social or medico-social establishment supports: elsewhere, a 404."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not services.serves(getattr(request, "structure", None)):
            raise Http404(services.REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


def _message(exc) -> str:
    return getattr(exc, "message", None) or " ".join(exc.messages)


def _filtered(request):
    form = EventFilterForm(request.GET or None)
    data = filter_data(form)
    events = sort_queryset(queries.filter_events(data), request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)
    return form, events


@require_perm("quality.events.view")
@for_social
def event_list(request):
    form, events = _filtered(request)
    page = paginate(request, queries.with_list_relations(events))
    return render(request, "quality/event_list.html", {"form": form, "page": page})


@require_perm("quality.events.view")
@for_social
def event_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, events = _filtered(request)
    return export_response(queries.export_rows(events), queries.EXPORT_COLUMNS, "evenements-indesirables", fmt,
                           title="Registre des événements indésirables")  # fmt: skip


@require_perm("quality.events.view")
@for_social
def event_statistics(request):
    return render(request, "quality/event_statistics.html", queries.statistics(local_today()))


@require_perm("quality.events.declare")
@for_social
def event_declare(request):
    form = AdverseEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.declare(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            text = f"L'événement {event.reference} est déclaré."
            if event.must_report:
                text += " Il doit être signalé sans délai à l'autorité (ARS ou conseil départemental)."
            messages.success(request, text)
            if request.user.can("quality.events.view"):
                return redirect("quality:event-detail", pk=event.pk)
            return redirect("quality:event-declare")
    return render(request, "quality/event_form.html", {"form": form})


def _get(pk: int) -> AdverseEvent:
    try:
        return AdverseEvent.objects.select_related("declared_by", "nonconformity").get(pk=pk)
    except AdverseEvent.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request, event, status=200, **forms):
    context = {
        "event": event, "report_form": forms.get("report_form") or EventReportForm(),
        "analysis_form": forms.get("analysis_form") or EventAnalysisForm(initial={"analysis": event.analysis,
                                                                                 "version": event.version}),
        "error": forms.get("error", ""),
    }  # fmt: skip
    return render(request, "quality/event_detail.html", context, status=status)


@require_perm("quality.events.view")
@for_social
def event_detail(request, pk: int):
    return _detail(request, _get(pk))


@require_POST
@require_perm("quality.events.edit")
@for_social
def event_report(request, pk: int):
    event = _get(pk)
    form = EventReportForm(request.POST)
    if form.is_valid():
        try:
            services.record_report(actor=request.user, event=event, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "Le signalement est enregistré.")
            return redirect("quality:event-detail", pk=pk)
    return _detail(request, event, status=400, report_form=form)


@require_POST
@require_perm("quality.events.edit")
@for_social
def event_analysis(request, pk: int):
    event = _get(pk)
    form = EventAnalysisForm(request.POST)
    if form.is_valid():
        try:
            services.record_analysis(actor=request.user, event=event, analysis=form.cleaned_data["analysis"],
                                     expected_version=form.cleaned_data.get("version"))  # fmt: skip
        except (DomainError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, "L'analyse est enregistrée.")
            return redirect("quality:event-detail", pk=pk)
    return _detail(request, event, status=400, analysis_form=form)


@require_POST
@require_perm("quality.events.edit")
@for_social
def event_step(request, pk: int):
    """Open the non-conformity the event reveals (its pilot: the one who opens it), or close the event."""
    event = _get(pk)
    step = request.POST.get("etape")
    try:
        if step == "non-conformite":
            nc = services.open_nonconformity(actor=request.user, event=event, owner=request.user)
            messages.success(request, f"La non-conformité {nc.reference} est ouverte : planifiez ses actions.")
        elif step == "clore":
            services.close(actor=request.user, event=event)
            messages.success(request, "L'événement est clos.")
        else:
            messages.error(request, "Étape inconnue : rien n'a été modifié.")
    except (DomainError, ValidationError) as exc:
        return _detail(request, event, status=409, error=_message(exc))
    return redirect("quality:event-detail", pk=pk)
