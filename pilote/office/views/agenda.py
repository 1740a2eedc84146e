from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.core.access import public, require_perm
from pilote.core.exceptions import DomainError
from pilote.core.params import to_ids
from pilote.core.registry import calendar_layers_for
from pilote.lib.dates import local_today
from pilote.lib.french import plural
from pilote.office import ical, recurrence
from pilote.office.forms import EventForm, IcsImportForm, TeamCalendarChangeForm, TeamCalendarForm
from pilote.office.models import Calendar, CalendarKind, Event
from pilote.office.queries import agenda as queries
from pilote.office.services import agenda as services
from pilote.office.views.bookings import message_of, parse_day


@require_perm("office.view")
def agenda(request):
    view = request.GET.get("vue") if request.GET.get("vue") in queries.VIEWS else "semaine"
    day = parse_day(request.GET.get("date")) or local_today()
    own = services.personal_calendar(request.user)
    visible = list(services.visible_calendars(request.user).select_related("resource").order_by("kind", "name"))
    chosen_ids = set(to_ids(request.GET.getlist("agenda")))
    chosen = [c for c in visible if c.pk in chosen_ids] or [c for c in visible if c.kind != CalendarKind.ROOM]
    layers = calendar_layers_for(request.user)
    chosen_layers = request.GET.getlist("couche") if "agenda" in request.GET else [layer.key for layer in layers]
    first, last = queries.period(view, day)
    if view == "mois":
        first, last = first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())
    found = queries.entries(request.user, chosen, first, last, chosen_layers)
    previous, following = queries.neighbours(view, day)
    context = {
        "view": view, "views": queries.VIEWS, "day": day, "today": local_today(), "previous": previous,
        "following": following, "calendars": visible, "chosen": {c.pk for c in chosen}, "layers": layers,
        "chosen_layers": set(chosen_layers), "own": own,
        "days": queries.days(first, last, found) if view != "mois" else [],
        "weeks": queries.month_weeks(day.replace(day=1), found) if view == "mois" else [],
    }  # fmt: skip
    return render(request, "office/agenda.html", context)


@require_perm("office.view")
def calendar_list(request):
    services.personal_calendar(request.user)
    calendars = services.visible_calendars(request.user).select_related("owner", "resource").order_by("kind", "name")
    rows = [(c, request.user.can("office.book") and _may_manage_feed(request.user, c)) for c in calendars]
    return render(
        request, "office/calendar_list.html", {"rows": rows, "feed_url": request.session.pop("office_feed", "")}
    )


def _may_manage_feed(user, calendar) -> bool:
    return calendar.owner_id == user.pk or user.can("office.manage") or calendar.members.filter(pk=user.pk).exists()


@require_perm("office.manage")
def calendar_create(request):
    form = TeamCalendarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            calendar = services.create_team_calendar(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"L'agenda partagé « {calendar} » est créé.")
            return redirect("office:calendar-list")
    return render(request, "office/calendar_form.html", {"form": form})


@require_perm("office.manage")
def calendar_edit(request, pk: int):
    """A shared calendar renamed, its members changed (`agenda.update_team_calendar`)."""
    calendar = get_object_or_404(Calendar, pk=pk, kind=CalendarKind.TEAM)
    initial = {"name": calendar.name, "members": list(calendar.members.all())}
    form = TeamCalendarChangeForm(request.POST or None, initial=initial | {"version": calendar.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            services.update_team_calendar(actor=request.user, calendar=calendar, expected_version=expected, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"L'agenda partagé « {calendar.name} » est enregistré.")
            return redirect("office:calendar-list")
    return render(request, "office/calendar_form.html", {"form": form, "calendar": calendar})


def _visible(request, pk: int) -> Calendar:
    calendar = get_object_or_404(Calendar, pk=pk)
    if not services.can_see(request.user, calendar):
        raise Http404
    return calendar


@require_POST
@require_perm("office.book")
def calendar_feed(request, pk: int):
    calendar = _visible(request, pk)
    try:
        if request.POST.get("retirer"):
            services.revoke_feed(actor=request.user, calendar=calendar)
            messages.success(request, f"Le lien d'abonnement de « {calendar} » ne fonctionne plus.")
        else:
            token = services.new_feed_token(actor=request.user, calendar=calendar)
            request.session["office_feed"] = request.build_absolute_uri(reverse("office:feed", args=[token]))
            messages.success(request, f"Nouveau lien d'abonnement de « {calendar} » (l'ancien ne fonctionne plus).")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("office:calendar-list")


@require_perm("office.book")
def calendar_import(request, pk: int):
    calendar = _visible(request, pk)
    form = IcsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, updated = services.import_ics(actor=request.user, calendar=calendar,
                                                   data=form.cleaned_data["file"].read())  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            added = plural(created, "événement ajouté", "événements ajoutés")
            messages.success(request, f"Import terminé : {added}, {plural(updated, 'mis à jour', 'mis à jour')}.")
            return redirect("office:calendar-list")
    return render(request, "office/calendar_import.html", {"form": form, "calendar": calendar})


@public
def feed(request, token: str):
    """The private iCalendar feed a phone or an e-mail client subscribes to: no session, the token is the key."""
    calendar = services.calendar_for_token(token)
    if calendar is None:
        raise Http404
    events = list(calendar.events.select_related("organiser").prefetch_related("attendees__user")[:5000])
    for event in events:
        event.attendee_list = list(event.attendees.all())
    bookings = []
    if calendar.kind == CalendarKind.ROOM:
        since = timezone.now() - dt.timedelta(days=90)
        bookings = calendar.resource.bookings.filter(status="confirmed", ends_at__gte=since).select_related("resource")
    response = HttpResponse(
        ical.calendar_file(calendar.name, events, bookings), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# Events
def _writable(user):
    return services.writable_calendars(user)


def _event(request, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("calendar", "organiser"), pk=pk)
    if not services.may_see_event(request.user, event):
        raise Http404
    return event


def _save_event(request, form, event=None):
    return services.save_event(actor=request.user, data=form.cleaned_data, event=event)


@require_perm("office.book")
def event_create(request):
    writable = _writable(request.user)
    day = parse_day(request.GET.get("date")) or local_today()
    initial = {
        "calendar": services.personal_calendar(request.user),
        "day": day,
        "start": dt.time(9),
        "end": dt.time(10),
    }
    form = EventForm(request.POST or None, calendars=writable, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = _save_event(request, form)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"« {event.title} » est dans l'agenda.")
            return redirect("office:event-detail", pk=event.pk)
    return render(request, "office/event_form.html", {"form": form})


@require_perm("office.book")
def event_edit(request, pk: int):
    event = _event(request, pk)
    if not services.can_write(request.user, event.calendar):
        raise Http404
    initial = queries.event_initial(event)
    form = EventForm(request.POST or None, calendars=_writable(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _save_event(request, form, event)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"« {event.title} » est modifié.")
            return redirect("office:event-detail", pk=event.pk)
    return render(request, "office/event_form.html", {"form": form, "event": event})


@require_perm("office.view")
def event_detail(request, pk: int):
    event = _event(request, pk)
    context = {
        "event": event, "attendees": event.attendees.select_related("user"),
        "recurrence": recurrence.describe(event.rrule), "writable": services.can_write(request.user, event.calendar),
        "bookings": event.bookings.select_related("resource"),
    }  # fmt: skip
    return render(request, "office/event_detail.html", context)


@require_POST
@require_perm("office.book")
def event_delete(request, pk: int):
    event = _event(request, pk)
    try:
        services.delete_event(actor=request.user, event=event)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("office:event-detail", pk=pk)
    messages.success(request, f"« {event.title} » est retiré de l'agenda.")
    return redirect("office:agenda")


@require_POST
@require_perm("office.book")
def event_invite(request, pk: int):
    event = _event(request, pk)
    try:
        sent = services.send_invitations(actor=request.user, event=event)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        sent_text = plural(sent, "invitation envoyée", "invitations envoyées")
        messages.success(request, f"{sent_text}, avec le fichier .ics.")
    return redirect("office:event-detail", pk=pk)
