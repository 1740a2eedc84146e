"""Tasks to follow up: typed, or the action items of a meeting's minutes. Each has an owner (who sees it in
their to-do list), a due date, importance and urgency (the Eisenhower matrix); it can be delegated, commented
and marked done; `send_reminders` (the `office_task_reminders` command, run daily by cron until the platform
has a task runner) e-mails owners before the due date and when late, once a day at most per task."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from pilote.core import audit, jobs
from pilote.core.exceptions import DomainError, check_version
from pilote.lib.dates import local_today
from pilote.office.models import Task, TaskComment, TaskStatus

REMIND_BEFORE = dt.timedelta(days=2)
TASK_FIELDS = ("title", "description", "due_on", "important", "urgent")


def _check_owner(owner) -> None:
    if owner is None or not owner.is_active:
        raise DomainError("Choisissez un responsable actif pour la tâche.")


def can_change(user, task: Task) -> bool:
    return user.pk in (task.owner_id, task.created_by_id, task.delegated_by_id) or user.can("office.manage")


@transaction.atomic
def create_task(*, actor, title: str, owner, due_on=None, important=False, urgent=False, description="",
                meeting=None) -> Task:  # fmt: skip
    title = (title or "").strip()
    if not title:
        raise DomainError("Décrivez la tâche.")
    _check_owner(owner)
    task = Task.objects.create(title=title, owner=owner, created_by=actor, due_on=due_on, important=bool(important),
                               urgent=bool(urgent), description=description or "", meeting=meeting)  # fmt: skip
    audit.record(actor, "office.task.created", task, after=audit.snapshot(task))
    return task


def _locked(task: Task, actor) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not can_change(actor, task):
        raise DomainError("Seuls le responsable de la tâche, qui l'a confiée ou le secrétariat la modifient.")
    return task


@transaction.atomic
def update_task(*, actor, task: Task, expected_version=None, **fields) -> Task:
    task = _locked(task, actor)
    check_version(task.version, expected_version, "La tâche")
    before = audit.snapshot(task)
    for key in TASK_FIELDS:
        if key in fields:
            setattr(task, key, fields[key])
    task.title = (task.title or "").strip()
    if not task.title:
        raise DomainError("Décrivez la tâche.")
    task.version += 1
    task.save()
    audit.record(actor, "office.task.updated", task, before=before, after=audit.snapshot(task))
    return task


@transaction.atomic
def delegate_task(*, actor, task: Task, owner, note: str = "") -> Task:
    task = _locked(task, actor)
    _check_owner(owner)
    if owner.pk == task.owner_id:
        raise DomainError("Cette personne est déjà responsable de la tâche.")
    before = {"responsable": str(task.owner)}
    task.delegated_by, task.owner = actor, owner
    task.reminded_on = None
    task.version += 1
    task.save()
    TaskComment.objects.create(task=task, author=actor, text=f"Déléguée à {owner}." + (f" {note}" if note else ""))
    audit.record(actor, "office.task.delegated", task, before=before, after={"responsable": str(owner)})
    return task


@transaction.atomic
def comment_task(*, actor, task: Task, text: str) -> TaskComment:
    text = (text or "").strip()
    if not text:
        raise DomainError("Le commentaire est vide.")
    comment = TaskComment.objects.create(task=task, author=actor, text=text)
    audit.record(actor, "office.task.commented", task)
    return comment


@transaction.atomic
def complete_task(*, actor, task: Task, done: bool = True) -> Task:
    task = _locked(task, actor)
    if done and not task.is_open:
        raise DomainError("Cette tâche est déjà faite.")
    if not done and task.is_open:
        raise DomainError("Cette tâche n'est pas faite.")
    task.status = TaskStatus.DONE if done else TaskStatus.OPEN
    task.done_on = local_today() if done else None
    task.version += 1
    task.save()
    audit.record(actor, "office.task.done" if done else "office.task.reopened", task)
    return task


def send_reminders(today: dt.date | None = None, base_url: str = "") -> int:
    """E-mail each open task due within REMIND_BEFORE days or late, to its owner with an address, at most once a
    day per task. Returns the number of e-mails sent."""
    today = today or local_today()
    due = (
        Task.objects.filter(status=TaskStatus.OPEN, due_on__lte=today + REMIND_BEFORE)
        .exclude(reminded_on=today)
        .exclude(owner__email="")
        .select_related("owner")
        .order_by("owner_id", "due_on", "pk")
    )
    sent = 0
    for task in list(due[:5000]):
        late = task.due_on < today
        what = f"en retard depuis le {task.due_on:%d/%m/%Y}" if late else f"à faire pour le {task.due_on:%d/%m/%Y}"
        url = base_url + reverse("office:task-detail", args=[task.pk])
        body = f"Bonjour,\n\nLa tâche « {task.title} » est {what}.\n\n{url}\n"
        subject = f"{'Tâche en retard' if late else 'Rappel de tâche'} : {task.title}"
        send_mail(subject, body, None, [task.owner.email])
        Task.objects.filter(pk=task.pk).update(reminded_on=today)
        sent += 1
    return sent


@jobs.work
def reminders_work(job, progress) -> str:
    """The daily run of the platform's scheduler (schedule « office.task_reminders »); the links point at
    PILOTE_SITE_URL. `manage.py office_task_reminders` does the same from cron."""
    from django.conf import settings

    sent = send_reminders(base_url=getattr(settings, "PILOTE_SITE_URL", ""))
    return f"{sent} rappel(s) de tâche envoyé(s)."
