"""Customer analysis on a small dataset over two fiscal years, every figure computed by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest

from pilote.ledger import services as ledger
from pilote.receivables import analysis

from .conftest import credit

ON = dt.date(2026, 11, 2)


@pytest.fixture
def sales_history(books, issue, pay):
    ledger.open_fiscal_year(actor=None, start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    martin, durand, lea = books["martin"], books["durand"], books["lea"]
    issue(martin, dt.date(2025, 11, 10), "1000")  # the previous 12 months
    dec = issue(durand, dt.date(2025, 12, 5), "400", reference="ART-2", description="Maintenance")
    jan = issue(martin, dt.date(2026, 1, 15), "2000")
    feb = issue(martin, dt.date(2026, 2, 15), "3000")
    credit(books, feb, dt.date(2026, 3, 10), quantity="0.1")  # − 300 HT / − 360 TTC
    issue(lea, dt.date(2026, 10, 20), "100")
    pay(martin, dt.date(2026, 2, 14), "2400", invoice=jan)  # 30 days after the invoice
    pay(durand, dt.date(2026, 1, 14), "480", invoice=dec)  # 40 days
    return books


def test_revenue_by_month_customer_and_product(sales_history):
    result = analysis.customer_analysis(ON)
    assert (result.period.start, result.period.end) == (dt.date(2025, 12, 1), ON)
    months = {row["label"]: (row["revenue"], row["previous"], row["change"]) for row in result.months}
    assert len(result.months) == 12 and result.months[0]["label"] == "déc. 25"
    assert months["déc. 25"] == (D("400.00"), D("0.00"), None)
    assert months["janv. 26"] == (D("2000.00"), D("0.00"), None)
    assert months["mars 26"] == (D("-300.00"), D("0.00"), None)  # the credit note, in its own month
    assert months["nov. 26"] == (D("0.00"), D("1000.00"), D("-100.0"))  # November 2025 a year before
    assert sum(row["revenue"] for row in result.months) == D("5200.00")
    assert [(r.customer.name, r.revenue, r.share, r.abc) for r in result.customers] == [
        ("Boulangerie Martin", D("4700.00"), D("90.4"), "A"),  # 2000 + 3000 − 300
        ("Garage Durand", D("400.00"), D("7.7"), "B"),  # 90.4 % before it
        ("Léa Petit", D("100.00"), D("1.9"), "C"),  # 98.1 % before it
    ]
    assert (result.total, result.previous_total, result.change) == (D("5200.00"), D("1000.00"), D("420.0"))
    assert result.products == [
        {"reference": "ART-1", "label": "Prestation", "revenue": D("4800.00")},
        {"reference": "ART-2", "label": "Maintenance", "revenue": D("400.00")},
    ]
    assert result.abc_counts == {"A": 1, "B": 1, "C": 1}


def test_rfm_delays_dso_and_churn(sales_history):
    result = analysis.customer_analysis(ON)
    by_name = {row.customer.name: row for row in result.customers}
    rfm = {
        name: (row.rfm.recency_days, row.rfm.r, row.rfm.f, row.rfm.m, row.rfm.segment) for name, row in by_name.items()
    }
    assert rfm == {
        "Boulangerie Martin": (260, 2, 4, 4, "À risque"),  # 3 invoices, none since 15/02
        "Garage Durand": (332, 1, 1, 2, "Perdus"),
        "Léa Petit": (13, 4, 1, 1, "Nouveaux"),
    }
    assert (by_name["Boulangerie Martin"].delay, by_name["Garage Durand"].delay, by_name["Léa Petit"].delay) == (
        D("30.0"),
        D("40.0"),
        None,
    )
    # (2 400 × 30 + 480 × 40) / 2 880 = 31.67 days
    assert result.weighted_delay == D("31.7")
    # owed: 1 200 (Nov. 2025) + 3 600 − 360 + 120 = 4 560; revenue incl. VAT since 03/11/2025: 1 200 + 480 +
    # 2 400 + 3 600 − 360 + 120 = 7 440; 4 560 / 7 440 × 365 = 223.7 days
    assert (result.receivables, result.revenue_incl_vat, result.dso) == (D("4560.00"), D("7440.00"), D("223.7"))
    # Martin: gaps 66 and 31 days → usual 49, silent for 260 days
    assert [(row.customer.name, row.risk.reason) for row in result.at_risk] == [
        ("Boulangerie Martin", "Aucune facture depuis 260 jours, pour un rythme habituel de 49 jours")
    ]
