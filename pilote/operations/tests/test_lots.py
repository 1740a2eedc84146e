"""Lot and serial numbers: what a person types read and checked, receipts creating lots and serials, exits taking
named ones (a serial once), the FIFO suggestion, refusals in French with nothing written, purchase receipts and
customer deliveries through the hooks, production consuming lots and making serials, and the traceability page."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.urls import reverse

from pilote.catalog.models import Product
from pilote.core.exceptions import DomainError
from pilote.operations import lots
from pilote.operations.models import Lot, MoveKind, StockCategory, StockItem, StockMove, Tracking
from pilote.operations.services import production, stock

DAY = dt.date(2026, 3, 2)


def test_typed_lots_and_serials_are_read_and_checked():
    assert lots.parse("l2401 : 5 ; L2402:3", D(8), serial=False) == [("L2401", D(5)), ("L2402", D(3))]
    assert lots.parse("L2401", D(8), serial=False) == [("L2401", D(8))]  # alone: the whole quantity
    assert lots.parse("SN-1, sn-2\nSN-3", D(3), serial=True) == [("SN-1", D(1)), ("SN-2", D(1)), ("SN-3", D(1))]
    with pytest.raises(lots.LotError, match="Les lots font 7, le mouvement 8"):
        lots.parse("A:4 ; B:3", D(8), serial=False)
    with pytest.raises(lots.LotError, match="2 numéro\\(s\\) de série pour 3 unité\\(s\\)"):
        lots.parse("SN-1, SN-2", D(3), serial=True)
    with pytest.raises(lots.LotError, match="cité deux fois : SN-1"):
        lots.parse("SN-1, sn-1", D(2), serial=True)
    with pytest.raises(lots.LotError, match="indiquez le ou les lots"):
        lots.parse(" ", D(2), serial=False)
    with pytest.raises(lots.LotError, match="n'est pas une quantité"):
        lots.parse("A : deux", D(2), serial=False)
    available = [lots.Available("B", D(5), DAY), lots.Available("A", D(2), DAY + dt.timedelta(days=3)),
                 lots.Available("C", D(4), DAY - dt.timedelta(days=1))]  # fmt: skip
    assert lots.fifo(available, D(7)) == [("C", D(4)), ("B", D(3))]
    with pytest.raises(lots.LotError, match="il manque 1"):
        lots.fifo(available, D(12))


def _item(actor, depot, reference, name, tracking, category=StockCategory.GOODS):
    product = Product.objects.create(reference=reference, name=name, unit_price="10", kind="goods")
    return stock.track_product(actor=actor, product=product, default_location=depot, tracking=tracking,
                               category=category)  # fmt: skip


def _move(actor, item, kind, quantity, lots=None, day=DAY, **kwargs):
    with transaction.atomic():
        return stock.record_move(actor=actor, item=item, kind=kind, quantity=D(quantity), date=day, lots=lots, **kwargs)


def test_lots_in_and_out_with_the_fifo_suggestion(personas, depot):
    actor = personas["assistant"]
    glue = _item(actor, depot, "COL", "Colle", Tracking.LOT)
    with pytest.raises(DomainError, match="« Colle » : cet article est suivi par lot : indiquez son ou ses lots"):
        _move(actor, glue, MoveKind.RECEIPT, 5, unit_cost=D("2"))
    assert not StockMove.objects.exists() and StockItem.objects.get(pk=glue.pk).quantity == 0
    _move(actor, glue, MoveKind.RECEIPT, 5, [("L1", D(5))], unit_cost=D("2"))
    _move(actor, glue, MoveKind.RECEIPT, 5, [("L2", D(5))], day=DAY + dt.timedelta(days=1), unit_cost=D("3"))
    assert stock.fifo_suggestion(glue, D(7)) == "L1 : 5 ; L2 : 2"
    _move(actor, glue, MoveKind.ISSUE, 3, stock.parse_lots(glue, "L1 : 3", D(3)), day=DAY + dt.timedelta(days=1))
    assert dict(Lot.objects.values_list("number", "quantity")) == {"L1": D(2), "L2": D(5)}
    with pytest.raises(DomainError, match="le lot L1 n'a plus que 2 en stock"):
        _move(actor, glue, MoveKind.ISSUE, 3, [("L1", D(3))], day=DAY + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="lot L9 inconnu pour cet article"):
        _move(actor, glue, MoveKind.ISSUE, 1, [("L9", D(1))], day=DAY + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="Les lots font 2, le mouvement 3"):
        stock.parse_lots(glue, "L1:1 ; L2:1", D(3))
    assert StockItem.objects.get(pk=glue.pk).quantity == 7  # nothing of the refused exits written
    with pytest.raises(DomainError, match="sa traçabilité .* se change quand son stock est à zéro"):
        stock.update_item(actor=actor, item=glue, tracking=Tracking.NONE)


def test_a_serial_comes_in_once_and_leaves_once(personas, depot):
    actor = personas["assistant"]
    copier = _item(actor, depot, "COP", "Copieur", Tracking.SERIAL)
    _move(actor, copier, MoveKind.RECEIPT, 2, [("SN-1", D(1)), ("SN-2", D(1))], unit_cost=D("900"))
    with pytest.raises(DomainError, match="le numéro de série SN-1 est déjà en stock"):
        _move(actor, copier, MoveKind.RECEIPT, 1, [("SN-1", D(1))], unit_cost=D("900"))
    _move(actor, copier, MoveKind.ISSUE, 1, [("SN-1", D(1))])
    with pytest.raises(DomainError, match="le numéro de série SN-1 est déjà sorti du stock"):
        _move(actor, copier, MoveKind.ISSUE, 1, [("SN-1", D(1))])
    with pytest.raises(DomainError, match="unités entières"):
        _move(actor, copier, MoveKind.ISSUE, "0.5", [("SN-2", D("0.5"))])
    assert Lot.objects.get(number="SN-2").quantity == 1


def test_purchase_receipts_name_their_lot_and_deliveries_take_the_oldest(personas, depot):
    from pilote.purchases import orders
    from pilote.purchases.tests.factories import make_supplier
    from pilote.sales import services as sales
    from pilote.sales.services import LineSpec

    actor = personas["direction"]
    glue = _item(actor, depot, "COL", "Colle", Tracking.LOT)
    supplier = make_supplier(actor, is_customer=True)
    receipts = []
    for day in (DAY, DAY + dt.timedelta(days=2)):
        line = LineSpec(description="Colle", quantity=D(4), unit_price=D("2"), product=glue.product, account="607")
        order = orders.create_order(actor=actor, supplier=supplier, date=day, lines=[line])
        order = orders.submit_order(actor=actor, order=order)
        order = orders.mark_order_sent(actor=actor, order=order)
        receipts.append(orders.record_receipt(actor=actor, order=order, date=day,
                                              quantities={order.lines.get().pk: (D(4), 0, "", "")}))  # fmt: skip
    assert dict(Lot.objects.values_list("number", "quantity")) == {r.number: D(4) for r in receipts}
    sale = sales.create_order(actor=actor, customer=supplier, date=DAY, lines=[
        LineSpec(description="Colle", quantity=D(6), unit_price=D("5"), product=glue.product)])  # fmt: skip
    sales.deliver(actor=actor, order=sale, date=DAY + dt.timedelta(days=3), quantities={sale.lines.get().pk: D(6)})
    assert dict(Lot.objects.values_list("number", "quantity")) == {receipts[0].number: D(0), receipts[1].number: D(2)}


def test_receipt_form_takes_typed_lots_and_delivery_form_lets_the_user_choose(personas, depot, client_as):
    """The purchase receipt page asks the lots (or serials) of a tracked article and refuses them missing or twice;
    the delivery page pre-fills the oldest lots, takes another one chosen, refuses a lot short of the quantity —
    each refusal in French with nothing written."""
    from pilote.purchases import orders
    from pilote.purchases.models import Receipt
    from pilote.purchases.tests.factories import make_supplier
    from pilote.sales import services as sales
    from pilote.sales.models import Delivery
    from pilote.sales.services import LineSpec

    actor = personas["direction"]
    glue = _item(actor, depot, "COL", "Colle", Tracking.LOT)
    copier = _item(actor, depot, "COP", "Copieur", Tracking.SERIAL)
    plain = _item(actor, depot, "PAP", "Papier", Tracking.NONE)
    supplier = make_supplier(actor, is_customer=True)
    specs = [LineSpec(description=i.product.name, quantity=D(q), unit_price=D("2"), product=i.product, account="607")
             for i, q in ((glue, 8), (copier, 2), (plain, 3))]  # fmt: skip
    order = orders.mark_order_sent(actor=actor, order=orders.submit_order(
        actor=actor, order=orders.create_order(actor=actor, supplier=supplier, date=DAY, lines=specs)))  # fmt: skip
    g, c, p = (order.lines.get(product=i.product).pk for i in (glue, copier, plain))
    client = client_as("direction")
    url = reverse("purchases:order-receive", args=[order.pk])
    page = html.unescape(client.get(url).content.decode())
    assert "Lots / n° de série" in page and f'name="lots-{g}"' in page and f'name="lots-{c}"' in page
    assert f'name="lots-{p}"' not in page  # an article without tracking asks nothing
    base = {"date": "02/03/2026", f"recu-{g}": "8", f"recu-{c}": "2", f"recu-{p}": "3",
            **{f"etat-{pk}": "conform" for pk in (g, c, p)}}  # fmt: skip
    page = html.unescape(client.post(url, base).content.decode())
    assert "« Colle » est suivi par lot : indiquez le ou les lots reçus" in page
    assert "« Copieur » est suivi par numéro de série : indiquez un numéro par unité reçue" in page
    page = html.unescape(client.post(url, base | {f"lots-{g}": "L1 : 5 ; L2 : 3", f"lots-{c}": "SN-1, sn-1"},
                                     follow=True).content.decode())  # fmt: skip
    assert "« Copieur » : Numéro de série cité deux fois : SN-1." in page
    page = html.unescape(client.post(url, base | {f"lots-{g}": "L1 : 5 ; L2 : 2", f"lots-{c}": "SN-1, SN-2"},
                                     follow=True).content.decode())  # fmt: skip
    assert "« Colle » : Les lots font 7, le mouvement 8." in page
    assert not Receipt.objects.exists() and not Lot.objects.exists() and not StockMove.objects.exists()
    response = client.post(url, base | {f"lots-{g}": "L1 : 5 ; L2 : 3", f"lots-{c}": "SN-1, SN-2"})
    assert response.status_code == 302
    assert Receipt.objects.get().lines.get(order_line_id=g).lots == "L1 : 5 ; L2 : 3"
    assert dict(Lot.objects.values_list("number", "quantity")) == {"L1": 5, "L2": 3, "SN-1": 1, "SN-2": 1}
    _move(actor, glue, MoveKind.RECEIPT, 4, [("L0", D(4))], day=DAY - dt.timedelta(days=1), unit_cost=D(2),
          backdate=True)  # an older lot: the one a delivery suggests first  # fmt: skip

    sale = sales.create_order(actor=actor, customer=supplier, date=DAY, lines=[
        LineSpec(description="Colle", quantity=D(6), unit_price=D("5"), product=glue.product),
        LineSpec(description="Copieur", quantity=D(1), unit_price=D("900"), product=copier.product)])  # fmt: skip
    sg, sc = (sale.lines.get(product=i.product).pk for i in (glue, copier))
    url = reverse("sales:order-deliver", args=[sale.pk])
    page = html.unescape(client.get(url).content.decode())
    assert 'value="L0 : 4 ; L1 : 2"' in page and 'value="SN-1"' in page  # the oldest first
    base = {"date": "05/03/2026", f"q{sg}": "6", f"q{sc}": "1"}
    page = html.unescape(client.post(url, base | {f"lots{sg}": "", f"lots{sc}": "SN-2"}).content.decode())
    assert "« Colle » est suivi par lot : indiquez le ou les lots qui partent" in page
    page = html.unescape(client.post(url, base | {f"lots{sg}": "L2 : 6", f"lots{sc}": "SN-2"},
                                     follow=True).content.decode())  # fmt: skip
    assert "« Colle » : le lot L2 n'a plus que 3 en stock." in page
    assert not Delivery.objects.exists() and dict(Lot.objects.values_list("number", "quantity"))["L2"] == 3
    response = client.post(url, base | {f"lots{sg}": "L2 : 3 ; L1 : 3", f"lots{sc}": "SN-2"})
    assert response.status_code == 302
    assert dict(Lot.objects.values_list("number", "quantity")) == {"L0": 4, "L1": 2, "L2": 0, "SN-1": 1, "SN-2": 0}
    assert Delivery.objects.get().lines.get(order_line_id=sg).lots == "L2 : 3 ; L1 : 3"


def test_production_consumes_named_lots_makes_serials_and_traces_them(personas, depot, client_as):
    actor = personas["assistant"]
    board = _item(actor, depot, "CAR", "Carte", Tracking.LOT, StockCategory.MATERIALS)
    box = _item(actor, depot, "BOI", "Boîtier", Tracking.NONE, StockCategory.MATERIALS)
    unit = _item(actor, depot, "UNI", "Unité assemblée", Tracking.SERIAL, StockCategory.PRODUCTS)
    _move(actor, board, MoveKind.RECEIPT, 2, [("C-OLD", D(2))], unit_cost=D("10"))
    _move(actor, board, MoveKind.RECEIPT, 5, [("C-NEW", D(5))], day=DAY + dt.timedelta(days=1), unit_cost=D("10"))
    _move(actor, box, MoveKind.RECEIPT, 3, unit_cost=D("4"), day=DAY + dt.timedelta(days=1))
    bom = production.create_bom(actor=actor, product=unit, name="Unité", quantity=D(1))
    production.add_component(actor=actor, bom=bom, component=board, quantity=D(1))
    production.add_component(actor=actor, bom=bom, component=box, quantity=D(1))
    order = production.create_order(actor=actor, bom=bom, quantity=D(3), planned_date=DAY + dt.timedelta(days=1),
                                    location=depot)  # fmt: skip
    production.release(actor=actor, order=order)
    page = html.unescape(client_as("assistant").get(reverse("operations:order", args=[order.pk])).content.decode())
    assert 'value="C-OLD : 2 ; C-NEW : 1"' in page  # the FIFO suggestion, prefilled
    data = {"action": "done", "date": "2026-03-03", f"lots_{board.pk}": "C-NEW : 3"}
    response = client_as("assistant").post(reverse("operations:order-action", args=[order.pk]), data)
    assert response.status_code == 302
    assert dict(Lot.objects.filter(item=board).values_list("number", "quantity")) == {"C-OLD": D(2), "C-NEW": D(2)}
    serials = list(Lot.objects.filter(item=unit).order_by("number").values_list("number", flat=True))
    assert serials == [f"{order.number}-001", f"{order.number}-002", f"{order.number}-003"]
    new = Lot.objects.get(number="C-NEW")
    page = html.unescape(client_as("comptable").get(reverse("operations:lot", args=[new.pk])).content.decode())
    assert "Fabriqué avec ce lot" in page and f"{order.number}-002" in page and "Entrée (achat)" in page
    made = Lot.objects.get(number=f"{order.number}-001")
    page = html.unescape(client_as("comptable").get(reverse("operations:lot", args=[made.pk])).content.decode())
    assert "Composants consommés pour le fabriquer" in page and "C-NEW" in page and "C-OLD" not in page
    listing = client_as("comptable").get(reverse("operations:lots"), {"export": "csv", "article": board.pk})
    text = b"".join(listing.streaming_content).decode("utf-8-sig")
    assert "C-NEW" in text and "C-OLD" in text and "UNI" not in text
    # A typed exit without its lots is refused through the page too.
    response = client_as("assistant").post(reverse("operations:move-add", args=[board.pk]),
                                           {"kind": "issue", "date": "2026-03-03", "quantity": "1",
                                            "location": depot.pk, "lots": ""}, follow=True)  # fmt: skip
    assert "indiquez le ou les lots" in html.unescape(response.content.decode())
