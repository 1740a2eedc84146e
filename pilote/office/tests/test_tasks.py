"""Tasks: the importance × urgency matrix, the to-do list, delegation, comments, done, and the reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.lib.dates import local_today
from pilote.office.services import tasks


@pytest.fixture
def some_tasks(personas):
    actor, owner = personas["assistant"], personas["salarie"]
    today = local_today()
    return {
        "do": tasks.create_task(actor=actor, title="Déclarer l'accident", owner=owner, important=True, urgent=True,
                                due_on=today - dt.timedelta(days=1)),
        "plan": tasks.create_task(actor=actor, title="Préparer le séminaire", owner=owner, important=True,
                                  due_on=today + dt.timedelta(days=1)),
        "delegate": tasks.create_task(actor=actor, title="Commander du papier", owner=owner, urgent=True),
        "drop": tasks.create_task(actor=actor, title="Ranger les archives", owner=personas["commercial"]),
    }  # fmt: skip


def test_the_matrix_places_each_task(client_as, some_tasks):
    page = client_as("salarie").get(reverse("office:task-matrix"))
    quadrants = {key: [t.title for t in found] for key, _, found in page.context["quadrants"]}
    assert quadrants == {"do": ["Déclarer l'accident"], "plan": ["Préparer le séminaire"],
                         "delegate": ["Commander du papier"], "drop": []}  # fmt: skip
    everyone = client_as("assistant").get(reverse("office:task-matrix"))
    assert "Ranger les archives" in everyone.content.decode()
    assert client_as("salarie").get(reverse("office:task-detail", args=[some_tasks["drop"].pk])).status_code == 404


def test_delegate_comment_and_done(client_as, personas, some_tasks):
    task = some_tasks["delegate"]
    client = client_as("salarie")
    client.post(reverse("office:task-delegate", args=[task.pk]), {"owner": personas["commercial"].pk})
    client.post(reverse("office:task-comment", args=[task.pk]), {"text": "Format A4, 5 ramettes"})
    task.refresh_from_db()
    assert task.owner == personas["commercial"] and task.delegated_by == personas["salarie"]
    assert [c.text for c in task.comments.all()] == ["Déléguée à Commercial(e) Test.", "Format A4, 5 ramettes"]
    client_as("commercial").post(reverse("office:task-done", args=[task.pk]))
    task.refresh_from_db()
    assert task.status == "done" and task.done_on == local_today()
    with pytest.raises(DomainError, match="Seuls le responsable"):
        tasks.update_task(actor=personas["rh"], task=task, title="Autre")


def test_reminders_before_due_and_when_late_once_a_day(personas, some_tasks):
    personas["salarie"].email = "thomas@example.org"
    personas["salarie"].save()
    call_command("office_task_reminders", "--base-url", "https://pilote.example.org")
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Rappel de tâche : Préparer le séminaire", "Tâche en retard : Déclarer l'accident"]
    assert "https://pilote.example.org/bureau/taches/" in mail.outbox[0].body
    assert tasks.send_reminders() == 0  # not twice the same day


def test_list_filters_and_exports(client_as, some_tasks):
    client = client_as("assistant")
    page = client.get(reverse("office:task-list"), {"quadrant": "do", "tri": "-echeance"}).content.decode()
    assert "Déclarer l&#x27;accident" in page and "Commander du papier" not in page
    export = client.get(reverse("office:task-export", args=["csv"]))
    assert "Ranger les archives" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_reminders_run_from_the_platform_scheduler(personas, settings):
    """The schedule « office.task_reminders » runs the same reminders daily, its links on PILOTE_SITE_URL."""
    from pilote.core import schedule

    settings.PILOTE_SITE_URL = "https://pilote.example.fr"
    owner = personas["salarie"]
    owner.email = "salarie@example.org"
    owner.save(update_fields=["email"])
    tasks.create_task(actor=personas["assistant"], title="Relancer le bailleur", owner=owner,
                         due_on=local_today() + dt.timedelta(days=1))  # fmt: skip
    planned = schedule._schedules["office.task_reminders"]
    assert planned.work(None, None) == "1 rappel(s) de tâche envoyé(s)."
    assert "https://pilote.example.fr/bureau/taches/" in mail.outbox[0].body
