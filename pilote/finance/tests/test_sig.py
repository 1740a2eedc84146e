"""The SIG and the CAF on FRENCH-RULES §5's worked example, to the cent, and the mapping's coverage."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from pilote.finance.sig import ITEMS, compute_sig, item_for

D = Decimal

# FRENCH-RULES §5 « Worked example » (sources [31] [33]): balances as debit − credit, so income is negative.
INCOME = {"707": 500_000, "701": 200_000, "706": 100_000, "7135": 15_000, "72": 5_000, "741": 10_000,
          "751": 3_000, "757": 12_000, "747": 2_000, "781": 4_000, "768": 1_000}  # fmt: skip
EXPENSES = {"607": 300_000, "6037": -10_000, "601": 80_000, "6031": 5_000, "61": 50_000, "62": 40_000,
            "63": 12_000, "641": 130_000, "645": 50_000, "654": 2_000, "657": 8_000, "681": 40_000,
            "6611": 6_000, "678": 3_000, "687": 1_000, "695": 33_750}  # fmt: skip
WORKED = {code: -D(v) for code, v in INCOME.items()} | {code: D(v) for code, v in EXPENSES.items()}


def test_worked_example_cascade():
    sig = compute_sig(WORKED)
    expected = {"mc": 210_000, "production": 320_000, "cct": 175_000, "va": 355_000, "ebe": 173_000,
                "rex": 144_000, "resultat_financier": -5_000, "rcai": 139_000, "resultat_exceptionnel": -4_000,
                "resultat_net": D("101250")}  # fmt: skip
    assert sig.balances == {key: D(value) for key, value in expected.items()}
    assert sig.net_result_direct == D("101250.00")
    assert sig.cascade_agrees


def test_worked_example_caf_by_both_methods():
    sig = compute_sig(WORKED)
    assert sig.caf_from_ebe == D("132250")
    assert sig.caf_from_net_result == D("132250")
    assert sig.caf_agrees
    # The terms the page prints, as FRENCH-RULES writes them.
    assert [amount for _, amount in sig.caf_from_ebe_terms] == [D(v) for v in (173_000, 3_000, -2_000, 1_000,
                                                                               -6_000, -3_000, -33_750)]  # fmt: skip
    assert sorted(amount for _, amount in sig.caf_from_net_result_terms) == sorted(
        D(v) for v in (101_250, 40_000, 1_000, -4_000, 8_000, -12_000, -2_000)
    )


def test_accounts_behind_each_item():
    sig = compute_sig(WORKED)
    assert sig.accounts["charges_personnel"] == {"641": D(130_000), "645": D(50_000)}
    assert sig.accounts["variation_stock_marchandises"] == {"6037": D(-10_000)}
    assert sig.accounts["quote_part_subventions"] == {"747": D(2_000)}


def test_legacy_accounts_keep_both_methods_in_agreement():
    """Before PCG 2025: 791 transferts, 775/675 cessions and 777 in the exceptional result."""
    legacy = {"706": D(-100_000), "641": D(60_000), "791": D(-5_000), "775": D(-9_000), "675": D(7_000),
              "777": D(-1_000), "796": D(-300), "797": D(-200), "7671": D(-400), "6671": D(350), "655": D(100),
              "755": D(-50), "742": D(-700), "7097": D(1_000), "707": D(-20_000), "6097": D(-500)}  # fmt: skip
    sig = compute_sig(legacy)
    assert sig.balances["resultat_exceptionnel"] == D(9_000 - 7_000 + 1_000 + 200)
    assert sig.balances["mc"] == D(20_000 - 1_000 + 500)
    assert sig.balances["ebe"] == D(19_500 + 100_000 - 60_000)
    # Cash below the EBE: transferts 791 796 797, quotes-parts 755 − 655, subvention d'équilibre 742.
    assert sig.caf_from_ebe == sig.caf_from_net_result == D(59_500 + 5_000 + 300 + 200 + 50 - 100 + 700)
    assert sig.cascade_agrees


def test_a_loss_and_a_stock_decrease():
    sig = compute_sig({"707": D("-1000.00"), "607": D("900.00"), "6037": D("300.00"), "626": D("50.55")})
    assert sig.balances["mc"] == D("-200.00")
    assert sig.balances["resultat_net"] == D("-250.55")
    assert sig.caf_from_ebe == sig.caf_from_net_result == D("-250.55")


def test_every_income_and_expense_account_of_the_chart_has_its_item():
    chart = Path(__file__).resolve().parents[2] / "ledger" / "data" / "pcg_2025.csv"
    with chart.open(encoding="utf-8") as handle:
        codes = [row[0] for row in csv.reader(handle, delimiter=";") if row and row[0][:1] in ("6", "7")]
    assert len(codes) > 200
    missing = [code for code in codes if len(code) >= 2 and item_for(code) is None]
    assert missing == []


@pytest.mark.parametrize(
    ("code", "key"),
    [("7097", "ventes_marchandises"), ("7091", "production_vendue"), ("6037", "variation_stock_marchandises"),
     ("6031", "variation_stock_matieres"), ("742", "subventions_equilibre"), ("7411", "subventions_exploitation"),
     ("649", "charges_personnel"), ("7587", "autres_produits_gestion"), ("68174", "dotations_exploitation"),
     ("6865", "dotations_financieres"), ("78725", "reprises_exceptionnelles"), ("6952", "impots_benefices"),
     ("7673", "produits_financiers"), ("7671", "produits_cessions_financieres"), ("512", None)],
)  # fmt: skip
def test_mapping(code, key):
    item = item_for(code)
    assert (item.key if item else None) == key


def test_items_are_unique():
    assert len({item.key for item in ITEMS}) == len(ITEMS)
    prefixes = [p for item in ITEMS for p in item.prefixes]
    assert len(prefixes) == len(set(prefixes))
