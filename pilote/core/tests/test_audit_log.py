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


def test_audit_log_sorts_and_exports_in_that_order(client_as, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name, role in (("Gamma", "commercial"), ("Alpha", "assistant"), ("Beta", "direction")):
        services.create_contact(actor=personas[role], name=name, is_customer=True)
    client, url = client_as("auditeur"), reverse("core:audit-log")
    page = client.get(url, {"q": "contacts.contact", "tri": "objet"})
    assert [e.object_repr for e in page.context["page"]] == ["Alpha", "Beta", "Gamma"]
    assert 'aria-sort="ascending"' in page.content.decode()
    page = client.get(url, {"q": "contacts.contact", "tri": "-auteur"})
    assert [e.actor_label for e in page.context["page"]] == ["direction", "commercial", "assistant"]
    export = client.get(url, {"q": "contacts.contact", "tri": "objet", "export": "csv"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert [line.split(";")[3] for line in lines] == ["Alpha", "Beta", "Gamma"]
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"tri": "action"})
    for n in range(10):
        services.create_contact(actor=personas["commercial"], name=f"Contact {n}", is_customer=True)
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"tri": "action"})
    assert len(more) == len(few)
