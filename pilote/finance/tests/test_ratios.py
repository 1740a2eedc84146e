"""Ratios on the FRENCH-RULES §5 worked example (SIG and balance-sheet fixtures together)."""

from __future__ import annotations

from decimal import Decimal

from pilote.finance.balance_sheet import functional_balance_sheet
from pilote.finance.ratios import Flows, compute_ratios
from pilote.finance.sig import compute_sig
from pilote.finance.tests.test_balance_sheet import WORKED as SHEET
from pilote.finance.tests.test_sig import WORKED as SIG

D = Decimal


def _ratios(flows: Flows) -> dict:
    sheet_books = {code: amount for code, amount in SHEET.items()}
    return {r.key: r for r in compute_ratios(compute_sig(SIG), functional_balance_sheet(sheet_books), flows)}


FLOWS = Flows(
    customer_invoicing=D(960_000),  # 800 000 HT × 1,20
    supplier_invoicing=D(504_000),
    receivables=D(120_000),
    payables=D(70_000),
    opening_stock=D(90_000),
    closing_stock=D(100_000),
    days_basis=D(360),
)


def test_margins():
    ratios = _ratios(FLOWS)
    assert ratios["taux_marge_commerciale"].value == D("42.0")  # 210 000 / 500 000
    assert ratios["taux_valeur_ajoutee"].value == D("44.4")  # 355 000 / 800 000
    assert ratios["part_personnel_va"].value == D("50.7")  # 180 000 / 355 000
    assert ratios["taux_ebe"].value == D("21.6")  # 173 000 / 800 000
    assert ratios["taux_marge_nette"].value == D("12.7")  # 101 250 / 800 000


def test_days():
    ratios = _ratios(FLOWS)
    assert ratios["delai_clients"].value == D(45)  # 120 000 / 960 000 × 360
    assert ratios["delai_fournisseurs"].value == D(50)  # 70 000 / 504 000 × 360
    # Stock moyen 95 000 / (marchandises 290 000 + matières 85 000) × 360 = 91,2
    assert ratios["rotation_stocks"].value == D(91)
    assert ratios["delai_clients"].text == "45\u202fjours"


def test_structure_and_returns():
    ratios = _ratios(FLOWS)
    # Capitaux propres 235 000 over the balance sheet's total 669 000.
    assert ratios["autonomie_financiere"].value == D("35.1")
    assert ratios["endettement"].value == D("0.57")  # (120 000 + 15 000) / 235 000
    assert ratios["capacite_remboursement"].value == D("1.0")  # 135 000 / 132 250
    assert ratios["couverture_emplois_stables"].value == D("1.27")  # 520 000 / 410 000
    assert ratios["rentabilite_financiere"].value == D("43.1")  # 101 250 / 235 000


def test_no_stock_and_no_sales_give_no_ratio():
    flows = Flows(D(0), D(0), D(0), D(0), D(0), D(0), D(360))
    ratios = compute_ratios(compute_sig({"626": D(10)}), functional_balance_sheet({"101": D(-10)}), flows)
    by_key = {r.key: r for r in ratios}
    assert by_key["rotation_stocks"].value is None
    assert by_key["delai_clients"].value is None
    assert by_key["capacite_remboursement"].value is None
    assert by_key["taux_marge_commerciale"].text == "—"


def test_a_ratio_one_year_cannot_compute_is_left_out_of_the_charts():
    """The ratios page charts N, N−1 and N−2 by unit; a ratio « — » in one of the years is not drawn at zero."""
    from types import SimpleNamespace

    from pilote.finance.ratios import DAYS, PERCENT, Ratio
    from pilote.finance.reports import ratio_chart_series

    def year(label, ebe, stock):
        ratios = [Ratio("taux_ebe", "Marges", "EBE", ebe, PERCENT, ""),
                  Ratio("delai_clients", "Délais", "Clients", Decimal(45), DAYS, ""),
                  Ratio("rotation_stocks", "Délais", "Stocks", stock, DAYS, "")]  # fmt: skip
        return SimpleNamespace(ratios=ratios, period=SimpleNamespace(short_label=label))

    charts = ratio_chart_series(year("2026", Decimal("12.5"), None), year("2025", Decimal("10.0"), Decimal(30)))
    assert [(title, unit, categories) for title, unit, categories, _ in charts] == [
        ("Marges (%)", PERCENT, ["EBE\n/ CA"]),
        ("Délais (jours)", DAYS, ["Clients"]),  # stocks: none in 2026
    ]
    assert charts[0][3] == [("2026", [Decimal("12.5")]), ("2025", [Decimal("10.0")])]
