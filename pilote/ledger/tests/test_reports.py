"""Reports: auxiliary trial balance, journal, aged balance, general-ledger export, PDF exports."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse

from pilote.ledger import queries, services
from pilote.ledger.tests.conftest import sale

L = services.LineInput


def test_auxiliary_trial_balance(books):
    sale(books)
    sale(books, amount="50.00", vat="10.00")
    rows = queries.trial_balance(books["year"], auxiliary=True)
    assert [(r.code, r.label, r.closing_debit) for r in rows] == [("C000001", "Client A", Decimal("180.00"))]


def test_aged_balance_buckets(books):
    sale(books, day=dt.date(2026, 1, 10))  # due 09/02 → 79 days late on 29/04
    sale(books, amount="50.00", vat="10.00", day=dt.date(2026, 4, 20))  # due 20/05: not yet due
    rows = queries.aged_balance("411", dt.date(2026, 4, 29))
    assert len(rows) == 1
    assert rows[0].buckets == [Decimal("60.00"), 0, 0, Decimal("120.00"), 0] and rows[0].total == Decimal("180.00")
    assert rows[0].auxiliary_id == books["customer"].pk  # the page links each row to its lettering


def test_aged_balance_page_links_to_the_account(books, client_as):
    sale(books, day=dt.date(2026, 1, 10))
    page = client_as("comptable").get(reverse("ledger:aged-balance"), {"au": "2026-04-29"}).content.decode()
    assert reverse("ledger:lettering", args=[books["customer"].pk]) in page


def test_journal_report_and_its_exports(client_as, books):
    sale(books)
    sale(books, amount="50.00", vat="10.00")
    client = client_as("auditeur")
    params = {"journal": books["j"]["VT"].pk, "du": "2026-01-01", "au": "2026-12-31"}
    page = client.get(reverse("ledger:journal-report"), params)
    assert page.context["totals"] == {"d": Decimal("180.00"), "c": Decimal("180.00")}
    pdf = client.get(reverse("ledger:journal-report"), {**params, "export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_general_ledger_export_has_running_balances(client_as, books):
    for day in (dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
        sale(books, day=day)
    response = client_as("comptable").get(reverse("ledger:general-ledger-export"), {"compte": "707", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Solde" and [r[-1] for r in rows[1:]] == ["-100,00", "-200,00"]


def test_trial_balance_pdf(client_as, books):
    sale(books)
    response = client_as("comptable").get(reverse("ledger:trial-balance"), {"export": "pdf", "type": "auxiliaire"})
    assert response.content.startswith(b"%PDF") and "balance-2026-" in response["Content-Disposition"]
