from django.urls import reverse

from pilote.contacts import services
from pilote.core.models import AuditEvent


def test_every_business_write_is_in_the_audit_log(client_as, personas):
    contact = services.create_contact(actor=personas["commercial"], name="Alpha", is_customer=True)
    services.update_contact(actor=personas["assistant"], contact=contact, city="Lyon")
    services.set_contact_active(actor=personas["direction"], contact=contact, active=False)
    actions = list(AuditEvent.objects.filter(object_type="contacts.contact").values_list("action", "actor_label"))
    assert actions == [
        ("contacts.contact.archived", "direction"),
        ("contacts.contact.updated", "assistant"),
        ("contacts.contact.created", "commercial"),
    ]
    page = client_as("auditeur").get(reverse("core:audit-log"), {"q": "Alpha"})
    assert [e.action for e in page.context["page"]][:3] == [a for a, _ in actions]
    assert "city" in page.content.decode()


def test_audit_log_filters_and_export(client_as, personas):
    services.create_contact(actor=personas["commercial"], name="Beta", is_customer=True)
    client = client_as("direction")
    response = client.get(reverse("core:audit-log"), {"auteur": personas["commercial"].pk})
    assert {e.actor_label for e in response.context["page"]} == {"commercial"}
    export = client.get(reverse("core:audit-log"), {"export": "csv", "q": "Beta"})
    text = b"".join(export.streaming_content).decode()
    assert "contacts.contact.created" in text and "Beta" in text
