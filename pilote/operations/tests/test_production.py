"""Bills of materials and production orders: the worked example of production.py (components at the CMUP with
a scrap rate, hours at the work centre's rate), shortages refusing the release, the finished good entering at
its production cost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.urls import reverse

from pilote.catalog.models import Product
from pilote.core.exceptions import DomainError
from pilote.operations.models import MoveKind, StockCategory, StockItem
from pilote.operations.services import production, stock

DAY = dt.date(2026, 3, 2)


def _item(actor, depot, reference, name, category=StockCategory.MATERIALS):
    product = Product.objects.create(reference=reference, name=name, unit_price="1", kind="goods")
    return stock.track_product(actor=actor, product=product, default_location=depot, category=category)


@pytest.fixture
def kit(personas, depot):
    actor = personas["assistant"]
    box = _item(actor, depot, "BOX", "Boîtier")
    cable = _item(actor, depot, "CAB", "Câble")
    kit = _item(actor, depot, "KIT", "Kit assemblé", StockCategory.PRODUCTS)
    with transaction.atomic():
        stock.move(actor=actor, item=box, kind=MoveKind.RECEIPT, quantity=D(10), date=DAY, unit_cost=D("4"))
        stock.move(actor=actor, item=cable, kind=MoveKind.RECEIPT, quantity=D(30), date=DAY, unit_cost=D("2.5"))
    bench = production.create_work_centre(actor=actor, name="Montage", hourly_rate=D("32"))
    bom = production.create_bom(actor=actor, product=kit, name="Kit de raccordement", quantity=D(1))
    production.add_component(actor=actor, bom=bom, component=box, quantity=D(1))
    production.add_component(actor=actor, bom=bom, component=cable, quantity=D(4), scrap_percent=D(5))
    production.add_operation(actor=actor, bom=bom, work_centre=bench, hours=D("0.25"))
    return {"bom": bom, "box": box, "cable": cable, "kit": kit}


def test_shortages_refuse_the_release_then_the_order_is_made_at_its_cost(personas, depot, kit):
    actor = personas["assistant"]
    order = production.create_order(actor=actor, bom=kit["bom"], quantity=D(10), planned_date=DAY, location=depot)
    assert order.number == "OF-2026-0001"
    # 10 kits need 10 boxes and 10 × 4 × 1,05 = 42 cables; 30 cables in stock.
    with pytest.raises(DomainError, match="Câble : il manque 12 \\(besoin 42, en stock 30\\)"):
        production.release(actor=actor, order=order)
    with transaction.atomic():
        stock.move(actor=actor, item=kit["cable"], kind=MoveKind.RECEIPT, quantity=D(12), date=DAY, unit_cost=D("2.5"))
    production.release(actor=actor, order=order)
    done = production.complete(actor=actor, order=order, date=DAY)
    # 10 × 4,00 + 42 × 2,50 = 145,00 of materials; 10 × 0,25 h × 32,00 = 80,00 of assembly.
    assert (done.material_cost, done.labour_cost, done.unit_cost) == (D("145.00"), D("80.00"), D("22.5000"))
    made = StockItem.objects.get(pk=kit["kit"].pk)
    assert (made.quantity, made.value, made.average_cost) == (D(10), D("225.00"), D("22.5000"))
    assert StockItem.objects.get(pk=kit["cable"].pk).quantity == 0
    with pytest.raises(DomainError, match="ne s'annule pas"):
        production.cancel(actor=actor, order=done)


def test_production_pages(personas, client_as, depot, kit):
    client = client_as("assistant")
    page = client.get(reverse("operations:bom", args=[kit["bom"].pk])).content.decode()
    assert "Kit de raccordement" in page and "22,50" in page  # 4,00 + 4,2 × 2,50 + 0,25 × 32,00
    data = {"bom": kit["bom"].pk, "quantity": "10", "planned_date": "2026-03-02", "location": depot.pk}
    response = client.post(reverse("operations:order-create"), data)
    order_url = response["Location"]
    page = client.get(order_url).content.decode()
    assert "Composants manquants" in page and "OF-2026-0001" in page
    pk = int(order_url.rstrip("/").split("/")[-1])
    page = client.post(reverse("operations:order-action", args=[pk]), {"action": "release"}, follow=True).content
    assert "il manque 12" in page.decode()
    listing = client.get(reverse("operations:orders"), {"export": "csv"})
    assert "OF-2026-0001" in b"".join(listing.streaming_content).decode("utf-8-sig")
    bad = client.post(reverse("operations:bom-line-add", args=[kit["bom"].pk]),
                      {"component": kit["box"].pk, "quantity": "-3", "scrap_percent": "0"}, follow=True)  # fmt: skip
    assert bad.status_code == 200 and kit["bom"].lines.count() == 2
