"""Audit events are shown by their French label (« Ligne de relevé rapprochée »), never by their code
(`ledger.bank.reconciled`): every code a service records has a label, the audit log shows labels, French
field names and French values, and its search finds events by label."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from pilote.contacts.services import create_contact, update_contact
from pilote.core import audit
from pilote.core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]
CODE = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+$")


def _recorded_codes() -> dict[str, str]:
    """Codes written literally as the action of an audit.record(…) call, and where."""
    found = {}
    for path in (ROOT / "pilote").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or getattr(node.func, "attr", getattr(node.func, "id", "")) != "record":
                continue
            candidates = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "action")]
            for arg in candidates:
                # A code picked by a condition (x if … else y) or a variable assigned just before: every
                # literal code in the enclosing expression counts.
                for leaf in ast.walk(arg):
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str) and CODE.match(leaf.value):
                        found[leaf.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "action" for t in node.targets):
                for leaf in ast.walk(node.value):
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str) and CODE.match(leaf.value):
                        found[leaf.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_recorded_code_has_a_french_label():
    codes = _recorded_codes()
    assert len(codes) > 80  # the scan sees the services
    missing = {code: where for code, where in codes.items() if code not in audit.labels()}
    assert missing == {}


def test_labels_are_french_sentences_not_codes():
    for code, label in audit.labels().items():
        assert CODE.match(code), code
        assert label[0].isupper() and not CODE.search(label), (code, label)


def test_strict_mode_refuses_an_unlabelled_code(structure):
    with pytest.raises(LookupError, match="no French label"):
        audit.record(None, "contacts.contact.teleported", structure)
    assert audit.label("contacts.contact.teleported") == "Autre opération"


def test_audit_log_shows_labels_french_names_and_values(client_as, personas):
    contact = create_contact(actor=personas["commercial"], name="Garage Durand", is_customer=True)
    update_contact(actor=personas["commercial"], contact=contact, is_supplier=True, city="Lyon")
    page = client_as("direction").get(reverse("core:audit-log")).content.decode()
    assert "Contact modifié" in page and "Contact créé" in page
    assert "contacts.contact.updated" not in page
    assert "<strong>Fournisseur</strong> : non → oui" in page and "<strong>Ville</strong> : — → Lyon" in page
    found = client_as("direction").get(reverse("core:audit-log"), {"q": "contact modifié"})
    assert [e.action for e in found.context["page"]] == ["contacts.contact.updated"]


def test_amounts_in_the_audit_log_are_french(client_as, personas):
    from decimal import Decimal

    from pilote.contacts.models import Contact
    from pilote.receivables.models import CreditLimit

    customer = Contact.objects.create(name="Client", is_customer=True)
    limit = CreditLimit(customer=customer, amount=Decimal("2995.20"))
    AuditEvent.objects.create(action="receivables.credit_limit.set", object_type="receivables.creditlimit",
                              object_id="1", object_repr="x", before={"amount": None},
                              after=audit.snapshot(limit))  # fmt: skip
    page = client_as("direction").get(reverse("core:audit-log")).content.decode()
    assert "2\u202f995,20" in page and "2995.20" not in page
