"""Pages per role: complaints.view reads, complaints.edit records, answers, closes and reopens."""

import datetime as dt

import pytest
from django.urls import reverse

from pilote.complaints import services
from pilote.complaints.models import Complaint, Status
from pilote.contacts.models import Interaction

from .conftest import MONDAY


@pytest.fixture
def complaint(record):
    return record()


def _post(client, name, complaint, data):
    return client.post(reverse(f"complaints:{name}", args=[complaint.pk]), data)


def test_reader_sees_the_list_and_the_detail_without_edit_controls(client_as, complaint):
    client = client_as("comptable")  # complaints.view only
    page = client.get(reverse("complaints:list")).content.decode()
    assert "Chaises livrées rayées" in page and "Nouvelle réclamation" not in page
    detail = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert complaint.reference in detail and "Ajouter une réponse" not in detail and "Modifier" not in detail
    assert _post(client, "entry-create", complaint, {"kind": "note", "text": "x"}).status_code == 403
    assert client.get(reverse("complaints:create")).status_code == 403


def test_employee_and_hr_have_no_access(client_as, complaint):
    for role in ("salarie", "rh"):
        assert client_as(role).get(reverse("complaints:list")).status_code == 403


def test_menu_entry_in_the_sales_section(client_as):
    page = client_as("commercial").get(reverse("core:home")).content.decode()
    assert 'href="/reclamations/"' in page and "Réclamations" in page
    assert "Réclamations" not in client_as("rh").get(reverse("core:home")).content.decode()


def test_record_a_complaint_through_the_form(client_as, customers, personas):
    client = client_as("commercial")
    assert client.get(reverse("complaints:create") + f"?client={customers['garage'].pk}").status_code == 200
    response = client.post(
        reverse("complaints:create"),
        {
            "customer": customers["garage"].pk,
            "received_on": "2026-03-06",
            "channel": "email",
            "category": "late_delivery",
            "severity": "critical",
            "expectation": "goodwill",
            "subject": "Livraison en retard",
            "description": "",
            "assignee": personas["assistant"].pk,
            "answer_due": "",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    assert complaint.answer_due == dt.date(2026, 3, 10)  # critique: 2 working days after a Friday
    assert (complaint.status, complaint.assignee, complaint.created_by) == (
        Status.IN_PROGRESS,
        personas["assistant"],
        personas["commercial"],
    )


def test_bad_input_gets_french_messages_not_a_traceback(client_as, customers):
    client = client_as("assistant")
    response = client.post(
        reverse("complaints:create"),
        {
            "customer": customers["garage"].pk,
            "received_on": "2026-03-06",
            "channel": "email",
            "category": "quality",
            "severity": "major",
            "expectation": "refund",
            "subject": "Test",
            "answer_due": "2026-03-01",
            "order_number": "CC-2099-9999",
            "invoice_number": "F-2099-00001",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Aucune commande ne porte le numéro CC-2099-9999." in page
    assert "Aucune facture émise ne porte le numéro F-2099-00001." in page
    assert not Complaint.objects.exists()
    response = client.post(
        reverse("complaints:create"),
        {
            "customer": customers["garage"].pk,
            "received_on": "2026-03-06",
            "channel": "email",
            "category": "quality",
            "severity": "major",
            "expectation": "refund",
            "subject": "Test",
            "answer_due": "2026-03-01",
        },
    )
    assert "ne peut pas précéder la date de réception" in response.content.decode()
    assert client.get(reverse("complaints:detail", args=[999])).status_code == 404
    assert client.get(reverse("complaints:list"), {"du": "pas une date", "tri": "n'importe"}).status_code == 200


def test_invoice_of_another_customer_is_refused_in_the_form(client_as, sales_documents):
    response = client_as("commercial").post(
        reverse("complaints:create"),
        {
            "customer": sales_documents["customer"].pk,
            "received_on": "2026-03-06",
            "channel": "email",
            "category": "billing",
            "severity": "major",
            "expectation": "refund",
            "subject": "Erreur de prix",
            "invoice_number": sales_documents["other_invoice"].number.lower(),
        },
    )
    assert "n&#x27;est pas une facture de ce client" in response.content.decode()
    assert not Complaint.objects.exists()


def test_answer_close_and_reopen_from_the_detail_page(client_as, complaint, customers):
    client = client_as("assistant")
    assert _post(client, "close", complaint, {"resolution": "unfounded"}).status_code == 400  # not answered yet
    response = _post(client, "entry-create", complaint, {"kind": "answer", "medium": "email", "text": "Réponse"})
    assert response.status_code == 302
    assert Interaction.objects.get().contact == customers["bakery"]
    _post(client, "entry-create", complaint, {"kind": "note", "text": "Note interne"})
    assert Interaction.objects.count() == 1
    response = _post(client, "close", complaint, {"resolution": "corrective", "root_cause": "Emballage"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.root_cause == "Emballage"
    assert _post(client, "reopen", complaint, {"reason": ""}).status_code == 400
    assert _post(client, "reopen", complaint, {"reason": "Le client conteste"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "Rouverte (précédente clôture : Fondée — action corrective). Motif : Le client conteste" in page
    assert "Note interne" in page and "Réponse au client" in page


def test_edit_with_a_stale_version_keeps_the_input(client_as, complaint, personas):
    client = client_as("commercial")
    form = client.get(reverse("complaints:edit", args=[complaint.pk])).context["form"]
    opened_version = form["version"].value()
    services.update_complaint(actor=personas["assistant"], complaint=complaint, subject="Autre version")
    data = {
        "version": opened_version,
        "customer": complaint.customer_id,
        "received_on": "2026-03-02",
        "channel": "phone",
        "category": "quality",
        "severity": "major",
        "expectation": "replacement",
        "subject": "Ma version",
        "answer_due": "2026-03-09",
    }
    response = _post(client, "edit", complaint, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "modifié(e) par quelqu&#x27;un d&#x27;autre" in page and 'value="Ma version"' in page
    assert Complaint.objects.get().subject == "Autre version"
    data["version"] = Complaint.objects.get().version
    assert _post(client, "edit", complaint, data).status_code == 302
    assert Complaint.objects.get().subject == "Ma version"


def test_assign_from_the_detail_page(client_as, complaint, personas):
    client = client_as("direction")
    assert _post(client, "assign", complaint, {"assignee": personas["comptable"].pk}).status_code == 400
    assert _post(client, "assign", complaint, {"assignee": personas["commercial"].pk}).status_code == 302
    assert Complaint.objects.get().assignee == personas["commercial"]


def test_complaint_received_on_monday_shows_its_deadline(client_as, complaint):
    page = client_as("auditeur").get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert MONDAY.strftime("%d/%m/%Y") in page and "09/03/2026" in page
