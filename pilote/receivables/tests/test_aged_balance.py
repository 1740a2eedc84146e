"""Aged receivables by customer (buckets on the due date, boundaries included) and the customer statement."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pilote.receivables import queries

from .conftest import credit

ON = dt.date(2026, 6, 30)


@pytest.fixture
def ledger_of_june(books, issue, pay):
    martin, durand, lea = books["martin"], books["durand"], books["lea"]
    issue(martin, dt.date(2026, 1, 10), "100")  # 120 due 09/02: 141 days → > 90
    issue(martin, dt.date(2026, 3, 20), "200")  # 240 due 19/04: 72 days → 61–90
    issue(martin, dt.date(2026, 4, 1), "10", term="reception")  # 12 due 01/04: exactly 90 days → 61–90
    april = issue(martin, dt.date(2026, 4, 20), "300")  # 360 due 20/05: 41 days → 31–60
    may = issue(durand, dt.date(2026, 5, 31), "400")  # 480 due 30/06 … not due on 30/06
    issue(durand, dt.date(2026, 5, 31), "50")  # 60 due 30/06 → not due (due today)
    issue(durand, dt.date(2026, 6, 1), "500")  # 600 due 01/07: not due
    paid = issue(lea, dt.date(2026, 6, 15), "50")
    pay(martin, dt.date(2026, 5, 5), "60", invoice=april)
    pay(lea, dt.date(2026, 6, 20), "60", invoice=paid)
    credit(books, may, dt.date(2026, 6, 20), quantity="0.5")  # − 240
    return books


def _rows(data=None):
    rows = queries.aged_balances(ON, data or {}).order_by("customer__name")
    return {r["customer__name"]: tuple(r[k] for k, _ in queries.BUCKETS) + (r["total"],) for r in rows}


def test_buckets_by_age_of_due_date(ledger_of_june, issue):
    assert _rows() == {
        "Boulangerie Martin": (D("0.00"), D("0.00"), D("300.00"), D("252.00"), D("120.00"), D("672.00")),
        "Garage Durand": (D("900.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("900.00")),
    }
    assert queries.aged_totals(ON, {}) == {
        "not_due": D("900.00"),
        "d30": D("0.00"),
        "d60": D("300.00"),
        "d90": D("252.00"),
        "over90": D("120.00"),
        "total": D("1572.00"),
    }
    assert queries.aged_totals(ON, {"late_only": True})["total"] == D("672.00")
    assert list(_rows({"q": "garage"})) == ["Garage Durand"]


def test_bucket_boundaries_30_and_31_days(books, issue):
    issue(books["martin"], dt.date(2026, 5, 30), "10", term="reception")  # 31 days → 31–60
    issue(books["martin"], dt.date(2026, 5, 31), "20", term="reception")  # 30 days → 1–30
    issue(books["martin"], dt.date(2026, 6, 29), "40", term="reception")  # 1 day → 1–30
    assert _rows()["Boulangerie Martin"] == (D("0.00"), D("72.00"), D("12.00"), D("0.00"), D("0.00"), D("84.00"))


def test_statement_running_balance(ledger_of_june):
    statement = queries.statement(ledger_of_june["martin"], dt.date(2026, 3, 1), ON)
    assert statement.opening == D("120.00")
    assert [(r.date, r.label, r.debit, r.credit, r.balance) for r in statement.rows] == [
        (dt.date(2026, 3, 20), "Facture", D("240.00"), D("0.00"), D("360.00")),
        (dt.date(2026, 4, 1), "Facture", D("12.00"), D("0.00"), D("372.00")),
        (dt.date(2026, 4, 20), "Facture", D("360.00"), D("0.00"), D("732.00")),
        (dt.date(2026, 5, 5), "Règlement (virement)", D("0.00"), D("60.00"), D("672.00")),
    ]
    assert statement.closing == D("672.00")
    durand = queries.statement(ledger_of_june["durand"], dt.date(2026, 1, 1), ON)
    assert [(r.label, r.balance) for r in durand.rows] == [
        ("Facture", D("480.00")),
        ("Facture", D("540.00")),
        ("Facture", D("1140.00")),
        ("Avoir", D("900.00")),
    ]


def test_pages_and_exports(ledger_of_june, client_as, settings):
    client = client_as("comptable")
    page = client.get(reverse("receivables:aged"))
    assert page.status_code == 200 and "Boulangerie Martin" in page.content.decode()
    export = client.get(reverse("receivables:aged"), {"export": "xlsx"})
    sheet = load_workbook(filename=__import__("io").BytesIO(export.getvalue())).active
    rows = list(sheet.values)
    assert rows[0][0] == "Client" and rows[0][-1] == "Total dû"
    assert sorted((r[0], r[-1]) for r in rows[1:]) == [("Boulangerie Martin", 672), ("Garage Durand", 900)]
    martin = ledger_of_june["martin"]
    account = client.get(
        reverse("receivables:customer", args=[martin.pk]), {"start": "2026-03-01", "end": "2026-06-30"}
    )
    assert account.status_code == 200 and "Relevé de compte" in account.content.decode()
    pdf = client.get(reverse("receivables:statement", args=[martin.pk]), {"start": "2026-03-01", "end": "2026-06-30"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_latest_lines_are_the_tail_of_the_whole_statement(ledger_of_june, issue, pay):
    """The customer's page reads only the statement's latest lines (`last`): whatever the cut — inside a day
    holding an invoice, a credit note and payments — they are the whole statement's last lines with the same
    running balances, and the totals and closing balance are the whole period's."""
    martin, durand = ledger_of_june["martin"], ledger_of_june["durand"]
    day = dt.date(2026, 6, 20)
    pay(martin, day, "30")
    issue(martin, day, "10")
    pay(martin, day, "5")
    issue(martin, day, "20")
    for customer, start in ((martin, dt.date(2026, 3, 1)), (durand, dt.date(2026, 1, 1))):
        whole = queries.statement(customer, start, ON)
        assert whole.hidden == 0
        for last in range(len(whole.rows) + 2):
            tail = queries.statement(customer, start, ON, last=last)
            assert tail.rows == (whole.rows[-last:] if last else []), last
            assert tail.hidden == len(whole.rows) - len(tail.rows)
            assert (tail.opening, tail.total_debit, tail.total_credit, tail.closing) == (
                whole.opening, whole.total_debit, whole.total_credit, whole.closing)  # fmt: skip
    assert [(r.label, r.balance) for r in queries.statement(martin, day, ON).rows] == [
        ("Facture", D("684.00")),  # 672 before the day; what is owed first, then what settles it
        ("Facture", D("708.00")),
        ("Règlement (virement)", D("678.00")),
        ("Règlement (virement)", D("673.00")),
    ]
