"""Quote duplication, invoices and purchase orders e-mailed, purchase orders edited over the API (apia): through the
pages' forms and the functions the pages call (the e-mail in Django's locmem outbox), the same refusals, the roles."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from pilote.api.tests.days import day, iso

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(structure, personas):
    from pilote.sales.tests.factories import make_shop

    return make_shop(structure, personas)


def _invoice(shop, issue=True):
    from pilote.sales import issuing
    from pilote.sales import services as sales

    draft = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=shop["day"],
                                 lines=[sales.LineSpec.from_product(shop["p"]["book"], Decimal(2))])  # fmt: skip
    return issuing.issue_invoice(actor=shop["actor"], invoice=draft, render_pdf=True) if issue else draft


def test_a_quote_is_duplicated_as_a_new_draft(call, shop):
    from pilote.lib.dates import local_today
    from pilote.sales import services as sales
    from pilote.sales.models import Quote

    quote = sales.create_quote(actor=shop["actor"], customer=shop["customer"], date=shop["day"],
                               valid_until=shop["day"], notes="Livraison offerte",
                               lines=[sales.LineSpec.from_product(shop["p"]["book"], Decimal(3))])  # fmt: skip
    url = f"/api/v1/devis/{quote.pk}/duplication"
    assert call("comptable", "post", url, {}).status_code == 403
    assert call("auditeur", "post", url, {}).status_code == 403
    assert Quote.objects.count() == 1
    copy = call("commercial", "post", url, {})
    assert copy.status_code == 201, copy.content
    made = copy.json()
    assert made["id"] != quote.pk and made["status"] == "draft" and made["date"] == local_today().isoformat()
    assert made["valid_until"] == (local_today() + dt.timedelta(30)).isoformat()
    assert made["total_net"] == str(quote.total_net) and Quote.objects.get(pk=made["id"]).notes == "Livraison offerte"
    assert call("commercial", "post", "/api/v1/devis/999999/duplication", {}).status_code == 404


def test_an_issued_invoice_is_emailed_with_its_facturx_pdf(call, shop):
    draft = _invoice(shop, issue=False)
    early = call("commercial", "post", f"/api/v1/factures/{draft.pk}/envoi", {"to": "client@example.fr"})
    assert early.status_code == 409 and "Émettez la facture" in early.json()["detail"]
    invoice = _invoice(shop)
    url = f"/api/v1/factures/{invoice.pk}/envoi"
    wrong = call("commercial", "post", url, {"to": "pas-une-adresse"})
    assert wrong.status_code == 422 and "to" in wrong.json()["erreurs"]
    assert call("auditeur", "post", url, {"to": "client@example.fr"}).status_code == 403
    assert call("salarie", "post", url, {"to": "client@example.fr"}).status_code == 403
    assert not mail.outbox
    sent = call("comptable", "post", url, {"to": "client@example.fr"})
    assert sent.status_code == 200, sent.content
    (message,) = mail.outbox
    assert message.to == ["client@example.fr"] and invoice.number in message.subject
    assert "Factur-X" in message.body and message.attachments[0][0].endswith(".pdf")
    assert message.attachments[0][1][:5] == b"%PDF-"


def test_a_purchase_order_is_edited_then_emailed_once_approved(call, shop, personas):
    from pilote.contacts.models import Contact
    from pilote.purchases import orders
    from pilote.sales.services import LineSpec

    supplier = Contact.objects.create(name="Bureau Plus", is_supplier=True, email="commandes@bureau-plus.fr")
    order = orders.create_order(
        actor=personas["commercial"],
        supplier=supplier,
        date=day(3, 2),
        lines=[LineSpec(description="Papier", quantity=Decimal(2), unit_price=Decimal(10))],
    )
    url = f"/api/v1/commandes-fournisseurs/{order.pk}"
    body = {"supplier": supplier.pk, "date": iso(3, 2), "expected_delivery": iso(3, 1),
            "lines": [{"description": "Papier recyclé", "quantity": "5", "unit_price": "4"}]}  # fmt: skip
    early = call("commercial", "put", url, body)
    assert early.status_code == 422 and "précéder" in str(early.json()["erreurs"]["expected_delivery"])
    assert call("auditeur", "put", url, {**body, "expected_delivery": None}).status_code == 403
    assert call("commercial", "put", url, {**body, "expected_delivery": None, "version": 9}).status_code == 409
    changed = call("commercial", "put", url, {**body, "expected_delivery": iso(3, 20), "version": 1})
    assert changed.status_code == 200, changed.content
    assert changed.json()["total_net"] == "20.00" and changed.json()["lines"][0]["description"] == "Papier recyclé"
    not_approved = call("commercial", "post", f"{url}/envoi", {})
    assert not_approved.status_code == 409 and "pas approuvée" in not_approved.json()["detail"]
    assert not mail.outbox
    if orders.submit_order(actor=personas["commercial"], order=order).status == "to_approve":
        orders.approve_order(actor=personas["direction"], order=order)
    locked = call("commercial", "put", url, {**body, "expected_delivery": None})
    assert locked.status_code == 409
    assert call("auditeur", "post", f"{url}/envoi", {}).status_code == 403
    sent = call("assistant", "post", f"{url}/envoi", {})
    assert sent.status_code == 200 and sent.json()["status"] == "sent", sent.content
    (message,) = mail.outbox
    assert message.to == ["commandes@bureau-plus.fr"] and order.number in message.subject
