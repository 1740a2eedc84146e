"""Price, volume and mix effects of the sales variance on a published textbook case."""

from __future__ import annotations

from decimal import Decimal

from pilote.finance.sales_variance import ProductSales, sales_variance

D = Decimal


def test_mon_jardin_textbook_case():
    """« Exercices corrigés contrôle des ventes », exercice n° 4, société « Mon jardin » (budget 2013: 2 400
    motoculteurs at 1 235 and 4 800 tondeuses at 305; actual: 2 200 at 1 250 and 4 900 at 290;
    https://fr.scribd.com/document/722367025/exercices-corrige-s-contro-le-des-ventes-1). Published answers:
    total −257 000; price −40 500 (+33 000 and −73 500); quantities −216 500 (−247 000 and +30 500); average
    budget price 615, actual mix at budget prices 593,169; mix −155 000; volume (7 100 − 7 200) × 615 = −61 500
    (printed « −615000 », a slip: −155 000 − 61 500 = −216 500 as the correction's total says)."""
    moto = ProductSales.at_prices("MOTO", D(2400), D(1235), D(2200), D(1250))
    mower = ProductSales.at_prices("TOND", D(4800), D(305), D(4900), D(290))
    result = sales_variance([moto, mower])
    assert (result.budget, result.actual, result.total) == (D("4428000.00"), D("4171000.00"), D("-257000.00"))
    assert (moto.price_effect, mower.price_effect, result.price) == (D("33000.00"), D("-73500.00"), D("-40500.00"))
    assert (moto.quantity_effect, mower.quantity_effect) == (D("-247000.00"), D("30500.00"))
    assert result.quantity == D("-216500.00")
    assert result.budget_average_price == D("615.00")
    assert result.mix == D("-155000.00") and result.volume == D("-61500.00")
    assert result.price + result.mix + result.volume == result.total


def test_effects_always_add_up_to_the_cent():
    lines = [ProductSales.at_prices("A", D(3), D("9.99"), D(7), D("10.01")),
             ProductSales.at_prices("B", D(11), D("3.33"), D(2), D("3.7"))]  # fmt: skip
    result = sales_variance(lines)
    assert result.price + result.mix + result.volume == result.total
    # amounts whose prices do not divide: 3 units budgeted for 10,00 €, 7 sold for 23,45 €
    odd = sales_variance([ProductSales("A", D(3), D("10.00"), D(7), D("23.45")),
                          ProductSales("B", D("0.5"), D("0.01"), D(1), D("0.02"))])  # fmt: skip
    assert (odd.budget, odd.actual) == (D("10.01"), D("23.47"))
    assert odd.price + odd.mix + odd.volume == odd.total == D("13.46")
    assert sum((line.price_effect + line.quantity_effect for line in odd.lines), D(0)) == odd.total


def test_an_article_outside_the_budget_is_all_quantity():
    """Sold but not budgeted: valued at its own price, so no price effect; nothing budgeted in quantity at all:
    the whole quantity effect is volume."""
    new = sales_variance([ProductSales("N", D(0), D(0), D(5), D(10))])
    assert (new.price, new.mix, new.volume, new.total) == (0, 0, D("10.00"), D("10.00"))
    kept = ProductSales("A", D(10), D(100), D(10), D(100))
    mixed = sales_variance([kept, ProductSales("N", D(0), D(0), D(5), D(10))])
    assert mixed.price == 0 and mixed.mix + mixed.volume == mixed.total == D(10)
