"""Complaints in the home page's to-do list: the user's complaints awaiting a first answer (by deadline,
so overdue ones come first), those answered and waiting to be closed, and — for direction — those nobody
handles yet. Three queries whatever the data size, of the columns the items print."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from pilote.complaints.models import Complaint, Status
from pilote.core.registry import TodoItem
from pilote.core.roles import Role

LIMIT = 50
FIELDS = ("pk", "subject", "status", "answer_due", "customer__kind", "customer__name", "customer__first_name")


def _label(complaint: Complaint) -> str:
    return f"{complaint.reference} {complaint.subject} ({complaint.customer.display_name})"


def todo_items(user) -> list[TodoItem]:
    today = timezone.localdate()
    mine = Complaint.objects.filter(assignee=user).exclude(status=Status.CLOSED)
    mine = mine.select_related("customer").only(*FIELDS)
    items = []
    for c in mine.filter(first_answer_on__isnull=True).order_by("answer_due", "pk")[:LIMIT]:
        prefix = "En retard — répondre" if c.answer_due < today else "Répondre"
        items.append(TodoItem(f"{prefix} à la réclamation {_label(c)}", _url(c), c.answer_due, "Réclamation"))
    for c in mine.filter(first_answer_on__isnull=False).order_by("received_on", "pk")[:LIMIT]:
        verb = "Clore" if c.status == Status.ANSWERED else "Reprendre"
        items.append(TodoItem(f"{verb} la réclamation {_label(c)}", _url(c), None, "Réclamation"))
    if user.role == Role.DIRECTION:
        waiting = Complaint.objects.filter(assignee__isnull=True).exclude(status=Status.CLOSED)
        for c in waiting.select_related("customer").only(*FIELDS).order_by("answer_due", "pk")[:LIMIT]:
            items.append(TodoItem(f"Attribuer la réclamation {_label(c)}", _url(c), c.answer_due, "Réclamation"))
    return items


def _url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])
