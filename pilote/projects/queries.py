"""Reads of projects: the filtered list, its sorts and export columns, a project's page."""

from __future__ import annotations

from django.db.models import Count, Q

from pilote.core.collation import french
from pilote.core.listing import Column
from pilote.projects.models import Dependency, Project

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
