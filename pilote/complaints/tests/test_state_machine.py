"""The complaint's life: nouvelle → en cours → répondue → close, reopened → en cours; anything else is
refused with a French message."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from pilote.complaints import services
from pilote.complaints.models import Complaint, Status
from pilote.complaints.rules import TRANSITIONS, can_move
from pilote.core.exceptions import DomainError

from .conftest import MONDAY


def test_transition_table():
    assert can_move("new", "in_progress")
    assert can_move("in_progress", "answered")
    assert can_move("answered", "closed")
    assert can_move("closed", "reopened")
    assert can_move("reopened", "in_progress")
    assert not can_move("new", "closed")
    assert not can_move("closed", "answered")
    assert set(TRANSITIONS) == set(Status.values)


def test_full_life_cycle(record, personas):
    actor, assistant = personas["commercial"], personas["assistant"]
    complaint = record()
    assert complaint.status == Status.NEW
    complaint = services.assign_complaint(actor=actor, complaint=complaint, assignee=assistant)
    assert (complaint.status, complaint.assignee) == (Status.IN_PROGRESS, assistant)
    services.answer_complaint(actor=assistant, complaint=complaint, text="Nous remplaçons les chaises.")
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED
    complaint = services.close_complaint(
        actor=assistant, complaint=complaint, resolution="corrective", root_cause="Emballage insuffisant"
    )
    assert (complaint.status, complaint.resolution) == (Status.CLOSED, "corrective")
    assert complaint.closed_on == timezone.localdate()
    complaint = services.reopen_complaint(actor=actor, complaint=complaint, reason="Le client conteste")
    assert (complaint.status, complaint.resolution, complaint.closed_on) == (Status.REOPENED, "", None)
    complaint = services.assign_complaint(actor=actor, complaint=complaint, assignee=assistant)
    assert complaint.status == Status.IN_PROGRESS
    kinds = list(complaint.entries.values_list("kind", flat=True))
    assert kinds == ["event", "event", "answer", "event", "event", "event"]
    reopen = complaint.entries.filter(text__startswith="Rouverte").get()
    assert "Fondée — action corrective" in reopen.text and "Le client conteste" in reopen.text


def test_closing_before_answering_is_refused(record):
    complaint = record()
    with pytest.raises(DomainError, match="Répondez au client avant de clore"):
        services.close_complaint(actor=None, complaint=complaint, resolution="unfounded")
    assert Complaint.objects.get().status == Status.NEW


def test_forbidden_transitions(record, personas):
    actor = personas["commercial"]
    complaint = record()
    with pytest.raises(DomainError, match="« nouvelle » ne peut pas passer à l'état « réouverte »"):
        services.reopen_complaint(actor=actor, complaint=complaint, reason="?")
    services.answer_complaint(actor=actor, complaint=complaint, text="Réponse")
    services.close_complaint(actor=actor, complaint=complaint, resolution="dropped")
    with pytest.raises(DomainError, match="close ne reçoit plus de réponse"):
        services.answer_complaint(actor=actor, complaint=complaint, text="Encore")
    with pytest.raises(DomainError, match="ne peut pas être attribuée"):
        services.assign_complaint(actor=actor, complaint=complaint, assignee=actor)
    with pytest.raises(DomainError, match="« close » ne peut pas passer à l'état « close »"):
        services.close_complaint(actor=actor, complaint=complaint, resolution="dropped")
    with pytest.raises(DomainError, match="n'est plus modifiable"):
        services.update_complaint(actor=actor, complaint=complaint, subject="Autre")


def test_answering_a_new_complaint_takes_it_in_charge(record, personas):
    complaint = record()
    services.answer_complaint(actor=personas["assistant"], complaint=complaint, text="Bien reçu.")
    complaint.refresh_from_db()
    assert complaint.status == Status.ANSWERED
    assert complaint.assignee == personas["assistant"]
    assert complaint.first_answer_on is not None


def test_database_refuses_a_closed_complaint_without_resolution(record):
    complaint = record()
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(status="closed", closed_on=MONDAY)


def test_database_refuses_a_deadline_before_receipt(record):
    complaint = record()
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(answer_due=MONDAY - dt.timedelta(days=1))


def test_the_state_cannot_be_set_directly(customers):
    with pytest.raises(DomainError, match="Champs non modifiables ici : resolution, status"):
        services.record_complaint(
            actor=None,
            customer=customers["bakery"],
            received_on=MONDAY,
            category="other",
            subject="x",
            status="closed",
            resolution="dropped",
        )
