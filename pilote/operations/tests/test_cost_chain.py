"""The stock's and the workshop's share of the cost chain, read by the finance costing page through the core
registry: purchase cost → stock at CMUP → production cost per product → cost of the goods sold; the flows add up
(start + entries − exits = end) and the page shows them."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.urls import reverse

from pilote.core.exceptions import DomainError
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


def test_the_production_cost_goes_into_the_cost_price_of_the_product(personas, depot, kit, client_as, structure):  # noqa: F811
    """Hand-computed: 10 kits made at 145,00 of materials (CMUP) + 80,00 of work centre (0,25 h × 32,00 × 10) =
    22,50 each; 3 sold for 300,00 → their production cost 67,50. The product KIT also carries 12,00 of transport
    put on it directly and the whole distribution centre (40,00, one work unit, used by KIT): cost price
    67,50 + 12,00 + 40,00 = 119,50; result 300,00 − 119,50 = 180,50. The materials bought (145,00) stay
    among the charges not distributed, so the reconciliation adds back the workshop's 67,50:
    180,50 + 67,50 − 145,00 = 103,00 = 300,00 − (40,00 + 145,00 + 12,00)."""
    from pilote.finance import queries, services
    from pilote.finance.models import CostingSetup
    from pilote.ledger import analytics
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    _make_and_sell(personas, depot, kit)
    actor = personas["comptable"]
    centres = analytics.create_axis(actor=actor, code="CENTRE", label="Centres")
    workshop = analytics.create_section(actor=actor, axis=centres, code="ATELIER", label="Atelier", kind="main")
    selling = analytics.create_section(actor=actor, axis=centres, code="DISTRIB", label="Distribution", kind="main")
    activities = analytics.create_axis(actor=actor, code="ACT", label="Produits")
    kit_section = analytics.create_section(actor=actor, axis=activities, code="KIT", label="Kits")
    analytics.create_section(actor=actor, axis=activities, code="SERV", label="Services")
    journal = Journal.objects.get(code="OD")
    cash = Account.objects.get(code="530")
    for code, amount, section in (("706", "-300", kit_section), ("6226", "40", selling), ("601", "145", None),
                                  ("6241", "12", kit_section)):  # fmt: skip
        amount = D(amount)
        own = ledger.LineInput(Account.objects.get(code=code), debit=max(amount, D(0)), credit=max(-amount, D(0)),
                               analytic=[(section, D(1))] if section else None)  # fmt: skip
        ledger.create_entry(actor=actor, journal=journal, date=DAY + dt.timedelta(days=3), label=code, post=True,
                            lines=[own, ledger.LineInput(cash, debit=own.credit, credit=own.debit)])  # fmt: skip
    client = client_as("comptable")
    from pilote.ledger.models import FiscalYear

    year = FiscalYear.objects.get(start_date=dt.date(2026, 1, 1))
    response = client.post(reverse("finance:costing-save"), {
        "exercice": year.pk, "centres": centres.pk, "produits": activities.pk, "uo_label_DISTRIB": "vente",
        "uo_DISTRIB": "1", "usage_DISTRIB_KIT": "1", "uo_label_ATELIER": "heure", "fabrique_KIT": "KIT",
    })  # fmt: skip
    assert response.status_code == 302
    setup = CostingSetup.objects.get(fiscal_year=year)
    assert setup.production == {"KIT": "KIT"}
    study = queries.costing_study(setup)
    product = next(p for p in study.products if p.code == "KIT")
    assert (product.revenue, product.production, product.direct, product.indirect_total) == (
        D("300.00"), D("67.50"), D("12.00"), D("40.00"))  # fmt: skip
    assert (product.cost_price, product.result) == (D("119.50"), D("180.50"))
    assert study.production_incorporated == D("67.50") and study.undistributed_expenses == D("145.00")
    assert study.reconciled_result == study.financial_result == D("103.00") and study.reconciles
    page = html.unescape(client.get(reverse("finance:costing") + f"?exercice={year.pk}").content.decode())
    page = page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Coût de production des ventes" in page and "119,50 €" in page and "180,50 €" in page
    assert "le rapprochement tombe juste" in page
    # An article linked to two products is refused in French, nothing written.
    with pytest.raises(DomainError, match="L'article KIT est rattaché à plusieurs produits"):
        services.save_costing_setup(actor=actor, fiscal_year=year, centres_axis=centres, products_axis=activities,
                                    keys={}, units={}, production={"KIT": "KIT", "SERV": "KIT"})  # fmt: skip
    assert CostingSetup.objects.get(pk=setup.pk).production == {"KIT": "KIT"}
    assert workshop.kind == "main"
