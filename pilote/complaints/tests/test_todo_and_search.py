"""The assignee's to-do list (overdue first) and the global search."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pilote.complaints import services
from pilote.complaints.todo import todo_items
from pilote.core.registry import todos_for


def test_assignee_sees_reminders_overdue_first(record, personas):
    assistant = personas["assistant"]
    today = timezone.localdate()
    late = record(received_on=today - dt.timedelta(days=30), subject="Ancienne", assignee=assistant)
    soon = record(received_on=today, severity="minor", subject="Récente", assignee=assistant)
    answered = record(received_on=today - dt.timedelta(days=3), subject="Répondue", assignee=assistant)
    services.answer_complaint(actor=assistant, complaint=answered, text="OK")
    record(received_on=today, subject="Pas à moi", assignee=personas["commercial"])
    items = todos_for(assistant)
    labels = [item.label for item in items if item.kind == "Réclamation"]
    assert labels[0].startswith(f"En retard — répondre à la réclamation {late.reference} Ancienne")
    assert labels[1].startswith(f"Répondre à la réclamation {soon.reference} Récente")
    assert labels[2].startswith(f"Clore la réclamation {answered.reference}")
    assert not any("Pas à moi" in label for label in labels)
    assert items[0].url == reverse("complaints:detail", args=[late.pk])


def test_direction_is_reminded_of_unassigned_complaints(record, personas):
    complaint = record(received_on=timezone.localdate())
    labels = [item.label for item in todo_items(personas["direction"])]
    assert labels == [f"Attribuer la réclamation {complaint.reference} Chaises livrées rayées (Boulangerie Martin)"]
    assert todo_items(personas["commercial"]) == []
    assert all(item.kind != "Réclamation" for item in todos_for(personas["comptable"]))  # no complaints.edit


def test_closed_complaints_leave_the_list(record, personas):
    assistant = personas["assistant"]
    complaint = record(assignee=assistant)
    services.answer_complaint(actor=assistant, complaint=complaint, text="OK")
    services.close_complaint(actor=assistant, complaint=complaint, resolution="dropped")
    assert todo_items(assistant) == []


def test_global_search_finds_complaints(client_as, record):
    complaint = record(subject="Toner qui bave")
    client = client_as("comptable")
    for query in ("toner", complaint.reference, "boulangerie"):
        page = client.get(reverse("core:search"), {"q": query}).content.decode()
        assert complaint.reference in page, query
    assert complaint.reference not in client_as("rh").get(reverse("core:search"), {"q": "toner"}).content.decode()
