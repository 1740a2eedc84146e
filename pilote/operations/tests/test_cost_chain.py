"""The stock's and the workshop's share of the cost chain, read by the finance costing page through the core
registry: purchase cost → stock at CMUP → production cost per product → cost of the goods sold; the flows add up
(start + entries − exits = end) and the page shows them."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal as D

from django.db import transaction
from django.urls import reverse

from pilote.operations import costchain
from pilote.operations.models import MoveKind
from pilote.operations.services import production, stock
from pilote.operations.tests.test_production import DAY, kit  # noqa: F401 (the fixture)


def _make_and_sell(personas, depot, kit):  # noqa: F811
    actor = personas["assistant"]
    with transaction.atomic():
        stock.move(actor=actor, item=kit["cable"], kind=MoveKind.RECEIPT, quantity=D(12), date=DAY, unit_cost=D("2.5"))
    order = production.create_order(actor=actor, bom=kit["bom"], quantity=D(10), planned_date=DAY, location=depot)
    production.release(actor=actor, order=order)
    production.complete(actor=actor, order=order, date=DAY + dt.timedelta(days=1))
    with transaction.atomic():
        stock.move(actor=actor, item=kit["kit"], kind=MoveKind.DELIVERY, quantity=D(3), date=DAY + dt.timedelta(days=2))


def test_the_cost_chain_of_a_year(personas, depot, kit):  # noqa: F811
    _make_and_sell(personas, depot, kit)
    rows = costchain.rows(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    by_stage = {}
    for row in rows:
        by_stage.setdefault(row.stage.split(" (")[0], []).append(row)
    assert by_stage["Stock au début"][0].amount == D("0")
    # Receipts: 10 boxes at 4,00 + 30 and 12 cables at 2,50 = 145,00.
    assert by_stage["Entrées d'achats"][0].amount == D("145.00")
    [made] = by_stage["Coût de production"]
    assert (made.quantity, made.amount, made.unit_cost) == (D(10), D("225.00"), D("22.5000"))
    assert "matières 145,00 € + postes 80,00 €" in made.label.replace("\u202f", " ").replace("\xa0", " ")
    assert by_stage["Consommations de production"][0].amount == D("-145.00")
    [sold] = by_stage["Coût des ventes"]
    assert (sold.label, sold.quantity, sold.amount, sold.unit_cost) == ("Kit assemblé", D(3), D("-67.50"), D("22.5000"))
    end = by_stage["Stock à la fin"][0].amount
    assert end == D("157.50")  # 7 kits at 22,50; no component left
    flows = [r.amount for r in rows if not r.stage.startswith("Stock")]
    assert by_stage["Stock au début"][0].amount + sum(flows) == end
    # A period before anything moved: the stock at its end is the one at the start.
    before = costchain.rows(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert before[0].amount == before[-1].amount == D("0")


def test_the_finance_costing_page_shows_it(personas, depot, kit, client_as, structure):  # noqa: F811
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    _make_and_sell(personas, depot, kit)
    page = html.unescape(client_as("comptable").get(reverse("finance:costing")).content.decode())
    assert "Chaîne des coûts — Stocks et production" in page
    assert "Coût de production (matières au CMUP + postes de charge)" in page and "22,50 €" in page
    assert "Kit assemblé" in page
