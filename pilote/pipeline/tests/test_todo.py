"""The pipeline's to-do items on the home page: tender deadlines, bid tasks, next actions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.pipeline import services, tender_services
from pilote.pipeline.models import TenderStatus
from pilote.pipeline.todo import todo_items


@pytest.fixture
def work(customer, personas):
    now = timezone.now()
    today = timezone.localdate()
    commercial, assistant = personas["commercial"], personas["assistant"]
    upcoming = tender_services.create_tender(
        actor=commercial,
        buyer=customer,
        title="Marché à venir",
        owner=commercial,
        questions_deadline=now + dt.timedelta(days=3),
        submission_deadline=now + dt.timedelta(days=10),
    )
    tender_services.create_tender(
        actor=commercial,
        buyer=customer,
        title="Questions closes",
        owner=assistant,
        questions_deadline=now - dt.timedelta(days=1),
        submission_deadline=now + dt.timedelta(days=5),
    )
    tender_services.create_tender(  # both deadlines passed: nothing left to do
        actor=commercial, buyer=customer, title="Marché passé", submission_deadline=now - dt.timedelta(hours=1)
    )
    tender_services.create_tender(  # decided against: no longer on anyone's list
        actor=commercial,
        buyer=customer,
        title="Marché abandonné",
        status=TenderStatus.ABANDONED,
        submission_deadline=now + dt.timedelta(days=4),
    )
    tender_services.add_task(actor=commercial, tender=upcoming, title="Chiffrer", assignee=commercial, due_date=today)
    tender_services.add_task(actor=commercial, tender=upcoming, title="Kbis", assignee=assistant)
    done = tender_services.add_task(actor=commercial, tender=upcoming, title="Lire le DCE", assignee=commercial)
    tender_services.set_task_done(actor=commercial, task=done, done=True)
    make = services.create_opportunity
    make(actor=commercial, contact=customer, title="Relance due", next_action="Rappeler", next_action_date=today)
    make(
        actor=commercial,
        contact=customer,
        title="En retard",
        next_action="Devis",
        next_action_date=today - dt.timedelta(days=3),
    )
    make(
        actor=commercial,
        contact=customer,
        title="Plus tard",
        next_action="Visite",
        next_action_date=today + dt.timedelta(days=20),
    )
    won = make(
        actor=commercial,
        contact=customer,
        title="Déjà gagnée",
        next_action="x",
        next_action_date=today,
        amount=Decimal(1),
    )
    services.mark_won(actor=commercial, opportunity=won)
    make(actor=assistant, contact=customer, title="Celle de l'assistant", next_action="Écrire", next_action_date=today)
    return upcoming


def _labels(user):
    return [item.label for item in todo_items(user)]


def test_salesperson_sees_own_tenders_tasks_and_next_actions(personas, work):
    labels = _labels(personas["commercial"])
    assert sum("Marché à venir" in label and label.startswith("Questions à poser") for label in labels) == 1
    assert sum(label.startswith("Remise de l'offre") for label in labels) == 1  # not the assistant's tender
    assert "Chiffrer (Marché à venir)" in labels and "Kbis (Marché à venir)" not in labels
    assert not any("Lire le DCE" in label for label in labels)
    assert "Rappeler — Relance due (Imprimerie du Rhône)" in labels
    assert "Devis — En retard (Imprimerie du Rhône)" in labels
    assert not any(
        word in label for label in labels for word in ("Plus tard", "Déjà gagnée", "assistant", "passé", "abandonné")
    )


def test_passed_question_deadline_drops_but_submission_stays(personas, work):
    labels = _labels(personas["assistant"])
    mine = [label.split(" ")[0] for label in labels if "Questions closes" in label]
    assert mine == ["Remise"]  # the question deadline has passed, the submission has not
    assert "Kbis (Marché à venir)" in labels


def test_direction_sees_every_tender_and_task(personas, work):
    labels = _labels(personas["direction"])
    assert "Kbis (Marché à venir)" in labels and "Chiffrer (Marché à venir)" in labels
    assert sum("Remise de l'offre" in label for label in labels) == 2
    assert not any("Rappeler" in label for label in labels)  # next actions stay with their owner


def test_items_carry_dates_and_links(personas, work):
    items = {item.label: item for item in todo_items(personas["commercial"])}
    task = items["Chiffrer (Marché à venir)"]
    assert task.due == timezone.localdate() and task.url == reverse("pipeline:tender-detail", args=[work.pk])
    assert task.kind == "Tâche d'appel d'offres"


def test_home_page_lists_them_in_bounded_queries(client_as, personas, work, django_assert_max_num_queries):
    from pilote.pipeline.todo import todo_items

    with django_assert_max_num_queries(3):  # this app's share of the home page: one query per kind of item
        todo_items(personas["commercial"])
    client = client_as("commercial")
    page = client.get(reverse("core:home")).content.decode()
    assert "Devis — En retard" in page and "Chiffrer (Marché à venir)" in page
    assert "Devis — En retard" not in client_as("auditeur").get(reverse("core:home")).content.decode()  # read-only
