"""Projects over the API: projects, their tasks and dependencies, time entries — each write checked by the page's
form and made by `projects.services`, which recomputes the critical path as on the pages."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    through_form,
)
from pilote.core.listing import sort_queryset
from pilote.projects import queries, services
from pilote.projects.forms import DependencyForm, ProjectForm, TaskForm, TimeEntryForm
from pilote.projects.models import DependencyKind, Project, ProjectKind, ProjectStatus, Task, TimeEntry

router = Router(tags=["Projets"])


class ProjectOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    customer_id: int | None
    manager_id: int | None
    start_date: dt.date
    end_date: dt.date | None
    duration_days: int
    description: str
    billing_product_id: int | None
    hourly_rate: Decimal | None
    version: int


class TaskOut(Schema):
    id: int
    project_id: int
    name: str
    owner_id: int | None
    duration_days: int
    not_before: dt.date | None
    done_percent: int
    position: int
    early_start: dt.date | None
    early_finish: dt.date | None
    late_start: dt.date | None
    late_finish: dt.date | None
    total_float: int
    free_float: int
    is_critical: bool
    version: int


class DependencyOut(Schema):
    id: int
    predecessor_id: int
    successor_id: int
    kind: str
    lag_days: int


class ProjectDetailOut(ProjectOut):
    tasks: list[TaskOut]
    dependencies: list[DependencyOut]

    @staticmethod
    def resolve_tasks(obj: Project):
        return queries.project_page(obj)["tasks"]

    @staticmethod
    def resolve_dependencies(obj: Project):
        return queries.project_page(obj)["links"]


class ProjectPatch(Schema):
    name: str | None = None
    kind: ProjectKind | None = None
    status: ProjectStatus | None = None
    customer: OptionalId = Field(None, description="id d'un contact client")
    manager: OptionalId = Field(None, description="id de l'utilisateur chef de projet")
    start_date: Day | None = None
    description: str | None = None
    billing_product: OptionalId = Field(None, description="id de la prestation qui facture le temps passé")
    hourly_rate: Decimal | None = Field(None, max_digits=15)


class ProjectIn(ProjectPatch):
    name: str
    start_date: Day


class ProjectUpdate(ProjectPatch):
    version: int | None = Field(None, description="Version lue ; si le projet a changé depuis, réponse 409.")


class ProjectFilters(Paging):
    q: Words = Field("", description="dans l'intitulé ou le nom du client")
    status: Literal["", "planned", "active", "done", "cancelled"] = ""
    kind: Literal["", "customer", "internal", "establishment"] = ""
    tri: str = Field(queries.DEFAULT_SORT, description="nom, debut, fin, etat ; préfixe - pour l'ordre décroissant")


@guarded(router, "GET", "/projets", "projects.view", response=Page[ProjectOut])
def list_projects(request, filters: Query[ProjectFilters]):
    data = filters.dict()
    projects = sort_queryset(queries.filter_projects(data), data["tri"], queries.SORTS, queries.DEFAULT_SORT)
    return page_of(projects, data)


@guarded(router, "GET", "/projets/{project_id}", "projects.view", response=ProjectDetailOut)
def get_project(request, project_id: ObjectId):
    return fetch(Project, project_id)


@guarded(router, "POST", "/projets", "projects.edit", response={201: ProjectDetailOut})
def create_project(request, payload: ProjectIn):
    return Status(201, services.create_project(actor=request.auth, **through_form(ProjectForm, payload)))


@guarded(router, "PATCH", "/projets/{project_id}", "projects.edit", response=ProjectDetailOut)
def update_project(request, project_id: ObjectId, payload: ProjectUpdate):
    project = fetch(Project, project_id)
    fields = through_form(ProjectForm, payload, instance=fetch(Project, project_id))
    return services.update_project(actor=request.auth, project=project, expected_version=payload.version, **fields)


# --- tasks and dependencies -----------------------------------------------------------------------------


class TaskPatch(Schema):
    name: str | None = None
    owner: OptionalId = Field(None, description="id de l'utilisateur responsable")
    duration_days: int | None = Field(None, ge=0, le=32767)
    not_before: Day | None = None
    done_percent: int | None = Field(None, ge=0, le=100)


class TaskIn(TaskPatch):
    name: str
    duration_days: int = Field(..., ge=0, le=32767)


class TaskUpdate(TaskPatch):
    version: int | None = Field(None, description="Version lue ; si la tâche a changé depuis, réponse 409.")


class DependencyIn(Schema):
    predecessor: RequiredId = Field(..., description="id de la tâche précédente")
    successor: RequiredId = Field(..., description="id de la tâche suivante")
    kind: DependencyKind = DependencyKind.FS
    lag_days: int = Field(0, ge=-250, le=250)


@guarded(router, "POST", "/projets/{project_id}/taches", "projects.edit", response={201: TaskOut})
def add_task(request, project_id: ObjectId, payload: TaskIn):
    project = fetch(Project, project_id)
    return Status(201, services.add_task(actor=request.auth, project=project, **through_form(TaskForm, payload)))


@guarded(router, "PATCH", "/taches/{task_id}", "projects.edit", response=TaskOut)
def update_task(request, task_id: ObjectId, payload: TaskUpdate):
    task = fetch(Task, task_id)
    fields = through_form(TaskForm, payload, instance=fetch(Task, task_id))
    return services.update_task(actor=request.auth, task=task, expected_version=payload.version, **fields)


@guarded(router, "DELETE", "/taches/{task_id}", "projects.edit", response={204: None})
def delete_task(request, task_id: ObjectId):
    services.delete_task(actor=request.auth, task=fetch(Task, task_id))
    return Status(204, None)


@guarded(router, "POST", "/projets/{project_id}/dependances", "projects.edit", response={201: DependencyOut})
def link_tasks(request, project_id: ObjectId, payload: DependencyIn):
    project = fetch(Project, project_id)
    fields = through_form(DependencyForm, payload, project=project)
    return Status(201, services.link_tasks(actor=request.auth, **fields))


# --- time entries ---------------------------------------------------------------------------------------


class TimeEntryOut(Schema):
    id: int
    task_id: int
    project_id: int
    person_id: int
    date: dt.date
    hours: Decimal
    note: str
    invoice_id: int | None

    @staticmethod
    def resolve_project_id(obj: TimeEntry) -> int:
        return obj.task.project_id


class TimeEntryIn(Schema):
    task: RequiredId = Field(..., description="id d'une tâche du projet")
    date: Day
    hours: Decimal = Field(..., max_digits=5, description="par quarts d'heure, de 0,25 à 24")
    note: str = ""


class TimeFilters(Paging):
    person: OptionalId = None
    project: OptionalId = None
    start: Day | None = None
    end: Day | None = None
    tri: str = Field("-date", description="date, projet, heures ; préfixe - pour l'ordre décroissant")


@guarded(router, "GET", "/temps", "projects.view", response=Page[TimeEntryOut])
def list_time(request, filters: Query[TimeFilters]):
    data = filters.dict()
    return page_of(sort_queryset(queries.filter_time(data), data["tri"], queries.TIME_SORTS, "-date"), data)


@guarded(router, "POST", "/projets/{project_id}/temps", "projects.edit", response={201: TimeEntryOut})
def add_time_entry(request, project_id: ObjectId, payload: TimeEntryIn):
    """Time spent by the caller (as on the project's page: each person enters their own time)."""
    project = fetch(Project, project_id)
    fields = through_form(TimeEntryForm, payload, project=project)
    return Status(201, services.add_time_entry(actor=request.auth, person=request.auth, **fields))


@guarded(router, "DELETE", "/temps/{time_id}", "projects.edit", response={204: None})
def delete_time_entry(request, time_id: ObjectId):
    services.delete_time_entry(actor=request.auth, entry=fetch(TimeEntry, time_id))
    return Status(204, None)
