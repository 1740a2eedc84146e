"""Office operations helper apioffice added — each through the page's form and service, with the pages' refusals
(422 in French, 409 for a rule, nothing written) and the roles of the matrix (403): the communication plan, the
stakeholder map, mailings and consents (only the consenting addresses mailed, never one that unsubscribed, once
each), a document's card, an event's invitations."""

import datetime as dt

import pytest
from django.utils import timezone

from pilote.api.tests.days import iso
from pilote.office.services import communication

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(db):
    from pilote.contacts.models import Contact

    return {name: Contact.objects.create(name=name, email=email, city="Annecy", is_customer=True)
            for name, email in (("Alpha", "alpha@example.org"), ("Bravo", "bravo@example.org"),
                                ("Charlie", "charlie@example.org"), ("Sans adresse", ""))}  # fmt: skip


def test_the_communication_plans_actions(call, personas):
    from pilote.office.models import CommAction

    url = "/api/v1/actions-communication"
    body = {"title": "Salon", "target": "Prospects", "channel": "event", "starts_on": iso(10, 2), "budget": "1500.00"}
    assert call("auditeur", "post", url, body).status_code == 403
    backwards = call("assistant", "post", url, {**body, "ends_on": iso(10, 1)})
    assert backwards.status_code == 409 and "suit son début" in backwards.json()["detail"]
    unknown = call("assistant", "post", url, {**body, "channel": "fax"})
    assert unknown.status_code == 422 and not CommAction.objects.exists()
    made = call("assistant", "post", url, body)
    assert made.status_code == 201, made.content
    assert made.json()["owner_id"] == personas["assistant"].pk and made.json()["budget"] == "1500.00"
    action = f"{url}/{made.json()['id']}"
    changed = call("commercial", "patch", action, {"actual_cost": "1280.50", "results": "35 contacts"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["actual_cost"] == "1280.50" and changed.json()["title"] == "Salon"
    assert call("salarie", "get", action).json()["results"] == "35 contacts"
    call("assistant", "post", url, {**body, "title": "Lettre", "channel": "newsletter", "starts_on": iso(3, 1)})
    listed = call("auditeur", "get", f"{url}?canal=event").json()
    assert [row["title"] for row in listed["results"]] == ["Salon"]
    assert [row["title"] for row in call("auditeur", "get", f"{url}?tri=-debut").json()["results"]] == [
        "Salon",
        "Lettre",
    ]


def test_the_stakeholder_map(call, personas, customers):
    url = "/api/v1/parties-prenantes"
    body = {"contact": customers["Alpha"].pk, "kind": "funder", "power": 5, "interest": 4}
    assert call("salarie", "post", url, body).status_code == 403
    assert call("assistant", "post", url, {**body, "power": 6}).status_code == 422
    placed = call("assistant", "post", url, {**body, "owner": personas["direction"].pk})
    assert placed.status_code == 201, placed.content
    assert placed.json()["quadrant"] == "Gérer étroitement" and placed.json()["contact_name"] == "Alpha"
    call("assistant", "post", url, {"contact": customers["Bravo"].pk, "kind": "partner", "power": 1, "interest": 2})
    one = f"{url}/{placed.json()['id']}"
    moved = call("direction", "patch", one, {"power": 2, "notes": "Convention à renouveler"})
    assert moved.status_code == 200 and moved.json()["quadrant"] == "Tenir informé"
    assert moved.json()["owner_id"] == personas["direction"].pk and moved.json()["kind"] == "funder"
    assert call("auditeur", "get", f"{url}?categorie=partner").json()["count"] == 1
    assert [r["contact_name"] for r in call("auditeur", "get", f"{url}?tri=nom").json()["results"]] == [
        "Alpha",
        "Bravo",
    ]


def test_consents_recorded_and_mailings_sent_to_the_consenting_only(call, personas, customers, mailoutbox):
    from pilote.office.models import Consent, MailingRecipient

    alpha, bravo, charlie = customers["Alpha"], customers["Bravo"], customers["Charlie"]

    def consent(contact):
        return f"/api/v1/contacts/{contact.pk}/consentement"

    assert call("auditeur", "get", consent(alpha)).json()["given"] is False  # nothing recorded: not mailed
    assert call("auditeur", "put", consent(alpha), {"given": True, "source": "Salon"}).status_code == 403
    blank = call("assistant", "put", consent(alpha), {"given": True, "source": "  "})
    assert blank.status_code in (409, 422) and not Consent.objects.exists()
    nowhere = call("assistant", "put", consent(customers["Sans adresse"]), {"given": True, "source": "Salon"})
    assert nowhere.status_code == 422 and not Consent.objects.exists()
    for contact in (alpha, bravo, charlie):
        given = call("assistant", "put", consent(contact), {"given": True, "source": "Formulaire du site"})
        assert given.status_code == 200, given.content
    read = call("auditeur", "get", consent(alpha)).json()
    assert read["given"] is True and read["source"] == "Formulaire du site" and read["recorded_at"]
    assert read["recorded_by_id"] == personas["assistant"].pk and read["suppressed"] is False
    withdrawn = call("assistant", "put", consent(bravo), {"given": False, "source": "Demande par téléphone"})
    assert withdrawn.json()["given"] is False
    communication.unsubscribe(token=communication.unsubscribe_token("charlie@example.org"))
    assert call("auditeur", "get", consent(charlie)).json()["suppressed"] is True
    # Consenting again does not take an address off the suppression list: it is never mailed.
    call("assistant", "put", consent(charlie), {"given": True, "source": "Salon"})
    listed = call("auditeur", "get", "/api/v1/consentements?donne=true").json()
    assert [(row["contact_name"], row["suppressed"]) for row in listed["results"]] == [
        ("Alpha", False),
        ("Charlie", True),
    ]

    url = "/api/v1/envois"
    empty = call("assistant", "post", url, {"title": "Lettre", "city": "Annecy"})
    assert empty.status_code == 422 and "modèle" in str(empty.json())
    assert call("salarie", "post", url, {"title": "Lettre", "subject": "S", "body": "B"}).status_code == 403
    made = call("assistant", "post", url, {"title": "Lettre", "subject": "Nouvelles", "body": "Bonjour {nom}",
                                           "role": "clients", "city": "Annecy"})  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "draft" and made.json()["audience"] == 1
    assert call("auditeur", "post", f"{url}/{made.json()['id']}/envoi").status_code == 403
    sent = call("assistant", "post", f"{url}/{made.json()['id']}/envoi")
    assert sent.status_code == 202, sent.content
    assert [message.to for message in mailoutbox] == [["alpha@example.org"]]
    assert "Bonjour Alpha" in mailoutbox[0].body and "/desinscription/" in mailoutbox[0].body
    detail = call("auditeur", "get", f"{url}/{made.json()['id']}").json()
    assert detail["status"] == "sent" and detail["recipients"] == {"sent": 1} and detail["audience"] is None
    again = call("assistant", "post", f"{url}/{made.json()['id']}/envoi")
    assert again.status_code == 409 and "déjà parti" in again.json()["detail"] and len(mailoutbox) == 1
    recipients = call("auditeur", "get", f"{url}/{made.json()['id']}/destinataires").json()
    assert [row["email"] for row in recipients["results"]] == ["alpha@example.org"]
    recipient = recipients["results"][0]["id"]
    bounced = call("assistant", "post", f"{url}/destinataires/{recipient}/erreur")
    assert bounced.status_code == 200 and bounced.json()["status"] == "bounced"
    assert MailingRecipient.objects.get(pk=recipient).status == "bounced"
    nobody = call("assistant", "post", url, {"title": "Relance", "subject": "S", "body": "B", "city": "Annecy"})
    refused = call("assistant", "post", f"{url}/{nobody.json()['id']}/envoi")
    assert refused.status_code == 409 and "Aucun contact" in refused.json()["detail"] and len(mailoutbox) == 1
    assert call("auditeur", "get", f"{url}?etat=sent").json()["count"] == 1


def test_a_documents_card_changed_with_its_version(call, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pilote.office.demo_documents import pdf
    from pilote.office.models import Document, Folder
    from pilote.office.services import documents

    folder, other = Folder.objects.create(name="Juridique"), Folder.objects.create(name="Archives")
    upload = SimpleUploadedFile("contrat.pdf", pdf(["Contrat"]))
    contract = documents.file_document(actor=personas["rh"], uploaded=upload, title="Contrat",
                                       folder=folder, document_date=dt.date(2025, 9, 1), doc_type="employment",
                                       confidentiality="restricted", roles=["rh", "direction"])  # fmt: skip
    url = f"/api/v1/documents/{contract.pk}"
    assert call("commercial", "patch", url, {"title": "Vu"}).status_code == 404  # not a reader of it
    assert call("salarie", "patch", url, {"title": "Vu"}).status_code == 403
    read = call("rh", "get", url).json()
    changed = call("rh", "patch", url, {"title": "Contrat Dupont", "folder": other.pk, "tags": "paie, contrat",
                                        "version": read["version"]})  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Contrat Dupont" and changed.json()["folder"] == "Archives"
    assert changed.json()["confidentiality"] == "restricted" and changed.json()["version"] == read["version"] + 1
    contract.refresh_from_db()
    assert set(contract.role_list) == {"rh", "direction"} and set(contract.tags.values_list("name", flat=True)) == {
        "paie", "contrat"}  # fmt: skip
    stale = call("rh", "patch", url, {"title": "Autre", "version": read["version"]})
    assert stale.status_code == 409 and Document.objects.get(pk=contract.pk).title == "Contrat Dupont"
    no_roles = call("rh", "patch", url, {"roles": []})
    assert no_roles.status_code == 422 and "rôle" in str(no_roles.json()["erreurs"])
    opened = call("rh", "patch", url, {"confidentiality": "public", "roles": []})
    assert opened.status_code == 200 and call("commercial", "get", url).status_code == 200


def test_an_events_invitations_emailed_by_who_writes_in_its_calendar(call, personas, mailoutbox):
    from pilote.office.services import agenda

    start = timezone.now() + dt.timedelta(days=3)
    event = agenda.create_event(actor=personas["direction"], calendar=agenda.personal_calendar(personas["direction"]),
                                title="Point annuel", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                attendees=[personas["commercial"]], guests=["expert@example.org"])  # fmt: skip
    url = f"/api/v1/evenements/{event.pk}/invitations"
    assert call("auditeur", "post", url).status_code == 403  # office.book
    assert call("rh", "post", url).status_code == 404  # does not see it
    attendee = call("commercial", "post", url)  # sees it, does not write in its calendar
    assert attendee.status_code == 409 and "écrivent dans cet agenda" in attendee.json()["detail"]
    assert not mailoutbox
    sent = call("direction", "post", url)
    assert sent.status_code == 200 and sent.json()["envoyees"] == len(mailoutbox) >= 1
    assert "expert@example.org" in {address for message in mailoutbox for address in message.to}
    assert all(message.attachments[0][0] == "invitation.ics" for message in mailoutbox)
