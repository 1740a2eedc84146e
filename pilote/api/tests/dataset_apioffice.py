"""The small data set's rows for the office operations helper apioffice added (the communication plan, the
stakeholder map, mailings and consents, a document's card, an event's invitations): `rows` adds them to the ids of
`dataset.small_dataset`; BODIES and IDS are merged into the data set's own."""

from __future__ import annotations

from decimal import Decimal

from pilote.api.tests.days import day


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    """An action of the plan, a stakeholder, a subscriber (consent given) reached by a draft mailing, and a mailing
    sent to another subscriber (its recipient, for a bounce)."""
    from pilote.contacts.models import Contact
    from pilote.office.services import communication

    owner = personas["direction"]
    action = communication.save_action(actor=owner, title="Lettre de printemps", target="Clients", channel="newsletter",
                                       starts_on=day(3, 1), budget=Decimal(300), owner=owner)  # fmt: skip
    placed = communication.place_stakeholder(actor=owner, contact=Contact.objects.get(pk=ids["contact_id"]),
                                              kind="partner", power=4, interest=3, owner=owner)  # fmt: skip
    subscriber, reader = (Contact.objects.create(name=name, email=email, city=city, is_customer=True)
                          for name, email, city in (("Abonnée", "abonnee@example.fr", "Annecy"),
                                                    ("Lectrice", "lectrice@example.fr", "Thônes")))  # fmt: skip
    for contact in (subscriber, reader):
        communication.record_consent(actor=owner, contact=contact, given=True, source="Formulaire du site")
    draft = communication.create_mailing(actor=owner, title="Lettre", subject="Nouvelles", body="Bonjour {nom}",
                                         action=action, city="Annecy")  # fmt: skip
    sent = communication.create_mailing(actor=owner, title="Invitation", subject="Portes ouvertes",
                                        body="Bonjour {nom}", city="Thônes")  # fmt: skip
    communication.start_sending(actor=owner, mailing=sent, base_url="http://testserver/")
    return {"comm_action_id": action.pk, "stakeholder_id": placed.pk, "subscriber_id": subscriber.pk,
            "mailing_id": draft.pk, "recipient_id": sent.recipients.get().pk}  # fmt: skip


BODIES = {
    ("post", "/actions-communication"): {"title": "Salon des entreprises", "target": "Prospects", "channel": "event",
                                         "starts_on": "Y-10-02", "budget": "1500.00"},
    ("patch", "/actions-communication/{comm_action_id}"): {"actual_cost": "280.00", "results": "42 ouvertures"},
    ("post", "/parties-prenantes"): {"contact": "subscriber_id", "kind": "user", "power": 2, "interest": 4},
    ("patch", "/parties-prenantes/{stakeholder_id}"): {"power": 5, "notes": "Renouvellement de la convention"},
    ("post", "/envois"): {"title": "Lettre d'été", "subject": "Nouvelles d'été", "body": "Bonjour {nom}",
                          "role": "clients", "city": "Annecy"},
    ("put", "/contacts/{contact_id}/consentement"): {"given": False, "source": "Demande par téléphone"},
    ("patch", "/documents/{document_id}"): {"title": "Statuts à jour", "tags": "juridique, 2026"},
}  # fmt: skip

IDS = {
    ("get", "/contacts/{contact_id}/consentement"): {"contact_id": "subscriber_id"},
    ("put", "/contacts/{contact_id}/consentement"): {"contact_id": "subscriber_id"},
}

# The addresses of apioffice's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = (
    r"/actions-communication|/parties-prenantes|/envois|/consentement|/documents/\{document_id\}$"
    r"|/evenements/\{event_id\}/invitations"
)
