"""Reads on tasks: whose tasks a user sees (their own, those they gave or delegated; everyone's for the office
and the auditor), the filtered list (sorts, exports), the importance × urgency matrix (one query)."""

from __future__ import annotations

from django.db.models import Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.office.models import Task, TaskStatus
from pilote.office.queries.bookings import person

SORTS = {"echeance": ["due_on", "id"], "tache": [french("title")], "responsable": ["owner__last_name", "due_on"]}
DEFAULT_SORT = "echeance"
MATRIX_LIMIT = 100
QUADRANTS = {
    "do": {"important": True, "urgent": True},
    "plan": {"important": True, "urgent": False},
    "delegate": {"important": False, "urgent": True},
    "drop": {"important": False, "urgent": False},
}
QUADRANT_LABELS = {
    "do": "À faire tout de suite (important et urgent)",
    "plan": "À planifier (important, pas urgent)",
    "delegate": "À déléguer (urgent, pas important)",
    "drop": "À abandonner ou plus tard (ni l'un ni l'autre)",
}


def everyone(user) -> bool:
    return user.can("office.tasks.all")


def visible_tasks(user):
    if everyone(user):
        return Task.objects.all()
    return Task.objects.filter(Q(owner=user) | Q(created_by=user) | Q(delegated_by=user))


def filter_tasks(data: dict, user):
    tasks = visible_tasks(user)
    if everyone(user) and data.get("personne"):
        tasks = tasks.filter(owner=data["personne"])
    state = data.get("etat") or ""
    if state == "faites":
        tasks = tasks.filter(status=TaskStatus.DONE)
    elif state != "toutes":
        tasks = tasks.filter(status=TaskStatus.OPEN)
    if data.get("quadrant") in QUADRANTS:
        tasks = tasks.filter(**QUADRANTS[data["quadrant"]])
    if q := (data.get("q") or "").strip():
        tasks = tasks.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return tasks


def with_relations(tasks):
    return tasks.select_related("owner", "meeting", "delegated_by")


EXPORT_COLUMNS = [
    Column("Tâche", lambda t: t.title),
    Column("Responsable", lambda t: person(t.owner)),
    Column("Échéance", lambda t: t.due_on),
    Column("Importante", lambda t: "oui" if t.important else "non"),
    Column("Urgente", lambda t: "oui" if t.urgent else "non"),
    Column("État", lambda t: t.get_status_display()),
    Column("Faite le", lambda t: t.done_on),
    Column("Réunion", lambda t: str(t.meeting) if t.meeting_id else ""),
    Column("Déléguée par", lambda t: person(t.delegated_by)),
]


def export_rows(tasks):
    return with_relations(tasks).iterator(chunk_size=500)


def matrix(tasks) -> list[tuple[str, str, list[Task]]]:
    """The open tasks in the four quadrants, soonest due first (one query)."""
    grouped = {key: [] for key in QUADRANTS}
    for task in with_relations(tasks.filter(status=TaskStatus.OPEN)).order_by("due_on", "pk")[: MATRIX_LIMIT * 4]:
        grouped[task.quadrant].append(task)
    return [(key, QUADRANT_LABELS[key], grouped[key][:MATRIX_LIMIT]) for key in QUADRANTS]
