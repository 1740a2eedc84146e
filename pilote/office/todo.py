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
    tasks = Task.objects.filter(owner=user, status=TaskStatus.OPEN).select_related("meeting")
    for task in tasks.order_by("due_on", "pk")[:LIMIT]:
        prefix = "En retard — " if task.due_on and task.due_on < today else ""
        origin = " (action de réunion)" if task.meeting_id else ""
        url = reverse("office:task-detail", args=[task.pk])
        items.append(TodoItem(f"{prefix}{task.title}{origin}", url, task.due_on, "Tâche"))
    return items
