"""To-do items: the user's own project tasks that should have started or finished by today."""

from __future__ import annotations

from django.urls import reverse

from pilote.core.registry import TodoItem
from pilote.lib.dates import local_today
from pilote.projects.models import ProjectStatus, Task


def late_tasks(user) -> list[TodoItem]:
    today = local_today()
    tasks = (
        Task.objects.filter(owner=user, done_percent__lt=100, early_finish__lt=today)
        .filter(project__status__in=[ProjectStatus.PLANNED, ProjectStatus.ACTIVE])
        .select_related("project")
        .order_by("early_finish")[:10]
    )
    return [
        TodoItem(
            f"Tâche en retard : {t.name} ({t.project.name})" + (" — sur le chemin critique" if t.is_critical else ""),
            reverse("projects:detail", args=[t.project_id]),
            due=t.early_finish,
        )
        for t in tasks
    ]
