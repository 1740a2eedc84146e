"""The dashboards' pure computations, without a database."""

from __future__ import annotations

from decimal import Decimal

from pilote.dashboards import kpis
from pilote.finance.sig import compute_sig

D = Decimal


def test_gross_margin_on_the_french_rules_example():
    # FRENCH-RULES §5: 707 500 000, 701 200 000, 706 100 000; 607 300 000, 6037 −10 000, 601 80 000, 6031 +5 000.
    balances = {"707": D(-500000), "701": D(-200000), "706": D(-100000), "607": D(300000), "6037": D(-10000),
                "601": D(80000), "6031": D(5000), "61": D(50000)}  # fmt: skip
    items = compute_sig(balances).items
    assert kpis.revenue(items) == D(800000)
    # MC 210 000 (500 000 − 290 000) + sales of production 300 000 − materials 85 000.
    assert kpis.gross_margin(items) == D(425000)
    assert kpis.rate(kpis.gross_margin(items), kpis.revenue(items)) == D("53.1")


def test_variation_and_its_text():
    assert kpis.variation(D(120), D(100)) == D("20.0")
    assert kpis.variation(D(-50), D(-100)) == D("50.0")  # a loss halved is an improvement
    assert kpis.variation(D(1), D(0)) is None and kpis.variation(None, D(3)) is None
    assert kpis.variation_text(D(80), D(100)) == "−20,0\u202f%"
    assert kpis.variation_text(D(100), D(100)) == "0,0\u202f%"


def test_remaining_to_invoice():
    assert kpis.remaining_to_invoice(D("1000.00"), D(3), D(0)) == D("1000.00")
    assert kpis.remaining_to_invoice(D("1000.00"), D(3), D(1)) == D("666.67")
    assert kpis.remaining_to_invoice(D("1000.00"), D(3), D(3)) == D(0)


def test_thresholds_alert_on_the_declared_side():
    assert kpis.breached(D(999), D(1000), below=True)
    assert not kpis.breached(D(1000), D(1000), below=True)
    assert kpis.breached(D(61), D(60), below=False)
    assert not kpis.breached(None, D(60), below=False) and not kpis.breached(D(5), None, below=True)


def test_display():
    assert kpis.display(D("1234.5"), "€") == "1\u202f234,50\u202f€"
    assert kpis.display(D("42.5"), "j") == "42,5\u202fj"
    assert kpis.display(D("42"), "j") == "42\u202fj"
    assert kpis.display(None, "€") == "—"
