"""Reads of projects: the filtered list, its sorts and export columns, a project's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.ledger.models import AnalyticBalance
from pilote.projects import budget, workload
from pilote.projects.models import Dependency, Project, ProjectStatus, Task, TimeEntry

SORTS = {
    "nom": [french("name")],
    "debut": ["start_date", "id"],
    "fin": ["end_date", "id"],
    "etat": ["status", "id"],
}
DEFAULT_SORT = "-debut"
COLUMNS = [
    Column("Projet", lambda p: p.name),
    Column("Nature", lambda p: p.get_kind_display()),
    Column("État", lambda p: p.get_status_display()),
    Column("Client", lambda p: p.customer.display_name if p.customer else ""),
    Column("Chef de projet", lambda p: p.manager.get_full_name() if p.manager else ""),
    Column("Début", lambda p: p.start_date),
    Column("Fin prévue", lambda p: p.end_date),
    Column("Durée (jours ouvrés)", lambda p: p.duration_days),
    Column("Tâches", lambda p: p.task_count),
    Column("Tâches critiques", lambda p: p.critical_count),
]


def filter_projects(data: dict):
    projects = Project.objects.select_related("customer", "manager").annotate(
        task_count=Count("tasks"), critical_count=Count("tasks", filter=Q(tasks__is_critical=True))
    )
    if data.get("q"):
        projects = projects.filter(Q(name__icontains=data["q"]) | Q(customer__name__icontains=data["q"]))
    if data.get("status"):
        projects = projects.filter(status=data["status"])
    if data.get("kind"):
        projects = projects.filter(kind=data["kind"])
    return projects


def project_page(project: Project) -> dict:
    tasks = list(project.tasks.select_related("owner").order_by("early_start", "position", "id"))
    links = list(
        Dependency.objects.filter(successor__project=project)
        .select_related("predecessor", "successor")
        .order_by("successor__early_start", "id")
    )
    return {"tasks": tasks, "links": links}


def task_hours(project: Project) -> dict[int, Decimal]:
    """Hours spent per task of the project (one grouped query)."""
    rows = TimeEntry.objects.filter(task__project=project).values("task").annotate(s=Sum("hours"))
    return {row["task"]: row["s"] for row in rows}


def project_time(project: Project, limit: int = 30) -> list[TimeEntry]:
    return list(TimeEntry.objects.filter(task__project=project).select_related("task", "person", "invoice")[:limit])


def time_to_invoice(project: Project) -> dict:
    """The customer project's hours not yet invoiced and the hourly rate they would be invoiced at."""
    totals = TimeEntry.objects.filter(task__project=project, invoice__isnull=True).aggregate(
        hours=Sum("hours"), count=Count("id")
    )
    product = project.billing_product
    rate = project.hourly_rate if project.hourly_rate is not None else (product.unit_price if product else None)
    return {"hours": totals["hours"], "count": totals["count"], "rate": rate}


TIME_SORTS = {"date": ["date", "id"], "projet": ["task__project__name", "date"], "heures": ["hours", "id"]}
TIME_COLUMNS = [
    Column("Date", lambda e: e.date),
    Column("Personne", lambda e: e.person.get_full_name() or e.person.username),
    Column("Projet", lambda e: e.task.project.name),
    Column("Tâche", lambda e: e.task.name),
    Column("Heures", lambda e: e.hours),
    Column("Commentaire", lambda e: e.note),
]


def filter_time(data: dict):
    entries = TimeEntry.objects.select_related("task__project", "person")
    if data.get("person"):
        entries = entries.filter(person=data["person"])
    if data.get("project"):
        entries = entries.filter(task__project=data["project"])
    if data.get("start"):
        entries = entries.filter(date__gte=data["start"])
    if data.get("end"):
        entries = entries.filter(date__lte=data["end"])
    return entries


def workload_rows(first: dt.date, weeks: int = 8) -> dict:
    """Each owner's load per week over `weeks` weeks from `first`'s Monday, against the week's working days."""
    mondays = workload.mondays(first, weeks)
    end = mondays[-1] + dt.timedelta(days=6)
    running = [ProjectStatus.PLANNED, ProjectStatus.ACTIVE]
    tasks = Task.objects.filter(
        project__status__in=running, done_percent__lt=100, duration_days__gt=0, owner__isnull=False
    ).filter(early_start__lte=end, early_finish__gte=mondays[0])
    tasks = tasks.select_related("project", "owner")
    owners, assignments = {}, []
    for t in tasks:
        owners[t.owner_id] = t.owner
        assignments.append(
            workload.Assignment(t.owner_id, t.early_start, t.early_finish, f"{t.name} ({t.project.name})")
        )
    cells = workload.grid(assignments, mondays)
    rows = [
        {"person": owners[pk], "cells": cells[pk], "overloads": sum(c.overloaded for c in cells[pk])}
        for pk in sorted(owners, key=lambda pk: (owners[pk].last_name, owners[pk].first_name))
    ]
    return {"weeks": mondays, "rows": rows}


def budget_comparison(project: Project):
    """The project's budget per nature against the analytic aggregates of its section since the month it started
    (ledger.AnalyticBalance: posted lines only; two queries), or None when it has no section and no budget."""
    planned = {line.nature: line.amount for line in project.budget_lines.all()}
    if project.analytic_section_id is None and not planned:
        return None
    movements = []
    if project.analytic_section_id is not None:
        movements = [
            (row["account__code"], _money(row["d"]), _money(row["c"]))
            for row in AnalyticBalance.objects.filter(
                section_id=project.analytic_section_id, month__gte=project.start_date.replace(day=1)
            )
            .values("account__code")
            .annotate(d=Sum("debit"), c=Sum("credit"))
        ]
    return budget.compare(planned, movements)


def _money(value) -> Decimal:
    """A Sum over a MoneyField: Decimal euros (from_db_value), or a bare 0 when nothing was summed."""
    return value if isinstance(value, Decimal) else Decimal("0.00")
