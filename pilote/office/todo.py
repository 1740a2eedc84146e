"""The office in the home page's to-do list: each person's open tasks (action items of meetings included),
soonest due first, late ones marked. One query."""

from __future__ import annotations

from django.urls import reverse

from pilote.core.registry import TodoItem
from pilote.lib.dates import local_today
from pilote.office.models import Task, TaskStatus

LIMIT = 50


def task_items(user) -> list[TodoItem]:
    today = local_today()
    items = []
    tasks = Task.objects.filter(owner=user, status=TaskStatus.OPEN).only("title", "due_on", "meeting_id")
    for task in tasks.order_by("due_on", "pk")[:LIMIT]:
        prefix = "En retard — " if task.due_on and task.due_on < today else ""
        origin = " (action de réunion)" if task.meeting_id else ""
        url = reverse("office:task-detail", args=[task.pk])
        items.append(TodoItem(f"{prefix}{task.title}{origin}", url, task.due_on, "Tâche"))
    return items


def waiting_offer_items(user) -> list[TodoItem]:
    """A slot freed for the user from a waiting list, to confirm before its offer runs out: urgent (it goes to the
    next person otherwise)."""
    from django.utils import timezone

    from pilote.office.models import WaitingRequest, WaitingStatus

    offers = WaitingRequest.objects.filter(requested_by=user, status=WaitingStatus.OFFERED,
                                           offer_expires_at__gt=timezone.now()).select_related("resource")  # fmt: skip
    items = []
    for offer in offers.order_by("offer_expires_at", "pk")[:LIMIT]:
        limit = timezone.localtime(offer.offer_expires_at)
        start = timezone.localtime(offer.starts_at)
        label = (f"Créneau libéré : « {offer.resource} » le {start:%d/%m/%Y à %H:%M} — à confirmer avant le "
                 f"{limit:%d/%m/%Y à %H:%M}")  # fmt: skip
        items.append(TodoItem(label, reverse("office:waiting-list"), limit.date(), "Réservation", urgent=True))
    return items


REMINDER_HORIZON = 1440  # minutes: the longest reminder offered (« la veille »)


def event_reminder_items(user) -> list[TodoItem]:
    """The events of the user's own calendar, or that they attend (not declined), whose reminder time has come and
    which have not started: « Rappel : … » at the top of the to-do list (the iCalendar feed carries the same
    reminder as a VALARM to a phone). Recurring events by their next occurrence."""
    import datetime as dt

    from django.db.models import Q
    from django.utils import timezone

    from pilote.office import recurrence
    from pilote.office.models import AttendeeResponse, Event

    now = timezone.now()
    horizon = now + dt.timedelta(minutes=REMINDER_HORIZON)
    mine = Q(calendar__owner=user) | (Q(attendees__user=user) & ~Q(attendees__response=AttendeeResponse.DECLINED))
    events = (Event.objects.filter(mine, reminder_minutes__isnull=False, starts_at__lt=horizon)
              .filter(~Q(rrule="") | Q(starts_at__gte=now)).distinct().order_by("starts_at")[:200])  # fmt: skip
    items = []
    for event in events:
        window_end = now + dt.timedelta(minutes=event.reminder_minutes)
        for start, _ in recurrence.occurrences(event.starts_at, event.ends_at, event.rrule, now, window_end)[:1]:
            if start < now:
                continue
            local = timezone.localtime(start)
            where = f" ({event.place})" if event.place else ""
            when = "toute la journée" if event.all_day else f"à {local:%H:%M}"
            label = f"Rappel : {event.title} le {local:%d/%m/%Y} {when}{where}"
            items.append(TodoItem(label, reverse("office:event-detail", args=[event.pk]), local.date(), "Agenda",
                                  urgent=True))  # fmt: skip
    return items
