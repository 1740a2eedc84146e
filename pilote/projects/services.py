"""Every write on projects, tasks and dependencies; each one recomputes the project's schedule (cpm.py) so
the dates, floats and critical path shown are always those of the network as it stands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from pilote.core import audit
from pilote.core.exceptions import DomainError, check_version
from pilote.projects import cpm
from pilote.projects.budget import NATURES
from pilote.projects.models import BudgetLine, Dependency, Project, Task, TimeEntry

PROJECT_FIELDS = (
    "name", "kind", "status", "customer", "manager", "start_date", "description", "billing_product", "hourly_rate",
    "analytic_section",
)  # fmt: skip
TASK_FIELDS = ("name", "owner", "duration_days", "not_before", "done_percent")


YEARS_AHEAD = 10  # a project, or a task's « not before », within ten years of the project's start


def _check_dates(project: Project, not_before: dt.date | None = None) -> None:
    """Dates a schedule can be computed from: a start within a century, a « not before » within ten years of it."""
    if not dt.date(2000, 1, 1) <= project.start_date <= dt.date(2099, 12, 31):
        raise DomainError("Le début du projet doit être entre 2000 et 2099.")
    if not_before is not None and not (
        project.start_date - dt.timedelta(days=366 * YEARS_AHEAD)
        <= not_before
        <= project.start_date + dt.timedelta(days=366 * YEARS_AHEAD)
    ):
        raise DomainError(f"« Pas avant le » doit tomber à moins de {YEARS_AHEAD} ans du début du projet.")


def recompute(project: Project) -> cpm.Schedule:
    """Run the critical path over the project's network and store each task's dates and floats."""
    tasks = list(project.tasks.all())
    links = list(Dependency.objects.filter(successor__project=project))
    result = cpm.schedule(
        [cpm.Task(t.pk, t.duration_days, cpm.offset_of(project.start_date, t.not_before)) for t in tasks],
        [cpm.Link(d.predecessor_id, d.successor_id, d.kind, d.lag_days) for d in links],
    )
    for task in tasks:
        timing = result.timings[task.pk]
        task.early_start, task.early_finish = cpm.dates(project.start_date, timing)
        task.late_start, task.late_finish = cpm.span(project.start_date, timing.late_start, timing.late_finish)
        task.total_float, task.free_float, task.is_critical = timing.total_float, timing.free_float, timing.critical
    Task.objects.bulk_update(
        tasks,
        ["early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float", "is_critical"],
    )
    project.duration_days = result.duration
    project.end_date = max((t.early_finish for t in tasks), default=None)
    Project.objects.filter(pk=project.pk).update(duration_days=project.duration_days, end_date=project.end_date)
    return result


@transaction.atomic
def create_project(*, actor, **fields) -> Project:
    project = Project(**{k: fields[k] for k in PROJECT_FIELDS if k in fields})
    project.full_clean()
    _check_dates(project)
    project.save()
    audit.record(actor, "projects.project.created", project, after=audit.snapshot(project))
    return project


@transaction.atomic
def update_project(*, actor, project: Project, expected_version=None, **fields) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    check_version(project.version, expected_version, "Le projet")
    before = audit.snapshot(project)
    for key in PROJECT_FIELDS:
        if key in fields:
            setattr(project, key, fields[key])
    project.full_clean()
    _check_dates(project)
    for not_before in project.tasks.exclude(not_before=None).values_list("not_before", flat=True):
        _check_dates(project, not_before)
    project.version += 1
    project.save()
    recompute(project)
    audit.record(actor, "projects.project.updated", project, before=before, after=audit.snapshot(project))
    return project


@transaction.atomic
def add_task(*, actor, project: Project, **fields) -> Task:
    project = Project.objects.select_for_update().get(pk=project.pk)
    position = project.tasks.count() + 1
    task = Task(project=project, position=position, **{k: fields[k] for k in TASK_FIELDS if k in fields})
    task.full_clean()
    _check_dates(project, task.not_before)
    task.save()
    recompute(project)
    audit.record(actor, "projects.task.created", task, after=audit.snapshot(task))
    return task


@transaction.atomic
def update_task(*, actor, task: Task, expected_version=None, **fields) -> Task:
    project = Project.objects.select_for_update().get(pk=task.project_id)
    task = Task.objects.get(pk=task.pk)
    check_version(task.version, expected_version, "La tâche")
    before = audit.snapshot(task)
    for key in TASK_FIELDS:
        if key in fields:
            setattr(task, key, fields[key])
    task.full_clean()
    _check_dates(project, task.not_before)
    task.version += 1
    task.save()
    recompute(project)
    audit.record(actor, "projects.task.updated", task, before=before, after=audit.snapshot(task))
    return task


@transaction.atomic
def delete_task(*, actor, task: Task) -> None:
    project = Project.objects.select_for_update().get(pk=task.project_id)
    audit.record(actor, "projects.task.deleted", task, before=audit.snapshot(task))
    task.delete()
    recompute(project)


@transaction.atomic
def link_tasks(*, actor, predecessor: Task, successor: Task, kind: str = "FS", lag_days: int = 0) -> Dependency:
    """Make `successor` depend on `predecessor`; refused across projects and when it would close a loop."""
    if predecessor.project_id != successor.project_id:
        raise DomainError("Les deux tâches doivent appartenir au même projet.")
    project = Project.objects.select_for_update().get(pk=predecessor.project_id)
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise DomainError("Ces deux tâches sont déjà liées.")
    link = Dependency(predecessor=predecessor, successor=successor, kind=kind, lag_days=lag_days)
    link.full_clean()
    link.save()
    try:
        recompute(project)
    except cpm.CycleError as exc:
        names = dict(Task.objects.filter(pk__in=exc.tasks).values_list("pk", "name"))
        raise DomainError(
            "Dépendance refusée : elle formerait une boucle entre « "
            + " », « ".join(names[pk] for pk in exc.tasks if pk in names)
            + " »."
        ) from exc
    audit.record(actor, "projects.dependency.created", link, after=audit.snapshot(link))
    return link


@transaction.atomic
def unlink(*, actor, link: Dependency) -> None:
    project = Project.objects.select_for_update().get(pk=link.successor.project_id)
    audit.record(actor, "projects.dependency.deleted", link, before=audit.snapshot(link))
    link.delete()
    recompute(project)


MAX_BACK = 366  # days: time is entered for the past year at most


@transaction.atomic
def add_time_entry(*, actor, task: Task, person, date: dt.date, hours, note: str = "") -> TimeEntry:
    from decimal import Decimal

    from pilote.lib.dates import local_today

    hours = Decimal(hours)
    if not Decimal("0.25") <= hours <= 24 or hours % Decimal("0.25"):
        raise DomainError("Saisissez le temps par quarts d'heure, de 0,25 à 24 heures.")
    if not local_today() - dt.timedelta(days=MAX_BACK) <= date <= local_today() + dt.timedelta(days=7):
        raise DomainError("La date doit être dans l'année écoulée (ou la semaine à venir).")
    entry = TimeEntry(task=task, person=person, date=date, hours=hours, note=note.strip()[:200])
    entry.full_clean()
    entry.save()
    audit.record(actor, "projects.time.created", entry, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def delete_time_entry(*, actor, entry: TimeEntry) -> None:
    entry = TimeEntry.objects.select_for_update(of=("self",)).select_related("invoice").get(pk=entry.pk)
    if entry.invoice_id:
        raise DomainError(
            f"Ce temps est facturé ({entry.invoice}) : il ne se supprime plus "
            "(supprimez d'abord le brouillon de facture, ou corrigez la facture par un avoir)."
        )
    audit.record(actor, "projects.time.deleted", entry, before=audit.snapshot(entry))
    entry.delete()


def time_lines(project: Project, entries) -> list:
    """The invoice lines of the time spent: one per task, its hours at the project's rate (or its article's price)."""
    from decimal import Decimal

    from pilote.sales.services import LineSpec

    product = project.billing_product
    rate = project.hourly_rate if project.hourly_rate is not None else product.unit_price
    by_task: dict[int, list[TimeEntry]] = {}
    for entry in entries:
        by_task.setdefault(entry.task_id, []).append(entry)
    lines = []
    for task_entries in sorted(by_task.values(), key=lambda group: (group[0].task.position, group[0].task_id)):
        first, last = min(e.date for e in task_entries), max(e.date for e in task_entries)
        period = f"le {first:%d/%m/%Y}" if first == last else f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}"
        lines.append(
            LineSpec.from_product(
                product,
                sum((e.hours for e in task_entries), Decimal(0)),
                unit_price=rate,
                description=f"{product.name} — {project.name} : {task_entries[0].task.name} ({period})"[:500],
            )  # fmt: skip
        )
    return lines


@transaction.atomic
def invoice_time(*, actor, project: Project, until: dt.date, date: dt.date):
    """A draft sales invoice of the customer project's time not yet invoiced, spent up to `until` (one line per task,
    hours × rate); each entry is marked with it so it is never invoiced twice. The accountant issues it."""
    from pilote.sales import services as sales

    project = (
        Project.objects.select_for_update(of=("self",))  # the customer and the article: outer joins, not locked
        .select_related("customer", "billing_product")
        .get(pk=project.pk)
    )
    if project.kind != "customer" or project.customer_id is None:
        raise DomainError("Seul le temps d'un projet client se facture : indiquez le client du projet.")
    if project.billing_product_id is None:
        raise DomainError("Choisissez l'article (prestation) qui facture le temps du projet : Modifier le projet.")
    if project.hourly_rate is None and not project.billing_product.unit_price:
        raise DomainError("L'article facturé n'a pas de prix : indiquez le taux horaire du projet.")
    entries = list(
        TimeEntry.objects.select_for_update(of=("self",))
        .select_related("task")
        .filter(task__project=project, invoice__isnull=True, date__lte=until)
        .order_by("date", "pk")
    )
    if not entries:
        raise DomainError(f"Aucun temps à facturer jusqu'au {until:%d/%m/%Y} sur ce projet.")
    draft = sales.create_invoice(
        actor=actor, customer=project.customer, date=date, lines=time_lines(project, entries),
        notes=f"Temps passé sur le projet « {project.name} » jusqu'au {until:%d/%m/%Y}.",
    )  # fmt: skip
    TimeEntry.objects.filter(pk__in=[e.pk for e in entries]).update(invoice=draft)
    audit.record(actor, "projects.time.invoiced", project, after={"facture": draft.pk, "saisies": len(entries)})
    return draft


MAX_BUDGET = Decimal("1000000000")


@transaction.atomic
def set_budget(*, actor, project: Project, amounts: dict[str, Decimal | None]) -> Project:
    """The project's budget per nature (budget.NATURES): a nature left empty or at zero has none. Refused whole, in
    French, when an amount is negative or absurd."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    problems = []
    for nature, amount in amounts.items():
        if nature not in NATURES:
            problems.append(f"Nature de budget inconnue : {nature}.")
        elif amount is not None and (not Decimal(amount).is_finite() or amount < 0 or amount >= MAX_BUDGET):
            problems.append(f"{NATURES[nature][0]} : le budget est un montant positif (moins d'un milliard).")
        elif amount is not None and Decimal(amount) != Decimal(amount).quantize(Decimal("0.01")):
            problems.append(f"{NATURES[nature][0]} : le budget s'arrête au centime.")
    if problems:
        raise DomainError(" ".join(problems))
    before = {line.nature: str(line.amount) for line in project.budget_lines.all()}
    project.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(project=project, nature=nature, amount=amount) for nature, amount in amounts.items() if amount
    )
    after = {nature: str(amount) for nature, amount in amounts.items() if amount}
    audit.record(actor, "projects.budget.updated", project, before=before, after=after)
    return project
