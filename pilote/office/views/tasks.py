from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.models import User
from pilote.core.params import to_int
from pilote.lib.dates import local_today
from pilote.office.forms import CommentForm, DelegateForm, TaskFilterForm, TaskForm
from pilote.office.models import Task
from pilote.office.queries import tasks as queries
from pilote.office.services import tasks as services
from pilote.office.views.bookings import message_of


def _tasks(request):
    form = TaskFilterForm(request.GET or None, everyone=queries.everyone(request.user))
    data = filter_data(form)
    tasks = sort_queryset(queries.filter_tasks(data, request.user), request.GET.get("tri", ""), queries.SORTS,
                          queries.DEFAULT_SORT)  # fmt: skip
    return form, tasks


@require_perm("office.view")
def task_list(request):
    form, tasks = _tasks(request)
    page = paginate(request, queries.with_relations(tasks))
    return render(request, "office/task_list.html", {"form": form, "page": page, "today": local_today()})


@require_perm("office.view")
def task_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, tasks = _tasks(request)
    return export_response(queries.export_rows(tasks), queries.EXPORT_COLUMNS, "taches", fmt, title="Tâches")


@require_perm("office.view")
def task_matrix(request):
    person = request.user
    people = []
    if queries.everyone(request.user):
        people = User.objects.filter(is_active=True).order_by("last_name", "first_name")
        chosen = to_int(request.GET.get("personne"))
        person = next((p for p in people if p.pk == chosen), None) if chosen else None
    tasks = queries.visible_tasks(request.user)
    if person is not None:
        tasks = tasks.filter(owner=person)
    context = {"quadrants": queries.matrix(tasks), "person": person, "people": people, "today": local_today()}
    return render(request, "office/task_matrix.html", context)


@require_perm("office.tasks")
def task_create(request):
    form = TaskForm(request.POST or None, initial={"owner": request.user})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            task = services.create_task(actor=request.user, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"Tâche « {task.title} » créée.")
            return redirect("office:task-detail", pk=task.pk)
    return render(request, "office/task_form.html", {"form": form})


def _task(request, pk: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("owner", "created_by", "delegated_by", "meeting"), pk=pk)
    if not queries.visible_tasks(request.user).filter(pk=pk).exists():
        raise Http404
    return task


@require_perm("office.view")
def task_detail(request, pk: int):
    task = _task(request, pk)
    context = {
        "task": task, "comments": task.comments.select_related("author"), "today": local_today(),
        "editable": request.user.can("office.tasks") and services.can_change(request.user, task),
        "delegate_form": DelegateForm(), "comment_form": CommentForm(),
    }  # fmt: skip
    return render(request, "office/task_detail.html", context)


@require_perm("office.tasks")
def task_edit(request, pk: int):
    task = _task(request, pk)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.update_task(actor=request.user, task=task, expected_version=version, **data)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, "Tâche modifiée.")
            return redirect("office:task-detail", pk=pk)
    return render(request, "office/task_form.html", {"form": form, "task": task})


def _post(request, pk, act, done):
    task = _task(request, pk)
    try:
        act(task)
    except (DomainError, ValidationError) as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, done)
    return redirect("office:task-detail", pk=pk)


@require_POST
@require_perm("office.tasks")
def task_done(request, pk: int):
    done = request.POST.get("rouvrir") is None
    return _post(request, pk, lambda t: services.complete_task(actor=request.user, task=t, done=done),
                 "Tâche faite." if done else "Tâche rouverte.")  # fmt: skip


@require_POST
@require_perm("office.tasks")
def task_delegate(request, pk: int):
    form = DelegateForm(request.POST)

    def delegate(task):
        if not form.is_valid():
            raise DomainError("Choisissez à qui déléguer la tâche.")
        services.delegate_task(actor=request.user, task=task, **form.cleaned_data)

    return _post(request, pk, delegate, "Tâche déléguée.")


@require_POST
@require_perm("office.tasks")
def task_comment(request, pk: int):
    form = CommentForm(request.POST)

    def comment(task):
        if not form.is_valid():
            raise DomainError("Le commentaire est vide ou trop long.")
        services.comment_task(actor=request.user, task=task, text=form.cleaned_data["text"])

    return _post(request, pk, comment, "Commentaire ajouté.")
