"""Budgets and variance, pure: from last year's actuals, budget to a date, variances and their colour."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pilote.finance import budgets

D = Decimal
START = dt.date(2026, 1, 1)


def test_from_last_years_actuals_plus_a_percentage():
    made = budgets.from_actuals({"706": [D("1000.00"), D("333.33")], "641": [D("500.00"), D(0)]}, D(5))
    assert made == {"706": [D("1050.00"), D("350.00")], "641": [D("525.00"), D("0.00")]}
    assert budgets.from_actuals({"706": [D("100.00")]}, D(-12.5)) == {"706": [D("87.50")]}


def test_spread_adds_up_to_the_cent():
    months = budgets.spread(D("1000.00"))
    assert len(months) == 12 and sum(months) == D("1000.00") and set(months) == {D("83.33"), D("83.34")}


def test_budget_to_a_date_prorates_the_current_month():
    months = [D(3100)] * 12
    assert budgets.to_date(months, START, dt.date(2026, 1, 31)) == D(3100)
    assert budgets.to_date(months, START, dt.date(2026, 3, 10)) == D(6200 + 1000)  # 10 of 31 days
    assert budgets.to_date(months, START, dt.date(2026, 2, 14)) == D(3100 + 1550)  # 14 of 28 days
    assert budgets.to_date(months, START, dt.date(2027, 1, 1)) == D(3100 * 12)
    assert budgets.to_date(months, START, dt.date(2025, 12, 31)) == 0
    # A fiscal year from 1 July: March is its ninth month.
    assert budgets.to_date([D(100)] * 12, dt.date(2025, 7, 1), dt.date(2026, 3, 31)) == D(900)


def test_groups_do_not_overlap():
    assert budgets.overlapping(["60", "607", "64", "706"]) == [("60", "607")]
    assert budgets.overlapping(["601", "607"]) == []
    assert budgets.valid_group("706") and not budgets.valid_group("411") and not budgets.valid_group("7")


def test_variances_direction_colour_and_accounts_outside_the_budget():
    balances = {"706100": D(-12000), "7061": D(-500), "607": D(4000), "641": D(2900), "626": D(80), "512": D(999)}
    rows = budgets.variances({"706": [D(10000)] * 12, "607": [D(5000)] * 12, "64": [D(3000)] * 12},
                             balances, {"706": "Prestations"}, START, dt.date(2026, 1, 31))  # fmt: skip
    by_group = {r.group: r for r in rows}
    assert [r.group for r in rows] == ["706", "607", "64", "6"]
    sales = by_group["706"]
    assert (sales.budget, sales.actual, sales.gap, sales.percent) == (D(10000), D(12500), D(2500), D("25.0"))
    assert sales.status == "favourable" and sales.status_label == "Favorable"
    assert by_group["607"].gap == D(-1000) and by_group["607"].status == "favourable"  # spent less
    assert by_group["64"].percent == D("-3.3") and by_group["64"].status == "ok"
    assert by_group["6"].label == "Charges hors budget" and by_group["6"].actual == D(80)
    over = budgets.Variance("641", "", D(1000), D(1200))
    assert over.status == "unfavourable"
    totals = budgets.totals(rows)
    assert totals.income.actual == D(12500) and totals.expenses.actual == D(6980)
    assert totals.result_budget == D(2000) and totals.result_actual == D(5520)


def test_budget_amounts_as_balances_run_through_the_sig():
    from pilote.finance.sig import compute_sig

    sig = compute_sig(budgets.as_balances({"706": D(10000), "64": D(3000), "607": D(1000)}))
    assert sig.balances["ebe"] == D(6000)
