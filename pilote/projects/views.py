from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.lib.dates import local_today
from pilote.projects import gantt, queries, services
from pilote.projects.forms import (
    BudgetForm,
    DependencyForm,
    ProjectFilterForm,
    ProjectForm,
    TaskForm,
    TimeEntryForm,
    TimeFilterForm,
    TimeInvoiceForm,
)
from pilote.projects.models import Dependency, Project, Task, TimeEntry


def _error(form, exc) -> None:
    form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))


def _filtered(request):
    form = ProjectFilterForm(request.GET or None)
    data = filter_data(form)
    projects = sort_queryset(
        queries.filter_projects(data), request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT
    )
    return form, projects


@require_perm("projects.view")
def project_list(request):
    form, projects = _filtered(request)
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(projects.iterator(chunk_size=500), queries.COLUMNS, "projets", export, title="Projets")
    return render(request, "projects/project_list.html", {"form": form, "page": paginate(request, projects)})


@require_perm("projects.view")
def project_detail(request, pk: int):
    project = get_object_or_404(Project.objects.select_related("customer", "manager", "billing_product"), pk=pk)
    page = queries.project_page(project)
    spent = queries.task_hours(project)
    for task in page["tasks"]:
        task.spent = spent.get(task.pk)
    links = [(d.predecessor_id, d.successor_id, d.kind) for d in page["links"]]
    chart = gantt.build(page["tasks"], links, local_today())
    context = {
        "project": project,
        **page,
        "chart": chart,
        "can_edit": request.user.can("projects.edit"),  # the Gantt's bars open their task's form
        "today": local_today(),
        "task_form": TaskForm(),
        "link_form": DependencyForm(project=project),
        "time_form": TimeEntryForm(project=project, initial={"date": local_today()}),
        "time_entries": queries.project_time(project),
        "time_invoice_form": TimeInvoiceForm(initial={"until": local_today(), "date": local_today()}),
        "to_invoice": queries.time_to_invoice(project),
        "budget": queries.budget_comparison(project),
    }
    return render(request, "projects/project_detail.html", context)


@require_perm("projects.edit")
def budget_edit(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    current = {line.nature: line.amount for line in project.budget_lines.all()}
    form = BudgetForm(request.POST or None, budget=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_budget(actor=request.user, project=project, amounts=dict(form.cleaned_data))
            messages.success(request, "Budget du projet enregistré.")
            return redirect("projects:detail", project.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "projects/budget_form.html", {"project": project, "form": form})


def _project_form(request, project=None):
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            if project is None:
                project = services.create_project(actor=request.user, **form.service_fields())
            else:
                services.update_project(
                    actor=request.user,
                    project=project,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_fields(),
                )
            return redirect("projects:detail", project.pk)
        except (DomainError, ValidationError) as exc:
            _error(form, exc)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@require_perm("projects.edit")
def project_create(request):
    return _project_form(request)


@require_perm("projects.edit")
def project_edit(request, pk: int):
    return _project_form(request, get_object_or_404(Project, pk=pk))


@require_perm("projects.edit")
@require_POST
def task_add(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.add_task(actor=request.user, project=project, **form.service_fields())
            messages.success(request, "Tâche ajoutée : le planning et le chemin critique sont recalculés.")
            return redirect("projects:detail", project.pk)
        except (DomainError, ValidationError) as exc:
            _error(form, exc)
    for error in form.errors.get("__all__", []) + [
        f"{form.fields[k].label} : {e[0]}" for k, e in form.errors.items() if k != "__all__"
    ]:
        messages.error(request, error)
    return redirect("projects:detail", project.pk)


@require_perm("projects.edit")
def task_edit(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("project"), pk=pk)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_task(
                actor=request.user,
                task=task,
                expected_version=form.cleaned_data.get("version"),
                **form.service_fields(),
            )
            return redirect("projects:detail", task.project_id)
        except (DomainError, ValidationError) as exc:
            _error(form, exc)
    return render(request, "projects/task_form.html", {"form": form, "task": task, "project": task.project})


@require_perm("projects.edit")
@require_POST
def task_delete(request, pk: int):
    task = get_object_or_404(Task, pk=pk)
    services.delete_task(actor=request.user, task=task)
    messages.success(request, f"Tâche « {task.name} » supprimée.")
    return redirect("projects:detail", task.project_id)


@require_perm("projects.edit")
@require_POST
def link_add(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    form = DependencyForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.link_tasks(
                actor=request.user,
                predecessor=form.cleaned_data["predecessor"],
                successor=form.cleaned_data["successor"],
                kind=form.cleaned_data["kind"],
                lag_days=form.cleaned_data["lag_days"],
            )
            messages.success(request, "Dépendance ajoutée : le planning et le chemin critique sont recalculés.")
        except (DomainError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
    else:
        messages.error(request, "Dépendance refusée : choisissez deux tâches et un décalage entre -250 et 250 jours.")
    return redirect("projects:detail", project.pk)


@require_perm("projects.edit")
@require_POST
def link_delete(request, pk: int):
    link = get_object_or_404(Dependency.objects.select_related("successor"), pk=pk)
    services.unlink(actor=request.user, link=link)
    messages.success(request, "Dépendance supprimée.")
    return redirect("projects:detail", link.successor.project_id)


@require_perm("projects.edit")
@require_POST
def time_add(request, pk: int):
    project = get_object_or_404(Project, pk=pk)
    form = TimeEntryForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.add_time_entry(actor=request.user, person=request.user, **form.cleaned_data)
            messages.success(request, "Temps enregistré.")
        except (DomainError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
    else:
        for key, errors in form.errors.items():
            messages.error(request, f"{form.fields[key].label} : {errors[0]}" if key in form.fields else errors[0])
    return redirect("projects:detail", project.pk)


@require_perm("projects.edit")
@require_POST
def time_delete(request, pk: int):
    entry = get_object_or_404(TimeEntry.objects.select_related("task"), pk=pk)
    try:
        services.delete_time_entry(actor=request.user, entry=entry)
        messages.success(request, "Saisie de temps supprimée.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("projects:detail", entry.task.project_id)


@require_perm("projects.edit")
@require_perm("sales.edit")
@require_POST
def time_invoice(request, pk: int):
    """A draft invoice of the customer project's time not yet invoiced (the accountant checks and issues it)."""
    project = get_object_or_404(Project, pk=pk)
    form = TimeInvoiceForm(request.POST)
    if not form.is_valid():
        for key, errors in form.errors.items():
            messages.error(request, f"{form.fields[key].label} : {errors[0]}" if key in form.fields else errors[0])
        return redirect("projects:detail", project.pk)
    try:
        draft = services.invoice_time(actor=request.user, project=project, **form.cleaned_data)
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
        return redirect("projects:detail", project.pk)
    messages.success(request, "Facture du temps passé préparée en brouillon : vérifiez-la puis émettez-la.")
    return redirect("sales:invoice-detail", draft.pk)


@require_perm("projects.view")
def time_list(request):
    form = TimeFilterForm(request.GET or None)
    data = filter_data(form)
    entries = sort_queryset(queries.filter_time(data), request.GET.get("tri", ""), queries.TIME_SORTS, "-date")
    export = request.GET.get("export")
    if export in EXPORT_FORMATS:
        return export_response(entries.iterator(chunk_size=500), queries.TIME_COLUMNS, "temps-passes", export,
                               title="Temps passés")  # fmt: skip
    total = entries.aggregate(s=Sum("hours"))["s"] or 0
    return render(
        request, "projects/time_list.html", {"form": form, "page": paginate(request, entries), "total": total}
    )


@require_perm("projects.view")
def workload_page(request):
    import datetime as dt

    try:
        first = dt.date.fromisoformat(request.GET.get("debut", ""))
    except ValueError:
        first = local_today()
    first = min(max(first, dt.date(2000, 1, 3)), dt.date(2099, 1, 5))
    data = queries.workload_rows(first)
    context = {**data, "previous": data["weeks"][0] - dt.timedelta(weeks=4),
               "next": data["weeks"][0] + dt.timedelta(weeks=4)}  # fmt: skip
    return render(request, "projects/workload.html", context)
