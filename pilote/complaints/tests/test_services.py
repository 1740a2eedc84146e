"""Recording, editing, assigning and answering complaints: deadlines, links to the customer's order and
invoice, the answer in the contact's exchange history, the audit trail, optimistic locking."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pilote.complaints import services
from pilote.complaints.models import Complaint, EntryKind, Status
from pilote.contacts.models import Interaction
from pilote.core.exceptions import ConcurrentEditError, DomainError
from pilote.core.models import AuditEvent

from .conftest import MONDAY


def test_deadline_is_computed_from_the_severity_and_editable(record, personas):
    assert record(severity="critical").answer_due == dt.date(2026, 3, 4)
    assert record(severity="minor").answer_due == dt.date(2026, 3, 16)
    complaint = record(severity="major")
    assert complaint.answer_due == dt.date(2026, 3, 9)
    actor = personas["commercial"]
    complaint = services.update_complaint(actor=actor, complaint=complaint, answer_due=dt.date(2026, 3, 20))
    assert complaint.answer_due == dt.date(2026, 3, 20)
    # Emptied: recomputed from the (new) severity.
    complaint = services.update_complaint(actor=actor, complaint=complaint, severity="critical", answer_due=None)
    assert complaint.answer_due == dt.date(2026, 3, 4)


def test_deadline_before_receipt_is_refused_in_french(record):
    with pytest.raises(ValidationError, match="ne peut pas précéder la date de réception"):
        record(answer_due=MONDAY - dt.timedelta(days=1))


def test_assignment_only_to_users_who_handle_complaints(record, personas):
    complaint = record()
    with pytest.raises(DomainError, match="ne peut pas traiter les réclamations"):
        services.assign_complaint(actor=personas["direction"], complaint=complaint, assignee=personas["comptable"])
    complaint = services.assign_complaint(
        actor=personas["direction"], complaint=complaint, assignee=personas["assistant"]
    )
    assert complaint.assignee == personas["assistant"] and complaint.status == Status.IN_PROGRESS
    assert set(services.assignable_users().values_list("username", flat=True)) == {
        "direction",
        "commercial",
        "assistant",
    }
    event = AuditEvent.objects.filter(action="complaints.complaint.assigned").get()
    assert event.after == {"assignee": personas["assistant"].pk, "status": "in_progress"}
    assert event.actor == personas["direction"]


def test_assignee_at_creation(record, personas):
    complaint = record(assignee=personas["assistant"])
    assert complaint.status == Status.IN_PROGRESS
    assert Complaint.objects.get().assignee == personas["assistant"]
    texts = list(complaint.entries.values_list("text", flat=True))
    assert texts == ["Réclamation enregistrée (Téléphone).", "Attribuée à Assistant(e) Test."]


def test_answer_is_logged_in_the_contacts_history(record, personas, customers):
    complaint = record()
    at = timezone.make_aware(dt.datetime(2026, 3, 4, 10, 30))
    entry = services.answer_complaint(
        actor=personas["assistant"], complaint=complaint, text="Remplacement le 10/03.", medium="phone", at=at
    )
    interaction = Interaction.objects.get()
    assert entry.interaction == interaction
    assert interaction.contact == customers["bakery"]
    assert interaction.kind == "call"
    assert interaction.author == personas["assistant"]
    assert interaction.occurred_at == at
    assert interaction.subject == f"Réponse à la réclamation {complaint.reference} : Chaises livrées rayées"
    assert interaction.body == "Remplacement le 10/03."
    complaint.refresh_from_db()
    assert complaint.first_answer_on == dt.date(2026, 3, 4)
    assert complaint.answered_in_time is True
    # A second answer keeps the first answer's date.
    later = timezone.make_aware(dt.datetime(2026, 3, 12, 9, 0))
    services.answer_complaint(actor=personas["assistant"], complaint=complaint, text="Livré.", at=later)
    complaint.refresh_from_db()
    assert complaint.first_answer_on == dt.date(2026, 3, 4)
    assert Interaction.objects.count() == 2
    assert list(complaint.entries.filter(kind=EntryKind.ANSWER).values_list("medium", flat=True)) == [
        "phone",
        "email",
    ]


def test_notes_stay_internal(record, personas):
    complaint = record()
    services.add_note(actor=personas["assistant"], complaint=complaint, text="Voir avec l'entrepôt.")
    assert not Interaction.objects.exists()
    assert complaint.entries.filter(kind=EntryKind.NOTE).get().author == personas["assistant"]
    with pytest.raises(DomainError, match="vide"):
        services.add_note(actor=personas["assistant"], complaint=complaint, text="  ")


def test_answer_before_receipt_is_refused(record, personas):
    complaint = record()
    with pytest.raises(DomainError, match="précéder la réception"):
        services.answer_complaint(
            actor=personas["assistant"],
            complaint=complaint,
            text="x",
            at=timezone.make_aware(dt.datetime(2026, 2, 27, 9, 0)),
        )
    assert not Interaction.objects.exists()


def test_every_write_is_audited(record, personas):
    actor = personas["commercial"]
    complaint = record()
    services.update_complaint(actor=actor, complaint=complaint, subject="Chaises rayées (3)")
    services.add_note(actor=actor, complaint=complaint, text="Photos reçues.")
    services.answer_complaint(actor=actor, complaint=complaint, text="Nous remplaçons.")
    services.close_complaint(actor=actor, complaint=complaint, resolution="goodwill", root_cause="Transport")
    services.reopen_complaint(actor=actor, complaint=complaint, reason="Nouvelle rayure")
    events = AuditEvent.objects.filter(action__startswith="complaints.").order_by("pk")
    actions = list(events.values_list("action", flat=True))
    assert actions == [
        "complaints.complaint.recorded",
        "complaints.complaint.updated",
        "complaints.entry.noted",
        "complaints.complaint.answered",
        "complaints.complaint.closed",
        "complaints.complaint.reopened",
    ]
    updated = AuditEvent.objects.get(action="complaints.complaint.updated")
    assert (updated.before["subject"], updated.after["subject"]) == ("Chaises livrées rayées", "Chaises rayées (3)")


def test_concurrent_edit_is_refused(record, personas):
    complaint = record()
    opened_version = complaint.version
    services.update_complaint(actor=personas["commercial"], complaint=complaint, subject="Première modification")
    with pytest.raises(ConcurrentEditError):
        services.update_complaint(
            actor=personas["assistant"], complaint=complaint, subject="Seconde", expected_version=opened_version
        )
    assert Complaint.objects.get().subject == "Première modification"


def test_order_and_invoice_must_be_the_customers(sales_documents, personas):
    docs = sales_documents
    fields = {
        "customer": docs["customer"],
        "received_on": dt.date(2026, 3, 10),
        "category": "billing",
        "subject": "Erreur de prix",
    }
    complaint = services.record_complaint(
        actor=personas["commercial"], order=docs["order"], invoice=docs["invoice"], **fields
    )
    assert (complaint.order, complaint.invoice) == (docs["order"], docs["invoice"])
    with pytest.raises(ValidationError) as error:
        services.record_complaint(
            actor=personas["commercial"], order=docs["other_order"], invoice=docs["other_invoice"], **fields
        )
    assert error.value.message_dict == {
        "order": [f"La commande {docs['other_order'].number} n'est pas une commande de ce client."],
        "invoice": [f"Facture {docs['other_invoice'].number} n'est pas une facture de ce client."],
    }
