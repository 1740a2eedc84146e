"""A textbook project network shared by the projects tests and their browser test."""

from __future__ import annotations

import datetime as dt

import pytest

from pilote.projects import services

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def network(personas):
    """The textbook network of test_cpm (A-B-D-E-G critical in 16 working days, C and F one day of slack)."""
    actor = personas["direction"]
    project = services.create_project(actor=actor, name="Prototype", start_date=MONDAY)
    durations = {"A": 6, "B": 2, "C": 2, "D": 3, "F": 2, "E": 4, "G": 1}
    tasks = {k: services.add_task(actor=actor, project=project, name=k, duration_days=d) for k, d in durations.items()}
    for a, b in [("A", "B"), ("A", "C"), ("B", "D"), ("C", "F"), ("D", "E"), ("F", "E"), ("E", "G")]:
        services.link_tasks(actor=actor, predecessor=tasks[a], successor=tasks[b])
    return project, tasks
