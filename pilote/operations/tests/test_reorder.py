"""Reorder points → suggested purchase orders: the (s, Q) quantity by hand, what is already ordered counted, the
supplier (usual, else the last order's), one draft purchase order per supplier through the purchases services,
refusals in French with nothing written, the page and its permissions."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.urls import reverse

from pilote.catalog.models import Product
from pilote.core.exceptions import DomainError
from pilote.operations.models import MoveKind
from pilote.operations.queries.reorder import suggestions
from pilote.operations.reorder import suggested_quantity
from pilote.operations.services import reorder, stock
from pilote.purchases.models import PurchaseOrder

DAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("on_hand", "on_order", "point", "q", "expected"),
    [
        ("3", "0", "5", "20", "20"),  # 3 ≤ 5: one Q brings it to 23
        ("6", "0", "5", "20", "0"),  # above the point: nothing
        ("5", "0", "5", "20", "20"),  # at the point: ordered
        ("-30", "0", "5", "20", "40"),  # −30 + 20 = −10 ≤ 5, + 40 = 10 > 5
        ("2", "20", "5", "20", "0"),  # already ordered: 22 > 5
        ("2", "0", "5", "0", "8"),  # no Q: up to 2 × 5 = 10
        ("2", "0", "0", "20", "0"),  # no reorder point
    ],
)
def test_the_suggested_quantity(on_hand, on_order, point, q, expected):
    assert suggested_quantity(D(on_hand), D(on_order), D(point), D(q)) == D(expected)


def _stock(actor, item, quantity):
    with transaction.atomic():
        stock.move(actor=actor, item=item, kind=MoveKind.OPENING, quantity=D(quantity), date=DAY, unit_cost=D("50"))


@pytest.fixture
def supplier(personas):
    from pilote.purchases.tests.factories import make_supplier

    return make_supplier(personas["direction"])


def test_drafts_one_purchase_order_per_supplier(personas, toner, depot, supplier):
    from pilote.purchases.tests.factories import make_supplier

    actor = personas["assistant"]
    toner.product.purchase_price = D("52.50")
    toner.product.save()
    _stock(actor, toner, "3")
    paper = stock.track_product(
        actor=actor, default_location=depot, reorder_point=D("10"), reorder_quantity=D("0"),
        product=Product.objects.create(reference="PAP-A4", name="Papier A4", unit_price="6", kind="goods"),
    )  # fmt: skip
    _stock(actor, paper, "4")
    other = make_supplier(actor, name="Papeterie Durand", siren="732829320", vat_number="")
    stock.update_item(actor=actor, item=toner, supplier=supplier)
    stock.update_item(actor=actor, item=paper, supplier=other)
    rows = {s.item.pk: s for s in suggestions()}
    assert rows[toner.pk].quantity == D("20") and rows[toner.pk].unit_price == D("52.50")
    assert rows[toner.pk].amount == D("1050.00")
    assert rows[paper.pk].quantity == D("16")  # up to 2 × 10 from 4
    assert rows[paper.pk].unit_price == D("50")  # no purchase price, no previous order: the CMUP

    created = reorder.create_purchase_orders(actor=actor, item_ids=[toner.pk, paper.pk], date=DAY)
    assert len(created) == 2 and {o.status for o in created} == {"draft"}
    order = next(o for o in created if o.supplier == supplier)
    line = order.lines.get()
    assert (line.product, line.quantity, line.unit_price, line.account) == (toner.product, D("20"), D("52.50"), "607")
    assert order.total_net == D("1050.00")
    # Ordered (in draft): the suggestion is not made twice.
    assert suggestions() == []
    with pytest.raises(DomainError, match="plus sous son point de commande"):
        reorder.create_purchase_orders(actor=actor, item_ids=[toner.pk], date=DAY)


def test_the_last_orders_supplier_and_price_and_a_refusal(personas, toner, supplier):
    from pilote.purchases import orders
    from pilote.sales.services import LineSpec

    actor = personas["direction"]
    _stock(actor, toner, "2")
    assert suggestions()[0].supplier is None
    before = PurchaseOrder.objects.count()
    with pytest.raises(DomainError, match="n'a pas de fournisseur"):
        reorder.create_purchase_orders(actor=actor, item_ids=[toner.pk], date=DAY)
    assert PurchaseOrder.objects.count() == before
    with pytest.raises(DomainError, match="Cochez"):
        reorder.create_purchase_orders(actor=actor, item_ids=[], date=DAY)
    line = LineSpec(description="Toner", quantity=D(1), unit_price=D("48"), product=toner.product, account="607")
    old = orders.create_order(actor=actor, supplier=supplier, date=DAY, lines=[line])
    orders.cancel_order(actor=actor, order=old, reason="essai")
    assert suggestions()[0].supplier is None  # a cancelled order names nobody
    line = LineSpec(description="Toner", quantity=D(2), unit_price=D("49"), product=toner.product, account="607")
    orders.create_order(actor=actor, supplier=supplier, date=DAY, lines=[line])
    row = suggestions()[0]
    assert (row.supplier, row.supplier_source, row.unit_price, row.on_order, row.quantity) == (
        supplier, "dernière commande", D("49"), D("2"), D("20"))  # fmt: skip


def test_the_page_and_who_may_order(client_as, personas, toner, supplier):
    _stock(personas["assistant"], toner, "1")
    stock.update_item(actor=personas["assistant"], item=toner, supplier=supplier)
    page = html.unescape(client_as("commercial").get(reverse("operations:reorder")).content.decode())
    assert "Toner noir" in page and "Atelier Pilote" in page and "Préparer les commandes" in page
    page = html.unescape(client_as("comptable").get(reverse("operations:reorder")).content.decode())
    assert "Toner noir" in page and "Préparer les commandes" not in page
    assert client_as("comptable").post(reverse("operations:reorder-create"), {"article": toner.pk}).status_code == 403
    csv = client_as("comptable").get(reverse("operations:reorder") + "?export=csv")
    assert "Quantité suggérée" in b"".join(csv.streaming_content).decode("utf-8-sig")
    response = client_as("commercial").post(reverse("operations:reorder-create"), {"article": toner.pk})
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("purchases:order-detail", args=[order.pk])
    assert order.status == "draft" and order.created_by == personas["commercial"]
