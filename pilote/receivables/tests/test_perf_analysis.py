"""The customer analysis and dunning reads rewritten for volume (SQL grouping, binary search, lazy penalties)
give the same figures as the row-by-row definitions, on hand-computed cases."""

import datetime as dt
from decimal import Decimal as D

from pilote.ledger import services as ledger
from pilote.receivables import analysis, dunning
from pilote.receivables.penalties import late_penalty
from pilote.receivables.segments import delay_from_sums, quintile_scores, weighted_payment_delay

from .conftest import credit

ON = dt.date(2026, 11, 2)


def _naive_quintiles(values, higher_is_better=True):
    n = len(values)
    return {
        key: 1 + 5 * sum(1 for v in values.values() if (v < value if higher_is_better else v > value)) // n
        for key, value in values.items()
    }


def test_quintile_scores_match_the_definition_with_ties():
    values = {f"c{i}": D(v) for i, v in enumerate([5, 1, 1, 3, 9, 9, 9, 2, 0, 7, 3, 3, 100])}
    for better in (True, False):
        assert quintile_scores(values, higher_is_better=better) == _naive_quintiles(values, better)
    # by hand: 0 is worse than nothing (score 1); 100 is better than the 12 others: 1 + 60 // 13 = 5
    assert quintile_scores(values)["c8"] == 1 and quintile_scores(values)["c12"] == 5
    assert quintile_scores({"only": 3}) == {"only": 1}


def test_delay_from_sums_is_the_weighted_average():
    rows = [
        (dt.date(2026, 1, 15), dt.date(2026, 2, 14), D("1000")),
        (dt.date(2026, 1, 15), dt.date(2026, 3, 16), D("500")),
    ]
    # (1 000 × 30 + 500 × 60) / 1 500 = 40.0 days
    assert weighted_payment_delay(rows) == delay_from_sums(D("60000"), D("1500")) == D("40.0")
    assert delay_from_sums(D("0"), D("0")) is None


def test_analysis_sums_in_sql_match_hand_computed_figures(books, issue, pay):
    ledger.open_fiscal_year(actor=None, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    martin, durand = books["martin"], books["durand"]
    jan = issue(martin, dt.date(2026, 1, 15), "1000")  # 1 200 TTC
    jan2 = issue(martin, dt.date(2026, 1, 31), "500")  # 600 TTC, the same month
    feb = issue(durand, dt.date(2026, 2, 28), "2000")  # 2 400 TTC
    credit(books, feb, dt.date(2026, 3, 2), quantity="0.5")  # − 1 000 HT in March
    pay(martin, dt.date(2026, 2, 14), "800", invoice=jan)  # 30 days
    pay(martin, dt.date(2026, 3, 16), "400", invoice=jan)  # 60 days
    pay(martin, dt.date(2026, 3, 2), "600", invoice=jan2)  # 30 days
    pay(durand, dt.date(2026, 3, 30), "1200", invoice=feb)  # 30 days
    result = analysis.customer_analysis(ON)
    months = {row["label"]: row["revenue"] for row in result.months}
    assert (months["janv. 26"], months["févr. 26"], months["mars 26"]) == (D("1500.00"), D("2000.00"), D("-1000.00"))
    by_name = {row.customer.name: row for row in result.customers}
    # Martin: (800 × 30 + 400 × 60 + 600 × 30) / 1 800 = 36.67; Durand: 30; everyone: 102 000 / 3 000 = 34.0
    assert by_name["Boulangerie Martin"].delay == D("36.7")
    assert by_name["Garage Durand"].delay == D("30.0")
    assert result.weighted_delay == D("34.0")


def test_dunning_penalty_is_computed_when_read_as_before(books, issue, pay):
    invoice = issue(books["martin"], dt.date(2026, 3, 2), "1000")  # due 01/04, 1 200 TTC
    pay(books["martin"], dt.date(2026, 5, 4), "300", invoice=invoice)
    on = dt.date(2026, 7, 20)
    (proposal,) = dunning.proposals(on)
    (item,) = proposal.items
    expected = late_penalty(D("1200.00"), invoice.due_date, on, reductions=[(dt.date(2026, 5, 4), D("300.00"))])
    assert item.penalty == expected and item.days_overdue == expected.days_late
    assert item.amount_due == D("900.00") and proposal.customer == books["martin"]
