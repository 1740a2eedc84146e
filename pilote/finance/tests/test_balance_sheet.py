"""The functional balance sheet on FRENCH-RULES §5's worked example, and the TN check on random books."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pilote.finance.balance_sheet import functional_balance_sheet, mass_for

D = Decimal

# FRENCH-RULES §5 « Balance-sheet fixture » (source [34]): balances as debit − credit.
DEBITS = {"2154": 400_000, "271": 10_000, "37": 100_000, "411": 120_000, "4456": 8_000, "486": 3_000, "467": 2_000,
          "512": 25_000, "53": 1_000}  # fmt: skip
CREDITS = {"2815": 150_000, "397": 5_000, "491": 4_000, "101": 125_000, "1068": 60_000, "120": 40_000, "131": 10_000,
           "151": 6_000, "164": 120_000, "519": 15_000, "401": 70_000, "404": 9_000, "421": 12_000, "431": 18_000,
           "4457": 18_000, "444": 5_000, "487": 2_000}  # fmt: skip
WORKED = {code: D(v) for code, v in DEBITS.items()} | {code: -D(v) for code, v in CREDITS.items()}


def test_worked_example():
    assert sum(WORKED.values()) == 0  # the fixture is a whole trial balance
    sheet = functional_balance_sheet(WORKED)
    assert sheet.ressources_stables == D(520_000)
    assert sheet.emplois_stables == D(410_000)
    assert sheet.frng == D(110_000)
    assert sheet.bfre == D(111_000)
    assert sheet.bfrhe == D(-12_000)
    assert sheet.tn == D(11_000)
    assert sheet.frng_minus_bfr == D(11_000)
    assert sheet.check_holds
    assert sheet.total == sheet.total_uses == D(520_000 + 70_000 + 30_000 + 18_000 + 2_000 + 9_000 + 5_000 + 15_000)
    assert sheet.financial_debts == D(120_000 + 15_000)


def test_the_years_result_joins_the_equity_before_the_closing():
    books = {"101": D(-1000), "512": D(1300), "706": D(-500), "626": D(200)}
    sheet = functional_balance_sheet(books)
    assert sheet.result == D(300)
    assert sheet.equity == D(1300)
    assert sheet.tn == sheet.frng_minus_bfr == D(1300)


def test_an_overdrawn_bank_is_bank_credit():
    sheet = functional_balance_sheet({"5121": D(500), "5122": D(-800), "101": D(300)})
    assert (sheet.cash_assets, sheet.cash_liabilities, sheet.tn) == (D(500), D(800), D(-300))


def test_masses():
    assert mass_for("1688") == mass_for("16748") == mass_for("4041") == mass_for("4084") == "hors_exploitation"
    assert mass_for("4081") == mass_for("4191") == mass_for("44566") == mass_for("486") == "exploitation"
    assert mass_for("2815") == mass_for("491") == mass_for("590") == mass_for("397") == "amortissements"
    assert mass_for("6411") is None


ACCOUNTS = ["101", "1068", "120", "129", "131", "151", "164", "1688", "2183", "28183", "271", "31", "37", "397",
            "401", "404", "409", "411", "416", "419", "421", "431", "444", "44566", "44571", "455", "467", "486",
            "487", "491", "503", "512", "519", "53", "590", "601", "607", "6037", "641", "681", "706", "707",
            "781"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS), st.integers(1, 10**9)), max_size=40))
def test_tn_from_class_5_equals_frng_minus_bfr_on_balanced_books(entries):
    """Any balanced books (each entry a debit and a credit of the same amount in cents)."""
    balances: dict[str, Decimal] = {}
    for debit, credit, cents in entries:
        amount = D(cents) / 100
        balances[debit] = balances.get(debit, D(0)) + amount
        balances[credit] = balances.get(credit, D(0)) - amount
    sheet = functional_balance_sheet(balances)
    assert sheet.tn == sheet.frng - sheet.bfre - sheet.bfrhe
    assert sheet.total == sheet.total_uses
