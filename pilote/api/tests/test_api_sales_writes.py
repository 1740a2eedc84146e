"""Sales writes over the API (apisales): quote decisions, orders, deliveries, credit notes and payments go through
the pages' forms and the sales services — the pages' refusals hold, in French, nothing written."""

from decimal import Decimal

import pytest

from pilote.api.tests.days import iso

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(structure, personas):
    from pilote.sales.tests.factories import make_shop

    return make_shop(structure, personas)


def test_a_quote_refused_is_not_converted_and_an_accepted_one_becomes_an_order_then_a_delivery(call, shop):
    from django.core import mail

    from pilote.sales.models import Order

    line = {"description": "Chaise", "quantity": "3", "unit_price": "149.90"}
    new_quote = {"customer": shop["customer"].pk, "date": iso(3, 2), "valid_until": iso(4, 1), "lines": [line]}
    quote = call("commercial", "post", "/api/v1/devis", new_quote).json()
    sent = call("commercial", "post", f"/api/v1/devis/{quote['id']}/envoi", {})
    assert sent.status_code == 200 and sent.json()["status"] == "sent", sent.content
    assert mail.outbox[-1].to == ["contact@boulangerie-martin.fr"] and quote["number"] in mail.outbox[-1].subject
    no_reason = call("commercial", "post", f"/api/v1/devis/{quote['id']}/refus", {"date": iso(3, 5), "reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["erreurs"]
    assert call("comptable", "post", f"/api/v1/devis/{quote['id']}/acceptation", {"date": iso(3, 5)}
                ).status_code == 403  # fmt: skip
    refused = call("commercial", "post", f"/api/v1/devis/{quote['id']}/refus", {"date": iso(3, 5), "reason": "Prix"})
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    converted = call("commercial", "post", f"/api/v1/devis/{quote['id']}/commande", {"date": iso(3, 6)})
    assert converted.status_code == 409 and "refusé" in converted.json()["detail"]
    assert not Order.objects.exists()

    again = call("commercial", "post", "/api/v1/devis", new_quote).json()
    before = call("commercial", "post", f"/api/v1/devis/{again['id']}/commande", {"date": iso(3, 1)})
    assert before.status_code == 422 and "précéder le devis" in str(before.json()["erreurs"]["date"])
    accepted = call("commercial", "post", f"/api/v1/devis/{again['id']}/acceptation", {"date": iso(3, 5)})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    order = call("commercial", "post", f"/api/v1/devis/{again['id']}/commande",
                 {"date": iso(3, 6), "customer_reference": "BC-7"})  # fmt: skip
    assert order.status_code == 201 and order.json()["quote_id"] == again["id"], order.content
    order = order.json()
    line_id = order["lines"][0]["id"]
    url = f"/api/v1/commandes/{order['id']}/livraisons"
    too_many = call("assistant", "post", url, {"date": iso(3, 7), "lines": [{"line": line_id, "quantity": "4"}]})
    assert too_many.status_code in (409, 422) and not order_delivered(order["id"])
    stranger = call("assistant", "post", url, {"date": iso(3, 7), "lines": [{"line": 999999, "quantity": "1"}]})
    assert stranger.status_code == 422 and "restant à livrer" in str(stranger.json()["erreurs"])
    part = call("assistant", "post", url, {"date": iso(3, 7), "lines": [{"line": line_id, "quantity": "1"}]})
    assert part.status_code == 201 and part.json()["lines"][0]["quantity"] == "1.000", part.content
    assert call("commercial", "get", f"/api/v1/commandes/{order['id']}").json()["status"] == "partial"
    listed = call("auditeur", "get", "/api/v1/livraisons?facturation=non").json()
    assert listed["count"] == 1 and listed["results"][0]["order_number"] == order["number"]
    cancel = call("commercial", "post", f"/api/v1/commandes/{order['id']}/annulation")
    assert cancel.status_code == 409 and "ne s'annule plus" in cancel.json()["detail"]
    invoice = call("commercial", "post", f"/api/v1/commandes/{order['id']}/facture", {"date": iso(3, 8)})
    assert invoice.status_code == 201 and invoice.json()["status"] == "draft"
    assert invoice.json()["lines"][0]["quantity"] == "1.000"


def order_delivered(pk: int) -> bool:
    from pilote.sales.models import Delivery

    return Delivery.objects.filter(order_id=pk).exists()


def test_a_payment_cannot_exceed_what_is_due_and_is_lettered(call, shop):
    from pilote.ledger.models import EntryLine, MatchedLine
    from pilote.sales import issuing
    from pilote.sales import services as sales
    from pilote.sales.models import Payment

    invoice = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=shop["day"],
                                   lines=[sales.LineSpec.from_product(shop["p"]["chair"], Decimal(1))])  # fmt: skip
    draft = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=shop["day"],
                                 lines=[sales.LineSpec.from_product(shop["p"]["chair"], Decimal(1))])  # fmt: skip
    invoice = issuing.issue_invoice(actor=shop["actor"], invoice=invoice, render_pdf=False)
    body = {"customer": shop["customer"].pk, "date": iso(3, 10), "amount": "500.00", "method": "transfer",
            "bank_account": shop["bank"].pk, "allocations": [{"invoice": invoice.pk, "amount": "500.00"}]}  # fmt: skip
    more = call("comptable", "post", "/api/v1/reglements", body)
    assert more.status_code == 409 and "dépasse le reste dû" in more.json()["detail"]
    on_draft = call("comptable", "post", "/api/v1/reglements",
                    {**body, "amount": "10", "allocations": [{"invoice": draft.pk, "amount": "10"}]})  # fmt: skip
    assert on_draft.status_code == 409 and "pas une facture émise" in on_draft.json()["detail"]
    assert not Payment.objects.exists()
    assert call("commercial", "post", "/api/v1/reglements", body).status_code == 403
    paid = call("comptable", "post", "/api/v1/reglements",
                {**body, "amount": "179.88", "allocations": [{"invoice": invoice.pk, "amount": "179.88"}]})  # fmt: skip
    assert paid.status_code == 201, paid.content
    assert paid.json()["allocations"] == [{"invoice_id": invoice.pk, "invoice_number": invoice.number,
                                           "amount": "179.88"}]  # fmt: skip
    assert call("comptable", "get", f"/api/v1/factures/{invoice.pk}").json()["balance_due"] == "0.00"
    customer_lines = EntryLine.objects.filter(account__code="411", reference=invoice.number)
    assert MatchedLine.objects.filter(line__in=customer_lines).count() == 2
    listed = call("auditeur", "get", f"/api/v1/reglements?client={shop['customer'].pk}").json()
    assert listed["count"] == 1 and listed["results"][0]["amount"] == "179.88"


def test_a_credit_note_is_drafted_from_an_issued_invoice_only(call, shop):
    from pilote.sales import issuing
    from pilote.sales import services as sales

    draft = sales.create_invoice(actor=shop["actor"], customer=shop["customer"], date=shop["day"],
                                 lines=[sales.LineSpec.from_product(shop["p"]["chair"], Decimal(2))])  # fmt: skip
    refused = call("commercial", "post", f"/api/v1/factures/{draft.pk}/avoir", {"date": iso(3, 4)})
    assert refused.status_code == 409 and "facture émise" in refused.json()["detail"]
    issuing.issue_invoice(actor=shop["actor"], invoice=draft, render_pdf=False)
    note = call("commercial", "post", f"/api/v1/factures/{draft.pk}/avoir", {"date": iso(3, 4)})
    assert note.status_code == 201 and note.json()["kind"] == "credit_note", note.content
    issued = call("comptable", "post", f"/api/v1/factures/{note.json()['id']}/emission")
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    assert call("comptable", "get", f"/api/v1/factures/{draft.pk}").json()["balance_due"] == "0.00"
