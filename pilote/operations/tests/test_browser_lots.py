"""Lots in a real browser: a purchase receipt that types the lots of a tracked article (refused first without
them), then a customer delivery that takes the lot the user chooses instead of the oldest one proposed. Run by
`make test-browser`; fixtures in pilote/browser_fixtures.py."""

import datetime as dt
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from pilote.catalog.models import Product
from pilote.lib.dates import local_today
from pilote.operations.models import Lot, Tracking
from pilote.operations.services import stock

pytestmark = pytest.mark.browser


def test_a_receipt_with_lots_then_a_delivery_choosing_one(page, personas, depot, sign_in, live_server, screenshots):
    from pilote.purchases import orders
    from pilote.purchases.tests.factories import make_supplier
    from pilote.sales import services as sales
    from pilote.sales.services import LineSpec

    actor = personas["direction"]
    product = Product.objects.create(reference="TON-K", name="Toner noir", unit_price="89.90", kind="goods")
    toner = stock.track_product(actor=actor, product=product, default_location=depot, tracking=Tracking.LOT)
    supplier = make_supplier(actor, is_customer=True)
    day = local_today() - dt.timedelta(days=2)
    line = LineSpec(description="Toner noir", quantity=D(8), unit_price=D("40"), product=product, account="607")
    order = orders.mark_order_sent(actor=actor, order=orders.submit_order(
        actor=actor, order=orders.create_order(actor=actor, supplier=supplier, date=day, lines=[line])))  # fmt: skip

    sign_in(page, "direction")
    page.goto(f"/achats/commandes/{order.pk}/reception/")
    page.get_by_label("Reçu : Toner noir").fill("8")
    page.get_by_role("button", name="Enregistrer la réception").click()
    expect(page.get_by_text("« Toner noir » est suivi par lot : indiquez le ou les lots reçus")).to_be_visible()
    page.get_by_label("Lots : Toner noir").fill("L2401 : 5 ; L2402 : 3")
    page.screenshot(path=screenshots / "reception-lots.png", full_page=True)
    page.get_by_role("button", name="Enregistrer la réception").click()
    expect(page.locator(".messages")).to_contain_text("enregistrée")
    assert dict(Lot.objects.filter(item=toner).values_list("number", "quantity")) == {"L2401": 5, "L2402": 3}

    sale = sales.create_order(actor=actor, customer=supplier, date=day, lines=[
        LineSpec(description="Toner noir", quantity=D(2), unit_price=D("89.90"), product=product)])  # fmt: skip
    page.goto(f"/ventes/commandes/{sale.pk}/livrer/")
    lots = page.get_by_label("Lots livrés — Toner noir")
    expect(lots).to_have_value("L2401 : 2")  # the oldest proposed (same day: by number)
    lots.fill("L2402 : 2")
    page.screenshot(path=screenshots / "livraison-choix-du-lot.png", full_page=True)
    page.get_by_role("button", name="Enregistrer la livraison").click()
    expect(page.locator(".messages")).to_contain_text("enregistrée")
    assert dict(Lot.objects.filter(item=toner).values_list("number", "quantity")) == {"L2401": 5, "L2402": 1}
