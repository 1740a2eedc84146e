"""Three-way match: a supplier invoice (received e-invoice or typed) against its order and the order's receipts."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.models import AuditEvent
from pilote.purchases import matching, orders, services
from pilote.purchases.models import SupplierInvoice, SupplierInvoiceStatus
from pilote.purchases.tests import factories
from pilote.sales.services import LineSpec

D = Decimal
DAY = dt.date(2026, 3, 2)


def ordered(buy, specs, *, receive=None):
    """An order approved by direction and sent, then received line by line ({position: quantity}, all by default)."""
    from pilote.core.models import User

    order = orders.create_order(actor=buy["assistant"], supplier=buy["supplier"], date=DAY, lines=specs)
    order = orders.submit_order(actor=buy["assistant"], order=order)
    if order.status == "to_approve":
        order = orders.approve_order(actor=User.objects.get(role="direction"), order=order)
    order = orders.mark_order_sent(actor=buy["assistant"], order=order)
    lines = list(order.lines.order_by("position"))
    wanted = {line.pk: (receive.get(line.position, line.quantity) if receive else line.quantity, 0, "", "")
              for line in lines}  # fmt: skip
    orders.record_receipt(actor=buy["assistant"], order=order, date=DAY, quantities=wanted)
    order.refresh_from_db()
    return order


def sample_order_lines(flour_price="1.84") -> list[LineSpec]:
    """The lines of the sample e-invoice FA-2026-0042 as they were ordered."""
    return [
        LineSpec(description="Conseil en organisation", quantity=D("7.5"), unit_price=D("120"),
                 discount_percent=D("10"), reference="CONS-H", unit="h"),
        LineSpec(description="Travaux de rénovation énergétique", quantity=D(1), unit_price=D("2450"),
                 vat_rate="10.00"),
        LineSpec(description="Confiture de myrtilles", quantity=D(12), unit_price=D("4.1667"), vat_rate="5.50",
                 reference="CONF-250"),
        LineSpec(description="Farine bio", quantity=D("25.5"), unit_price=D(flour_price), vat_rate="5.50",
                 unit="kg"),
    ]  # fmt: skip


def receive(buy, order):
    data = factories.supplier_invoice(order_reference=order.number)
    return services.receive_einvoice(actor=buy["assistant"], content=factories.cii(data), filename="fa.xml")


def test_a_received_einvoice_finds_its_order_and_matches_it(buy):
    order = ordered(buy, sample_order_lines())
    invoice = receive(buy, order)
    assert invoice.order == order
    assert invoice.lines.filter(order_line__isnull=False).count() == 4
    result = matching.compare(invoice)
    assert result.is_clean, result.problems
    assert matching.approval_block(invoice) == ""


def test_a_price_beyond_the_tolerance_blocks_the_approval_until_direction_accepts_it(buy, personas):
    order = ordered(buy, sample_order_lines(flour_price="1.70"))
    invoice = receive(buy, order)
    (problem,) = matching.compare(invoice).problems
    assert problem.startswith("« Farine bio » : prix facturé 1,84\u202f€ HT l'unité au lieu de 1,70\u202f€ commandé")
    services.set_line_accounts(actor=buy["accountant"], invoice=invoice,
                               accounts={line.pk: "607" for line in invoice.lines.all()})  # fmt: skip
    with pytest.raises(DomainError, match="La direction doit accepter ces écarts"):
        services.approve_invoice(actor=buy["accountant"], invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.status == SupplierInvoiceStatus.RECEIVED and invoice.entry_id is None
    with pytest.raises(DomainError, match="Seule la direction"):
        matching.accept_differences(actor=buy["accountant"], invoice=invoice, reason="Hausse annoncée")
    with pytest.raises(DomainError, match="Indiquez pourquoi"):
        matching.accept_differences(actor=personas["direction"], invoice=invoice, reason="")
    matching.accept_differences(actor=personas["direction"], invoice=invoice, reason="Hausse du prix de la farine")
    event = AuditEvent.objects.get(action="purchases.invoice.match_accepted")
    assert event.after["motif"] == "Hausse du prix de la farine" and "Farine bio" in event.after["écarts"][0]
    invoice = services.approve_invoice(actor=buy["accountant"], invoice=invoice)
    assert invoice.status == SupplierInvoiceStatus.APPROVED and invoice.entry_id is not None


def test_a_tolerance_lets_a_small_price_difference_through(buy, personas):
    matching.set_tolerance(actor=personas["direction"], price_percent=D("10"), quantity_percent=D("0"))
    invoice = receive(buy, ordered(buy, sample_order_lines(flour_price="1.70")))
    assert matching.compare(invoice).is_clean


def test_more_invoiced_than_received(buy):
    order = ordered(buy, sample_order_lines(), receive={4: D("20")})
    invoice = receive(buy, order)
    assert matching.compare(invoice).problems == ["« Farine bio » : 25,5 facturé(s) pour 20 reçu(s) (commandé : 25,5)."]


def test_a_typed_invoice_from_its_order(buy, client_as, personas):
    paper = LineSpec(description="Ramettes papier A4", quantity=D(40), unit_price=D("21.50"))
    order = ordered(buy, [paper], receive={1: D(30)})
    client = client_as("assistant")
    url = reverse("purchases:invoice-create")
    page = client.get(url, {"commande": order.pk})
    assert page.status_code == 200
    (initial,) = page.context["formset"].initial
    assert initial["quantity"] == D(30) and initial["source_pk"] == order.lines.get().pk
    line = order.lines.get()
    data = {
        "supplier": buy["supplier"].pk, "kind": "invoice", "number": "PD-118", "date": "2026-03-05",
        "due_date": "2026-04-04", "order": order.number,
        "lignes-TOTAL_FORMS": "1", "lignes-INITIAL_FORMS": "1", "lignes-0-description": "Ramettes papier A4",
        "lignes-0-quantity": "30", "lignes-0-unit": "u", "lignes-0-unit_price": "22,50", "lignes-0-vat_rate": "20.00",
        "lignes-0-kind": "goods", "lignes-0-source_pk": str(line.pk),
    }  # fmt: skip
    from pilote.catalog.models import Product

    paper_article = Product.objects.create(reference="PAP-A4", name="Ramettes papier A4", unit_price=D("29"))
    response = client.post(url, data | {"lignes-0-product": paper_article.pk}, follow=True)
    invoice = SupplierInvoice.objects.get(number="PD-118")
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (D("675.00"), D("135.00"), D("810.00"))
    assert invoice.order == order and invoice.lines.get().order_line == line
    page = html.unescape(response.content.decode())
    assert "prix facturé 22,50\u202f€ HT l'unité au lieu de 21,50\u202f€ commandé" in page
    # The same number again: refused in French, nothing written.
    response = client.post(url, data)
    assert "Doublon : la facture n° PD-118" in html.unescape(response.content.decode())
    assert SupplierInvoice.objects.filter(number="PD-118").count() == 1
    # Direction accepts the difference from the page.
    direction = client_as("direction")
    accept = reverse("purchases:invoice-match-accept", args=[invoice.pk])
    response = direction.post(accept, {"reason": "Tarif 2026 accepté", "version": invoice.version}, follow=True)
    assert "Écarts acceptés" in html.unescape(response.content.decode())
    invoice.refresh_from_db()
    assert invoice.match_accepted_reason == "Tarif 2026 accepté"


def test_linking_an_invoice_to_an_order_from_its_page(buy, client_as):
    order = ordered(buy, sample_order_lines())
    invoice = services.receive_einvoice(actor=buy["assistant"], content=factories.cii(factories.supplier_invoice()),
                                        filename="fa.xml")  # fmt: skip
    assert invoice.order is None  # BC-7781 is not one of ours
    client = client_as("assistant")
    url = reverse("purchases:invoice-link", args=[invoice.pk])
    response = client.post(url, {"order": "BC-1999-0001", "version": invoice.version}, follow=True)
    assert "Aucune commande BC-1999-0001 pour ce fournisseur" in html.unescape(response.content.decode())
    client.post(url, {"order": order.number, "version": invoice.version})
    invoice.refresh_from_db()
    assert invoice.order == order and matching.compare(invoice).is_clean


def test_the_articles_analytic_defaults_follow_the_invoice_into_the_books(buy, personas):
    """Issue 11 point 2: a supplier invoice passes its articles' analytic distribution (through its order lines)
    to the expense lines it posts, as a sales invoice does."""
    from dataclasses import replace

    from pilote.catalog.models import Product
    from pilote.ledger import analytics
    from pilote.ledger.models_analytic import AnalyticLine

    actor = personas["comptable"]
    axis = analytics.create_axis(actor=actor, code="ACT", label="Activité")
    shop = analytics.create_section(actor=actor, axis=axis, code="BOUT", label="Boutique")
    workshop = analytics.create_section(actor=actor, axis=axis, code="ATEL", label="Atelier")
    jam = Product.objects.create(reference="ART-1", name="Article suivi", unit_price=D("6"))
    analytics.set_defaults(actor=actor, axis=axis, shares=[(shop, D(75)), (workshop, D(25))], product=jam)
    specs = [replace(spec, product=jam, account="607") for spec in sample_order_lines()]
    invoice = services.approve_invoice(actor=buy["accountant"], invoice=receive(buy, ordered(buy, specs)))
    expenses = [line for line in invoice.entry.lines.all() if line.account.code.startswith("6")]
    assert expenses
    for line in expenses:
        parts = {a.section.code: a.debit for a in AnalyticLine.objects.filter(line=line).select_related("section")}
        assert set(parts) == {"BOUT", "ATEL"} and sum(parts.values()) == line.debit
        assert abs(parts["BOUT"] - line.debit * D("0.75")) <= D("0.01")  # 75 % to the cent
