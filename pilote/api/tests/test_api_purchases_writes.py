"""Purchase writes over the API (apisales): typed supplier invoices and their decision, purchase orders along their
approval and receipt, payment runs — through the pages' forms and the purchases services, the same refusals."""

from decimal import Decimal

import pytest

from pilote.api.tests.days import iso

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier(structure, personas):
    from pilote.contacts.models import Contact
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    return Contact.objects.create(name="Bureau Plus", is_supplier=True, iban="FR7630006000011234567890189")


def test_a_typed_invoice_is_approved_only_with_its_accounts_and_the_role(call, supplier):
    from pilote.ledger.models import Entry

    body = {"supplier": supplier.pk, "number": "FA-9", "date": iso(3, 2), "due_date": iso(3, 1),
            "lines": [{"description": "Toner", "quantity": "2", "unit_price": "40"}]}  # fmt: skip
    early = call("assistant", "post", "/api/v1/factures-fournisseurs", body)
    assert early.status_code == 422 and "précéder" in str(early.json()["erreurs"]["due_date"])
    made = call("assistant", "post", "/api/v1/factures-fournisseurs", {**body, "due_date": iso(4, 1)})
    assert made.status_code == 201 and made.json()["status"] == "received", made.content
    invoice = made.json()
    url = f"/api/v1/factures-fournisseurs/{invoice['id']}"
    assert call("assistant", "post", f"{url}/decision", {"decision": "approve"}).status_code == 403
    missing = call("comptable", "post", f"{url}/decision", {"decision": "approve"})
    assert missing.status_code == 409 and "compte de charge" in missing.json()["detail"]
    no_reason = call("comptable", "post", f"{url}/decision", {"decision": "dispute"})
    assert no_reason.status_code == 409 and "motif" in no_reason.json()["detail"]
    disputed = call("comptable", "post", f"{url}/decision", {"decision": "dispute", "reason": "Prix"})
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    from pilote.purchases.models import SupplierInvoice

    line_id = SupplierInvoice.objects.get(pk=invoice["id"]).lines.get().pk
    revenue = call("comptable", "put", f"{url}/comptes", {"accounts": [{"line": line_id, "account": "706"}]})
    assert revenue.status_code == 409
    chosen = call("comptable", "put", f"{url}/comptes", {"accounts": [{"line": line_id, "account": "6064"}]})
    assert chosen.status_code == 200 and chosen.json()["lines"][0]["account"] == "6064", chosen.content
    approved = call("comptable", "post", f"{url}/decision", {"decision": "approve"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.content
    assert Entry.objects.filter(journal__code="AC", status="posted").count() == 1
    again = call("comptable", "post", f"{url}/decision", {"decision": "refuse", "reason": "Doublon"})
    assert again.status_code == 409

    from pilote.ledger.models_bank import BankAccount

    bank = BankAccount.objects.get().pk
    past = call("comptable", "post", "/api/v1/virements-fournisseurs",
                {"bank_account": bank, "execution_date": "2020-01-02", "invoices": [invoice["id"]]})  # fmt: skip
    assert past.status_code == 409 and "passée" in past.json()["detail"]
    from pilote.lib.dates import local_today

    run = call("comptable", "post", "/api/v1/virements-fournisseurs",
               {"bank_account": bank, "execution_date": local_today().isoformat(),
                "invoices": [invoice["id"]]})  # fmt: skip
    assert run.status_code == 201 and run.json()["status"] == "draft", run.content
    assert run.json()["total"] == "96.00"
    assert call("assistant", "post", f"/api/v1/virements-fournisseurs/{run.json()['id']}/etape",
                {"action": "approve"}).status_code == 403  # fmt: skip
    approved_run = call("direction", "post", f"/api/v1/virements-fournisseurs/{run.json()['id']}/etape",
                        {"action": "approve"})  # fmt: skip
    assert approved_run.status_code == 200 and approved_run.json()["status"] == "approved"
    twice = call("comptable", "post", "/api/v1/virements-fournisseurs",
                 {"bank_account": bank, "execution_date": local_today().isoformat(),
                  "invoices": [invoice["id"]]})  # fmt: skip
    assert twice.status_code == 422  # no longer payable: not offered by the page's form


def test_an_order_follows_its_approval_limits_then_is_received(call, supplier, personas):
    from pilote.purchases import orders

    limits = {"commercial": Decimal("100"), "assistant": Decimal("0"), "comptable": Decimal("0")}
    orders.set_approval_limits(actor=personas["direction"], limits=limits)
    body = {"supplier": supplier.pk, "date": iso(3, 2),
            "lines": [{"description": "Fauteuil", "quantity": "2", "unit_price": "300"}]}  # fmt: skip
    made = call("commercial", "post", "/api/v1/commandes-fournisseurs", body)
    assert made.status_code == 201 and made.json()["status"] == "draft", made.content
    order = made.json()
    url = f"/api/v1/commandes-fournisseurs/{order['id']}"
    early = call("commercial", "post", f"{url}/receptions", {"date": iso(3, 3), "lines": [
        {"line": 1, "received": "1"}]})  # fmt: skip
    assert early.status_code in (409, 422)
    submitted = call("commercial", "post", f"{url}/etape", {"action": "submit"})
    assert submitted.status_code == 200 and submitted.json()["status"] == "to_approve"
    over = call("commercial", "post", f"{url}/etape", {"action": "approve"})
    assert over.status_code == 409 and "seuil d'approbation" in over.json()["detail"]
    assert call("auditeur", "post", f"{url}/etape", {"action": "approve"}).status_code == 403
    approved = call("direction", "post", f"{url}/etape", {"action": "approve"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    sent = call("commercial", "post", f"{url}/etape", {"action": "sent"})
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    from pilote.purchases.models import PurchaseOrder

    line_id = PurchaseOrder.objects.get(pk=order["id"]).lines.get().pk
    receipt = {"date": iso(3, 5), "delivery_note": "BL-4", "lines": [{"line": line_id, "received": "1"}]}
    received = call("assistant", "post", f"{url}/receptions", receipt)
    assert received.status_code == 201, received.content
    assert received.json()["status"] == "partial" and received.json()["lines"][0]["received_quantity"] == "1.000"
    before = call("assistant", "post", f"{url}/receptions", {**receipt, "date": iso(3, 1)})
    assert before.status_code == 409 and "précéder la commande" in before.json()["detail"]
