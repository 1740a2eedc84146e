"""Professional interviews in the to-do list: due within 60 days or late, for rh and direction (everyone) and
for each manager (the people reporting to them). Two queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pilote.core.registry import TodoItem
from pilote.hr.queries import interviews as queries

AHEAD = dt.timedelta(days=60)


def todo_items(user) -> list[TodoItem]:
    today = timezone.localdate()
    items = []
    for row in queries.due_rows(today, queries.for_user(user, today)):
        for due, what in ((row.review, "l'état des lieux récapitulatif"), (row.interview, "l'entretien professionnel")):
            if due.due <= today + AHEAD:
                prefix = "En retard — tenir" if due.late(today) else "Tenir"
                url = (
                    reverse("hr:employee-detail", args=[row.employee.pk])
                    if user.can("hr.view")
                    else reverse("hr:calendar")
                )
                items.append(TodoItem(f"{prefix} {what} de {row.employee.full_name}", url, due.due, "Personnel"))
                break  # the review is held in the interview: one item a person
    return items
