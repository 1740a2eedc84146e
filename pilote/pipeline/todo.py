"""The pipeline's share of the home page's to-do list, in three queries whatever the data size:
deadlines of open tenders (until passed), open bid tasks, and the user's next actions due within
14 days or overdue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pilote.core.registry import TodoItem
from pilote.core.roles import Role
from pilote.pipeline.models import OPEN_TENDER_STATUSES, Opportunity, Tender, TenderTask
from pilote.pipeline.stages import CLOSED_STAGES

ACTION_HORIZON = dt.timedelta(days=14)
LIMIT = 50  # per kind: the home page shows the 20 soonest of all providers


def todo_items(user) -> list[TodoItem]:
    now = timezone.now()
    sees_all = user.role == Role.DIRECTION
    return [*_tender_deadlines(user, now, sees_all), *_tasks(user, sees_all), *_next_actions(user, now)]


def _tender_deadlines(user, now, sees_all: bool) -> list[TodoItem]:
    tenders = Tender.objects.filter(status__in=OPEN_TENDER_STATUSES).filter(
        Q(questions_deadline__gte=now) | Q(submission_deadline__gte=now)
    )
    if not sees_all:  # a tender without a person in charge concerns every salesperson
        tenders = tenders.filter(Q(owner=user) | Q(owner__isnull=True))
    items = []
    tenders = tenders.only("title", "questions_deadline", "submission_deadline")
    for tender in tenders.order_by("submission_deadline", "pk")[:LIMIT]:
        url = reverse("pipeline:tender-detail", args=[tender.pk])
        for label, deadline in (
            ("Questions à poser avant le", tender.questions_deadline),
            ("Remise de l'offre avant le", tender.submission_deadline),
        ):
            if deadline and deadline >= now:
                local = timezone.localtime(deadline)
                text = f"{label} {local:%d/%m à %H:%M} : {tender.title}"
                items.append(TodoItem(text, url, local.date(), "Appel d'offres"))
    return items


def _tasks(user, sees_all: bool) -> list[TodoItem]:
    tasks = TenderTask.objects.filter(done=False, tender__status__in=OPEN_TENDER_STATUSES)
    tasks = tasks.select_related("tender").only("title", "due_date", "tender__title")
    if not sees_all:
        tasks = tasks.filter(assignee=user)
    tasks = tasks.order_by("due_date", "pk")[:LIMIT]
    return [
        TodoItem(
            f"{task.title} ({task.tender.title})",
            reverse("pipeline:tender-detail", args=[task.tender_id]),
            task.due_date,
            "Tâche d'appel d'offres",
        )
        for task in tasks
    ]


def _next_actions(user, now) -> list[TodoItem]:
    horizon = timezone.localdate(now) + ACTION_HORIZON
    opportunities = (
        Opportunity.objects.filter(owner=user, next_action_date__lte=horizon)
        .exclude(stage__in=CLOSED_STAGES)
        .select_related("contact")
        .only("title", "next_action", "next_action_date", "contact__kind", "contact__name", "contact__first_name")
        .order_by("next_action_date", "pk")[:LIMIT]
    )
    return [
        TodoItem(
            f"{o.next_action or 'Relancer'} — {o.title} ({o.contact.display_name})",
            reverse("pipeline:detail", args=[o.pk]),
            o.next_action_date,
            "Opportunité",
        )
        for o in opportunities
    ]
