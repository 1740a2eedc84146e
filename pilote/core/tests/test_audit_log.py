from django.urls import reverse

from pilote.contacts import services
from pilote.core.models import AuditEvent


def test_every_business_write_is_in_the_audit_log(client_as, personas):
    contact = services.create_contact(actor=personas["commercial"], name="Alpha", is_customer=True)
    services.update_contact(actor=personas["assistant"], contact=contact, city="Lyon")
    services.set_contact_active(actor=personas["direction"], contact=contact, active=False)
    actions = list(AuditEvent.objects.filter(object_type="contacts.contact").values_list("action", "actor_label"))
    assert actions == [  # the author by name, as users know each other, not by login
        ("contacts.contact.archived", personas["direction"].get_full_name()),
        ("contacts.contact.updated", personas["assistant"].get_full_name()),
        ("contacts.contact.created", personas["commercial"].get_full_name()),
    ]
    page = client_as("auditeur").get(reverse("core:audit-log"), {"q": "Alpha"})
    assert [e.action for e in page.context["page"]][:3] == [a for a, _ in actions]
    assert "<strong>Ville</strong>" in page.content.decode()  # the field's French name, not `city`


def test_audit_log_filters_and_export(client_as, personas):
    services.create_contact(actor=personas["commercial"], name="Beta", is_customer=True)
    client = client_as("direction")
    response = client.get(reverse("core:audit-log"), {"auteur": personas["commercial"].pk})
    assert {e.actor_label for e in response.context["page"]} == {personas["commercial"].get_full_name()}
    export = client.get(reverse("core:audit-log"), {"export": "csv", "q": "Beta"})
    text = b"".join(export.streaming_content).decode()
    assert "Contact créé" in text and "Beta" in text and "contacts.contact.created" not in text


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
    names = [personas[role].get_full_name() for role in ("direction", "commercial", "assistant")]
    assert [e.actor_label for e in page.context["page"]] == names
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


def test_audit_log_reads_in_french_with_full_names(client_as, personas):
    """The page shows what happened in words and who by name, never the stored code or login."""
    services.create_contact(actor=personas["commercial"], name="Delta", is_customer=True)
    page = client_as("direction").get(reverse("core:audit-log"), {"q": "Delta"}).content.decode()
    assert "Contact créé" in page and "contacts.contact.created" not in page
    assert personas["commercial"].get_full_name() in page
    by_label = client_as("direction").get(reverse("core:audit-log"), {"q": "contact créé"})
    assert [e.object_repr for e in by_label.context["page"]] == ["Delta"]


def test_every_recorded_action_has_a_french_label():
    """Scan the services for the codes they record (literals, and the verbs of the two f-strings)."""
    import re
    from pathlib import Path

    from pilote.core.audit_labels import ACTION_LABELS

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or path.name == "audit_labels.py":
            continue
        text = path.read_text()
        for call in re.finditer(r"audit\.record\((.{0,300})", text, re.S):
            codes.update(re.findall(r'"([a-z_]+\.[a-z_]+\.[a-z_]+)"', call.group(1).split("\n\n")[0]))
    codes |= {f"sales.quote.{verb}" for verb in ("sent", "accepted", "refused", "cancelled", "expired")}
    codes |= {f"pipeline.opportunity.{verb}" for verb in ("won", "lost", "reopened", "moved")}
    assert len(codes) > 80
    assert sorted(codes - set(ACTION_LABELS)) == []
