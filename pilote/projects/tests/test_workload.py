"""Workload per person per week against capacity (overloads flagged), and time entries against tasks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.lib.dates import local_today
from pilote.projects import services, workload
from pilote.projects.queries import task_hours, workload_rows

MONDAY = dt.date(2026, 5, 4)  # Friday 8 May 2026 is a public holiday (Victoire 1945): a week of 4 working days


def test_the_grid_counts_working_days_against_the_weeks_capacity():
    weeks = workload.mondays(MONDAY + dt.timedelta(days=2), 2)
    assert weeks == [MONDAY, MONDAY + dt.timedelta(days=7)]
    grid = workload.grid(
        [workload.Assignment(1, MONDAY, MONDAY + dt.timedelta(days=3), "Étude"),  # Mon–Thu: 4 days
         workload.Assignment(1, MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=8), "Devis")],  # Thu–Tue
        weeks,
    )  # fmt: skip
    first, second = grid[1]
    # Week 1: Étude 4 days + Devis on Thursday (Friday is a holiday) = 5 days for a capacity of 4: overloaded.
    assert (first.load, first.capacity, first.overloaded, first.tasks) == (5, 4, True, ["Étude", "Devis"])
    assert (second.load, second.capacity, second.overloaded) == (2, 4, False)  # Thursday 14 May: Ascension


def test_workload_of_the_projects_owners(personas):
    actor = personas["direction"]
    project = services.create_project(actor=actor, name="Salon", start_date=MONDAY, status="active")
    services.add_task(actor=actor, project=project, name="Stand", owner=personas["commercial"], duration_days=4)
    services.add_task(actor=actor, project=project, name="Invitations", owner=personas["commercial"], duration_days=2)
    services.add_task(actor=actor, project=project, name="Jalon", owner=personas["commercial"], duration_days=0)
    data = workload_rows(MONDAY, weeks=2)
    [row] = data["rows"]
    assert row["person"] == personas["commercial"] and row["overloads"] == 1
    assert [(c.load, c.capacity) for c in row["cells"]] == [(6, 4), (0, 4)]


def test_time_entries_against_tasks(personas, client_as):
    actor = personas["assistant"]
    project = services.create_project(actor=actor, name="Salon", start_date=MONDAY)
    task = services.add_task(actor=actor, project=project, name="Stand", duration_days=2)
    today = local_today()
    services.add_time_entry(actor=actor, task=task, person=actor, date=today, hours=D("3.5"))
    with pytest.raises(DomainError, match="quarts d'heure"):
        services.add_time_entry(actor=actor, task=task, person=actor, date=today, hours=D("0.1"))
    client = client_as("assistant")
    client.post(reverse("projects:time-add", args=[project.pk]),
                {"task": task.pk, "date": today.isoformat(), "hours": "1,25", "note": "Plans"})  # fmt: skip
    assert task_hours(project) == {task.pk: D("4.75")}
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "4,75 h" in page
    csv = b"".join(client.get(reverse("projects:time"), {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Salon;Stand;1,25;Plans" in csv
    page = client.get(reverse("projects:workload"), {"debut": "9999-99-99"}).content.decode()
    assert "Charge par personne" in page
