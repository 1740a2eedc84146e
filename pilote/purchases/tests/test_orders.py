"""Purchase orders: numbering, approval within limits, sending, receipts, the pages and their refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.core.models import AuditEvent
from pilote.purchases import orders
from pilote.purchases.models import ApprovalLimit, PurchaseOrder, PurchaseOrderStatus, Receipt
from pilote.sales.services import LineSpec

D = Decimal
DAY = dt.date(2026, 3, 2)
S = PurchaseOrderStatus


def paper(quantity="40", price="21.50") -> LineSpec:
    return LineSpec(description="Ramettes papier A4", quantity=D(quantity), unit_price=D(price), unit="u")


def make_order(buy, *lines, actor=None) -> PurchaseOrder:
    return orders.create_order(
        actor=actor or buy["assistant"], supplier=buy["supplier"], date=DAY, lines=list(lines) or [paper()]
    )


def test_numbers_follow_each_other_and_totals_are_computed(buy):
    first = make_order(buy, paper(), LineSpec(description="Toner", quantity=D(2), unit_price=D("89.90"),
                                              vat_rate="20.00"))  # fmt: skip
    second = make_order(buy)
    assert (first.number, second.number) == ("BC-2026-0001", "BC-2026-0002")
    assert (first.total_net, first.total_vat, first.total_gross) == (D("1039.80"), D("207.96"), D("1247.76"))
    assert first.status == S.DRAFT and first.lines.count() == 2


def test_within_the_limit_the_requester_approves_by_submitting(buy):
    order = orders.submit_order(actor=buy["assistant"], order=make_order(buy))
    assert order.status == S.APPROVED and order.approved_by == buy["assistant"]
    assert AuditEvent.objects.filter(action="purchases.order.approved", object_id=str(order.pk)).exists()


def test_above_the_limit_direction_approves_before_it_can_be_sent(buy, personas):
    order = make_order(buy, paper(quantity="100"))  # 2 150 € HT > 1 500 €
    order = orders.submit_order(actor=buy["assistant"], order=order)
    assert order.status == S.TO_APPROVE
    with pytest.raises(orders.DomainError, match="n'est pas approuvée"):
        orders.mark_order_sent(actor=buy["assistant"], order=order)
    with pytest.raises(orders.DomainError, match="Votre seuil d.approbation est de 1\u202f500,00\u202f€ HT"):
        orders.approve_order(actor=buy["accountant"], order=order)
    order = orders.approve_order(actor=personas["direction"], order=order)
    assert order.status == S.APPROVED and order.approved_by == personas["direction"]
    order = orders.mark_order_sent(actor=buy["assistant"], order=order, to="commandes@atelier.example")
    assert order.status == S.SENT and order.sent_at is not None
    actions = list(AuditEvent.objects.filter(object_id=str(order.pk), object_type="purchases.purchaseorder")
                   .order_by("pk").values_list("action", flat=True))  # fmt: skip
    assert actions == ["purchases.order.created", "purchases.order.submitted", "purchases.order.approved",
                       "purchases.order.sent"]  # fmt: skip


def test_a_raised_limit_lets_the_role_approve(buy, personas):
    orders.set_approval_limits(actor=personas["direction"], limits={"assistant": D("5000")})
    order = orders.submit_order(actor=buy["assistant"], order=make_order(buy, paper(quantity="100")))
    assert order.status == S.APPROVED
    assert ApprovalLimit.objects.get(role="assistant").max_amount == D("5000")


def test_a_refusal_sends_the_order_back_with_its_reason(buy, personas):
    order = orders.submit_order(actor=buy["assistant"], order=make_order(buy, paper(quantity="100")))
    with pytest.raises(orders.DomainError, match="motif"):
        orders.refuse_order(actor=personas["direction"], order=order, reason=" ")
    order = orders.refuse_order(actor=personas["direction"], order=order, reason="Trop cher : demander un devis.")
    assert order.status == S.DRAFT and order.refusal_reason == "Trop cher : demander un devis."


def _sent(buy, *lines):
    order = orders.submit_order(actor=buy["assistant"], order=make_order(buy, *lines))
    return orders.mark_order_sent(actor=buy["assistant"], order=order)


def test_partial_receipts_with_refused_quantities_then_received(buy):
    order = _sent(buy, paper(quantity="40"), LineSpec(description="Enveloppes", quantity=D(6), unit_price=D("18.40")))
    paper_line, envelopes = order.lines.order_by("position")
    receipt = orders.record_receipt(
        actor=buy["assistant"], order=order, date=DAY, delivery_note="BL-778",
        quantities={paper_line.pk: (D(30), D(2), "damaged", "Cartons mouillés"), envelopes.pk: (D(6), None, "", "")},
    )  # fmt: skip
    order.refresh_from_db()
    paper_line.refresh_from_db()
    assert receipt.number == "BR-2026-0001" and order.status == S.PARTIAL
    assert (paper_line.received_quantity, paper_line.refused_quantity, paper_line.to_receive) == (30, 2, 10)
    orders.record_receipt(actor=buy["assistant"], order=order, date=DAY,
                          quantities={paper_line.pk: (D(10), D(0), "conform", "")})  # fmt: skip
    order.refresh_from_db()
    assert order.status == S.RECEIVED
    order = orders.close_order(actor=buy["assistant"], order=order)
    assert order.status == S.CLOSED


def test_receipt_refusals_write_nothing(buy):
    order = _sent(buy, paper(quantity="10"))
    line = order.lines.get()
    with pytest.raises(orders.DomainError, match="il n'en reste que 10 à recevoir"):
        orders.record_receipt(actor=buy["assistant"], order=order, date=DAY, quantities={line.pk: (D(12), 0, "", "")})
    with pytest.raises(orders.DomainError, match="motif du refus"):
        orders.record_receipt(actor=buy["assistant"], order=order, date=DAY,
                              quantities={line.pk: (D(5), D(1), "damaged", "")})  # fmt: skip
    with pytest.raises(orders.DomainError, match="précéder la commande"):
        orders.record_receipt(actor=buy["assistant"], order=order, date=DAY - dt.timedelta(1),
                              quantities={line.pk: (D(5), 0, "", "")})  # fmt: skip
    assert not Receipt.objects.exists()
    line.refresh_from_db()
    assert line.received_quantity == 0
    # Over-receipt, confirmed.
    orders.record_receipt(actor=buy["assistant"], order=order, date=DAY, quantities={line.pk: (D(12), 0, "", "")},
                          allow_over=True)  # fmt: skip
    line.refresh_from_db()
    assert line.received_quantity == 12


def test_nothing_is_received_on_an_order_not_approved(buy):
    order = make_order(buy)
    with pytest.raises(orders.DomainError, match="n'est pas approuvée"):
        orders.record_receipt(actor=buy["assistant"], order=order, date=DAY,
                              quantities={order.lines.get().pk: (D(1), 0, "", "")})  # fmt: skip


def test_a_received_order_cannot_be_cancelled(buy):
    order = _sent(buy, paper(quantity="10"))
    orders.record_receipt(actor=buy["assistant"], order=order, date=DAY,
                          quantities={order.lines.get().pk: (D(1), 0, "", "")})  # fmt: skip
    with pytest.raises(orders.DomainError, match="ne s'annule plus"):
        orders.cancel_order(actor=buy["assistant"], order=order)


# --- pages --------------------------------------------------------------------------------------------------


def _line_post(prefix="lignes", **values) -> dict:
    row = {"description": "Ramettes papier A4", "quantity": "40", "unit": "u", "unit_price": "21,50",
           "discount_percent": "", "vat_rate": "20.00", "exemption_mention": "", "kind": "goods"} | values  # fmt: skip
    return {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"} | {
        f"{prefix}-0-{k}": v for k, v in row.items()
    }


def test_the_assistant_orders_from_the_page_and_sends_it_by_mail(buy, client_as):
    client = client_as("assistant")
    assert client.get(reverse("purchases:order-create")).status_code == 200
    data = {"supplier": buy["supplier"].pk, "date": "2026-03-02", "expected_delivery": "2026-03-09"} | _line_post()
    response = client.post(reverse("purchases:order-create"), data)
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and order.total_net == D("860.00")
    client.post(reverse("purchases:order-action", args=[order.pk]), {"action": "submit", "version": order.version})
    order.refresh_from_db()
    assert order.status == S.APPROVED
    page = client.get(reverse("purchases:order-detail", args=[order.pk])).content.decode()
    assert "Envoyer par e-mail" in page and "Réceptionner" in page
    pdf = client.get(reverse("purchases:order-pdf", args=[order.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    response = client.post(reverse("purchases:order-send", args=[order.pk]),
                           {"to": "ventes@atelier.example", "subject": "Commande", "body": "Ci-joint."})  # fmt: skip
    assert response.status_code == 302
    assert mail.outbox[0].attachments[0][0] == f"Bon-de-commande-{order.number}.pdf"
    order.refresh_from_db()
    assert order.status == S.SENT


def test_bad_input_gives_a_french_message_and_writes_nothing(buy, client_as):
    client = client_as("assistant")
    data = {"supplier": buy["supplier"].pk, "date": "2026-03-02", "expected_delivery": "2026-03-01"} | _line_post(
        unit_price="abc"
    )
    response = client.post(reverse("purchases:order-create"), data)
    assert response.status_code == 200 and "Le formulaire contient des erreurs" in response.content.decode()
    assert "La livraison souhaitée ne peut pas précéder la date de commande." in response.content.decode()
    assert not PurchaseOrder.objects.exists()
    order = make_order(buy)
    response = client.post(reverse("purchases:order-action", args=[order.pk]), {"action": "approve"}, follow=True)
    assert "Brouillon" in response.content.decode() and "approbation est impossible" in response.content.decode()


def test_the_receipt_page_records_a_partial_receipt(buy, client_as):
    order = _sent(buy, paper(quantity="40"))
    line = order.lines.get()
    client = client_as("assistant")
    url = reverse("purchases:order-receive", args=[order.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "2026-03-04", f"recu-{line.pk}": "25", f"refuse-{line.pk}": "3",
                                 f"etat-{line.pk}": "damaged", f"motif-{line.pk}": ""}, follow=True)  # fmt: skip
    assert "indiquez le motif du refus de 3" in response.content.decode()
    response = client.post(url, {"date": "2026-03-04", "delivery_note": "BL-1", f"recu-{line.pk}": "25",
                                 f"refuse-{line.pk}": "3", f"etat-{line.pk}": "damaged",
                                 f"motif-{line.pk}": "Cartons abîmés"}, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "Réception BR-2026-0001 enregistrée" in page and "Reçue en partie" in page and "Cartons abîmés" in page


def test_the_list_filters_sorts_exports_in_bounded_queries(buy, client_as):
    for quantity in ("10", "20", "30"):
        make_order(buy, paper(quantity=quantity))
    client = client_as("comptable")
    url = reverse("purchases:order-list")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"tri": "-montant"})
    for quantity in ("40", "50", "60", "70"):
        make_order(buy, paper(quantity=quantity))
    with CaptureQueriesContext(connection) as more:
        response = client.get(url, {"tri": "-montant"})
    assert len(more) == len(few)
    assert [o.number for o in response.context["page"]][0] == "BC-2026-0007"
    response = client.get(url, {"q": "BC-2026-0002", "export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "BC-2026-0002" in body and "BC-2026-0003" not in body and "430,00" in body


def _quote_request(buy, title: str):
    from pilote.purchases import rfq

    lines = [rfq.RequestedLine("Ramettes papier A4", D(40))]
    return rfq.create_request(actor=buy["assistant"], title=title, date=DAY, lines=lines, suppliers=[buy["supplier"]])


def test_the_request_for_quotes_list_filters_sorts_exports_in_bounded_queries(buy, client_as):
    for title in ("Papier", "Toner"):
        _quote_request(buy, title)
    client = client_as("assistant")
    url = reverse("purchases:rfq-list")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"tri": "-numero"})
    for title in ("Chaises", "Bureaux", "Écrans"):
        _quote_request(buy, title)
    with CaptureQueriesContext(connection) as more:
        response = client.get(url, {"tri": "-numero"})
    assert len(more) == len(few)
    assert [r.number for r in response.context["page"]][0] == "DP-2026-0005"
    response = client.get(url, {"q": "toner", "statut": "draft"})
    assert [r.title for r in response.context["page"]] == ["Toner"]
    response = client.get(url, {"statut": "inconnu", "export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "DP-2026-0001" in body and "DP-2026-0005" in body and "Brouillon" in body


def test_direction_sets_the_limits_and_tolerances(buy, client_as):
    client = client_as("direction")
    url = reverse("purchases:settings")
    from pilote.purchases.models import MatchTolerance

    MatchTolerance.objects.all().delete()
    assert client.get(url).status_code == 200
    assert not MatchTolerance.objects.exists()  # reading the settings page writes nothing
    response = client.post(url, {"limits": "1", "commercial": "800,00", "assistant": "2 000,00", "comptable": "0"})
    assert response.status_code == 302
    assert ApprovalLimit.objects.get(role="assistant").max_amount == D("2000")
    client.post(url, {"tolerance": "1", "price_percent": "2,5", "quantity_percent": "0"})
    assert MatchTolerance.objects.get().price_percent == D("2.5")
    response = client.post(url, {"limits": "1", "commercial": "-5", "assistant": "1", "comptable": "1"})
    assert response.status_code == 200 and ApprovalLimit.objects.get(role="commercial").max_amount == D("800")
