"""Stock through the services and the pages: CMUP on a sequence of receipts and exits, never negative,
back-dated movements refused, transfers, counts and their differences, receipts of purchase orders and customer
deliveries moving the stock, the value at a date, the reorder point in the to-do, the year-end stock entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.core.registry import todos_for
from pilote.ledger.models import Entry, FiscalYear
from pilote.operations.models import MoveKind, StockItem, StockLevel, StockMove
from pilote.operations.queries import stock as queries
from pilote.operations.services import closing, stock

DAY = dt.date(2026, 3, 2)


def _move(actor, item, kind, quantity, day=DAY, **kwargs):
    with transaction.atomic():
        return stock.move(actor=actor, item=item, kind=kind, quantity=D(quantity), date=day, **kwargs)


def _fresh(item) -> StockItem:
    return StockItem.objects.get(pk=item.pk)


def test_receipts_and_exits_follow_the_weighted_average_cost(personas, toner):
    actor = personas["assistant"]
    _move(actor, toner, MoveKind.RECEIPT, 100, unit_cost=D("10"))
    _move(actor, toner, MoveKind.RECEIPT, 50, DAY + dt.timedelta(days=1), unit_cost=D("13"))
    out = _move(actor, toner, MoveKind.ISSUE, 120, DAY + dt.timedelta(days=2))
    _move(actor, toner, MoveKind.RECEIPT, 70, DAY + dt.timedelta(days=3), unit_cost=D("12"))
    item = _fresh(toner)
    assert (out.value, out.unit_cost, out.quantity) == (D("-1320.00"), D("11.0000"), D("-120"))
    assert (item.quantity, item.value, item.average_cost) == (D(100), D("1170.00"), D("11.7000"))
    # The value at a date is the sum of the movements up to it.
    assert queries.total_value(DAY + dt.timedelta(days=1)) == D("1650.00")
    assert queries.total_value(DAY + dt.timedelta(days=2)) == D("330.00")
    assert queries.total_value(None) == D("1170.00")


def test_the_stock_never_goes_negative_and_a_back_dated_move_is_refused(personas, toner, depot):
    actor = personas["assistant"]
    _move(actor, toner, MoveKind.RECEIPT, 3, unit_cost=D("50"))
    with pytest.raises(DomainError, match="Stock insuffisant .* 3 disponible"):
        _move(actor, toner, MoveKind.ISSUE, 4)
    with pytest.raises(DomainError, match="antérieur fausserait le coût moyen"):
        _move(actor, toner, MoveKind.RECEIPT, 1, DAY - dt.timedelta(days=1), unit_cost=D("50"))
    assert _fresh(toner).quantity == 3 and StockMove.objects.count() == 1
    StockItem.objects.filter(pk=toner.pk).update(allow_negative=True)
    _move(actor, toner, MoveKind.ISSUE, 4)
    assert _fresh(toner).quantity == -1 and _fresh(toner).value == D("-50.00")


def test_a_transfer_moves_units_between_locations_without_changing_the_value(personas, toner, depot):
    actor = personas["assistant"]
    van = stock.create_location(actor=actor, code="VEH", name="Camionnette")
    _move(actor, toner, MoveKind.RECEIPT, 10, unit_cost=D("52"))
    stock.transfer(actor=actor, item=toner, quantity=D(4), date=DAY, source=depot, target=van)
    levels = dict(StockLevel.objects.values_list("location__code", "quantity"))
    assert levels == {"DEP": D(6), "VEH": D(4)}
    assert (_fresh(toner).quantity, _fresh(toner).value) == (D(10), D("520.00"))
    with pytest.raises(DomainError, match="Stock insuffisant .* VEH"):
        stock.transfer(actor=actor, item=toner, quantity=D(5), date=DAY, source=van, target=depot)


def test_an_inventory_count_posts_its_differences_at_the_cmup(personas, toner, depot):
    actor = personas["assistant"]
    _move(actor, toner, MoveKind.RECEIPT, 10, unit_cost=D("52"))
    count = stock.open_count(actor=actor, location=depot, date=DAY)
    line = count.lines.get()
    assert line.expected == 10 and line.unit_cost == D("52")
    with pytest.raises(DomainError, match="non comptées : TON-K"):
        stock.post_count(actor=actor, count=count)
    stock.record_counts(actor=actor, count=count, counted={line.pk: D(8)})
    [gap] = stock.post_count(actor=actor, count=count)
    assert (gap.kind, gap.quantity, gap.value) == (MoveKind.COUNT, D(-2), D("-104.00"))
    assert _fresh(toner).quantity == 8
    with pytest.raises(DomainError, match="déjà passés"):
        stock.post_count(actor=actor, count=count)


def test_a_purchase_receipt_and_a_customer_delivery_move_the_stock(personas, toner):
    from pilote.purchases import orders
    from pilote.purchases.tests.factories import make_supplier
    from pilote.sales import services as sales
    from pilote.sales.services import LineSpec

    actor = personas["direction"]
    supplier = make_supplier(actor)
    spec = LineSpec(description="Toner", quantity=D(10), unit_price=D("55"), discount_percent=D("10"),
                    product=toner.product)  # fmt: skip
    order = orders.create_order(actor=actor, supplier=supplier, date=DAY, lines=[spec])
    order = orders.submit_order(actor=actor, order=order)
    if order.status == "to_approve":
        order = orders.approve_order(actor=actor, order=order)
    order = orders.mark_order_sent(actor=actor, order=order)
    line = order.lines.get()
    orders.record_receipt(actor=actor, order=order, date=DAY, quantities={line.pk: (D(10), 0, "", "")})
    assert (_fresh(toner).quantity, _fresh(toner).average_cost) == (D(10), D("49.5000"))  # 55 less 10 %
    customer = supplier
    customer.is_customer = True
    customer.save()
    sale = sales.create_order(actor=actor, customer=customer, date=DAY, lines=[
        LineSpec(description="Toner", quantity=D(12), unit_price=D("89.90"), product=toner.product)])  # fmt: skip
    sale_line = sale.lines.get()
    sales.deliver(actor=actor, order=sale, date=DAY, quantities={sale_line.pk: D(4)})
    assert _fresh(toner).quantity == 6
    before = sale.deliveries.count()
    with pytest.raises(DomainError, match="Stock insuffisant"):
        sales.deliver(actor=actor, order=sale, date=DAY, quantities={sale_line.pk: D(8)})
    assert sale.deliveries.count() == before and _fresh(toner).quantity == 6  # nothing of the delivery written


def test_the_reorder_point_puts_the_article_in_the_to_do(personas, toner):
    _move(personas["assistant"], toner, MoveKind.RECEIPT, 4, unit_cost=D("50"))
    [item] = [t for t in todos_for(personas["assistant"]) if "Stock bas" in t.label]
    assert "Toner noir (4 en stock, point de commande 5) — commander 20" in item.label


def test_the_year_end_stock_change_entry(structure, personas, toner):
    """Closing stock 2026 of goods = 10 × 52 = 520,00 €, nothing in the books at the opening: 370 D / 6037 C 520."""
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    _move(personas["assistant"], toner, MoveKind.RECEIPT, 10, unit_cost=D("52"))
    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    [goods, materials, products] = closing.prepare(year)
    assert (goods.opening, goods.closing, goods.variation) == (D(0), D("520.00"), D("-520.00"))
    entry = closing.post_stock_variation(actor=personas["comptable"], year=year)
    lines = {(x.account.code, x.debit, x.credit) for x in entry.lines.all()}
    assert lines == {("370", D("520.00"), D(0)), ("6037", D(0), D("520.00"))}
    assert entry.piece_ref == "STOCK2026" and entry.is_posted
    with pytest.raises(DomainError, match="déjà comptabilisée"):
        closing.post_stock_variation(actor=personas["comptable"], year=year)
    # The next year: the 520,00 € carried on 37 is cancelled, the new closing stock recorded.
    assert Entry.objects.filter(piece_ref="STOCK2026").count() == 1


def test_stock_pages(personas, client_as, toner, depot):
    client = client_as("assistant")
    url = reverse("operations:move-add", args=[toner.pk])
    data = {"kind": "receipt", "date": "2026-03-02", "quantity": "12", "location": depot.pk, "unit_cost": "51,50"}
    page = client.post(url, data, follow=True).content.decode()
    assert "Mouvement enregistré" in page and "618,00" in page
    page = client.post(url, {**data, "kind": "issue", "quantity": "99"}, follow=True).content.decode()
    assert "Stock insuffisant" in page and _fresh(toner).quantity == 12
    page = client.post(url, {**data, "quantity": "abc"}, follow=True).content.decode()
    assert "Quantité" in page and _fresh(toner).quantity == 12
    listing = client.get(reverse("operations:items"), {"date": "2026-03-01"}).content.decode()
    assert "Stock au 01/03/2026" in listing
    csv = b"".join(client.get(reverse("operations:items"), {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "TON-K;Toner noir" in csv and "618,00" in csv
    assert client.get(reverse("operations:moves"), {"export": "xlsx"}).status_code == 200
    response = client.post(reverse("operations:count-open"), {"location": depot.pk, "date": "2026-03-03"})
    count_url = response["Location"]
    line = StockItem.objects.get().pk and client.get(count_url).content.decode()
    assert "Toner noir" in line
    assert client_as("comptable").get(reverse("operations:closing")).status_code == 200


def test_the_list_runs_the_same_queries_whatever_the_number_of_articles(
    personas, client_as, depot, django_assert_max_num_queries
):
    from pilote.catalog.models import Product

    client = client_as("direction")
    for index in range(12):
        product = Product.objects.create(reference=f"A{index}", name=f"Article {index}", unit_price="1", kind="goods")
        stock.track_product(actor=personas["direction"], product=product, default_location=depot)
        if index == 2:
            with django_assert_max_num_queries(12) as few:
                client.get(reverse("operations:items"), {"date": "2026-03-01"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("operations:items"), {"date": "2026-03-01"})
